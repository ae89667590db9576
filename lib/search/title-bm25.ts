/**
 * bm25 ranks of one word, or of the words a prefix stands for, over the
 * titles table: the numbers FTS5's bm25() gives, computed here from what
 * FTS5 stores. Why: FTS5 scores a row through its auxiliary-function API,
 * loading the row's position lists, ~2 µs a row (a word in 60,000 of 100,000
 * titles: 100 ms); fts5vocab lists the word's instances at ~0.3 µs each, and
 * the formula is a few multiplications a row (~30 ms for the same word).
 * Cheap enough for the warmer to rank the most frequent words ahead of
 * searches, and for a search to rank its own words instead of scoring its
 * whole expression (postings.ts adds them up).
 *
 * The formula, as fts5_aux.c's fts5Bm25Function computes it:
 *   rank = −Σ over the expression's phrases of idf · f·(k1+1) / (f + k1·(1 − b + b·D/avgdl))
 *   k1 = 1.2, b = 0.75; f = the phrase's instances in the row, each weighted by its column's weight;
 *   D = the row's tokens (all columns); avgdl = all tokens / N;
 *   idf = ln((N − n + 0.5) / (n + 0.5)), or 1e-6 when that is not positive; N = rows, n = rows with the phrase.
 * N and the token totals are FTS5's own (the averages record, `titles_data` id 1), D the row's `titles_docsize`
 * entry: varints, one per column, in FTS5's documented file format. tests/unit/search-postings.test.ts checks the
 * ranks against FTS5's, so a change of format would fail there, not in search results.
 */
import type Database from 'better-sqlite3';
import type { MatchCache } from './match-cache';

/** The titles table's columns, in order, and their bm25 weights (the table's rank function is built from these). */
export const TITLE_COLUMNS = ['title', 'exact'] as const;
export const TITLE_WEIGHTS = [10, 6] as const;

const K1 = 1.2;
const B = 0.75;
/** Where the row sizes are kept: in the match cache, so they are read again after every change to the index. */
const SIZES_KEY = 'sizes\u0000titles';
const AVERAGES_KEY = 'averages\u0000titles';

