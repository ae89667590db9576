/**
 * The embedded search engine: SQLite FTS5 through better-sqlite3, in a file
 * under DATA_DIR/search. Chosen by measurement (see README "Search"): FTS5
 * finds and scores the matches in C; the per-hit work that FTS5 cannot do
 * cheaply (access, filters, facets, geo, sort) runs over compact in-memory
 * columns, so a query touches each hit once.
 *
 * Files:
 *   DATA_DIR/search/CURRENT            name of the live index file
 *   DATA_DIR/search/index-<time>.sqlite the index itself (derived, rebuildable)
 * A rebuild writes a new index file and then replaces CURRENT atomically;
 * open engines notice the new name and reopen, so search answers throughout.
 * Each index file has its own WAL, so a swap can never pair a database with
 * another database's log.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isStaffViewer, maySeeRecord } from '../access/policy';
import type { HeritageRecord } from '../records/schema';
import { Columns, type ColumnInput } from './columns';
import { decodeCursor, nextCursor, timeMs } from './cursor';
import { MatchCache } from './match-cache';
import { CACHE_MIN_ROWS, Postings, type FtsTable } from './postings';
import { correctedQueryText, correctedSearchText, correctionAttempts, FEW_RESULTS, spellingsIn, type Corrections } from './correct';
import { buildSynonymTable, compileQuery, quote, type Clauses, type CompiledQuery, type CompileOptions, type SynonymTable, type Vocabulary } from './query';
import { admits, anyInScope, comparator, scan, scopeOf, type ScanResult, type Scope } from './scan';
import { boundedDistance, exactForm, fold, highlight, snippet } from './text';
import { TITLE_COLUMNS, TITLE_WEIGHTS } from './title-bm25';
import {
  FACETS,
  FIELD_WEIGHTS,
  MAX_LIST_SIZE,
  MAX_PAGE_SIZE,
  TOMBSTONE_TOKEN,
  type ListEntry,
  type ListPage,
  type ListQuery,
  STAFF_ONLY_FACETS,
  TEXT_FIELDS,
  type Facet,
  type FacetCount,
  type IndexStats,
  type SearchDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type SortOrder,
  type SuggestQuery,
  type Suggestion,
} from './types';

const SCHEMA_VERSION = '3';
const POINTER = 'CURRENT';

const NO_SYNONYMS: SynonymTable = { groups: [] };
/** Rows of a reading looked at one by one before matching it whole (see likeliestReading). */
const READING_PEEK = 32;

/** Whether a query has filters or a radius (which, rather than its words, may be why it finds little). */
function narrowed(query: Pick<SearchQuery, 'filters' | 'geo'>): boolean {
  return !!query.geo || Object.values(query.filters ?? {}).some((values) => values && values.length > 0);
}

/** A reading of a query's typos (see correct.ts): its corrections, as a query of its own, and a row of it in scope. */
interface Reading {
  corrections: Corrections;
  compiled: CompiledQuery;
  /** Its spelling ("trâu" for "trau") is taken from here. */
  rowid: number;
}

/** Stored per row in docs.meta: the columns above, uninterned. */
interface StoredMeta {
  a: string[];
  f: Partial<Record<Facet, string[]>>;
  g?: [number, number];
  d?: string;
  t: string;
  /** First publication and head version, ms since the epoch. */
  p?: number;
  m?: number;
  /** A tombstone (see SearchDocument.tombstone). */
  x?: 1;
}

function columnInput(meta: StoredMeta): ColumnInput {
  return { access: meta.a, facets: meta.f, geo: meta.g, date: meta.d, title: meta.t, published: meta.p, modified: meta.m };
}

export interface EmbeddedOptions {
  /** Folder of the index (DATA_DIR/search). */
  dir: string;
  /** Community-name synonym groups (synonymGroups(vocab)). */
  synonyms: string[][];
  /** How often to look for a swapped-in rebuild; 0 checks on every call. */
  swapCheckMs?: number;
}

/** Opens a database file with the schema, creating it if needed. */
function openDatabase(file: string, bulk: boolean): Database.Database {
  const db = new Database(file);
  if (bulk) {
    // A rebuild is thrown away if interrupted, so it needs no journal or fsync until it is finished.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('cache_size = -65536');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    -- body: the document without its record; record: the record as the public may read it (what lists render).
    CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, meta TEXT NOT NULL, body TEXT NOT NULL, record TEXT);
    CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
      ${TEXT_FIELDS.join(', ')}, exact,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
    );
    CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
    -- Titles alone, for ranking and suggestions: scoring a common word here costs a fraction of scoring it in the full text.
    CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(
      ${TITLE_COLUMNS.join(', ')},
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
    );
  `);
  const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get() as string | undefined;
  if (!version) {
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
    // Field weights live in the file: bm25 over the columns in order, then the exact-spelling column.
    const weights = [...TEXT_FIELDS.map((f) => FIELD_WEIGHTS[f]), 6].join(', ');
    db.prepare(`INSERT INTO fts (fts, rank) VALUES ('rank', ?)`).run(`bm25(${weights})`);
    // The same weights title-bm25.ts adds up with, in JavaScript, from the words' frequencies.
    db.prepare(`INSERT INTO titles (titles, rank) VALUES ('rank', ?)`).run(`bm25(${TITLE_WEIGHTS.join(', ')})`);
  } else if (version !== SCHEMA_VERSION) {
    throw new Error(`search index ${file} has schema ${version}, expected ${SCHEMA_VERSION}: run \`npm run reindex\``);
  }
  return db;
}

