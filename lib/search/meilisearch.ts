/**
 * The Meilisearch engine, for archives that outgrow one machine. Same
 * contract as the embedded engine (tests/contract/search.contract.ts).
 *
 * - Settings are declared here (meiliSettings) and applied idempotently:
 *   ensureSettings() compares them with the server's and only updates what
 *   differs, waiting for the task so no query runs on half-applied settings.
 * - Writes wait for their task by default, so a record published by the
 *   studio is findable when the next page renders.
 * - Text is sent twice: as written (Meilisearch folds most diacritics
 *   itself and ranks exact spellings higher) and folded by us (so đ = d
 *   holds whatever the tokenizer does with đ).
 * - Access and facet filters are built from fixed attribute names and
 *   quoted values, never by pasting user input into the filter language.
 * - Typos and synonyms follow the embedded engine: one typo from 4 letters,
 *   two from 9 (text.ts TYPOS), the synonym groups of synonyms.ts; exact
 *   matches rank above typo matches (the `typo` ranking rule). "Did you
 *   mean" comes from the words the returned hits matched (their highlights),
 *   so it only ever holds words of records the viewer may see.
 * - The catalog read (`list`) answers from the same index: each document
 *   carries the record's public copy as a JSON string (`record`: displayed,
 *   never searchable), its publication and head-version times as numbers
 *   (`published_ms`, `modified_ms`: sortable, and the latter filterable for
 *   OAI-PMH ranges). Cursors are lib/search/cursor.ts's, shared with the
 *   embedded engine.
 */
import { Meilisearch, MeilisearchApiError, type Index, type Settings } from 'meilisearch';
import { isStaffViewer, maySeeRecord, viewerAccessTokens } from '../access/policy';
import type { HeritageRecord } from '../records/schema';
import { correctionFromMatches } from './correct';
import { decodeCursor, nextCursor, timeMs, type ListCursor } from './cursor';
import { buildSynonymTable, type SynonymTable } from './query';
import { fold, TYPOS, wordSpans } from './text';
import {
  FACETS,
  MAX_LIST_SIZE,
  MAX_PAGE_SIZE,
  STAFF_ONLY_FACETS,
  TEXT_FIELDS,
  TOMBSTONE_TOKEN,
  type Facet,
  type FacetCount,
  type IndexStats,
  type ListEntry,
  type ListPage,
  type ListQuery,
  type SearchDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type Segment,
  type SuggestQuery,
  type Suggestion,
} from './types';

/** Private-use characters as highlight tags: they cannot occur in archive text, so splitting on them is exact and HTML-safe. */
const PRE = '\uE000';
const POST = '\uE001';

/** What is stored per record in Meilisearch. */
export interface MeiliDocument {
  id: string;
  slug: string;
  title_vi: string;
  title_en?: string;
  /** Text fields as written, and folded (`<field>_f`). */
  [field: string]: unknown;
  access: string[];
  _geo?: { lat: number; lng: number };
  date?: string;
  /** YYYYMMDD, for sorting by date. */
  date_num?: number;
  title_sort: string;
  /** First publication and head version, ms since the epoch; left out when unknown (Meilisearch sorts a missing value last, both ways). */
  published_ms?: number;
  modified_ms?: number;
  /** The record as the public may read it, as JSON (what lists render); displayed, never searched. */
  record?: string;
}

export function toMeiliDocument(doc: SearchDocument): MeiliDocument {
  const out: MeiliDocument = {
    id: doc.id,
    slug: doc.slug,
    title_vi: doc.title.vi,
    ...(doc.title.en ? { title_en: doc.title.en } : {}),
    access: doc.access,
    title_sort: doc.titleSort,
    ...(doc.geo ? { _geo: { lat: doc.geo.lat, lng: doc.geo.lon } } : {}),
    ...(doc.date ? { date: doc.date, date_num: Number(doc.date.replace(/-/g, '').padEnd(8, '0')) } : {}),
    ...(Number.isFinite(timeMs(doc.publishedAt)) ? { published_ms: timeMs(doc.publishedAt) } : {}),
    ...(Number.isFinite(timeMs(doc.modified)) ? { modified_ms: timeMs(doc.modified) } : {}),
    ...(doc.record ? { record: JSON.stringify(doc.record) } : {}),
  };
  for (const field of TEXT_FIELDS) {
    out[field] = doc.text[field];
    out[`${field}_f`] = doc.text[field].map(fold);
  }
  for (const facet of FACETS) out[facet] = doc.facets[facet];
  return out;
}

