import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { EmbeddedSearchIndex, frequentWords } from '@/lib/search/embedded';
import type { SearchDocument } from '@/lib/search/types';

/**
 * The embedded engine lists its most frequent words ahead of searches (EmbeddedSearchIndex.warm): what it lists
 * must not change any answer, and a change to the index must stop a warming and start a new one.
 */
function doc(i: number, words: string): SearchDocument {
  return {
    id: `w${i.toString(36).padStart(7, '0')}`,
    slug: `warm-${i}`,
    type: 'festival',
    status: 'published',
    title: { vi: words },
    text: { title: [words], subjects: [], place: [], description: [], transcript: [], fulltext: [] },
    facets: { type: ['festival'], status: ['published'], accessLevel: ['public'] },
    access: ['public'],
    titleSort: words,
    modified: '2026-01-01T00:00:00Z',
  };
}

/** 2,600 records: "hoi" in all, "chieng" in 2,100, "gong" in 300 (too few to be worth listing ahead). */
function corpus(): SearchDocument[] {
  return Array.from({ length: 2600 }, (_, i) => doc(i, ['le hoi', i < 2100 ? 'chieng' : '', i % 9 === 0 ? 'gong' : ''].join(' ').trim()));
}

const dirs: string[] = [];
const indexes: EmbeddedSearchIndex[] = [];
afterEach(async () => {
  for (const index of indexes.splice(0)) await index.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function openWith(docs: SearchDocument[]): Promise<EmbeddedSearchIndex> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-warm-'));
  dirs.push(dir);
  const index = EmbeddedSearchIndex.open({ dir, synonyms: [] });
  indexes.push(index);
  await index.upsert(docs);
  return index;
}

const ask = (index: EmbeddedSearchIndex, q: string) => index.search({ q, viewer: ANONYMOUS, pageSize: 5, facets: ['type'] });

describe('warming the most frequent words', () => {
  it('lists the words in enough records, most frequent first, within half the cache', () => {
    const counts = new Map([['hoi', 90_000], ['le', 95_000], ['chieng', 30_000], ['gong', 1_500], ['nha', 2_000]]);
    expect(frequentWords(counts, 100_000, 1024 * 1024 * 1024)).toEqual(['le', 'hoi', 'chieng', 'nha']);
    // Room for the two most frequent words' rows in both tables (4 bytes a row), not the third.
    expect(frequentWords(counts, 100_000, 2 * (95_000 + 90_000) * 8)).toEqual(['le', 'hoi']);
    // Or their title ranks (16 bytes a title).
    expect(frequentWords(counts, 100_000, 2 * (95_000 + 90_000) * 16, 16)).toEqual(['le', 'hoi']);
  });

  it('lists them in both tables, and answers exactly as before', async () => {
    const index = await openWith(corpus());
    const cold = await Promise.all(['hoi', 'chieng', 'hoi chieng', 'chi', 'gong hoi'].map((q) => ask(index, q)));
    // A fresh handle on the same file, warmed before its first search.
    const warmed = EmbeddedSearchIndex.open({ dir: dirs[0]!, synonyms: [] });
    indexes.push(warmed);
    expect(await warmed.warm()).toBe(3 * 3); // le, hoi, chieng × rows in fts and titles, and title ranks
    const warm = await Promise.all(['hoi', 'chieng', 'hoi chieng', 'chi', 'gong hoi'].map((q) => ask(warmed, q)));
    expect(warm.map((r) => [r.total, r.hits.map((h) => h.id), r.facets])).toEqual(cold.map((r) => [r.total, r.hits.map((h) => h.id), r.facets]));
    expect(warm.map((r) => r.total)).toEqual([2600, 2100, 2100, 2100, 289]);
  });

  it('stops when the index changes, warms again after, and never after closing', async () => {
    const index = await openWith(corpus());
    const first = index.warm();
    await index.upsert([doc(9999, 'le hoi chieng moi')]); // changes the index while the first warming waits to start
    expect(await first).toBe(0);
    expect(await index.warm()).toBe(9);
    expect((await ask(index, 'moi')).total).toBe(1);
    expect(await index.warm()).toBe(9); // nothing changed: the same warming
    await index.remove([doc(9999, '').id]);
    const last = index.warm();
    await index.close();
    expect(await last).toBe(0);
  });
});