/**
 * The index's words: folded ones (sorted, by length, with their document counts) for typos; accented spellings (the
 * exact column's) with their counts, for the warmer; every term (sorted) for prefixes.
 */
interface LoadedVocabulary {
  sorted: string[];
  byLength: Map<number, string[]>;
  docs: Map<string, number>;
  accentedDocs: Map<string, number>;
  terms: string[];
}

/** The first position in a sorted list whose value is not below `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EmbeddedSearchIndex implements SearchIndex {
  readonly engine = 'embedded' as const;
  private db!: Database.Database;
  private file!: string;
  /** Loaded on first read; undefined until then (a rebuild never loads them). */
  private columns: Columns | undefined;
  /** Scratch bm25 ranks by rowid, reused across queries (reset after each). */
  private rankScratch = new Float64Array(0);
  private vocabulary: LoadedVocabulary | undefined;
  private vocabularyStale = true;
  private vocabularyLoadedAt = 0;
  private readonly synonyms: SynonymTable;
  /** What FTS5 computed for large matches, cleared on every change to the index (see match-cache.ts). */
  private readonly cache = new MatchCache(matchCacheBytes(0));
  /** Answers of list(), by query, least recently used first; cleared on every change to the index. */
  private readonly lists = new Map<string, ListPage>();
  /** Matching and scoring, clause by clause, through the cache (reopened with the database). */
  private postings!: Postings;
  private lastSwapCheck = 0;
  /** SQLite's data_version when the columns were loaded: it changes when another process writes (an import run from the CLI). */
  private dataVersion = -1;
  private closed = false;
  /** The warming of the current state of the index (see warm()), and the timer that will start the next. */
  private warming: Promise<number> | undefined;
  private warmTimer: NodeJS.Timeout | undefined;
  /** Bumped by every change to the index: a warming started before it stops. */
  private indexGeneration = 0;

  private constructor(
    private readonly options: EmbeddedOptions & { file?: string; bulk?: boolean },
  ) {
    this.synonyms = buildSynonymTable(options.synonyms);
  }

  /** The live index in `dir`, created empty if there is none. */
  static open(options: EmbeddedOptions): EmbeddedSearchIndex {
    fs.mkdirSync(options.dir, { recursive: true });
    const index = new EmbeddedSearchIndex(options);
    let name = readPointer(options.dir);
    if (!name) {
      name = newIndexName();
      openDatabase(path.join(options.dir, name), false).close();
      writePointer(options.dir, name);
    }
    index.attach(name);
    return index;
  }

  /**
   * A fresh index file in `dir` for a rebuild, not yet live. Fill it, then
   * publish() it: until then the live index keeps answering.
   */
  static build(options: EmbeddedOptions): EmbeddedSearchIndex {
    fs.mkdirSync(options.dir, { recursive: true });
    const name = `${newIndexName()}.building`;
    const index = new EmbeddedSearchIndex({ ...options, bulk: true, swapCheckMs: Number.POSITIVE_INFINITY });
    index.file = path.join(options.dir, name);
    index.db = openDatabase(index.file, true);
    return index;
  }

  /**
   * Finishes a rebuild and makes it the live index. Older index files are removed (open readers keep theirs until
   * they reopen), unless `retire: false`: then the caller removes them with retire() once it has read what landed in
   * them after the swap.
   */
  publish(options: { retire?: boolean } = {}): string {
    if (!this.file.endsWith('.building')) throw new Error('publish() is for indexes made by build()');
    this.db.exec(`INSERT INTO fts (fts) VALUES ('optimize'); INSERT INTO titles (titles) VALUES ('optimize');`);
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
    this.closed = true;
    const final = this.file.slice(0, -'.building'.length);
    fs.renameSync(this.file, final);
    const name = path.basename(final);
    writePointer(this.options.dir, name);
    if (options.retire !== false) EmbeddedSearchIndex.retire(this.options.dir, name);
    return name;
  }

  /** Removes the index files in `dir` other than the live one `name` (and unfinished builds). */
  static retire(dir: string, name: string): void {
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith('index-') && !old.startsWith(name) && !old.endsWith('.building')) fs.rmSync(path.join(dir, old), { force: true });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Throws a rebuild away. */
  discard(): void {
    this.db.close();
    fs.rmSync(this.file, { force: true });
    this.closed = true;
  }

  private attach(name: string): void {
    this.file = path.join(this.options.dir, name);
    this.db = openDatabase(this.file, false);
    this.postings = new Postings(this.db, this.cache, (prefix) => this.wordsWithPrefix(prefix));
    this.columns = undefined;
    this.indexChanged();
    this.vocabulary = undefined;
  }

  /** Reopens when a rebuild has been published since we opened. */
  private checkSwap(): void {
    if (this.closed) throw new Error('search index is closed');
    const interval = this.options.swapCheckMs ?? 1000;
    const now = Date.now();
    if (interval === Number.POSITIVE_INFINITY || now - this.lastSwapCheck < interval) return;
    this.lastSwapCheck = now;
    const name = readPointer(this.options.dir);
    if (name && path.join(this.options.dir, name) !== this.file) {
      this.db.close();
      this.attach(name);
    }
  }

  /**
   * Drops the in-memory columns when another connection has written: they
   * carry access tokens, so a record withdrawn by another process must not
   * stay visible here. Our own writes update the columns in place.
   */
  private checkForeignWrites(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.dataVersion = version;
      this.columns = undefined;
      this.indexChanged();
    }
  }

  /** Whatever was derived from the index's contents (its words, cached matches) must be derived again. */
  private indexChanged(): void {
    this.vocabularyStale = true;
    this.cache.clear();
    this.lists.clear();
    this.indexGeneration++;
    // Warm again a moment after the change, if this index has been warmed before.
    if (this.warming) {
      this.warming = undefined;
      this.scheduleWarm(WARM_AFTER_CHANGE_MS);
    }
  }

  /**
   * Lists the rows of the index's most frequent words into the match cache, and ranks them in the titles, as a search
   * server warms its caches before and between queries: at 100,000 records, a word in most records costs FTS5 15–25
   * ms to list the first time it is searched after each change, and scoring a match of common words in the titles
   * ~3 µs a row; such first times made most of the slowest searches (bench:search). Runs in slices of a few
   * milliseconds that yield to other work (one common word's title frequencies take up to ~30 ms at 100,000 records), so
   * searches arriving meanwhile are answered (colder); stops when the index changes, and starts again a moment
   * after. Resolves to the number of listings and rankings done. Started by the first search, and again after
   * changes; awaited by the benchmark.
   */
  warm(): Promise<number> {
    if (!this.warming) {
      if (this.closed) return Promise.resolve(0);
      // Loading first notices another process's writes, so the state warmed is the one the generation names.
      this.loadColumns();
      this.warming = this.warmSlices(this.indexGeneration);
    }
    clearTimeout(this.warmTimer);
    return this.warming;
  }

  private scheduleWarm(delayMs: number): void {
    clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => void this.warm().catch(() => {}), delayMs);
    this.warmTimer.unref();
  }

  private async warmSlices(generation: number): Promise<number> {
    const current = () => !this.closed && generation === this.indexGeneration;
    await yieldToOtherWork();
    if (!current()) return 0;
    const records = this.loadColumns().count;
    if (!current()) return 0;
    const { docs, accentedDocs } = this.loadedVocabulary();
    const cacheBytes = matchCacheBytes(records);
    // Rows within half the cache, accented spellings too (a query typed with diacritics lists them to rank records
    // that spell it so); title frequencies within a quarter, of folded words only (queries are ranked in folded words).
    const listed = frequentWords([...docs, ...accentedDocs], records, cacheBytes);
    const ranked = frequentWords(docs, records, cacheBytes / 2, TITLE_FREQUENCY_BYTES);
    // And the synonyms of several words ("nha rong", "xo dang"): every query with one of the group's names asks for them.
    const phrases = [...listed.map(quote), ...this.synonyms.groups.flat().filter((p) => p.length > 1).map((p) => quote(p.join(' ')))];
    const tasks = [
      ...phrases.map((phrase) => () => this.postings.rows(phrase, 'fts')),
      ...phrases.map((phrase) => () => this.postings.rows(phrase, 'titles')),
      ...ranked.map((word) => () => this.postings.warmTitleRanks(word)),
    ];
    let done = 0;
    let sliceStart = performance.now();
    for (const task of tasks) {
      if (performance.now() - sliceStart > WARM_SLICE_MS) {
        await yieldToOtherWork();
        sliceStart = performance.now();
      }
      if (!current()) return done;
      task();
      done++;
    }
    return done;
  }

  // ----- writing -----

  async upsert(docs: SearchDocument[]): Promise<void> {
    // Writes look for a swapped-in rebuild every time (a file read): a commit must not land in a retired index.
    this.lastSwapCheck = 0;
    this.checkSwap();
    this.upsertSync(docs);
  }

  /** Synchronous upsert, for the rebuild loop (one transaction per batch). */
  upsertSync(docs: SearchDocument[]): void {
    const findRow = this.db.prepare('SELECT rowid FROM docs WHERE id = ?').pluck();
    const insertDoc = this.db.prepare('INSERT INTO docs (id, meta, body, record) VALUES (?, ?, ?, ?)');
    const updateDoc = this.db.prepare('UPDATE docs SET meta = ?, body = ?, record = ? WHERE rowid = ?');
    const deleteText = this.db.prepare('DELETE FROM fts WHERE rowid = ?');
    const deleteTitle = this.db.prepare('DELETE FROM titles WHERE rowid = ?');
    const insertTitle = this.db.prepare('INSERT INTO titles (rowid, title, exact) VALUES (?, ?, ?)');
    const insertText = this.db.prepare(`INSERT INTO fts (rowid, ${TEXT_FIELDS.join(', ')}, exact) VALUES (?, ${TEXT_FIELDS.map(() => '?').join(', ')}, ?)`);
    const write = this.db.transaction((batch: SearchDocument[]) => {
      for (const doc of batch) {
        const meta: StoredMeta = {
          a: doc.access,
          f: doc.facets,
          ...(doc.geo ? { g: [doc.geo.lat, doc.geo.lon] as [number, number] } : {}),
          ...(doc.date ? { d: doc.date } : {}),
          t: doc.titleSort,
          ...(Number.isFinite(timeMs(doc.publishedAt)) ? { p: timeMs(doc.publishedAt) } : {}),
          ...(Number.isFinite(timeMs(doc.modified)) ? { m: timeMs(doc.modified) } : {}),
          ...(doc.tombstone ? { x: 1 as const } : {}),
        };
        const metaJson = JSON.stringify(meta);
        const { record, ...rest } = doc;
        const body = JSON.stringify(rest);
        const recordJson = record ? JSON.stringify(record) : null;
        let rowid = findRow.get(doc.id) as number | undefined;
        if (rowid !== undefined) {
          deleteText.run(rowid);
          deleteTitle.run(rowid);
          updateDoc.run(metaJson, body, recordJson, rowid);
        } else {
          rowid = Number(insertDoc.run(doc.id, metaJson, body, recordJson).lastInsertRowid);
        }
        const columns = TEXT_FIELDS.map((f) => fold(doc.text[f].join('\n')));
        // The exact column keeps the original spelling of the short, strong fields, for exact-diacritic ranking.
        const exact = exactForm([...doc.text.title, ...doc.text.subjects, ...doc.text.place].join('\n'));
        insertText.run(rowid, ...columns, exact);
        insertTitle.run(rowid, columns[0], exactForm(doc.text.title.join('\n')));
        this.columns?.set(rowid, columnInput(meta));
      }
    });
    write(docs);
    this.indexChanged();
  }

  async remove(ids: string[]): Promise<void> {
    this.checkSwap();
    const findRow = this.db.prepare('SELECT rowid FROM docs WHERE id = ?').pluck();
    const deleteDoc = this.db.prepare('DELETE FROM docs WHERE rowid = ?');
    const deleteText = this.db.prepare('DELETE FROM fts WHERE rowid = ?');
    const deleteTitle = this.db.prepare('DELETE FROM titles WHERE rowid = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        const rowid = findRow.get(id) as number | undefined;
        if (rowid === undefined) continue;
        deleteText.run(rowid);
        deleteTitle.run(rowid);
        deleteDoc.run(rowid);
        this.columns?.delete(rowid);
      }
    })();
    this.indexChanged();
  }

  async clear(): Promise<void> {
    this.checkSwap();
    this.db.exec(`DELETE FROM docs; DELETE FROM fts; DELETE FROM titles;`);
    if (this.columns) this.columns = new Columns();
    this.indexChanged();
  }

  // ----- in-memory columns -----

  private loadColumns(): Columns {
    this.checkForeignWrites();
    if (this.columns) return this.columns;
    const columns = new Columns();
    for (const [rowid, json] of this.db.prepare('SELECT rowid, meta FROM docs').raw().iterate() as IterableIterator<[number, string]>) {
      columns.set(rowid, columnInput(JSON.parse(json) as StoredMeta));
    }
    this.columns = columns;
    this.cache.resize(matchCacheBytes(columns.count));
    return columns;
  }

  /**
   * The terms a prefix stands for, as FTS5 would expand it (byte order, every column): only from a vocabulary as new
   * as the index, and only a few (a short prefix of many words is left to FTS5).
   */
  private wordsWithPrefix(prefix: string): string[] | undefined {
    if (!this.vocabulary || this.vocabularyStale) return undefined;
    const { terms } = this.vocabulary;
    const words: string[] = [];
    for (let i = lowerBound(terms, prefix); i < terms.length && terms[i]!.startsWith(prefix); i++) {
      if (words.length === MAX_PREFIX_WORDS) return undefined;
      words.push(terms[i]!);
    }
    return words;
  }

  /** The index's words, read again after writes: at most every 10 s on a large index (reading them costs ~100 ms). */
  private loadedVocabulary(): LoadedVocabulary {
    const now = Date.now();
    const large = (this.columns?.count ?? 0) > 20_000;
    if (!this.vocabulary || (this.vocabularyStale && (!large || now - this.vocabularyLoadedAt > 10_000))) {
      const sorted: string[] = [];
      const byLength = new Map<number, string[]>();
      const docs = new Map<string, number>();
      const accentedDocs = new Map<string, number>();
      const terms: string[] = [];
      for (const [term, doc] of this.db.prepare('SELECT term, doc FROM vocab').raw().iterate() as IterableIterator<[string, number]>) {
        terms.push(term);
        // The exact column holds diacritic spellings: typo candidates come from folded words only.
        if (fold(term) !== term) {
          accentedDocs.set(term, doc);
          continue;
        }
        sorted.push(term);
        docs.set(term, doc);
        let list = byLength.get(term.length);
        if (!list) byLength.set(term.length, (list = []));
        list.push(term);
      }
      sorted.sort();
      terms.sort(); // JavaScript's order, for the binary search in wordsWithPrefix
      this.vocabulary = { sorted, byLength, docs, accentedDocs, terms };
      this.vocabularyStale = false;
      this.vocabularyLoadedAt = now;
    }
    return this.vocabulary;
  }

  /** The index's words (folded form), for typo expansion. */
  private getVocabulary(): Vocabulary {
    const v = this.loadedVocabulary();
    return {
      has: (term) => v.docs.has(term),
      hasPrefix: (prefix) => v.sorted[lowerBound(v.sorted, prefix)]?.startsWith(prefix) ?? false,
      near: (word, maxTypos) => {
        const found: { term: string; d: number; docs: number }[] = [];
        for (let len = word.length - maxTypos; len <= word.length + maxTypos; len++) {
          for (const term of v.byLength.get(len) ?? []) {
            const d = boundedDistance(word, term, maxTypos);
            if (d <= maxTypos) found.push({ term, d, docs: v.docs.get(term) ?? 0 });
          }
        }
        return found.sort((a, b) => a.d - b.d || b.docs - a.docs).map((f) => f.term);
      },
    };
  }

  // ----- reading -----

  private compile(q: string | undefined, options: CompileOptions = {}): CompiledQuery {
    return compileQuery(q ?? '', this.getVocabulary(), this.synonyms, options);
  }

  /**
   * bm25 ranks for relevance order, written into the scratch array by rowid.
   * FTS5's bm25 over the full text costs 1–4 µs per matching row, and first
   * weighs each of the query's phrases by counting every record that holds it
   * (~0.1 µs a record: 5 ms for a word in half of 100,000 records, at every
   * query). So a query is scored in the full text only when it has at most
   * FULL_RANK_LIMIT matches and its phrases are in at most FULL_RANK_WEIGHED
   * records together; otherwise it is scored in the titles table (title
   * weight dominates anyway: ranks put together from cached word frequencies,
   * postings.ts), up to TITLE_RANK_LIMIT, and the other hits follow, newest
   * first. Ranks come in tiers (see below), each tier's rows before the
   * next's. Returns the scored rowids so the scratch can be reset.
   */
  private scoreInto(compiled: CompiledQuery, rowids: Int32Array, table: 'fts' | 'titles', keep: number, reading?: Reading): number[] {
    const fullText = table === 'fts' && rowids.length <= FULL_RANK_LIMIT && this.postings.recordsWithPhrases(compiled.clauses!, 'fts') <= FULL_RANK_WEIGHED;
    const scoring: FtsTable = fullText ? 'fts' : 'titles';
    const scored: number[] = [];
    // Tiers, best first, each below every bm25 rank of the one before: the likeliest reading of a typo, then the
    // synonyms as typed, then everything. A tier that fills the page leaves the next unscored (newest first).
    const tiers: [match: string, clauses: Clauses, tier: number][] = [];
    if (reading) tiers.push([reading.compiled.match!, reading.compiled.clauses!, READING_TIER]);
    if (compiled.typedMatch) tiers.push([compiled.typedMatch, compiled.typedClauses!, TYPED_TIER]);
    tiers.push([compiled.match!, compiled.clauses!, 0]);
    // Scoring the titles is for large matches, and only up to TITLE_RANK_LIMIT of them. The tiers before the last
    // are subsets of the whole match: one too large to score means the whole match is too.
    const limit = scoring === 'titles' && table === 'fts' ? TITLE_RANK_LIMIT : Infinity;
    let tooLarge = false;
    for (const [match, clauses, tier] of tiers) {
      if (tier === 0 && scored.length >= keep) break;
      // A tier before the last too large to score in the titles means the whole match is too (it holds the tier).
      const pairs = this.tierRanks(match, clauses, tier, scoring, table, rowids, tooLarge ? 0 : limit);
      if (!pairs) {
        tooLarge = true;
        continue;
      }
      for (let i = 0; i < pairs.length; i += 2) {
        const rowid = pairs[i]!;
        if (rowid >= this.rankScratch.length || this.rankScratch[rowid]) continue;
        this.rankScratch[rowid] = pairs[i + 1]! - tier;
        scored.push(rowid);
      }
    }
    // Within each tier, records that spell every accented word as typed come first (listing them is cheap: ~0.1 µs
    // a row, against the extra ~70% per row a bm25 clause on the exact column costs).
    if (compiled.exactPhrases && scored.length) {
      // An accented word is only ever in the exact column (the others hold folded text): its rows there are its rows,
      // listed (and warmed) under the same key as any search for the word.
      const exact = this.postings.matchAll(compiled.exactPhrases.map((p) => [p]), scoring);
      for (let i = 0; i < exact.length; i++) {
        const rowid = exact[i]!;
        if (this.rankScratch[rowid]) this.rankScratch[rowid] = this.rankScratch[rowid]! - EXACT_TIER;
      }
    }
    return scored;
  }

  /**
   * One tier's ranks, as [rowid, rank…]; undefined when too many rows match to score (more than `limit` titles).
   *   - In the full text: by FTS5, for the whole expression.
   *   - A full-text match of at most TITLE_RANK_LIMIT records scored in its titles (the whole query's tier): each
   *     record by its title's bm25 against the query's words, whichever of them the title holds (FTS5's rank for
   *     the words ORed), put together from cached word frequencies; so records whose titles hold more of the words
   *     come first, then the rest newest first. When those frequencies would cost too much to list, as below.
   *   - Otherwise the records whose titles match the whole tier, in the titles, put together from each phrase's
   *     ranks (shared by every query with the phrase) or scored whole by FTS5.
   */
  private tierRanks(match: string, clauses: Clauses, tier: number, scoring: FtsTable, table: FtsTable, rowids: Int32Array, limit: number): Float64Array | undefined {
    if (scoring === 'fts') return this.postings.ranks(match, 'fts');
    const byTitle = tier === 0 && table === 'fts' && rowids.length <= TITLE_RANK_LIMIT ? this.postings.titleRanksOf(clauses, rowids) : undefined;
    return byTitle ?? this.postings.titleRanks(clauses, limit);
  }

  /**
   * Runs the whole query: match, then one pass over the hits applying access,
   * filters and geo, counting facets and keeping the best `keep` by the sort
   * (scan.ts). Typos, see correct.ts:
   *   - a query with unknown words matches their typo neighbours, and ranks
   *     its likeliest reading first;
   *   - one that finds nothing as typed answers for the likeliest reading
   *     with typos allowed on its known words too;
   *   - with `offer`, one that finds little (its words are real but rare)
   *     keeps its results and looks for a reading that finds more.
   * `offer` is the reading to propose ("did you mean"), with a row of it in
   * scope to take its spelling from; `terms` are the words to mark in hits.
   */
  private run(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo' | 'sort'>, keep: number, options: { table?: 'fts' | 'titles'; offer?: boolean } = {}) {
    this.checkSwap();
    const table = options.table ?? 'fts';
    const c = this.loadColumns();
    const scope = scopeOf(c, query);
    const compiled = this.compile(query.q);
    if (!compiled.match) {
      const browse = scan(c, c.all(), scope, keep, comparator(query.sort ?? 'date-desc', c));
      return { compiled, terms: compiled.terms, ...browse, offer: undefined };
    }
    const sort = query.sort ?? 'relevance';
    const rowids = this.postings.matchAll(compiled.clauses!, table);
    // Nothing in scope (the words are hidden from this viewer, or a filter rules them out): no ranking to do, and no
    // reading to look for (a reading is a subset of the match: the same words, each typo's neighbours narrowed to one).
    const inScope = anyInScope(c, scope, rowids);
    const reading = inScope && compiled.slots.some((s) => s.required) ? this.likeliestReading(compiled, c, scope, table) : undefined;
    const outcome = inScope ? this.rankedScan(compiled, rowids, c, scope, keep, sort, table, reading) : { total: 0, counts: new Int32Array(c.values.names.length), best: [] };
    if (reading) return { compiled, terms: compiled.terms, ...outcome, offer: reading };

    // Few or no results are the words' fault only if the words match little, or there are no filters to blame.
    const wordsAtFault = rowids.length < FEW_RESULTS || !narrowed(query);
    const little = options.offer && outcome.total < FEW_RESULTS;
    if ((outcome.total > 0 && !little) || !wordsAtFault) return { compiled, terms: compiled.terms, ...outcome, offer: undefined };
    const wide = this.compile(query.q, { widenKnown: true });
    const found = wide.slots.some((s) => !s.required) ? this.likeliestReading(wide, c, scope, table) : undefined;
    if (!found) return { compiled, terms: compiled.terms, ...outcome, offer: undefined };
    const rows = this.postings.matchAll(found.compiled.clauses!, table);
    if (outcome.total === 0) {
      // Nothing as typed: the answer is the likeliest reading's records (not every pairing of every word's neighbours).
      const answer = this.rankedScan(found.compiled, rows, c, scope, keep, sort, table);
      return { compiled, terms: found.compiled.terms, ...answer, offer: found };
    }
    // Little as typed: the results stay as typed (the words are real), and a reading that finds more is offered.
    const more = scan(c, rows, scope, 0, comparator('date-desc', c));
    return { compiled, terms: compiled.terms, ...outcome, offer: more.total > outcome.total ? found : undefined };
  }

  /** Scores (for relevance, the reading's rows first) and scans. */
  private rankedScan(compiled: CompiledQuery, rowids: Int32Array, c: Columns, scope: Scope, keep: number, sort: SortOrder, table: 'fts' | 'titles', reading?: Reading): ScanResult {
    let scored: number[] | undefined;
    if (sort === 'relevance' && keep > 0) {
      if (this.rankScratch.length < c.size) this.rankScratch = new Float64Array(c.size + 1024);
      scored = this.scoreInto(compiled, rowids, table, keep, reading);
    }
    try {
      return scan(c, rowids, scope, keep, comparator(sort, c, scored ? this.rankScratch : undefined));
    } finally {
      if (scored) for (const rowid of scored) this.rankScratch[rowid] = 0;
    }
  }

  /**
   * The likeliest reading of a query's possible typos that finds a record in
   * scope (the viewer may see it, and it passes the filters), and that
   * record; undefined when none of the first MAX_ATTEMPTS does. Checking
   * scope here is what keeps "did you mean" from proposing a word only
   * hidden records contain. A reading is matched word for word, without
   * synonyms (the records that say what was meant), and only until its
   * first record in scope: FTS5 yields matches lazily, in rowid order.
   */
  private likeliestReading(compiled: CompiledQuery, c: Columns, scope: Scope, table: 'fts' | 'titles'): Reading | undefined {
    for (const corrections of correctionAttempts(compiled.slots)) {
      const fixed = compileQuery(correctedSearchText(compiled, corrections), this.getVocabulary(), NO_SYNONYMS);
      if (!fixed.match) continue;
      // Most records are in scope, so the first few rows usually settle it; past them (a narrow filter), one
      // group_concat is cheaper than stepping row by row (~0.1 µs a row against ~1 µs).
      let seen = 0;
      for (const rowid of this.db.prepare(`SELECT rowid FROM ${table} WHERE ${table} MATCH ? LIMIT ${READING_PEEK}`).pluck().iterate(fixed.match) as IterableIterator<number>) {
        seen++;
        if (admits(c, scope, rowid)) return { corrections, compiled: fixed, rowid };
      }
      if (seen < READING_PEEK) continue;
      const rows = this.postings.matchAll(fixed.clauses!, table);
      for (let i = READING_PEEK; i < rows.length; i++) if (admits(c, scope, rows[i]!)) return { corrections, compiled: fixed, rowid: rows[i]! };
    }
    return undefined;
  }

  /** The "did you mean" text: the query with its corrected words, spelled as a record in scope spells them. */
  private didYouMean(compiled: CompiledQuery, offer: Reading): string {
    const body = this.db.prepare('SELECT body FROM docs WHERE rowid = ?').pluck().get(offer.rowid) as string | undefined;
    const texts = body ? TEXT_FIELDS.flatMap((f) => (JSON.parse(body) as SearchDocument).text[f]) : [];
    return correctedQueryText(compiled, offer.corrections, spellingsIn(texts, offer.corrections.values()));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    // The first search asks for a warming (an import that never searches has none); changes ask for the next ones.
    if (!this.warming && !this.warmTimer) this.scheduleWarm(0);
    const pageSize = Math.min(Math.max(query.pageSize ?? 20, 0), MAX_PAGE_SIZE);
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const offset = (page - 1) * pageSize;
    const { compiled, terms, total, counts, best, offer } = this.run(query, offset + pageSize, { offer: true });

    const facets = this.facetCounts(query, counts);

    const getBody = this.db.prepare('SELECT body FROM docs WHERE rowid = ?').pluck();
    const locale = query.locale ?? 'vi';
    const hits: SearchHit[] = best.slice(offset).map((rowid) => {
      const doc = JSON.parse(getBody.get(rowid) as string) as SearchDocument;
      const title = locale === 'en' ? (doc.title.en ?? doc.title.vi) : doc.title.vi;
      const passages = locale === 'en' ? [...doc.text.description].reverse() : doc.text.description;
      return {
        id: doc.id,
        slug: doc.slug,
        type: doc.type,
        title: doc.title,
        ...(doc.date ? { date: doc.date } : {}),
        titleHighlight: highlight(title, terms),
        snippet: snippet([...passages, ...doc.text.transcript, ...doc.text.fulltext], terms),
      };
    });
    const didYouMean = offer ? this.didYouMean(compiled, offer) : undefined;
    return { hits, total, page, pageSize, facets, ...(didYouMean ? { didYouMean } : {}), tookMs: performance.now() - started };
  }

  /** The asked-for facets' counts from a scan (staff-only facets for staff only), most frequent first. */
  private facetCounts(query: Pick<SearchQuery, 'viewer' | 'facets'>, counts: Int32Array): Partial<Record<Facet, FacetCount[]>> {
    const staff = isStaffViewer(query.viewer);
    const facets: Partial<Record<Facet, FacetCount[]>> = {};
    for (const facet of query.facets ?? []) {
      if (STAFF_ONLY_FACETS.includes(facet) && !staff) continue;
      facets[facet] = [];
    }
    const c = this.columns!;
    for (let id = 0; id < counts.length; id++) {
      if (!counts[id]) continue;
      const facet = FACETS[c.valueFacet[id]!]!;
      facets[facet]?.push({ value: c.values.names[id]!.slice(facet.length + 1), count: counts[id]! });
    }
    for (const list of Object.values(facets)) list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return facets;
  }

  /**
   * Lists repeat (a harvest's first page, the studio's record list, a page's counts) and change only when the index
   * does: answers are kept until then (cleared with the match cache), and handed out as copies.
   */
  async list(query: ListQuery): Promise<ListPage> {
    this.checkSwap();
    const c = this.loadColumns();
    const key = JSON.stringify(query);
    let page = this.lists.get(key);
    if (page) {
      this.lists.delete(key);
    } else {
      page = this.listNow(query, c);
      if (page.entries.length > KEPT_LIST_MAX_ENTRIES) return page;
    }
    this.lists.set(key, page);
    for (const oldest of this.lists.keys()) {
      if (this.lists.size <= KEPT_LISTS) break;
      this.lists.delete(oldest);
    }
    return structuredClone(page);
  }

  private listNow(query: ListQuery, c: Columns): ListPage {
    const limit = Math.min(Math.max(Math.floor(query.limit ?? 20), 0), MAX_LIST_SIZE);
    const sort = query.sort ?? 'published-desc';
    const cursor = decodeCursor(query);
    let modifiedFrom = timeMs(query.modified?.from);
    const modifiedUntil = timeMs(query.modified?.until);
    let exclude: Set<number> | undefined;
    if (cursor?.kind === 'datestamp') {
      modifiedFrom = Number.isFinite(modifiedFrom) ? Math.max(modifiedFrom, cursor.after) : cursor.after;
      const findRow = this.db.prepare('SELECT rowid FROM docs WHERE id = ?').pluck();
      exclude = new Set(cursor.seen.map((id) => findRow.get(id) as number | undefined).filter((r) => r !== undefined));
    }
    const excludeAt = cursor?.kind === 'datestamp' ? cursor.after : undefined;
    const scope = scopeOf(c, query, { tokens: query.tombstones ? [TOMBSTONE_TOKEN] : [], modifiedFrom, modifiedUntil, exclude, excludeAt });
    const compiled = query.q?.trim() ? this.compile(query.q) : undefined;
    const rowids = compiled?.clauses ? this.postings.matchAll(compiled.clauses, 'fts') : c.all();
    const offset = cursor?.kind === 'position' ? cursor.offset : 0;
    const { total, counts, best } = scan(c, rowids, scope, offset + limit, comparator(sort, c));
    const getRecord = this.db.prepare('SELECT id, record FROM docs WHERE rowid = ?').raw();
    const entries: ListEntry[] = [];
    const delivered: { id: string; modifiedMs: number }[] = [];
    for (const rowid of best.slice(offset)) {
      const [id, json] = getRecord.get(rowid) as [string, string | null];
      if (!json) continue; // indexed before records were kept (schema 2): `npm run reindex` fills it in
      const record = JSON.parse(json) as HeritageRecord;
      const modifiedMs = c.modified[rowid]!;
      entries.push({ id, record, ...(Number.isFinite(modifiedMs) ? { modified: new Date(modifiedMs).toISOString() } : {}), deleted: !!query.tombstones && !maySeeRecord(query.viewer, record) });
      delivered.push({ id, modifiedMs: Number.isFinite(modifiedMs) ? modifiedMs : 0 });
    }
    // By datestamp, `total` counts what is left after the cursor: the whole is what came before plus that.
    const before = cursor?.kind === 'datestamp' ? cursor.delivered : 0;
    const more = cursor?.kind === 'datestamp' ? total > best.length : total > offset + best.slice(offset).length;
    const next = nextCursor(query, cursor, delivered, more);
    return { entries, total: before + total, facets: this.facetCounts(query, counts), ...(next ? { next } : {}) };
  }

  async count(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo'>): Promise<number> {
    return this.run(query, 0).total;
  }

  async suggest(query: SuggestQuery): Promise<Suggestion[]> {
    const limit = Math.min(Math.max(query.limit ?? 5, 1), 20);
    if (!query.q.trim()) return [];
    // Suggestions come only from titles of records the viewer may see: the same access pass as search.
    const { best } = this.run({ q: query.q, viewer: query.viewer, sort: 'relevance' }, limit, { table: 'titles' });
    const getBody = this.db.prepare('SELECT body FROM docs WHERE rowid = ?').pluck();
    return best.map((rowid) => {
      const doc = JSON.parse(getBody.get(rowid) as string) as SearchDocument;
      return { text: query.locale === 'en' ? (doc.title.en ?? doc.title.vi) : doc.title.vi, id: doc.id };
    });
  }

  async stats(): Promise<IndexStats> {
    this.checkSwap();
    const documents = this.db.prepare('SELECT count(*) FROM docs').pluck().get() as number;
    let bytes = 0;
    for (const suffix of ['', '-wal']) bytes += fs.statSync(this.file + suffix, { throwIfNoEntry: false })?.size ?? 0;
    return { engine: 'embedded', documents, bytes, location: this.file };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.warmTimer);
    this.db.close();
  }
}

