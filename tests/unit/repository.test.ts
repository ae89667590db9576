import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordConflictError, RecordValidationError, SlugTakenError } from '@/lib/records/errors';
import { fsck } from '@/lib/records/fsck';
import { getBuffer } from '@/lib/storage';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

let archive: TempArchive;
beforeEach(async () => {
  archive = await tempArchive();
});
afterEach(async () => archive.cleanup());

describe('record repository', () => {
  it('creates a record as an OCFL object whose originals are stored byte for byte', async () => {
    const photo = randomBytes(200_000);
    const created = await archive.records.create({
      body: sampleBody(),
      files: [{ name: 'Ảnh đâm trâu.jpg', body: Readable.from([photo]), contentType: 'image/jpeg', kind: 'image' }],
      user: operator,
    });
    expect(created.record.id).toMatch(/^[0-9a-z]{8}$/);
    expect(created.head).toBe(1);
    expect(created.record.media).toEqual([
      expect.objectContaining({ path: 'files/Ảnh đâm trâu.jpg', digest: sha512(photo), size: photo.length, type: 'image/jpeg', kind: 'image' }),
    ]);
    const root = `records/${created.record.id}`;
    expect(await archive.keys(root + '/')).toEqual(
      [
        `${root}/0=ocfl_object_1.1`,
        `${root}/inventory.json`,
        `${root}/inventory.json.sha512`,
        `${root}/v1/content/files/Ảnh đâm trâu.jpg`,
        `${root}/v1/content/record.json`,
        `${root}/v1/inventory.json`,
        `${root}/v1/inventory.json.sha512`,
      ].sort(),
    );
    expect((await getBuffer(archive.store, `${root}/v1/content/files/Ảnh đâm trâu.jpg`)).equals(photo)).toBe(true);
    const inventory = await archive.records.readInventory(created.record.id);
    expect(inventory).toMatchObject({ digestAlgorithm: 'sha512', head: 'v1', type: 'https://ocfl.io/1.1/spec/#inventory' });
    expect(inventory!.manifest[sha512(photo)]).toEqual(['v1/content/files/Ảnh đâm trâu.jpg']);
    const sidecar = (await getBuffer(archive.store, `${root}/inventory.json.sha512`)).toString();
    expect(sidecar).toBe(`${sha512(await getBuffer(archive.store, `${root}/inventory.json`))} inventory.json\n`);
    expect(await archive.store.head('records/0=ocfl_1.1')).toBeDefined();
  });

  it('writes only what changed into a new version and keeps every earlier version readable', async () => {
    const audio = randomBytes(50_000);
    const { record } = await archive.records.create({ body: sampleBody(), files: [{ name: 'chieng.wav', body: audio, contentType: 'audio/wav', kind: 'audio' }], user: operator });
    const video = randomBytes(80_000);
    const v2 = await archive.records.update(record.id, {
      expectedVersion: 1,
      body: sampleBody({ description: { vi: 'Mô tả đã sửa.', en: 'Revised description.' } }),
      addFiles: [{ name: 'le-hoi.mp4', body: video, contentType: 'video/mp4', kind: 'video' }],
      user: operator,
      message: 'add video',
    });
    expect(v2.head).toBe(2);
    expect(await archive.keys(`records/${record.id}/v2/content/`)).toEqual([
      `records/${record.id}/v2/content/files/le-hoi.mp4`,
      `records/${record.id}/v2/content/record.json`,
    ]);
    const v3 = await archive.records.update(record.id, { expectedVersion: 2, removeFiles: ['files/chieng.wav'], user: operator });
    expect(v3.record.media.map((m) => m.path)).toEqual(['files/le-hoi.mp4']);
    const old = await archive.records.get(record.id, 1);
    expect(old!.record.description.vi).toBe('Lễ hội lớn nhất trong năm của làng Cơ Tu.');
    const { body } = await archive.records.openFile(record.id, 'files/chieng.wav', { version: 1 });
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(audio)).toBe(true);
    await expect(archive.records.openFile(record.id, 'files/chieng.wav')).rejects.toThrow(/has no file/);
    expect(v3.versions.map((v) => v.message)).toEqual(['Created', 'add video', 'Updated']);
  });

  it('stores identical bytes once, and makes no version when nothing changed', async () => {
    const bytes = randomBytes(10_000);
    const { record } = await archive.records.create({ body: sampleBody(), files: [{ name: 'a.jpg', body: bytes, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const v2 = await archive.records.update(record.id, { expectedVersion: 1, addFiles: [{ name: 'copy.jpg', body: bytes, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    expect(await archive.keys(`records/${record.id}/v2/content/files/`)).toEqual([]);
    expect(v2.record.media.map((m) => m.path)).toEqual(['files/a.jpg', 'files/copy.jpg']);
    const same = await archive.records.update(record.id, { expectedVersion: 2, body: sampleBody(), user: operator });
    expect(same.head).toBe(2);
  });

  it('refuses an update made against an old version and writes nothing', async () => {
    const { record } = await archive.records.create({ body: sampleBody(), user: operator });
    await archive.records.update(record.id, { expectedVersion: 1, body: sampleBody({ status: 'submitted' }), user: operator });
    const before = await archive.keys();
    await expect(
      archive.records.update(record.id, { expectedVersion: 1, body: sampleBody({ title: { vi: 'Tên khác' } }), addFiles: [{ name: 'x.jpg', body: Buffer.from('x'), contentType: 'image/jpeg', kind: 'image' }], user: operator }),
    ).rejects.toBeInstanceOf(RecordConflictError);
    expect(await archive.keys()).toEqual(before);
  });

  it('lets exactly one of several simultaneous editors win; the others get a conflict and leave nothing behind', async () => {
    const { record } = await archive.records.create({ body: sampleBody(), user: operator });
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        archive.records.update(record.id, {
          expectedVersion: 1,
          body: sampleBody({ description: { vi: `Phiên bản của người ${i}` } }),
          addFiles: [{ name: `photo-${i}.jpg`, body: randomBytes(30_000), contentType: 'image/jpeg', kind: 'image' }],
          user: { name: `editor ${i}` },
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(RecordConflictError);
    const head = await archive.records.require(record.id);
    expect(head.head).toBe(2);
    expect(head.record.media).toHaveLength(1);
    const report = await fsck(archive.store);
    expect(report.findings).toEqual([]);
  });

  it('validates before writing: a bad record or file name writes nothing', async () => {
    await expect(archive.records.create({ body: sampleBody({ rights: { uri: 'all rights reserved' } }), user: operator })).rejects.toBeInstanceOf(RecordValidationError);
    await expect(
      archive.records.create({ body: sampleBody({ slug: 'x' }), files: [{ name: '../../etc/passwd', body: 'x', contentType: 'text/plain', kind: 'transcript' }], user: operator }),
    ).rejects.toThrow(/files\.0\.name/);
    await expect(archive.records.create({ body: sampleBody({ type: 'document', slug: 'doc' }), user: operator })).rejects.toThrow(/document/);
    expect((await archive.keys()).filter((k) => k.startsWith('records/') && !k.match(/^records\/(0=ocfl_1\.1|ocfl_layout\.json)$/))).toEqual([]);
  });

  it('keeps slugs unique across records and resolves them to ids', async () => {
    const first = await archive.records.create({ body: sampleBody(), user: operator });
    await expect(archive.records.create({ body: sampleBody(), user: operator })).rejects.toBeInstanceOf(SlugTakenError);
    expect(await archive.records.idForSlug('le-hoi-dam-trau')).toBe(first.record.id);
    await archive.records.update(first.record.id, { expectedVersion: 1, body: sampleBody({ slug: 'le-hoi-dam-trau-co-tu' }), user: operator });
    // The old slug still leads to the record (for old links) until another record takes it.
    expect(await archive.records.idForSlug('le-hoi-dam-trau')).toBe(first.record.id);
    const second = await archive.records.create({ body: sampleBody(), user: operator });
    expect(await archive.records.idForSlug('le-hoi-dam-trau')).toBe(second.record.id);
  });

  it('stamps the first publication time and keeps it', async () => {
    const { record } = await archive.records.create({ body: sampleBody(), user: operator });
    expect(record.publishedAt).toBeUndefined();
    const published = await archive.records.update(record.id, { expectedVersion: 1, body: sampleBody({ status: 'published' }), user: operator });
    expect(published.record.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const edited = await archive.records.update(record.id, { expectedVersion: 2, body: sampleBody({ status: 'published', subjects: ['le-hoi'] }), user: operator });
    expect(edited.record.publishedAt).toBe(published.record.publishedAt);
  });

  it('writes objects an independent OCFL reader (@ocfl/ocfl-fs) can open', async () => {
    const photo = randomBytes(1000);
    const { record } = await archive.records.create({ body: sampleBody(), files: [{ name: 'a.jpg', body: photo, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    await archive.records.update(record.id, { expectedVersion: 1, body: sampleBody({ status: 'submitted' }), user: operator });
    const ocfl = createRequire(import.meta.url)('@ocfl/ocfl-fs') as {
      object(config: { root: string; id: string }): { load(): Promise<void>; getInventory(): Promise<{ head: string }>; files(): Promise<Iterable<{ logicalPath: string; asBuffer(): Promise<Buffer> }>> };
    };
    const object = ocfl.object({ root: path.join(archive.dir, 'store', 'records', record.id), id: `urn:x-di-san:record:${record.id}` });
    await object.load();
    expect((await object.getInventory()).head).toBe('v2');
    const files = new Map<string, Buffer>();
    for (const f of await object.files()) files.set(f.logicalPath, await f.asBuffer());
    expect([...files.keys()].sort()).toEqual(['files/a.jpg', 'record.json']);
    expect(files.get('files/a.jpg')!.equals(photo)).toBe(true);
    expect(JSON.parse(files.get('record.json')!.toString()).status).toBe('submitted');
  });

  it('reorders media and sets a poster image in a new version, refusing a poster that is not an image', async () => {
    const { record } = await archive.records.create({
      body: sampleBody(),
      files: [
        { name: 'a.mp4', body: randomBytes(100), contentType: 'video/mp4', kind: 'video' },
        { name: 'b.jpg', body: randomBytes(100), contentType: 'image/jpeg', kind: 'image' },
      ],
      user: operator,
    });
    const v2 = await archive.records.update(record.id, { expectedVersion: 1, mediaOrder: ['files/b.jpg', 'files/a.mp4'], poster: 'files/b.jpg', user: operator });
    expect(v2.record.media.map((m) => m.path)).toEqual(['files/b.jpg', 'files/a.mp4']);
    expect(v2.record.poster).toBe('files/b.jpg');
    await expect(archive.records.update(record.id, { expectedVersion: 2, poster: 'files/a.mp4', user: operator })).rejects.toThrow(/poster must be one of the record’s images/);
    await expect(archive.records.update(record.id, { expectedVersion: 2, mediaOrder: ['files/a.mp4'], user: operator })).rejects.toThrow(/every file/);
    const v3 = await archive.records.update(record.id, { expectedVersion: 2, body: sampleBody({ status: 'submitted' }), user: operator });
    expect(v3.record.poster).toBe('files/b.jpg'); // kept when not mentioned
  });
});
