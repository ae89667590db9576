import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MatchCache } from '@/lib/search/match-cache';
import { clauseExpression, intersect, Postings } from '@/lib/search/postings';

/**
 * The embedded engine matches and ranks clause by clause (lib/search/postings.ts); what it puts together must be
 * what FTS5 answers for the whole expression, or search results would change order with what is cached.
 */
const WORDS = ['le', 'hoi', 'dam', 'trau', 'cong', 'chieng', 'nha', 'rong', 'dệt', 'thổ', 'cẩm', 'gươl', 'co', 'tu', 'katu', 'lang'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE titles USING fts5(title, exact, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3');
         INSERT INTO titles (titles, rank) VALUES ('rank', 'bm25(10, 6)');`);
const random = rng(7);
const insert = db.prepare('INSERT INTO titles (rowid, title, exact) VALUES (?, ?, ?)');
for (let rowid = 1; rowid <= 3000; rowid++) {
  const words = Array.from({ length: 2 + Math.floor(random() * 7) }, () => WORDS[Math.floor(Math.pow(random(), 2) * WORDS.length)]!);
  insert.run(rowid, words.join(' '), random() < 0.3 ? words.slice(0, 2).join(' ') : '');
}
afterAll(() => db.close());

const QUERIES: string[][][] = [
  [['"le"']],
  [['"le"'], ['"hoi"']],
  [['"dam"'], ['"trau"', '"tra"*']],
  [['"nha rong"', '"gươl"', '"lang"'], ['"co"*']],
  [['"co tu"', '"katu"'], ['"le"'], ['"hoi"', '"ho"*']],
  [['"cong"', '"chieng"'], ['"thổ"', '"cẩm"']],
];

describe('matching and ranking by parts', () => {
  it.each(QUERIES.map((q) => [q.map(clauseExpression).join(' AND '), q] as const))('%s: the same rows and ranks as FTS5 for the whole', (expression, clauses) => {
    const postings = new Postings(db, new MatchCache());
    const whole = db.prepare('SELECT rowid, rank FROM titles WHERE titles MATCH ? ORDER BY rowid').raw().all(expression) as [number, number][];
    expect(whole.length).toBeGreaterThan(0);
    expect([...postings.matchAll(clauses, 'titles')]).toEqual(whole.map(([rowid]) => rowid));
    const sameAsWhole = (summed: Float64Array) => {
      const pairs = Array.from({ length: summed.length / 2 }, (_, i) => [summed[2 * i]!, summed[2 * i + 1]!]);
      expect(pairs.map(([rowid]) => rowid)).toEqual(whole.map(([rowid]) => rowid));
      pairs.forEach(([, rank], i) => expect(rank).toBeCloseTo(whole[i]![1], 9));
    };
    // Cold: words too common to be worth their own ranks are scored whole by FTS5.
    sameAsWhole(postings.summedRanks(clauses, 'titles')!);
    // Warm: each word's ranks cached (as earlier queries with the word leave them), then added up.
    for (const phrase of clauses.flat()) postings.summedRanks([[phrase]], 'titles');
    sameAsWhole(postings.summedRanks(clauses, 'titles')!);
  });

  it('matches a prefix word by word from the vocabulary, with the same rows as FTS5 (diacritic spellings too)', () => {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS titles_vocab USING fts5vocab(titles, 'row')`);
    const terms = (db.prepare('SELECT term FROM titles_vocab').pluck().all() as string[]).sort();
    const expanded: string[] = [];
    const postings = new Postings(db, new MatchCache(), (prefix) => {
      expanded.push(prefix);
      return terms.filter((term) => term.startsWith(prefix));
    });
    for (const clauses of [[['"t"*']], [['"th"*']], [['"ch"*'], ['"co"']], [['"gư"*', '"lang"']], [['"hoi"', '"ho"*'], ['"le"']], [['"zz"*']]]) {
      const expression = clauses.map(clauseExpression).join(' AND ');
      const whole = db.prepare('SELECT rowid FROM titles WHERE titles MATCH ? ORDER BY rowid').pluck().all(expression) as number[];
      expect([...postings.matchAll(clauses, 'titles')], expression).toEqual(whole);
    }
    expect(expanded).toContain('th');
    // 'thổ' is spelt with a diacritic and still stands under "th": a row with only it is found.
    expect(terms.filter((t) => t.startsWith('th'))).toContain('thổ');
  });

  it('leaves a prefix to FTS5 when the vocabulary cannot say what it stands for', () => {
    const postings = new Postings(db, new MatchCache(), () => undefined);
    const whole = db.prepare('SELECT rowid FROM titles WHERE titles MATCH ? ORDER BY rowid').pluck().all('"ch"*') as number[];
    expect(whole.length).toBeGreaterThan(0);
    expect([...postings.matchAll([['"ch"*']], 'titles')]).toEqual(whole);
  });

  it('answers the same from its cache, and says when a match is too large to score', () => {
    const cache = new MatchCache();
    const postings = new Postings(db, cache);
    const clauses = [['"le"'], ['"hoi"']];
    const first = [...postings.summedRanks(clauses, 'titles')!];
    expect([...postings.summedRanks(clauses, 'titles')!]).toEqual(first);
    expect(postings.summedRanks([['"le"']], 'titles', 10)).toBeUndefined();
    expect(postings.matchAll([['"le"'], ['"khong-co"']], 'titles')).toHaveLength(0);
  });

  it('intersects ascending lists, stepping or galloping', () => {
    const random = rng(3);
    for (let round = 0; round < 200; round++) {
      const make = (n: number, span: number) => Int32Array.from(new Set(Array.from({ length: n }, () => Math.floor(random() * span)))).sort();
      const a = make(Math.floor(random() * 50), 1000);
      const b = make(Math.floor(random() * (round % 2 ? 900 : 60)), 1000);
      const expected = [...a].filter((x) => b.includes(x));
      expect([...intersect(a, b)]).toEqual(expected);
      expect([...intersect(b, a)]).toEqual(expected);
    }
  });
});