/** Lists kept (see list()), and the longest kept: a kept page of records is copied for each caller. */
const KEPT_LISTS = 256;
const KEPT_LIST_MAX_ENTRIES = 100;

/** The most rows one query scores with bm25 in the full text, and in the titles (see scoreInto). */
export const FULL_RANK_LIMIT = 2000;
export const FULL_RANK_WEIGHED = 30_000;
export const TITLE_RANK_LIMIT = 4000;
/**
 * Room for cached rows and phrase ranks, in proportion to the index: a word's rows take 4 bytes a record that has
 * it, its title frequencies 8 a title. Measured at 100,000 records (bench:search), 64 MB held too few of the words a
 * thousand searches use again (CPU p95 43 ms), 256 MB enough (32 ms): 2.5 KB a record, 16 MB at least.
 */
function matchCacheBytes(records: number): number {
  return Math.max(16 * 1024 * 1024, records * 2560);
}

/** The warmer's slices: short enough that a search arriving meanwhile hardly waits. */
const WARM_SLICE_MS = 8;
/** After a change, the warmer starts again this much later (an import writes in bursts: a warming begun at once would be stopped by the next write). */
const WARM_AFTER_CHANGE_MS = 2000;
const WARM_MAX_WORDS = 500;
/** A word's frequency in one title: the rowid and the frequency (title-bm25.ts). */
const TITLE_FREQUENCY_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;
/** A prefix standing for more words than this is expanded by FTS5 itself. */
const MAX_PREFIX_WORDS = 100;

