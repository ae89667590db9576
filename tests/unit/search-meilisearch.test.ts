import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { encodeCursor } from '@/lib/search/cursor';
import {
  buildFilter,
  buildListFilter,
  highlightedWords,
  listSort,
  MAX_FACET_VALUES,
  MAX_TOTAL_HITS,
  MeilisearchIndex,
  meiliSettings,
  quoteFilterValue,
  sameSetting,
  toMeiliDocument,
} from '@/lib/search/meilisearch';
import { toSearchDocument } from '@/lib/search/document';
import { BadCursorError, type ListQuery } from '@/lib/search/types';
import { catalogFixture } from '../contract/catalog.contract';
import { demoRecords, demoSynonyms, vocab } from '../contract/search.contract';

/** An adapter whose HTTP calls are replaced: what matters is what is asked and how the answer is read. */
function fakeIndex(answer: (kind: 'search' | 'multi', options: Record<string, unknown>) => unknown) {
  const index = new MeilisearchIndex({ host: 'http://127.0.0.1:1', index: 'records', synonyms: demoSynonyms });
  const asked: { kind: 'search' | 'multi'; options: Record<string, unknown> }[] = [];
  const inner = index as unknown as { index: unknown; client: unknown };
  inner.index = {
    search: async (q: string, options: Record<string, unknown>) => {
      asked.push({ kind: 'search', options: { q, ...options } });
      return answer('search', { q, ...options });
    },
  };
  inner.client = {
    multiSearch: async (body: Record<string, unknown>) => {
      asked.push({ kind: 'multi', options: body });
      return answer('multi', body);
    },
  };
  return { index, asked };
}

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

  it('declares what the catalog lists need: its facets, sorts and datestamps, records kept out of search, deep pages', () => {
    const settings = meiliSettings(demoSynonyms);
    expect(settings.filterableAttributes).toEqual(expect.arrayContaining(['subject', 'element', 'month', 'place', 'documentKind', 'issuer', 'year', 'featured', 'id', 'modified_ms']));
    expect(settings.sortableAttributes).toEqual(expect.arrayContaining(['published_ms', 'modified_ms', 'date_num', 'title_sort']));
    // The record (JSON) is stored and displayed, never matched; neither are the sort keys.
    expect(settings.searchableAttributes).not.toContain('record');
    expect(settings.searchableAttributes).toEqual(['title', 'title_f', 'subjects', 'subjects_f', 'place', 'place_f', 'description', 'description_f', 'transcript', 'transcript_f', 'fulltext', 'fulltext_f']);
    expect(settings.displayedAttributes).toBeUndefined();
    expect(settings.faceting).toEqual({ maxValuesPerFacet: MAX_FACET_VALUES });
    expect(settings.pagination).toEqual({ maxTotalHits: MAX_TOTAL_HITS });
    expect(MAX_FACET_VALUES).toBeGreaterThanOrEqual(10_000);
    expect(MAX_TOTAL_HITS).toBeGreaterThanOrEqual(1_000_000);
  });

  it('stores the public copy of the record, and its publication and head-version times as numbers', () => {
    const { docs, records } = catalogFixture();
    const published = docs.find((d) => d.publishedAt)!;
    const doc = toMeiliDocument(published);
    expect(JSON.parse(doc.record!)).toEqual(published.record);
    expect(doc.published_ms).toBe(Date.parse(published.publishedAt!));
    expect(doc.modified_ms).toBe(Date.parse(published.modified!));
    const unpublished = toMeiliDocument(toSearchDocument(records.find((r) => !r.publishedAt)!, vocab));
    // Left out, not null: Meilisearch sorts a document without the value after all others, in both directions.
    expect('published_ms' in unpublished).toBe(false);
    expect('modified_ms' in unpublished).toBe(false);
    const dance = toMeiliDocument(toSearchDocument(records.find((r) => r.slug === 'mua-tung-tung-da-da-co-tu')!, vocab));
    expect(dance.record).not.toContain('Nghệ nhân trong làng (demo)');
  });

  it('maps list orders to sort rules, unknown times last and ties as the embedded engine breaks them', () => {
    expect(listSort('published-desc')).toEqual(['published_ms:desc', 'date_num:desc', 'title_sort:asc']);
    expect(listSort('modified-asc')).toEqual(['modified_ms:asc', 'date_num:desc', 'title_sort:asc']);
    expect(listSort('modified-desc')).toEqual(['modified_ms:desc', 'date_num:desc', 'title_sort:asc']);
    expect(listSort('title')).toEqual(['title_sort:asc']);
    expect(listSort('date-desc')).toEqual(['date_num:desc', 'title_sort:asc']);
    expect(listSort('date-asc')).toEqual(['date_num:asc', 'title_sort:asc']);
  });

  it('filters a harvest: tombstones, an inclusive range, and after a datestamp cursor what it delivered there', () => {
    const query: ListQuery = { viewer: ANONYMOUS, sort: 'modified-asc', tombstones: true, modified: { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00.000Z' } };
    expect(buildListFilter(query)).toBe('access IN ["public", "tombstone"] AND modified_ms >= 1704067200000 AND modified_ms <= 1706745600000');
    expect(buildListFilter({ viewer: ANONYMOUS })).toBe('access IN ["public"]');
    const after = Date.parse('2024-01-10T00:00:00Z');
    expect(buildListFilter(query, { kind: 'datestamp', after, seen: ['a1', 'b"2'], delivered: 7 })).toBe(
      `access IN ["public", "tombstone"] AND (modified_ms > ${after} OR id NOT IN ["a1", "b\\"2"]) AND modified_ms >= ${after} AND modified_ms <= 1706745600000`,
    );
    // A cursor before the range's start keeps the start.
    expect(buildListFilter({ ...query, modified: { from: '2024-01-20T00:00:00Z' } }, { kind: 'datestamp', after, seen: [], delivered: 0 })).toBe(
      `access IN ["public", "tombstone"] AND modified_ms >= ${Date.parse('2024-01-20T00:00:00Z')}`,
    );
  });

  it('lists a page in page mode (exact totals and facets) and reads entries from the stored records', async () => {
    const { docs, crafted } = catalogFixture();
    const stored = docs.slice(0, 3).map(toMeiliDocument);
    const tombstone = toMeiliDocument(docs.find((d) => d.id === crafted.tombstone.id)!);
    const { index, asked } = fakeIndex(() => ({
      hits: [...stored, tombstone].map(({ id, record, modified_ms }) => ({ id, record, modified_ms })),
      totalHits: 10,
      facetDistribution: { type: { festival: 2, music: 5 }, status: { published: 10 } },
    }));
    const query: ListQuery = { viewer: ANONYMOUS, limit: 4, sort: 'modified-asc', tombstones: true, facets: ['type', 'status'], filters: { month: ['lunar-3'] } };
    const page = await index.list(query);
    expect(asked[0]).toEqual({
      kind: 'search',
      options: {
        q: '',
        filter: 'access IN ["public", "tombstone"] AND month IN ["lunar-3"]',
        sort: ['modified_ms:asc', 'date_num:desc', 'title_sort:asc'],
        matchingStrategy: 'all',
        attributesToRetrieve: ['id', 'record', 'modified_ms'],
        facets: ['type'],
        page: 1,
        hitsPerPage: 4,
      },
    });
    expect(page.total).toBe(10);
    expect(page.facets).toEqual({ type: [{ value: 'music', count: 5 }, { value: 'festival', count: 2 }] });
    expect(page.entries.map((e) => [e.id, e.deleted, e.modified])).toEqual([...stored, tombstone].map((d) => [d.id, d.id === crafted.tombstone.id, new Date(d.modified_ms!).toISOString()]));
    expect(page.entries[0]!.record).toEqual(docs[0]!.record);
    // The next page goes on from the last datestamp, without what was delivered at it.
    await index.list({ ...query, cursor: page.next! });
    const last = tombstone.modified_ms!;
    expect(asked[1]!.options.filter).toBe(`access IN ["public", "tombstone"] AND month IN ["lunar-3"] AND (modified_ms > ${last} OR id NOT IN ["${tombstone.id}"]) AND modified_ms >= ${last}`);
    expect(asked[1]!.options.page).toBe(1);
    await expect(index.list({ ...query, sort: 'modified-desc', cursor: page.next! })).rejects.toBeInstanceOf(BadCursorError);
  });

  it('pages by position: a whole number of pages in one request, a changed page size with a count beside it', async () => {
    const { docs } = catalogFixture();
    const hits = docs.slice(0, 5).map(toMeiliDocument);
    const { index, asked } = fakeIndex((kind, options) =>
      kind === 'search'
        ? { hits: hits.slice(0, options.hitsPerPage as number), totalHits: 12, facetDistribution: {} }
        : { results: [{ hits: hits.slice(0, 3), estimatedTotalHits: 99 }, { hits: [], totalHits: 12, facetDistribution: { type: { music: 12 } } }] },
    );
    const query: ListQuery = { viewer: ANONYMOUS, limit: 5, facets: ['type'] };
    const first = await index.list(query);
    expect(first.next).toBeDefined();
    await index.list({ ...query, cursor: first.next! });
    expect(asked[1]!.options).toMatchObject({ page: 2, hitsPerPage: 5, sort: ['published_ms:desc', 'date_num:desc', 'title_sort:asc'] });
    // The same cursor with 3 a page: entries by offset, counts in page mode, in one multi-search request.
    const third = await index.list({ ...query, limit: 3, cursor: first.next! });
    const multi = asked[2]!.options as { queries: Record<string, unknown>[] };
    expect(asked[2]!.kind).toBe('multi');
    expect(multi.queries[0]).toMatchObject({ indexUid: 'records', offset: 5, limit: 3 });
    expect(multi.queries[0]).not.toHaveProperty('facets');
    expect(multi.queries[1]).toMatchObject({ indexUid: 'records', page: 1, hitsPerPage: 0, facets: ['type'] });
    expect(third.total).toBe(12);
    expect(third.facets).toEqual({ type: [{ value: 'music', count: 12 }] });
    expect(third.entries).toHaveLength(3);
    // 5 + 3 of 12: more follow.
    expect(third.next).toBeDefined();
    // Counts only.
    const counts = await index.list({ ...query, limit: 0 });
    expect(asked[3]!.options).toMatchObject({ page: 1, hitsPerPage: 0 });
    expect(counts.entries).toEqual([]);
    expect(counts.next).toBeUndefined();
    // A cursor for another query is refused before anything is asked.
    const foreign = encodeCursor({ ...query, filters: { type: ['music'] } }, { kind: 'position', offset: 5, delivered: 5 });
    await expect(index.list({ ...query, cursor: foreign })).rejects.toBeInstanceOf(BadCursorError);
    expect(asked).toHaveLength(4);
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