/** Facet values counted per facet, and records a query can reach (totals and deep pages): see meiliSettings. */
export const MAX_FACET_VALUES = 10_000;
export const MAX_TOTAL_HITS = 1_000_000;

/** The index settings, declared in code. */
export function meiliSettings(synonyms: string[][]): Settings {
  const map: Record<string, string[]> = {};
  for (const group of synonyms) {
    const forms = [...new Set(group.flatMap((n) => [n.toLowerCase(), fold(n)]))];
    for (const form of forms) map[form] = forms.filter((f) => f !== form);
  }
  return {
    // Attribute order is the field weight: title over subjects and place over description over transcripts and full text.
    // Only these are searched: `record` (the JSON lists render from) and the sort keys are stored and displayed, never matched.
    searchableAttributes: TEXT_FIELDS.flatMap((f) => [f, `${f}_f`]),
    // id: a harvest's datestamp cursor excludes the records it already delivered; modified_ms: OAI-PMH's from/until.
    filterableAttributes: [...FACETS, 'access', '_geo', 'id', 'modified_ms'],
    sortableAttributes: ['date_num', 'title_sort', '_geo', 'published_ms', 'modified_ms'],
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
    typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: TYPOS.one, twoTypos: TYPOS.two } },
    synonyms: map,
    // Every value of a facet is counted: the map's points are the place facet (one value per distinct place).
    faceting: { maxValuesPerFacet: MAX_FACET_VALUES },
    // Lists page to the end of the catalog (sitemap files, harvests): totals and deep pages up to this many records.
    pagination: { maxTotalHits: MAX_TOTAL_HITS },
  };
}

/** A filter value as a Meilisearch string literal. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The filter for a query: access always (the viewer's tokens, plus `extraTokens`), then facets (OR within, AND across), then geo. */
export function buildFilter(query: Pick<SearchQuery, 'viewer' | 'filters' | 'geo'>, extraTokens: string[] = []): string {
  const clauses = [`access IN [${[...viewerAccessTokens(query.viewer), ...extraTokens].map(quoteFilterValue).join(', ')}]`];
  for (const facet of FACETS) {
    const values = query.filters?.[facet];
    if (values && values.length) clauses.push(`${facet} IN [${values.map(quoteFilterValue).join(', ')}]`);
  }
  if (query.geo) {
    const { lat, lon, km } = query.geo;
    if (![lat, lon, km].every(Number.isFinite)) throw new Error('geo filter needs finite lat, lon and km');
    clauses.push(`_geoRadius(${lat}, ${lon}, ${Math.round(km * 1000)})`);
  }
  return clauses.join(' AND ');
}

/** A list's order as Meilisearch sort rules; ties broken as the embedded engine breaks them (date, newest first, undated last; then title). */
export function listSort(sort: NonNullable<ListQuery['sort']>): string[] {
  const newest = ['date_num:desc', 'title_sort:asc'];
  switch (sort) {
    case 'published-desc':
      return ['published_ms:desc', ...newest];
    case 'modified-desc':
      return ['modified_ms:desc', ...newest];
    case 'modified-asc':
      return ['modified_ms:asc', ...newest];
    case 'title':
      return ['title_sort:asc'];
    case 'date-desc':
      return newest;
    case 'date-asc':
      return ['date_num:asc', 'title_sort:asc'];
  }
}

