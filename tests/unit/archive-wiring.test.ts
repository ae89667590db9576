/**
 * After-commit work is wired in one place (lib/archive.ts) for every process:
 * a commit is in the index before it returns, a rebuild racing with commits
 * loses none of them, and new media are queued durably.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { openArchive, type OpenArchive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { listJobs } from '@/lib/jobs';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { reindex } from '@/lib/search/reindex';
import { operator, sampleBody } from '../helpers/temp-archive';

const CONTENT_DIR = path.resolve(import.meta.dirname, '../../content');

describe('the archive wires after-commit work for every process', () => {
  let dir: string;
  let archive: OpenArchive;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-wiring-'));
    archive = openArchive(parseConfig({ DATA_DIR: dir, CONTENT_DIR }));
  });
  afterEach(async () => {
    await archive.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const titles = async (q: string) => (await (await archive.search()).search({ q, viewer: ANONYMOUS })).hits.map((h) => h.title.vi);

  it('lists a commit before the call that made it returns', async () => {
    const created = await archive.records.create({ body: sampleBody({ status: 'published', title: { vi: 'Lễ mừng lúa mới làng A Xờ', en: 'New rice festival of A Xờ' } }), user: operator });
    expect(await titles('mung lua moi a xo')).toEqual(['Lễ mừng lúa mới làng A Xờ']);
    const page = await (await archive.search()).list({ viewer: ANONYMOUS });
    expect(page.entries.map((e) => e.id)).toEqual([created.record.id]);
    expect(page.entries[0]!.modified).toBe(created.modified);
  });

  it('queues derivative jobs for new originals, durably, and not again for unchanged ones', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a3272f' } }).png().toBuffer();
    const created = await archive.records.create({
      body: sampleBody({ status: 'draft' }),
      files: [{ name: 'anh.png', body: png, contentType: 'image/png', kind: 'image' }],
      user: operator,
    });
    await archive.records.update(created.record.id, { expectedVersion: 1, body: sampleBody({ status: 'draft', title: { vi: 'Đổi tên', en: 'Renamed' } }), user: operator });
    expect((await listJobs(archive.jobs().queue, { recordId: created.record.id })).map((j) => j.mediaPath)).toEqual(['files/anh.png']);
  });

  it('loses no commit made while the index is rebuilt', async () => {
    const created: { id: string; slug: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const stored = await archive.records.create({ body: sampleBody({ slug: `le-hoi-${i}`, status: 'published', title: { vi: `Lễ hội làng số ${i}`, en: `Village festival ${i}` } }), user: operator });
      created.push({ id: stored.record.id, slug: stored.record.slug });
    }
    created.sort((a, b) => (a.id < b.id ? -1 : 1)); // the rebuild reads records in id order: the first two first
    const ids = created.map((c) => c.id);
    // While the rebuild reads the archive, records it has already read are changed (as the web server would, in another
    // process: here the same process, through the live index, which is what the rebuild has to learn from).
    const changes: Promise<unknown>[] = [];
    await reindex(archive, {
      batchSize: 4,
      onProgress: (p) => {
        if (p.done === 2) {
          changes.push(archive.records.update(ids[0]!, { expectedVersion: 1, body: sampleBody({ slug: created[0]!.slug, status: 'published', title: { vi: 'Lễ cúng bến nước Tà Lang', en: 'Water wharf offering of Tà Lang' } }), user: operator }));
          changes.push(archive.records.update(ids[1]!, { expectedVersion: 1, body: sampleBody({ slug: created[1]!.slug, status: 'withdrawn' }), user: operator }));
        }
      },
    });
    await Promise.all(changes);
    const rebuilt = EmbeddedSearchIndex.open({ dir: path.join(dir, 'search'), synonyms: [] });
    try {
      expect((await rebuilt.search({ q: 'cung ben nuoc ta lang', viewer: ANONYMOUS })).hits.map((h) => h.id)).toEqual([ids[0]]);
      const listed = await rebuilt.list({ viewer: ANONYMOUS, limit: 100 });
      expect(listed.total).toBe(39); // the withdrawn one is gone from public lists
      expect(listed.entries.map((e) => e.id)).not.toContain(ids[1]);
    } finally {
      await rebuilt.close();
    }
    expect(fs.readdirSync(path.join(dir, 'search')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1); // the old index is retired
  });
});
