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
import { isStaffViewer, viewerAccessTokens } from '../access/policy';
import { Columns } from './columns';
import { buildSynonymTable, compileQuery, type CompiledQuery, type SynonymTable, type Vocabulary } from './query';
import { boundedDistance, exactForm, fold, haversineKm, highlight, snippet } from './text';
import {
  FACETS,
  FIELD_WEIGHTS,
  MAX_PAGE_SIZE,
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
  type SuggestQuery,
  type Suggestion,
} from './types';

const SCHEMA_VERSION = '2';
const POINTER = 'CURRENT';

/** Stored per row in docs.meta: the columns above, uninterned. */
interface StoredMeta {
  a: string[];
  f: Partial<Record<Facet, string[]>>;
  g?: [number, number];
  d?: string;
  t: string;
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
    CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, meta TEXT NOT NULL, body TEXT NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
      ${TEXT_FIELDS.join(', ')}, exact,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
    );
    CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
    -- Titles alone, for ranking and suggestions: scoring a common word here costs a fraction of scoring it in the full text.
    CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(
      title, exact,
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
    db.prepare(`INSERT INTO titles (titles, rank) VALUES ('rank', 'bm25(10, 6)')`).run();
  } else if (version !== SCHEMA_VERSION) {
    throw new Error(`search index ${file} has schema ${version}, expected ${SCHEMA_VERSION}: run \`npm run reindex\``);
  }
  return db;
}

export class EmbeddedSearchIndex implements SearchIndex {
  readonly engine = 'embedded' as const;
  private db!: Database.Database;
  private file!: string;
  /** Loaded on first read; undefined until then (a rebuild never loads them). */
  private columns: Columns | undefined;
  /** Scratch bm25 ranks by rowid, reused across queries (reset after each). */
  private rankScratch = new Float64Array(0);
  private vocabulary: { sorted: string[]; byLength: Map<number, string[]>; docs: Map<string, number> } | undefined;
  private vocabularyStale = true;
  private vocabularyLoadedAt = 0;
  private readonly synonyms: SynonymTable;
  private lastSwapCheck = 0;
  /** SQLite's data_version when the columns were loaded: it changes when another process writes (an import run from the CLI). */
  private dataVersion = -1;
  private closed = false;

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