/** A time as a filter operand: whole milliseconds, so a number is never printed in exponent form. */
function msOperand(ms: number): string {
  return Math.trunc(ms).toFixed(0);
}

/**
 * The filter of a list: the query's (access, facets, geo), tombstones for harvesters, the head-version range
 * (inclusive), and after a datestamp cursor, only what is at or after its datestamp and not already delivered there.
 */
export function buildListFilter(query: ListQuery, cursor?: ListCursor): string {
  const clauses = [buildFilter(query, query.tombstones ? [TOMBSTONE_TOKEN] : [])];
  let from = timeMs(query.modified?.from);
  const until = timeMs(query.modified?.until);
  if (cursor?.kind === 'datestamp') {
    from = Number.isFinite(from) ? Math.max(from, cursor.after) : cursor.after;
    // Those delivered at the cursor's datestamp, only there: one changed since has a later datestamp and comes again.
    if (cursor.seen.length) clauses.push(`(modified_ms > ${msOperand(cursor.after)} OR id NOT IN [${cursor.seen.map(quoteFilterValue).join(', ')}])`);
  }
  if (Number.isFinite(from)) clauses.push(`modified_ms >= ${msOperand(from)}`);
  if (Number.isFinite(until)) clauses.push(`modified_ms <= ${msOperand(until)}`);
  return clauses.join(' AND ');
}

/** Facet counts as the contract gives them: most frequent first, then by value. */
function facetCountsOf(facets: Facet[], distribution: Record<string, Record<string, number>> | undefined): Partial<Record<Facet, FacetCount[]>> {
  const out: Partial<Record<Facet, FacetCount[]>> = {};
  for (const facet of facets) {
    const dist = distribution?.[facet] ?? {};
    out[facet] = Object.entries(dist)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return out;
}

function segments(formatted: string): Segment[] {
  const out: Segment[] = [];
  for (const part of formatted.split(PRE)) {
    const close = part.indexOf(POST);
    if (close >= 0) {
      if (close > 0) out.push({ text: part.slice(0, close), hit: true });
      if (close + 1 < part.length) out.push({ text: part.slice(close + 1), hit: false });
    } else if (part) out.push({ text: part, hit: false });
  }
  return out;
}

/**
 * The words Meilisearch marked as matches in a hit's formatted fields
 * (strings or lists of strings), each whole: a prefix match marks only the
 * typed part ("<em>buff</em>alo"), and a correction needs the word.
 */
export function highlightedWords(formatted: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const value of Object.values(formatted ?? {})) {
    for (const text of Array.isArray(value) ? value : [value]) {
      if (typeof text !== 'string' || !text.includes(PRE)) continue;
      let clean = '';
      const marked: [number, number][] = [];
      for (const [i, part] of text.split(PRE).entries()) {
        const close = i === 0 ? -1 : part.indexOf(POST);
        if (close >= 0) marked.push([clean.length, clean.length + close]);
        clean += part.replace(POST, '');
      }
      for (const span of wordSpans(clean)) if (marked.some(([from, to]) => from < span.end && to > span.start)) out.push(span.word);
    }
  }
  return out;
}

export interface MeilisearchOptions {
  host: string;
  apiKey?: string;
  index: string;
  synonyms: string[][];
  /** Wait for write tasks before returning (default true). */
  waitForWrites?: boolean;
}

export class MeilisearchIndex implements SearchIndex {
  readonly engine = 'meilisearch' as const;
  private readonly client: Meilisearch;
  private readonly index: Index<MeiliDocument>;
  private readonly synonyms: SynonymTable;

