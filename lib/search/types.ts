/**
 * The search contract: one small interface that the embedded SQLite engine
 * and the Meilisearch engine both implement, and that one contract suite
 * (tests/contract/search.contract.ts) checks on both. Pages, the API and the
 * studio only ever see these types.
 */
import type { Viewer } from '../access/policy';
import type { HeritageRecord, RecordStatus, RecordType } from '../records/schema';
import { ArchiveError } from '../errors';

/**
 * Facets a query can count and filter on. accessLevel and status are shown to staff only. The ones after `status`
 * serve the catalog's lists (see ListQuery): subject and inventory element (related records), calendar month
 * (`lunar-3`, `solar-7`), place (`lat,lon|label`: the map's points), document kind, issuer and year (the library).
 */
export const FACETS = [
  'ethnicGroup',
  'type',
  'district',
  'decade',
  'language',
  'mediaKind',
  'accessLevel',
  'status',
  'subject',
  'element',
  'month',
  'place',
  'documentKind',
  'issuer',
  'year',
  'featured',
] as const;
export type Facet = (typeof FACETS)[number];
export const STAFF_ONLY_FACETS: readonly Facet[] = ['accessLevel', 'status'];

/**
 * Searchable text of a record, by field, highest weight first. Values are
 * the ORIGINAL text (with diacritics): engines fold it themselves, and
 * snippets are cut from it.
 */
