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

/** A titles table as the engine makes it, with `rows` random titles (30% with an exact spelling too). */
function titlesTable(seed: number, rows: number): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE titles USING fts5(title, exact, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3');
           INSERT INTO titles (titles, rank) VALUES ('rank', 'bm25(10, 6)');
           CREATE VIRTUAL TABLE titles_vocab USING fts5vocab(titles, 'row');`);
  const random = rng(seed);
  const insert = db.prepare('INSERT INTO titles (rowid, title, exact) VALUES (?, ?, ?)');
  for (let rowid = 1; rowid <= rows; rowid++) {
    const words = Array.from({ length: 2 + Math.floor(random() * 7) }, () => WORDS[Math.floor(Math.pow(random(), 2) * WORDS.length)]!);
    insert.run(rowid, words.join(' '), random() < 0.3 ? words.slice(0, 2).join(' ') : '');
  }
  return db;
}

/** The engine's prefix expansion: the table's terms that start with the prefix. */
function vocabularyOf(db: Database.Database): (prefix: string) => string[] {
  const terms = (db.prepare('SELECT term FROM titles_vocab').pluck().all() as string[]).sort();
  return (prefix) => terms.filter((term) => term.startsWith(prefix));
}

const db = titlesTable(7, 3000);
afterAll(() => db.close());

const QUERIES: string[][][] = [
  [['"le"']],
  [['"le"'], ['"hoi"']],
  [['"le"'], ['"le"']],
  [['"dam"'], ['"trau"', '"tra"*']],
  [['"nha rong"', '"gươl"', '"lang"'], ['"co"*']],
  [['"co tu"', '"katu"'], ['"le"'], ['"hoi"', '"ho"*']],
  [['"cong"', '"chieng"'], ['"thổ"', '"cẩm"']],
  [['"th"*'], ['"le"']],
];

/** Its ranks are FTS5's for the whole expression, row for row. */
function expectSameAsWhole(db: Database.Database, clauses: string[][], summed: Float64Array): void {
  const whole = db.prepare('SELECT rowid, rank FROM titles WHERE titles MATCH ? ORDER BY rowid').raw().all(clauses.map(clauseExpression).join(' AND ')) as [number, number][];
  expect(whole.length).toBeGreaterThan(0);
  const pairs = Array.from({ length: summed.length / 2 }, (_, i) => [summed[2 * i]!, summed[2 * i + 1]!]);
  expect(pairs.map(([rowid]) => rowid)).toEqual(whole.map(([rowid]) => rowid));
  pairs.forEach(([, rank], i) => expect(rank).toBeCloseTo(whole[i]![1], 9));
}

describe('matching and ranking by parts', () => {
  it.each(QUERIES.map((q) => [q.map(clauseExpression).join(' AND '), q] as const))('%s: the same rows and ranks as FTS5 for the whole', (expression, clauses) => {
    const whole = db.prepare('SELECT rowid FROM titles WHERE titles MATCH ? ORDER BY rowid').pluck().all(expression) as number[];
    for (const postings of [new Postings(db, new MatchCache()), new Postings(db, new MatchCache(), vocabularyOf(db))]) {
      expect([...postings.matchAll(clauses, 'titles')]).toEqual(whole);
      // Cold: words too common to be worth their own ranks are scored whole by FTS5.
      expectSameAsWhole(db, clauses, postings.titleRanks(clauses)!);
      // Warm: each phrase's ranks cached (as earlier queries with it, or the warmer, leave them), then added up.
      for (const phrase of clauses.flat()) postings.titleRanks([[phrase]]);
      expectSameAsWhole(db, clauses, postings.titleRanks(clauses)!);
    }
  });

  it('ranks words and prefixes from their instances as FTS5 does, after deletions and replacements too', () => {
    const changed = titlesTable(11, 2500);
    try {
      const remove = changed.prepare('DELETE FROM titles WHERE rowid = ?');
      const insert = changed.prepare('INSERT INTO titles (rowid, title, exact) VALUES (?, ?, ?)');
      for (let rowid = 1; rowid <= 2500; rowid += 3) remove.run(rowid);
      for (let rowid = 2; rowid <= 2500; rowid += 7) {
        remove.run(rowid);
        insert.run(rowid, 'le hoi le hoi cong chieng nha rong', 'lễ hội');
      }
      for (const clauses of [[['"le"'], ['"hoi"']], [['"th"*']], [['"c"*'], ['"le"']], [['"lễ"']], [['"gươl"', '"lang"'], ['"le"']]]) {
        const postings = new Postings(changed, new MatchCache(), vocabularyOf(changed));
        for (const phrase of clauses.flat()) postings.titleRanks([[phrase]]);
        expectSameAsWhole(changed, clauses, postings.titleRanks(clauses)!);
      }
    } finally {
      changed.close();
    }
  });

  it('ranks any rows by the words their titles hold, as FTS5 ranks the words ORed', () => {
    const postings = new Postings(db, new MatchCache(), vocabularyOf(db));
    const rows = Int32Array.from({ length: 1500 }, (_, i) => 2 * i + 1);
    for (const clauses of [[['"le"'], ['"hoi"']], [['"dam"'], ['"trau"', '"tra"*']], [['"cong"'], ['"gươl"'], ['"th"*']]]) {
      const anyPhrase = clauses.flat().join(' OR ');
      const ored = new Map(db.prepare('SELECT rowid, rank FROM titles WHERE titles MATCH ?').raw().all(anyPhrase) as [number, number][]);
      const ranked = postings.titleRanksOf(clauses, rows)!;
      const pairs = Array.from({ length: ranked.length / 2 }, (_, i) => [ranked[2 * i]!, ranked[2 * i + 1]!] as const);
      // Exactly the given rows whose titles hold any of the words, each with FTS5's rank.
      expect(pairs.map(([rowid]) => rowid)).toEqual([...rows].filter((rowid) => ored.has(rowid)));
      for (const [rowid, rank] of pairs) expect(rank).toBeCloseTo(ored.get(rowid)!, 9);
    }
    // A phrase of several words is left to the caller.
    expect(postings.titleRanksOf([['"nha rong"'], ['"le"']], rows)).toBeUndefined();
  });

  it('matches a prefix word by word from the vocabulary, with the same rows as FTS5 (diacritic spellings too)', () => {
    const expanded: string[] = [];
    const vocabulary = vocabularyOf(db);
    const postings = new Postings(db, new MatchCache(), (prefix) => {
      expanded.push(prefix);
      return vocabulary(prefix);
    });
    for (const clauses of [[['"t"*']], [['"th"*']], [['"ch"*'], ['"co"']], [['"gư"*', '"lang"']], [['"hoi"', '"ho"*'], ['"le"']], [['"zz"*']]]) {
      const expression = clauses.map(clauseExpression).join(' AND ');
      const whole = db.prepare('SELECT rowid FROM titles WHERE titles MATCH ? ORDER BY rowid').pluck().all(expression) as number[];
      expect([...postings.matchAll(clauses, 'titles')], expression).toEqual(whole);
    }
    expect(expanded).toContain('th');
    // 'thổ' is spelt with a diacritic and still stands under "th": a row with only it is found.
    expect(vocabulary('th')).toContain('thổ');
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
    const first = [...postings.titleRanks(clauses)!];
    expect([...postings.titleRanks(clauses)!]).toEqual(first);
    expect(postings.titleRanks([['"le"']], 10)).toBeUndefined();
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