/**
 * The words worth warming ahead of searches, most frequent first: those in enough records for what is computed of
 * them to be cached at all (and costly to compute), while it fills at most half of `cacheBytes`, at
 * `bytesPerRecord` for each record a word is in (its rows in both tables: 4 bytes a row each; its title frequencies: 8).
 */
export function frequentWords(documentsWith: Iterable<readonly [string, number]>, records: number, cacheBytes: number, bytesPerRecord = 2 * Int32Array.BYTES_PER_ELEMENT): string[] {
  const floor = Math.max(CACHE_MIN_ROWS, Math.ceil(records / 100));
  const candidates = [...documentsWith].filter(([, docs]) => docs >= floor).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const words: string[] = [];
  let bytes = 0;
  for (const [word, docs] of candidates.slice(0, WARM_MAX_WORDS)) {
    bytes += docs * bytesPerRecord;
    if (bytes > cacheBytes / 2) break;
    words.push(word);
  }
  return words;
}

/** Lets timers and I/O run between the warmer's slices. */
const yieldToOtherWork = () => new Promise<void>((resolve) => setImmediate(resolve));
/**
 * Subtracted from bm25 ranks (small, negative, never 0) to sort in tiers: the likeliest reading of a typo, then a
 * synonym as typed; within each, the exact spelling of accented words.
 */
const READING_TIER = 4e6;
const TYPED_TIER = 2e6;
const EXACT_TIER = 1e6;

/**
 * A stamp that changes whenever any process writes the live index in `dir` (or swaps in a rebuild): the pointer
 * and the index file's WAL, by size and time. Cheap (three stats and a small read): kept pages check it per request.
 */
export function indexWriteStamp(dir: string): string {
  const name = readPointer(dir) ?? '';
  const stat = (file: string) => {
    const s = fs.statSync(path.join(dir, file), { throwIfNoEntry: false, bigint: true });
    return s ? `${s.mtimeNs}.${s.size}` : '-';
  };
  return `${name}:${stat(name)}:${stat(`${name}-wal`)}`;
}

function newIndexName(): string {
  return `index-${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sqlite`;
}

function readPointer(dir: string): string | undefined {
  try {
    const name = fs.readFileSync(path.join(dir, POINTER), 'utf8').trim();
    return /^index-[\w-]+\.sqlite$/.test(name) && fs.existsSync(path.join(dir, name)) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the pointer atomically (write, fsync, rename). */
function writePointer(dir: string, name: string): void {
  const tmp = path.join(dir, `${POINTER}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, `${name}\n`);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, path.join(dir, POINTER));
}
