import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { buildFilter, meiliSettings, quoteFilterValue, sameSetting, toMeiliDocument } from '@/lib/search/meilisearch';
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
    expect(settings.typoTolerance).toEqual({ enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } });
    expect(settings.synonyms!['katu']).toEqual(expect.arrayContaining(['cơ tu', 'co tu', 'ka tu']));
    expect(settings.synonyms!['co tu']).toContain('katu');
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
});
