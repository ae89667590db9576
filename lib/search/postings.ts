/**
 * What the embedded engine asks of SQLite FTS5: which rows match, and their
 * bm25 ranks. Matched clause by clause and cached, because searches repeat
 * their words: a site's queries follow a Zipf curve ("le hoi", "chieng", a
 * community's name), and at 100,000 records listing a common word's rows
 * costs FTS5 10–25 ms (~0.25 µs a row), scoring its titles ~2 µs a row,
 * where intersecting cached rows costs a fraction of a millisecond. Matching the
 * whole expression at once would cache only the exact same query.
 *
 * Two facts make the parts add up to the whole:
 *   - a row matches an AND of clauses when it matches each clause: the
 *     intersection of their (ascending) rowid lists;
 *   - FTS5's bm25 is a sum over the expression's phrases, each phrase's term
 *     weighted by its own document frequency over the whole table, whatever
 *     else the query holds. So a row's rank for an expression is the sum of
 *     its ranks for each phrase of it (tests/unit/search-postings.test.ts
 *     checks that against FTS5).
 *
 * The cache (match-cache.ts) is cleared on every change to the index.
 */
import type Database from 'better-sqlite3';
import type { MatchCache } from './match-cache';
import { quote, type Clauses } from './query';
import { TitleBm25 } from './title-bm25';

export type FtsTable = 'fts' | 'titles';

/** Matches and scorings smaller than these are cheap to redo, and not cached. */
export const CACHE_MIN_ROWS = 2000;
const CACHE_MIN_SCORED = 200;
/**
 * A match is ranked from its words' frequencies when the rows of those not yet listed are at most this many times
 * its rows: ~6 times cheaper a row than FTS5 scoring the match, and kept for every later query with the word.
 */
const LIST_FREQUENCIES_RATIO = 8;

export class Postings {
  /** Per rowid, for summing phrase ranks: whether the row is in the expression, and its sum so far. */
  private member = new Uint8Array(0);
  private sums = new Float64Array(0);

  /** Marks for union(), by rowid. */
  private marks = new Uint8Array(0);

  private readonly titleBm25: TitleBm25;

  /**
   * `wordsWithPrefix` answers, from the index's current vocabulary, which words a prefix stands for (or undefined
   * when it cannot say: a vocabulary older than the index, or too many words).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly cache: MatchCache,
    private readonly wordsWithPrefix: (prefix: string) => string[] | undefined = () => undefined,
  ) {
    this.titleBm25 = new TitleBm25(db, cache);
  }

  /**
   * Rowids matching one FTS5 expression, ascending, without scores. FTS5
   * lists rowids at ~0.25 µs each (as one group_concat string), while bm25
   * costs 2–4 µs per row.
   */
  rows(expression: string, table: FtsTable): Int32Array {
    const key = rowsKey(expression, table);
    const cached = this.cache.get<Int32Array>(key);
    if (cached) return cached;
    const rows = parseIds(this.db.prepare(`SELECT group_concat(rowid) FROM ${table} WHERE ${table} MATCH ?`).pluck().get(expression) as string | null);
    if (rows.length >= CACHE_MIN_ROWS) this.cache.set(key, rows);
    return rows;
  }

  /**
   * Rowids of one phrase. A prefix (`"dan"*`) is the union of the rows of the words it stands for, when the
   * vocabulary can say which: the frequent ones are cached (warmed), and the rest are few rows each, where FTS5
   * would merge all of them again for every prefix a visitor types.
   */
  phraseRows(phrase: string, table: FtsTable): Int32Array {
    const prefix = prefixOf(phrase);
    const words = prefix === undefined ? undefined : this.wordsWithPrefix(prefix);
    if (!words) return this.rows(phrase, table);
    return this.cachedUnion(phrase, table, () => words.map((word) => this.rows(quote(word), table)));
  }

  /** Rowids of one clause (its phrases ORed): one phrase's rows, or the union of each phrase's, cached when many. */
  clauseRows(clause: string[], table: FtsTable): Int32Array {
    if (clause.length === 1) return this.phraseRows(clause[0]!, table);
    return this.cachedUnion(clauseExpression(clause), table, () => clause.map((phrase) => this.phraseRows(phrase, table)));
  }