  /** Finishes a rebuild and makes it the live index; older index files are removed (open readers keep theirs until they reopen). */
  publish(): string {
    if (!this.file.endsWith('.building')) throw new Error('publish() is for indexes made by build()');
    this.db.exec(`INSERT INTO fts (fts) VALUES ('optimize'); INSERT INTO titles (titles) VALUES ('optimize');`);
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
    const final = this.file.slice(0, -'.building'.length);
    fs.renameSync(this.file, final);
    const name = path.basename(final);
    writePointer(this.options.dir, name);
    for (const old of fs.readdirSync(this.options.dir)) {
      if (old.startsWith('index-') && !old.startsWith(name) && !old.endsWith('.building')) fs.rmSync(path.join(this.options.dir, old), { force: true });
    }
    this.closed = true;
    return final;
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
    this.columns = undefined;
    this.vocabularyStale = true;
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
      this.vocabularyStale = true;
    }
  }

  // ----- writing -----

  async upsert(docs: SearchDocument[]): Promise<void> {
    this.checkSwap();
    this.upsertSync(docs);
  }

  /** Synchronous upsert, for the rebuild loop (one transaction per batch). */
  upsertSync(docs: SearchDocument[]): void {
    const findRow = this.db.prepare('SELECT rowid FROM docs WHERE id = ?').pluck();
    const insertDoc = this.db.prepare('INSERT INTO docs (id, meta, body) VALUES (?, ?, ?)');
    const updateDoc = this.db.prepare('UPDATE docs SET meta = ?, body = ? WHERE rowid = ?');
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
        };
        const metaJson = JSON.stringify(meta);
        const body = JSON.stringify(doc);
        let rowid = findRow.get(doc.id) as number | undefined;
        if (rowid !== undefined) {
          deleteText.run(rowid);
          deleteTitle.run(rowid);
          updateDoc.run(metaJson, body, rowid);
        } else {
          rowid = Number(insertDoc.run(doc.id, metaJson, body).lastInsertRowid);
        }
        const columns = TEXT_FIELDS.map((f) => fold(doc.text[f].join('\n')));
        // The exact column keeps the original spelling of the short, strong fields, for exact-diacritic ranking.
        const exact = exactForm([...doc.text.title, ...doc.text.subjects, ...doc.text.place].join('\n'));
        insertText.run(rowid, ...columns, exact);
        insertTitle.run(rowid, columns[0], exactForm(doc.text.title.join('\n')));
        this.columns?.set(rowid, { access: meta.a, facets: meta.f, geo: meta.g, date: meta.d, title: meta.t });
      }
    });
    write(docs);
    this.vocabularyStale = true;
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
    this.vocabularyStale = true;
  }

  async clear(): Promise<void> {
    this.checkSwap();
    this.db.exec(`DELETE FROM docs; DELETE FROM fts; DELETE FROM titles;`);
    if (this.columns) this.columns = new Columns();
    this.vocabularyStale = true;
  }

  // ----- in-memory columns -----

  private loadColumns(): Columns {
    this.checkForeignWrites();
    if (this.columns) return this.columns;
    const columns = new Columns();
    for (const [rowid, json] of this.db.prepare('SELECT rowid, meta FROM docs').raw().iterate() as IterableIterator<[number, string]>) {
      const meta = JSON.parse(json) as StoredMeta;
      columns.set(rowid, { access: meta.a, facets: meta.f, geo: meta.g, date: meta.d, title: meta.t });
    }
    this.columns = columns;
    return columns;
  }

  /** The index's words (folded form), for typo expansion. Reloaded lazily after writes, at most every 10 s on a large index. */
  private getVocabulary(): Vocabulary {
    const now = Date.now();
    const large = (this.columns?.count ?? 0) > 20_000;
    if (!this.vocabulary || (this.vocabularyStale && (!large || now - this.vocabularyLoadedAt > 10_000))) {
      const sorted: string[] = [];
      const byLength = new Map<number, string[]>();
      const docs = new Map<string, number>();
      for (const [term, doc] of this.db.prepare('SELECT term, doc FROM vocab').raw().iterate() as IterableIterator<[string, number]>) {
        // The exact column holds diacritic spellings: typo candidates come from folded words only.
        if (fold(term) !== term) continue;
        sorted.push(term);
        docs.set(term, doc);
        let list = byLength.get(term.length);
        if (!list) byLength.set(term.length, (list = []));
        list.push(term);
      }
      sorted.sort();
      this.vocabulary = { sorted, byLength, docs };
      this.vocabularyStale = false;
      this.vocabularyLoadedAt = now;
    }
    const v = this.vocabulary;
    const lowerBound = (p: string) => {
      let lo = 0;
      let hi = v.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v.sorted[mid]! < p) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return {
      has: (term) => v.docs.has(term),
      hasPrefix: (prefix) => v.sorted[lowerBound(prefix)]?.startsWith(prefix) ?? false,
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

  private compile(q: string | undefined): CompiledQuery {
    return q && q.trim() ? compileQuery(q, this.getVocabulary(), this.synonyms) : { terms: { exact: new Set(), prefixes: [] } };
  }

  /**
   * Matching rowids, without scores. Measured on 100,000 records: FTS5
   * returns rowids at ~0.1 µs each (as one group_concat string), while
   * bm25 costs ~1 µs per row, so scores are computed only where ranking
   * needs them (see ranks()).
   */
  private matchRowids(match: string, table: 'fts' | 'titles'): Int32Array {
    const list = this.db.prepare(`SELECT group_concat(rowid) FROM ${table} WHERE ${table} MATCH ?`).pluck().get(match) as string | null;
    return parseIds(list);
  }

  /**
   * bm25 ranks for relevance order, written into the scratch array by rowid.
   * Measured at 100,000 records, bm25 costs 1–4 µs per row in the full text,
   * so a query scores all its matches only when there are at most
   * FULL_RANK_LIMIT; otherwise it scores the matches in the titles table
   * (title weight dominates anyway), up to TITLE_RANK_LIMIT, and the other
   * hits follow, newest first. Returns the scored rowids so the scratch can
   * be reset.
   */
  private scoreInto(compiled: CompiledQuery, total: number, table: 'fts' | 'titles'): number[] {
    let sql: string;
    if (table === 'fts' && total <= FULL_RANK_LIMIT) sql = 'SELECT rowid, rank FROM fts WHERE fts MATCH ?';
    else {
      if (table === 'fts' && (this.db.prepare('SELECT count(*) FROM titles WHERE titles MATCH ?').pluck().get(compiled.match!) as number) > TITLE_RANK_LIMIT) return [];
      sql = 'SELECT rowid, rank FROM titles WHERE titles MATCH ?';
    }
    const rows = this.db.prepare(sql).raw().all(compiled.rankMatch!) as [number, number][];
    const scored: number[] = [];
    for (const [rowid, rank] of rows) {
      if (rowid >= this.rankScratch.length) continue;
      this.rankScratch[rowid] = rank;
      scored.push(rowid);
    }
    return scored;
  }

  /**
   * Runs the whole query: match, then one pass over the hits applying access,
   * filters and geo, counting facets and keeping the best `keep` by the sort.
   */
  private run(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo' | 'sort'>, keep: number, table: 'fts' | 'titles' = 'fts') {
    this.checkSwap();
    const c = this.loadColumns();
    const compiled = this.compile(query.q);
    const text = compiled.match;
    const rowids = text ? this.matchRowids(text, table) : c.all();

    // The viewer's tokens; the access check is part of the one pass, so nothing unseen is counted.
    const allowed = new Uint8Array(c.accessTokens.names.length);
    for (const token of viewerAccessTokens(query.viewer)) {
      const id = c.accessTokens.ids.get(token);
      if (id !== undefined) allowed[id] = 1;
    }
    // Filters: each facet with values is a group; a document must hit every group.
    const valueGroup = new Int8Array(c.values.names.length).fill(-1);
    let groups = 0;
    let impossible = false;
    for (const facet of FACETS) {
      const wanted = query.filters?.[facet];
      if (!wanted || wanted.length === 0) continue;
      let any = false;
      for (const value of wanted) {
        const id = c.values.ids.get(`${facet}\u0000${value}`);
        if (id !== undefined) {
          valueGroup[id] = groups;
          any = true;
        }
      }
      if (!any) impossible = true;
      groups++;
    }
    const fullMask = (1 << groups) - 1;
    const geo = query.geo;

    const sort = query.sort ?? (text ? 'relevance' : 'date-desc');
    let scored: number[] | undefined;
    if (sort === 'relevance' && text && keep > 0) {
      if (this.rankScratch.length < c.size) this.rankScratch = new Float64Array(c.size + 1024);
      scored = this.scoreInto(compiled, rowids.length, table);
    }
    const counts = new Int32Array(c.values.names.length);
    const top = new TopK(keep, comparator(sort, c, scored ? this.rankScratch : undefined));
    let total = 0;
    const { start, flat, accessCount, valueCount } = c;
    if (!impossible) {
      for (let i = 0; i < rowids.length; i++) {
        const rowid = rowids[i]!;
        if (rowid >= c.size) continue;
        const s = start[rowid]!;
        if (s < 0) continue;
        const ac = accessCount[rowid]!;
        let visible = false;
        for (let k = s; k < s + ac; k++) {
          if (allowed[flat[k]!]) {
            visible = true;
            break;
          }
        }
        if (!visible) continue;
        const vs = s + ac;
        const ve = vs + valueCount[rowid]!;
        if (groups) {
          let mask = 0;
          for (let k = vs; k < ve; k++) {
            const g = valueGroup[flat[k]!]!;
            if (g >= 0) mask |= 1 << g;
          }
          if (mask !== fullMask) continue;
        }
        if (geo && !(haversineKm(geo.lat, geo.lon, c.lat[rowid]!, c.lon[rowid]!) <= geo.km)) continue;
        total++;
        for (let k = vs; k < ve; k++) counts[flat[k]!]!++;
        top.push(rowid);
      }
    }
    const best = top.sorted();
    if (scored) for (const rowid of scored) this.rankScratch[rowid] = 0;
    return { compiled, total, counts, best };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const pageSize = Math.min(Math.max(query.pageSize ?? 20, 0), MAX_PAGE_SIZE);
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const offset = (page - 1) * pageSize;
    const { compiled, total, counts, best } = this.run(query, offset + pageSize);

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
        titleHighlight: highlight(title, compiled.terms),
        snippet: snippet([...passages, ...doc.text.transcript, ...doc.text.fulltext], compiled.terms),
      };
    });
    return { hits, total, page, pageSize, facets, tookMs: performance.now() - started };
  }

  async count(query: Pick<SearchQuery, 'q' | 'viewer' | 'filters' | 'geo'>): Promise<number> {
    return this.run(query, 0).total;
  }

  async suggest(query: SuggestQuery): Promise<Suggestion[]> {
    const limit = Math.min(Math.max(query.limit ?? 5, 1), 20);
    if (!query.q.trim()) return [];
    // Suggestions come only from titles of records the viewer may see: the same access pass as search.
    const { best } = this.run({ q: query.q, viewer: query.viewer, sort: 'relevance' }, limit, 'titles');
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
    this.db.close();
  }
}

