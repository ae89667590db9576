/**
 * The search contract: one small interface that the embedded SQLite engine
 * and the Meilisearch engine both implement, and that one contract suite
 * (tests/contract/search.contract.ts) checks on both. Pages, the API and the
 * studio only ever see these types.
 */
import type { Viewer } from '../access/policy';
import type { RecordStatus, RecordType } from '../records/schema';

/** Facets a query can count and filter on. accessLevel and status are shown to staff only. */
export const FACETS = ['ethnicGroup', 'type', 'district', 'decade', 'language', 'mediaKind', 'accessLevel', 'status'] as const;
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
  /** Facet values (vocabulary ids, ISO codes, "1990s"…). */
  facets: Record<Facet, string[]>;
  /** Tokens from recordAccessTokens(): the record is visible to a viewer holding any of them. */
  access: string[];
  /** One point per record (first place with coordinates, else its district's centre). */
  geo?: { lat: number; lon: number };
  /** Sort key for "date": recordedOn or a document's issue date, as YYYY[-MM[-DD]]. */
  date?: string;
  /** Sort key for "title": the folded, lower-cased Vietnamese title. */
  titleSort: string;
  publishedAt?: string;
}

export interface GeoRadius {
  lat: number;
  lon: number;
  /** Radius in kilometres. */
  km: number;
}

export type SortOrder = 'relevance' | 'date-desc' | 'date-asc' | 'title';

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
  stats(): Promise<IndexStats>;
  /** Removes every document (a rebuild starts from nothing). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const MAX_PAGE_SIZE = 100;