  /** The rows of an expression put together as the union of its parts' rows, cached under the expression when many. */
  private cachedUnion(expression: string, table: FtsTable, parts: () => Int32Array[]): Int32Array {
    const key = rowsKey(expression, table);
    const cached = this.cache.get<Int32Array>(key);
    if (cached) return cached;
    const rows = this.union(parts());
    if (rows.length >= CACHE_MIN_ROWS) this.cache.set(key, rows);
    return rows;
  }

  /** The words a single-word or prefix phrase stands for (a prefix's from the vocabulary); undefined for other phrases, or a prefix it cannot expand. */
  private wordsOf(phrase: string): string[] | undefined {
    const prefix = prefixOf(phrase);
    if (prefix !== undefined) return this.wordsWithPrefix(prefix);
    const word = /^"([^"\s]+)"$/.exec(phrase)?.[1];
    return word === undefined ? undefined : [word];
  }

  /** The ascending union of ascending rowid lists. */
  private union(lists: Int32Array[]): Int32Array {
    const nonEmpty = lists.filter((rows) => rows.length > 0);
    if (nonEmpty.length <= 1) return nonEmpty[0] ?? new Int32Array(0);
    let max = 0;
    let total = 0;
    for (const rows of nonEmpty) {
      max = Math.max(max, rows[rows.length - 1]!);
      total += rows.length;
    }
    if (this.marks.length <= max) this.marks = new Uint8Array(max + 1024);
    let min = max;
    for (const rows of nonEmpty) {
      min = Math.min(min, rows[0]!);
      for (let i = 0; i < rows.length; i++) this.marks[rows[i]!] = 1;
    }
    const out = new Int32Array(Math.min(total, max - min + 1));
    let n = 0;
    for (let rowid = min; rowid <= max; rowid++) {
      if (this.marks[rowid]) {
        out[n++] = rowid;
        this.marks[rowid] = 0;
      }
    }
    return out.subarray(0, n);
  }

  /** Rowids matching every clause, ascending: each clause's rows (cached), intersected from the smallest. */
  matchAll(clauses: Clauses, table: FtsTable): Int32Array {
    let result: Int32Array | undefined;
    const lists: Int32Array[] = [];
    for (const clause of clauses) {
      const rows = this.clauseRows(clause, table);
      // One clause matching nothing settles it: no need to list the others.
      if (rows.length === 0) return rows;
      lists.push(rows);
    }
    for (const rows of lists.sort((a, b) => a.length - b.length)) result = result ? intersect(result, rows) : rows;
    return result ?? new Int32Array(0);
  }

  /** How many records hold each phrase of the clauses, added up (what FTS5's bm25 counts to weigh them). */
  recordsWithPhrases(clauses: Clauses, table: FtsTable): number {
    let records = 0;
    for (const phrase of clauses.flat()) records += this.phraseRows(phrase, table).length;
    return records;
  }

  /** bm25 ranks of an expression's rows as [rowid, rank, rowid, rank…], by FTS5 in one go (cached when there are many). */
  ranks(expression: string, table: FtsTable): Float64Array {
    const key = rankKey(expression, table);
    const cached = this.cache.get<Float64Array>(key);
    if (cached) return cached;
    const rows = this.db.prepare(`SELECT rowid, rank FROM ${table} WHERE ${table} MATCH ?`).raw().all(expression) as [number, number][];
    const pairs = new Float64Array(rows.length * 2);
    rows.forEach(([rowid, rank], i) => {
      pairs[2 * i] = rowid;
      pairs[2 * i + 1] = rank;
    });
    if (rows.length >= CACHE_MIN_SCORED) this.cache.set(key, pairs);
    return pairs;
  }

  /**
   * bm25 ranks in the titles of the rows matching every clause, as [rowid, rank…] pairs; undefined when more than
   * `limit` rows match (the caller then orders them otherwise). Put together from word frequencies (titleRanksOf)
   * when they are at hand or cheap to list; otherwise FTS5 scores the whole expression.
   */
  titleRanks(clauses: Clauses, limit = Infinity): Float64Array | undefined {
    const rows = this.matchAll(clauses, 'titles');
    if (rows.length > limit) return undefined;
    if (rows.length === 0) return new Float64Array(0);
    return this.titleRanksOf(clauses, rows) ?? this.ranks(clauses.map(clauseExpression).join(' AND '), 'titles');
  }

  /**
   * The bm25 rank in the titles of each of `rows` (ascending) whose title holds any of the clauses' phrases, as
   * [rowid, rank…]: for a row whose title matches every clause, FTS5's rank for the whole expression; for others,
   * its rank for the phrases ORed. Put together phrase by phrase from each word's frequencies (title-bm25.ts:
   * listed once, cached, and shared by every query with the word). Undefined when a phrase is not a word or a
   * prefix the vocabulary can expand, or when listing the frequencies not at hand would cost more than scoring the
   * rows whole: ~0.5 µs a row that holds a word, against ~3 µs a matching row for FTS5 to score an expression.
   */
  titleRanksOf(clauses: Clauses, rows: Int32Array): Float64Array | undefined {
    if (rows.length === 0) return new Float64Array(0);
    // FTS5 adds up every phrase of the expression: one written twice counts twice.
    const phrases = clauses.flat();
    const words = phrases.map((phrase) => this.wordsOf(phrase));
    if (words.some((known) => !known)) return undefined;
    // How many titles hold each phrase: its weight in bm25, and (for one word) how many frequencies it has.
    const holding = phrases.map((phrase) => this.phraseRows(phrase, 'titles').length);
    let toList = 0;
    for (const [i, known] of words.entries()) {
      const unlisted = known!.filter((word) => !this.titleBm25.has(word));
      if (unlisted.length === 0) continue;
      // A prefix's words each say how many they have (their rows, cached when many: listing them again costs little).
      toList += known!.length === 1 ? holding[i]! : unlisted.reduce((sum, word) => sum + this.rows(quote(word), 'titles').length, 0);
    }
    if (toList > LIST_FREQUENCIES_RATIO * rows.length) return undefined;
    const size = rows[rows.length - 1]! + 1;
    if (this.member.length < size) {
      this.member = new Uint8Array(size + 1024);
      this.sums = new Float64Array(size + 1024);
    }
    for (let i = 0; i < rows.length; i++) this.member[rows[i]!] = 1;
    try {
      for (const [i, known] of words.entries()) this.titleBm25.addRanks(known!, holding[i]!, this.member, this.sums);
      let held = 0;
      for (let i = 0; i < rows.length; i++) if (this.sums[rows[i]!] !== 0) held++;
      const out = new Float64Array(held * 2);
      let k = 0;
      for (let i = 0; i < rows.length; i++) {
        const rank = this.sums[rows[i]!]!;
        if (rank === 0) continue;
        out[k++] = rows[i]!;
        out[k++] = rank;
      }
      return out;
    } finally {
      for (let i = 0; i < rows.length; i++) {
        this.member[rows[i]!] = 0;
        this.sums[rows[i]!] = 0;
      }
    }
  }

  /** Lists a frequent word's title frequencies ahead of searches (the warmer). */
  warmTitleRanks(word: string): void {
    this.titleBm25.warm(word);
  }
}

const rankKey = (expression: string, table: FtsTable) => `ranks\u0000${table}\u0000${expression}`;

const rowsKey = (expression: string, table: FtsTable) => `rows\u0000${table}\u0000${expression}`;

/** `dan` of `"dan"*`; undefined for any other phrase. */
function prefixOf(phrase: string): string | undefined {
  return /^"([^"\s]+)"\*$/.exec(phrase)?.[1];
}

/** One clause as an FTS5 expression: its phrases ORed. */
export function clauseExpression(clause: string[]): string {
  return clause.length === 1 ? clause[0]! : `(${clause.join(' OR ')})`;
}

/**
 * The rows of both ascending lists. Walks the shorter and, when the other is
 * much longer, finds each row in it by galloping search rather than stepping.
 */
export function intersect(a: Int32Array, b: Int32Array): Int32Array {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  const gallop = b.length > 8 * a.length;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i]!;
    if (gallop) {
      let step = 1;
      while (j + step < b.length && b[j + step]! < x) step *= 2;
      let lo = j;
      let hi = Math.min(j + step, b.length - 1);
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (b[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      j = lo;
    } else while (j < b.length && b[j]! < x) j++;
    if (b[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

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
