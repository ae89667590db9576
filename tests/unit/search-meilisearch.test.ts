import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { buildFilter, highlightedWords, MeilisearchIndex, meiliSettings, quoteFilterValue, sameSetting, toMeiliDocument } from '@/lib/search/meilisearch';
import { toSearchDocument } from '@/lib/search/document';
import { demoRecords, demoSynonyms, vocab } from '../contract/search.contract';

describe('Meilisearch adapter (no server needed)', () => {
  it('builds filters from fixed attributes and quoted values', () => {
    expect(quoteFilterValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    const filter = buildFilter({ viewer: ANONYMOUS, filters: { type: ['festival', 'x" OR access = "staff'], ethnicGroup: [] }, geo: { lat: 15.5, lon: 108, km: 2.5 } });
    expect(filter).toBe('access IN ["public"] AND type IN ["festival", "x\\" OR access = \\"staff"] AND _geoRadius(15.5, 108, 2500)');
    expect(() => buildFilter({ viewer: ANONYMOUS, geo: { lat: NaN, lon: 0, km: 1 } })).toThrow();
  });

  it('declares settings with weights, typo budget and two-way synonyms', () => {
    const settings = meiliSettings(demoSynonyms);
    expect(settings.searchableAttributes![0]).toBe('title');
    // One typo from 4 letters, as the embedded engine (Meilisearch's default is 5).
    expect(settings.typoTolerance).toEqual({ enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 9 } });
    expect(settings.synonyms!['katu']).toEqual(expect.arrayContaining(['cơ tu', 'co tu', 'ka tu', 'ca tu']));
    expect(settings.synonyms!['co tu']).toContain('katu');
    // The synonym list beyond community names (synonyms.ts), with and without diacritics.
    expect(settings.synonyms!['nha rong']).toEqual(expect.arrayContaining(['gươl', 'guol', 'nhà làng', 'communal house']));
    expect(settings.synonyms!['brocade']).toEqual(expect.arrayContaining(['thổ cẩm', 'tho cam']));
    expect(settings.synonyms!['gong']).toEqual(expect.arrayContaining(['cồng chiêng', 'chieng']));
    expect(settings.synonyms!['ca dong']).toContain('xơ đăng');
    expect(settings.filterableAttributes).toEqual(expect.arrayContaining(['access', 'ethnicGroup', '_geo']));
  });

  it('applies settings idempotently: a server echo with defaults and another order is "the same"', () => {
    const wanted = meiliSettings(demoSynonyms);
    expect(sameSetting('filterableAttributes', [...(wanted.filterableAttributes as string[])].reverse(), wanted.filterableAttributes)).toBe(true);
    expect(sameSetting('searchableAttributes', [...wanted.searchableAttributes!].reverse(), wanted.searchableAttributes)).toBe(false);
    expect(sameSetting('typoTolerance', { ...wanted.typoTolerance, disableOnWords: [], disableOnAttributes: [] }, wanted.typoTolerance)).toBe(true);
    expect(sameSetting('synonyms', { ...wanted.synonyms, extra: ['x'] }, wanted.synonyms)).toBe(false);
  });

  it('sends text as written and folded, with geo and a sortable date', () => {
    const record = demoRecords().find((r) => r.slug === 'le-hoi-dam-trau-co-tu')!;
    const doc = toMeiliDocument(toSearchDocument(record, vocab));
    expect(doc.title).toContain('Lễ hội đâm trâu của người Cơ Tu');
    expect(doc.title_f).toContain('le hoi dam trau cua nguoi co tu');
    expect(doc._geo).toEqual({ lat: 15.86, lng: 107.48 });
    expect(doc.date_num).toBe(20190000);
    expect(doc.access).toEqual(['public']);
  });

  it('reads whole matched words from highlights (a prefix match marks only part of a word)', () => {
    const formatted = { id: 'x', title_vi: 'Lễ hội \uE000đâm\uE001 \uE000trâ\uE001u', subjects: ['Cơ Tu', '\uE000buff\uE001alo'] };
    expect(highlightedWords(formatted)).toEqual(['đâm', 'trâu', 'buffalo']);
  });

  it('offers "did you mean" from the words the returned hits matched', async () => {
    const index = new MeilisearchIndex({ host: 'http://127.0.0.1:1', index: 'unused', synonyms: demoSynonyms });
    let asked: Record<string, unknown> = {};
    const hits = [1, 2].map((n) => ({ id: `r${n}`, slug: `r${n}`, title_vi: 'Lễ hội đâm trâu', _formatted: { title_vi: 'Lễ hội \uE000đâm\uE001 \uE000trâu\uE001' } }));
    // The HTTP call is replaced: what matters is what is asked and how the answer is read.
    (index as unknown as { index: { search: (q: string, o: Record<string, unknown>) => Promise<unknown> } }).index = {
      search: async (_q, options) => {
        asked = options;
        return { hits, totalHits: 2, facetDistribution: {} };
      },
    };
    const result = await index.search({ q: 'Lễ hội đâm trua', viewer: ANONYMOUS });
    expect(result.didYouMean).toBe('Lễ hội đâm trâu');
    expect(asked.filter).toBe('access IN ["public"]');
    expect(asked.attributesToHighlight).toEqual(expect.arrayContaining(['title_vi', 'title_en', 'subjects']));
    expect((await index.search({ q: 'Lễ hội đâm trâu', viewer: ANONYMOUS })).didYouMean).toBeUndefined();
  });
});
