import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import { ConfigError, parseConfig } from '@/lib/config';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { openSearchIndex, registerSearchIndexing, captionText, type SearchIndex } from '@/lib/search';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { toSearchDocument } from '@/lib/search/document';
import { reindex } from '@/lib/search/reindex';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.resolve(import.meta.dirname, '../../content'));
const member: Viewer = { kind: 'user', id: 'm', roles: ['researcher'], communities: ['co-tu'] };

describe('search configuration', () => {
  it('defaults to the embedded engine under DATA_DIR and needs MEILI_HOST for Meilisearch', () => {
    const config = parseConfig({ DATA_DIR: '/srv/disan' });
    expect(config.search).toEqual({ driver: 'embedded', dir: '/srv/disan/search' });
    expect(() => parseConfig({ SEARCH_DRIVER: 'meilisearch' })).toThrow(ConfigError);
    expect(parseConfig({ SEARCH_DRIVER: 'meilisearch', MEILI_HOST: 'http://127.0.0.1:7700', MEILI_API_KEY: 'k' }).search).toEqual({
      driver: 'meilisearch',
      host: 'http://127.0.0.1:7700',
      apiKey: 'k',
      index: 'disan-records',
    });
  });
});

describe('keeping the index current', () => {
  let archive: TempArchive;
  let index: SearchIndex;
  const config = () => parseConfig({ DATA_DIR: archive.dir });

  beforeEach(async () => {
    archive = await tempArchive();
    index = await openSearchIndex(config(), vocab);
    registerSearchIndexing({ records: archive.records, store: archive.store, vocab }, index);
  });
  afterEach(async () => {
    await index.close();
    await archive.cleanup();
  });

  it('follows create, publish, restrict and withdraw; transcripts are searchable', async () => {
    const created = await archive.records.create({
      body: sampleBody({ status: 'draft' }),
      files: [{ name: 'loi-khan.txt', body: 'Lời khấn của già làng bên cột xnur', contentType: 'text/plain', kind: 'transcript', language: 'vie' }],
      user: operator,
    });
    const find = (q: string, viewer = ANONYMOUS) => index.search({ q, viewer }).then((r) => r.hits.map((h) => h.id));
    expect(await find('dam trau')).toEqual([]); // a draft is staff-only
    let stored = await archive.records.update(created.record.id, { expectedVersion: 1, body: sampleBody({ status: 'published' }), user: operator });
    expect(await find('dam trau')).toEqual([created.record.id]);
    expect(await find('loi khan gia lang')).toEqual([created.record.id]);
    stored = await archive.records.update(created.record.id, {
      expectedVersion: stored.head,
      body: sampleBody({ status: 'published', access: { level: 'community', communities: ['co-tu'] } }),
      user: operator,
    });
    expect(await find('dam trau')).toEqual([]);
    expect(await find('dam trau', member)).toEqual([created.record.id]);
    await archive.records.update(created.record.id, { expectedVersion: stored.head, body: sampleBody({ status: 'withdrawn' }), user: operator });
    expect(await find('dam trau', member)).toEqual([]);
  });

  it('rebuilds from storage alone into a new file and swaps it in while the old one answers', async () => {
    for (const [i, slug] of ['mot', 'hai', 'ba'].entries()) {
      await archive.records.create({ body: sampleBody({ slug: `le-hoi-${slug}`, status: 'published', title: { vi: `Lễ hội số ${slug}`, en: `Festival ${i}` } }), user: operator });
    }
    await index.clear(); // the live index lost everything (say, a disk was replaced)
    const reader = EmbeddedSearchIndex.open({ dir: path.join(archive.dir, 'search'), synonyms: [], swapCheckMs: 0 });
    expect(await reader.count({ viewer: ANONYMOUS })).toBe(0);
    const seen: number[] = [];
    const result = await reindex({ records: archive.records, store: archive.store, vocab, config: config() }, { batchSize: 2, onProgress: (p) => seen.push(p.done) });
    expect(result).toMatchObject({ done: 3, total: 3, failed: [] });
    expect(seen.at(-1)).toBe(3);
    // The open reader notices the swap and answers from the rebuilt index.
    expect(await reader.count({ viewer: ANONYMOUS })).toBe(3);
    expect((await reader.search({ q: 'le hoi so hai', viewer: ANONYMOUS })).hits[0]?.title.vi).toBe('Lễ hội số hai');
    const files = fs.readdirSync(path.join(archive.dir, 'search')).filter((f) => f.endsWith('.sqlite'));
    expect(files).toHaveLength(1); // the old index file is gone
    await reader.close();
  });

  it('reads caption files as plain text', () => {
    expect(captionText('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nLời khấn\n').trim()).toBe('Lời khấn');
  });
});

describe('several processes on one index', () => {
  it('sees writes made by another connection (e.g. an import run from the CLI), so access changes apply at once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-search-two-'));
    try {
      const server = EmbeddedSearchIndex.open({ dir, synonyms: [] });
      const cli = EmbeddedSearchIndex.open({ dir, synonyms: [] });
      const record = (await import('../contract/search.contract')).demoRecords().find((r) => r.slug === 'nha-guol-co-tu')!;
      const doc = toSearchDocument(record, vocab);
      await cli.upsert([doc]);
      expect(await server.count({ q: 'nha guol', viewer: ANONYMOUS })).toBe(1);
      await cli.upsert([{ ...doc, status: 'withdrawn', access: ['staff'] }]);
      expect(await server.count({ q: 'nha guol', viewer: ANONYMOUS })).toBe(0);
      await server.close();
      await cli.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