  constructor(private readonly options: MeilisearchOptions) {
    this.client = new Meilisearch({ host: options.host, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
    this.index = this.client.index<MeiliDocument>(options.index);
    this.synonyms = buildSynonymTable(options.synonyms);
  }

  /** Creates the index if needed and applies the declared settings where they differ. Safe to call on every start. */
  async ensureSettings(): Promise<void> {
    try {
      await this.client.getIndex(this.options.index);
    } catch (error) {
      if (!(error instanceof MeilisearchApiError) || error.cause?.code !== 'index_not_found') throw error;
      await this.client.createIndex(this.options.index, { primaryKey: 'id' }).waitTask();
    }
    const wanted = meiliSettings(this.options.synonyms);
    const current = (await this.index.getSettings()) as Record<string, unknown>;
    const changed: Settings = {};
    for (const [key, value] of Object.entries(wanted) as [keyof Settings, unknown][]) {
      if (!sameSetting(key, current[key], value)) (changed as Record<string, unknown>)[key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    const task = await this.index.updateSettings(changed).waitTask();
    if (task.status !== 'succeeded') throw new Error(`Meilisearch settings update ${task.status}: ${task.error?.message ?? ''}`);
  }

  private async write(promise: ReturnType<Index['addDocuments']>): Promise<void> {
    if (this.options.waitForWrites === false) {
      await promise;
      return;
    }
    const task = await promise.waitTask({ timeout: 60_000 });
    if (task.status !== 'succeeded') throw new Error(`Meilisearch task ${task.uid} ${task.status}: ${task.error?.message ?? ''}`);
  }

  async upsert(docs: SearchDocument[]): Promise<void> {
    if (docs.length) await this.write(this.index.addDocuments(docs.map(toMeiliDocument), { primaryKey: 'id' }));
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length) await this.write(this.index.deleteDocuments(ids));
  }

  async clear(): Promise<void> {
    await this.write(this.index.deleteAllDocuments());
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const pageSize = Math.min(Math.max(query.pageSize ?? 20, 0), MAX_PAGE_SIZE);
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const staff = isStaffViewer(query.viewer);
    const facets = (query.facets ?? []).filter((f) => staff || !STAFF_ONLY_FACETS.includes(f));
    const text = query.q?.trim() ?? '';
    const sort = query.sort ?? (text ? 'relevance' : 'date-desc');
    const locale = query.locale ?? 'vi';
    const titleAttr = locale === 'en' ? 'title_en' : 'title_vi';
    const response = await this.index.search(text, {
      filter: buildFilter(query),
      facets,
      page,
      hitsPerPage: pageSize,
      ...(sort === 'relevance' ? {} : { sort: [sort === 'title' ? 'title_sort:asc' : `date_num:${sort === 'date-asc' ? 'asc' : 'desc'}`] }),
      attributesToRetrieve: ['id', 'slug', 'title_vi', 'title_en', 'date', 'type'],
      // Titles, subjects and places are short; the long fields are highlighted inside their crops only.
      attributesToHighlight: ['title_vi', 'title_en', 'subjects', 'place', 'description', 'transcript', 'fulltext'],
      attributesToCrop: ['description', 'transcript', 'fulltext'],
      cropLength: 24,
      highlightPreTag: PRE,
      highlightPostTag: POST,
      matchingStrategy: 'all',
    });
    const hits: SearchHit[] = response.hits.map((hit) => {
      const f = (hit._formatted ?? {}) as Record<string, unknown>;
      const firstMatching = (field: string): string | undefined => {
        const values = f[field];
        const list = Array.isArray(values) ? (values as string[]) : typeof values === 'string' ? [values] : [];
        return list.find((v) => v.includes(PRE)) ?? undefined;
      };
      const passage = firstMatching('description') ?? firstMatching('transcript') ?? firstMatching('fulltext') ?? '';
      const title = (f[titleAttr] as string | undefined) ?? (f.title_vi as string | undefined) ?? hit.title_vi;
      return {
        id: hit.id,
        slug: hit.slug,
        type: (hit.type as string[] | undefined)?.[0] as SearchHit['type'],
        title: { vi: hit.title_vi, ...(hit.title_en ? { en: hit.title_en } : {}) },
        ...(hit.date ? { date: hit.date } : {}),
        titleHighlight: segments(title),
        snippet: segments(passage),
      };
    });
    const facetCounts = facetCountsOf(facets, response.facetDistribution);
    // From the hits' own highlighted words: the hits are filtered by access, so the words are the viewer's to see.
    const didYouMean = text ? correctionFromMatches(text, response.hits.map((hit) => highlightedWords(hit._formatted)), this.synonyms) : undefined;
    return { hits, total: response.totalHits ?? 0, page, pageSize, facets: facetCounts, ...(didYouMean ? { didYouMean } : {}), tookMs: performance.now() - started };
  }

  /**
   * The catalog read. Totals and facet counts come from a query in Meilisearch's page mode (page/hitsPerPage), the
   * one whose totalHits and facetDistribution are exhaustive (offset/limit gives only an estimatedTotalHits). A
   * position cursor's offset is a whole number of pages while the caller keeps its page size, so one request
   * answers; when the size changed mid-walk, the entries come by offset/limit and the counts from a second query
   * in the same multi-search request.
   */
  async list(query: ListQuery): Promise<ListPage> {
    const limit = Math.min(Math.max(Math.floor(query.limit ?? 20), 0), MAX_LIST_SIZE);
    const sort = query.sort ?? 'published-desc';
    const cursor = decodeCursor(query);
    const staff = isStaffViewer(query.viewer);
    const facets = (query.facets ?? []).filter((f) => staff || !STAFF_ONLY_FACETS.includes(f));
    const offset = cursor?.kind === 'position' ? cursor.offset : 0;
    const params = {
      filter: buildListFilter(query, cursor),
      sort: listSort(sort),
      matchingStrategy: 'all' as const,
      attributesToRetrieve: ['id', 'record', 'modified_ms'],
    };
    const text = query.q?.trim() ?? '';
    let hits: MeiliDocument[];
    let matched: number;
    let distribution: Record<string, Record<string, number>> | undefined;
    if (limit === 0 || offset % limit === 0) {
      const response = await this.index.search(text, { ...params, facets, page: limit === 0 ? 1 : offset / limit + 1, hitsPerPage: limit });
      hits = response.hits;
      matched = response.totalHits ?? 0;
      distribution = response.facetDistribution;
    } else {
      const { results } = await this.client.multiSearch({
        queries: [
          { indexUid: this.options.index, q: text, ...params, offset, limit },
          { indexUid: this.options.index, q: text, ...params, attributesToRetrieve: ['id'], facets, page: 1, hitsPerPage: 0 },
        ],
      });
      hits = (results[0]?.hits ?? []) as MeiliDocument[];
      matched = results[1]?.totalHits ?? 0;
      distribution = results[1]?.facetDistribution;
    }
    const entries: ListEntry[] = [];
    const delivered: { id: string; modifiedMs: number }[] = [];
    for (const hit of hits) {
      const modifiedMs = typeof hit.modified_ms === 'number' ? hit.modified_ms : Number.NaN;
      // Every hit moves the cursor on, even one indexed before records were kept (no `record`: `npm run reindex`).
      delivered.push({ id: hit.id, modifiedMs: Number.isFinite(modifiedMs) ? modifiedMs : 0 });
      if (typeof hit.record !== 'string') continue;
      const record = JSON.parse(hit.record) as HeritageRecord;
      entries.push({
        id: hit.id,
        record,
        ...(Number.isFinite(modifiedMs) ? { modified: new Date(modifiedMs).toISOString() } : {}),
        deleted: !!query.tombstones && !maySeeRecord(query.viewer, record),
      });
    }
    // By datestamp the query matches only what is left after the cursor: the whole is what came before plus that.
    const byDatestamp = cursor?.kind === 'datestamp';
    const more = byDatestamp ? matched > hits.length : matched > offset + hits.length;
    const next = nextCursor(query, cursor, delivered, more);
    return {
      entries,
      total: (byDatestamp ? cursor.delivered : 0) + matched,
      facets: facetCountsOf(facets, distribution),
      ...(next ? { next } : {}),
    };
  }

  async count(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo'>): Promise<number> {
    const response = await this.index.search(query.q?.trim() ?? '', { filter: buildFilter(query), page: 1, hitsPerPage: 0, matchingStrategy: 'all' });
    return response.totalHits ?? 0;
  }

  async suggest(query: SuggestQuery): Promise<Suggestion[]> {
    if (!query.q.trim()) return [];
    const response = await this.index.search(query.q, {
      filter: buildFilter({ viewer: query.viewer }),
      limit: Math.min(Math.max(query.limit ?? 5, 1), 20),
      attributesToSearchOn: ['title', 'title_f', 'subjects', 'subjects_f'],
      attributesToRetrieve: ['id', 'title_vi', 'title_en'],
      matchingStrategy: 'all',
    });
    return response.hits.map((h) => ({ text: query.locale === 'en' ? (h.title_en ?? h.title_vi) : h.title_vi, id: h.id }));
  }

  async stats(): Promise<IndexStats> {
    const stats = await this.index.getStats();
    return { engine: 'meilisearch', documents: stats.numberOfDocuments, bytes: stats.indexSize, location: `${this.options.host} index ${this.options.index}` };
  }

  async close(): Promise<void> {
    // The HTTP client holds no connection to close.
  }

  /**
   * Rebuilds into a fresh index and swaps it with the live one atomically
   * (Meilisearch's index swap), so search answers from the old index until
   * the new one is complete. `fill` upserts the documents into the builder.
   */
  static async rebuild(options: MeilisearchOptions, fill: (builder: MeilisearchIndex) => Promise<void>): Promise<void> {
    const live = new MeilisearchIndex(options);
    await live.ensureSettings();
    const tmpUid = `${options.index}-rebuild-${Date.now()}`;
    // Writes to the builder are not awaited one by one; the swap waits for them (tasks run in order).
    const builder = new MeilisearchIndex({ ...options, index: tmpUid, waitForWrites: false });
    try {
      await builder.ensureSettings();
      await fill(builder);
      const swap = await live.client.swapIndexes([{ indexes: [options.index, tmpUid], rename: false }]).waitTask({ timeout: 600_000 });
      if (swap.status !== 'succeeded') throw new Error(`Meilisearch index swap ${swap.status}: ${swap.error?.message ?? ''}`);
    } finally {
      // After the swap, tmpUid holds the old documents; before it, the unfinished build. Either way it goes.
      await live.client.deleteIndexIfExists(tmpUid);
    }
  }
}

/** Lists whose order carries no meaning (everything except searchable attributes and ranking rules, where order is weight). */
const ORDERED = new Set(['searchableAttributes', 'rankingRules']);

/**
 * Whether the server's setting already is what we declare. Objects are
 * compared on the keys we declare (the server adds defaults such as
 * disableOnWords), except synonyms, which must match exactly.
 */
export function sameSetting(key: string, current: unknown, wanted: unknown): boolean {
  if (key === 'synonyms') return JSON.stringify(canonical(current, false)) === JSON.stringify(canonical(wanted, false));
  return covers(current, wanted, !ORDERED.has(key));
}

function covers(current: unknown, wanted: unknown, unordered: boolean): boolean {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(current) || current.length !== wanted.length) return false;
    const [a, b] = unordered ? [[...current].map(String).sort(), [...wanted].map(String).sort()] : [current, wanted];
    return a.every((v, i) => JSON.stringify(v) === JSON.stringify(b[i]));
  }
  if (wanted && typeof wanted === 'object') {
    if (!current || typeof current !== 'object') return false;
    return Object.entries(wanted).every(([k, v]) => covers((current as Record<string, unknown>)[k], v, unordered));
  }
  return current === wanted;
}

function canonical(value: unknown, keepOrder: boolean): unknown {
  if (Array.isArray(value)) return keepOrder ? value : [...value].map(String).sort();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v, keepOrder)]),
    );
  }
  return value;
}