export const TEXT_FIELDS = ['title', 'subjects', 'place', 'description', 'transcript', 'fulltext'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Relative weights (title over subjects and place over description over transcripts and full text). */
export const FIELD_WEIGHTS: Record<TextField, number> = {
  title: 10,
  subjects: 5,
  place: 4,
  description: 2,
  transcript: 1,
  fulltext: 0.5,
};

/**
 * The flat projection of a record that engines index: derived entirely from
 * the stored record (and its text media), so it can always be rebuilt.
 */
export interface SearchDocument {
  id: string;
  slug: string;
  type: RecordType;
  status: RecordStatus;
  title: { vi: string; en?: string };
  /** Text by field; each entry is one original string (a title, a paragraph, a transcript). */
  text: Record<TextField, string[]>;
  /** Facet values (vocabulary ids, ISO codes, "1990s"…); a facet left out has none. */
  facets: Partial<Record<Facet, string[]>>;
  /** Tokens from recordAccessTokens(): the record is visible to a viewer holding any of them. */
  access: string[];
  /** One point per record (first place with coordinates, else its district's centre). */
  geo?: { lat: number; lon: number };
  /** Sort key for "date": recordedOn or a document's issue date, as YYYY[-MM[-DD]]. */
  date?: string;
  /** Sort key for "title": the folded, lower-cased Vietnamese title. */
  titleSort: string;
  publishedAt?: string;
  /** When the head version was committed (ISO 8601): the OAI-PMH datestamp and the "recently changed" order. */
  modified?: string;
  /**
   * The record as the public may read it (names of people who did not consent withheld: lib/access/consent.ts),
   * which lists render from without reading storage. Who may see it at all is decided by `access`.
   */
  record?: HeritageRecord;
  /** A withdrawn record harvesters had (published, public): listed to them as deleted. Its access carries TOMBSTONE_TOKEN. */
  tombstone?: boolean;
}

/**
 * The access token of tombstones. No viewer holds it; a list that asks for tombstones (OAI-PMH) adds it to the
 * viewer's tokens, so withdrawn records it once published come back as deleted, and nothing else does.
 */
export const TOMBSTONE_TOKEN = 'tombstone';

export interface GeoRadius {
  lat: number;
  lon: number;
  /** Radius in kilometres. */
  km: number;
}

export const SORT_ORDERS = ['relevance', 'date-desc', 'date-asc', 'title', 'published-desc', 'modified-desc', 'modified-asc'] as const;
/** date: when recorded or issued; published: first publication, newest first (unpublished last); modified: head version. */
export type SortOrder = (typeof SORT_ORDERS)[number];

export interface SearchQuery {
  /** Free text; empty lists everything the viewer may see (browse). */
  q?: string;
  /** Every query carries its viewer: engines exclude what the viewer may not see. */
  viewer: Viewer;
  /** Values within one facet are ORed; different facets are ANDed. */
  filters?: Partial<Record<Facet, string[]>>;
  /** Which facets to count (staff-only ones are dropped for other viewers). */
  facets?: Facet[];
  sort?: SortOrder;
  geo?: GeoRadius;
  /** 1-based page number and page size (max 100). */
  page?: number;
  pageSize?: number;
  /** Preferred language for snippets. */
  locale?: 'vi' | 'en';
}

/** A piece of original text; `hit` marks the words that matched the query. */
export interface Segment {
  text: string;
  hit: boolean;
}

export interface SearchHit {
  id: string;
  slug: string;
  type: RecordType;
  title: { vi: string; en?: string };
  date?: string;
  /** The title in the query's locale, with matched words marked. */
  titleHighlight: Segment[];
  /** A short passage of original text around the first matched words (description, transcript or full text). */
  snippet: Segment[];
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Number of records matching (visible to the viewer only). */
  total: number;
  page: number;
  pageSize: number;
  facets: Partial<Record<Facet, FacetCount[]>>;
  /**
   * "Did you mean": the query with its typos corrected to words of the index
   * (in the query's own spelling, with or without diacritics), when its words
   * found records only through typos, or found fewer than a few while the
   * correction finds more. Only ever built from records the viewer may see.
   */
  didYouMean?: string;
  /** Milliseconds the engine took. */
  tookMs: number;
}

export interface Suggestion {
  /** What to put in the search box. */
  text: string;
  /** The record it comes from, when it is a title. */
  id?: string;
}

export interface SuggestQuery {
  q: string;
  viewer: Viewer;
  limit?: number;
  locale?: 'vi' | 'en';
}

export interface IndexStats {
  engine: 'embedded' | 'meilisearch';
  documents: number;
  /** Size on disk where the engine knows it. */
  bytes?: number;
  location: string;
}

export interface SearchIndex {
  readonly engine: 'embedded' | 'meilisearch';
  /** Adds or replaces documents (by id). */
  upsert(docs: SearchDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Titles and terms that complete what has been typed, only from records the viewer may see. */
  suggest(query: SuggestQuery): Promise<Suggestion[]>;
  /** Records the viewer may see that match (optional text and filters). */
  count(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo'>): Promise<number>;
  /**
   * The catalog's read: records the viewer may see, as the public may read them, filtered, sorted, counted and
   * faceted in the engine, a page at a time with an opaque cursor. Every list the site shows answers from here.
   */
  list(query: ListQuery): Promise<ListPage>;
  stats(): Promise<IndexStats>;
  /** Removes every document (a rebuild starts from nothing). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const MAX_PAGE_SIZE = 100;

export interface ListQuery {
  viewer: Viewer;
  q?: string;
  filters?: Partial<Record<Facet, string[]>>;
  geo?: GeoRadius;
  /** Facets to count over everything the query admits (not just the page); staff-only ones are dropped for others. */
  facets?: Facet[];
  /** Default 'published-desc'. */
  sort?: Exclude<SortOrder, 'relevance'>;
  /** Entries per page, 0 to MAX_LIST_SIZE (0: counts and facets only). Default 20. */
  limit?: number;
  /** From a previous page's `next` (with the same query). */
  cursor?: string;
  /** Only records whose head version was committed in [from, until] (ISO 8601, inclusive): OAI-PMH's range. */
  modified?: { from?: string; until?: string };
  /** Also list withdrawn records harvesters had, as deleted (OAI-PMH). */
  tombstones?: boolean;
}

export interface ListEntry {
  id: string;
  /** As the public may read it. */
  record: HeritageRecord;
  modified?: string;
  /** A tombstone (only with `tombstones`). */
  deleted: boolean;
}

export interface ListPage {
  entries: ListEntry[];
  total: number;
  facets: Partial<Record<Facet, FacetCount[]>>;
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export const MAX_LIST_SIZE = 1000;

/** A cursor the engine did not make (or made for another order): the caller's request is wrong (HTTP 400). */
export class BadCursorError extends ArchiveError {
  constructor() {
    super('invalid or expired cursor', { code: 'bad-cursor', status: 400 });
  }
}