/** Keeps the best k items by a comparator (a bounded max-heap of the worst kept item). */
class TopK {
  private readonly heap: number[] = [];
  constructor(
    private readonly k: number,
    private readonly better: (a: number, b: number) => number,
  ) {}
  push(item: number): void {
    if (this.k <= 0) return;
    const h = this.heap;
    if (h.length < this.k) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.better(h[parent]!, h[i]!) >= 0) break;
        [h[parent], h[i]] = [h[i]!, h[parent]!];
        i = parent;
      }
    } else if (this.better(item, h[0]!) < 0) {
      h[0] = item;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < h.length && this.better(h[l]!, h[worst]!) > 0) worst = l;
        if (r < h.length && this.better(h[r]!, h[worst]!) > 0) worst = r;
        if (worst === i) break;
        [h[worst], h[i]] = [h[i]!, h[worst]!];
        i = worst;
      }
    }
  }
  sorted(): number[] {
    return [...this.heap].sort(this.better);
  }
}

/** Negative when rowid a sorts before rowid b. Ties fall back to date, then title, then rowid, so pages are stable. */
function comparator(sort: NonNullable<SearchQuery['sort']>, c: Columns, ranks?: Float64Array) {
  const byTitle = (a: number, b: number) => {
    const ta = c.title[a]!;
    const tb = c.title[b]!;
    return ta < tb ? -1 : ta > tb ? 1 : a - b;
  };
  const byDate = (dir: 1 | -1) => (a: number, b: number) => {
    const da = c.date[a]!;
    const db = c.date[b]!;
    if (Number.isNaN(da) !== Number.isNaN(db)) return Number.isNaN(da) ? 1 : -1; // undated last
    return da !== db && !Number.isNaN(da) ? dir * (da - db) : byTitle(a, b);
  };
  const newest = byDate(-1);
  switch (sort) {
    case 'title':
      return byTitle;
    case 'date-asc':
      return byDate(1);
    case 'date-desc':
      return newest;
    case 'relevance':
      // Unscored hits (rank 0) follow every scored one: bm25 ranks are negative.
      return ranks ? (a: number, b: number) => ranks[a]! - ranks[b]! || newest(a, b) : newest;
  }
}

/** The most rows one query scores with bm25 in the full text, and in the titles (see scoreInto). */
export const FULL_RANK_LIMIT = 2000;
export const TITLE_RANK_LIMIT = 8000;

/** "3,17,42" → Int32Array, without building an array of strings. */
function parseIds(list: string | null): Int32Array {
  if (!list) return new Int32Array(0);
  let n = 1;
  for (let i = 0; i < list.length; i++) if (list.charCodeAt(i) === 44) n++;
  const out = new Int32Array(n);
  let k = 0;
  let v = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c === 44) {
      out[k++] = v;
      v = 0;
    } else v = v * 10 + (c - 48);
  }
  out[k] = v;
  return out;
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