export class TitleBm25 {
  /** Per rowid while ranking a prefix: its weighted frequency so far (reset after each use). */
  private frequency = new Float64Array(0);
  private readonly instances: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly cache: MatchCache,
  ) {
    // A temporary table: reading the instances must not write to an index file that other processes share.
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.title_instances USING fts5vocab(main, titles, 'instance')`);
    // "rowid,1,rowid,0…": one string per word (1 = the title column), parsed without a JS object per instance.
    this.instances = db.prepare(`SELECT group_concat(doc || ',' || (col = '${TITLE_COLUMNS[0]}')) FROM temp.title_instances WHERE term = ?`).pluck();
  }

  /** Whether a word's frequencies are at hand (ranking with it costs no listing). */
  has(word: string): boolean {
    return this.cache.has(frequencyKey(word));
  }

  /** Lists a frequent word's frequencies ahead of searches (the warmer), and the row sizes the first time. */
  warm(word: string): void {
    this.sizes();
    this.frequencies(word);
  }

  /**
   * Adds one phrase's bm25 rank to `sums[rowid]` for each row marked in `member` that holds it. The phrase is one
   * word, or the words a prefix stands for (FTS5 ranks a prefix as one phrase: each instance of any of its words
   * counts in f); `rowsWithPhrase` is n, the rows that hold it (any of its words). Only marked rows are scored: a
   * common word's frequencies are listed (and cached) once, and each query pays for its own matches.
   */
  addRanks(words: readonly string[], rowsWithPhrase: number, member: Uint8Array, sums: Float64Array): void {
    const sizes = this.sizes();
    const averages = this.averages();
    const rows = averages[0]!;
    const tokens = averages[1]!;
    const idf = Math.max(Math.log((rows - rowsWithPhrase + 0.5) / (rowsWithPhrase + 0.5)), 0) || 1e-6;
    const averageLength = tokens / rows;
    const rank = (f: number, rowid: number) => (-idf * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * sizes[rowid]!) / averageLength));
    const marked = (rowid: number) => rowid < member.length && member[rowid] === 1 && rowid < sizes.length;
    if (words.length === 1) {
      const pairs = this.frequencies(words[0]!);
      for (let k = 0; k < pairs.length; k += 2) if (marked(pairs[k]!)) sums[pairs[k]!]! += rank(pairs[k + 1]!, pairs[k]!);
      return;
    }
    if (this.frequency.length < sizes.length) this.frequency = new Float64Array(sizes.length);
    const frequency = this.frequency;
    const touched: number[] = [];
    try {
      for (const word of words) {
        const pairs = this.frequencies(word);
        for (let k = 0; k < pairs.length; k += 2) {
          const rowid = pairs[k]!;
          if (!marked(rowid)) continue;
          if (frequency[rowid] === 0) touched.push(rowid);
          frequency[rowid]! += pairs[k + 1]!;
        }
      }
      for (const rowid of touched) sums[rowid]! += rank(frequency[rowid]!, rowid);
    } finally {
      for (const rowid of touched) frequency[rowid] = 0;
    }
  }

  /** One word's weighted frequency in each title that holds it, as [rowid, f, …] ascending: from its instances, cached. */
  private frequencies(word: string): Int32Array {
    const key = frequencyKey(word);
    const kept = this.cache.get<Int32Array>(key);
    if (kept) return kept;
    const list = this.instances.get(word) as string | null;
    const pairs = list ? frequenciesOf(list) : new Int32Array(0);
    // Kept however few: a prefix stands for many rare words, each listed again at every search otherwise.
    this.cache.set(key, pairs);
    return pairs;
  }

  /** N and the total tokens of all columns, from FTS5's averages record. */
  private averages(): Float64Array {
    const kept = this.cache.get<Float64Array>(AVERAGES_KEY);
    if (kept) return kept;
    const block = this.db.prepare(`SELECT block FROM titles_data WHERE id = 1`).pluck().get() as Buffer | undefined;
    const values = block ? varints(block) : [];
    const averages = Float64Array.of(Math.max(values[0] ?? 0, 1), values.slice(1).reduce((sum, v) => sum + v, 0));
    this.cache.set(AVERAGES_KEY, averages);
    return averages;
  }

  /** Each row's tokens (all columns), by rowid: read once per state of the index (~30 ms at 100,000 titles). */
  private sizes(): Int32Array {
    const kept = this.cache.get<Int32Array>(SIZES_KEY);
    if (kept) return kept;
    const max = (this.db.prepare('SELECT max(id) FROM titles_docsize').pluck().get() as number | null) ?? 0;
    const sizes = new Int32Array(max + 1);
    const list = this.db.prepare(`SELECT group_concat(id || ',' || hex(sz)) FROM titles_docsize`).pluck().get() as string | null;
    if (list) readSizes(list, sizes);
    this.cache.set(SIZES_KEY, sizes);
    return sizes;
  }
}

const frequencyKey = (word: string) => `frequency\u0000titles\u0000${word}`;

/** "rowid,isTitle,rowid,isTitle…" (one row's instances one after another, rows ascending) → [rowid, f, …]. */
function frequenciesOf(list: string): Int32Array {
  const out: number[] = [];
  let value = 0;
  let rowid = -1;
  for (let i = 0; i <= list.length; i++) {
    const c = i < list.length ? list.charCodeAt(i) : 44;
    if (c !== 44) {
      value = value * 10 + (c - 48);
      continue;
    }
    if (rowid < 0) rowid = value;
    else {
      const weight = value === 1 ? TITLE_WEIGHTS[0] : TITLE_WEIGHTS[1];
      if (out.length && out[out.length - 2] === rowid) out[out.length - 1]! += weight;
      else out.push(rowid, weight);
      rowid = -1;
    }
    value = 0;
  }
  return Int32Array.from(out);
}

/** "id,HEX,id,HEX…" (each HEX a row's column sizes as varints) → sizes[id] = the sum. */
function readSizes(list: string, sizes: Int32Array): void {
  let i = 0;
  while (i < list.length) {
    let id = 0;
    for (let c = list.charCodeAt(i); c !== 44; c = list.charCodeAt(++i)) id = id * 10 + (c - 48);
    i++;
    let total = 0;
    let value = 0;
    for (; i < list.length && list.charCodeAt(i) !== 44; i += 2) {
      const byte = (hexDigit(list.charCodeAt(i)) << 4) | hexDigit(list.charCodeAt(i + 1));
      value = value * 128 + (byte & 127);
      if (!(byte & 128)) {
        total += value;
        value = 0;
      }
    }
    sizes[id] = total;
    i++;
  }
}

function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : c - 55;
}

/** SQLite-style varints (big-endian, 7 bits a byte, high bit = more follows) — FTS5's, for values below 2^56. */
function varints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 127);
    if (!(byte & 128)) {
      out.push(value);
      value = 0;
    }
  }
  return out;
}
