import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsck } from '@/lib/records/fsck';
import { RecordConflictError } from '@/lib/records/errors';
import { RecordRepository } from '@/lib/records/repository';
import type { ObjectStore } from '@/lib/storage';
import { runArchiveCli } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeEach(async () => {
  archive = await tempArchive();
});
afterEach(async () => archive.cleanup());

async function recordWithPhoto(slug = 'le-hoi-dam-trau') {
  return archive.records.create({
    body: sampleBody({ slug }),
    files: [{ name: 'ảnh.jpg', body: randomBytes(40_000), contentType: 'image/jpeg', kind: 'image' }],
    user: operator,
  });
}

/** A store that dies at the commit (the root inventory write): nothing after it runs, not even clean-up. */
function dyingAtCommit(store: ObjectStore): ObjectStore {
  let failed = false;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'delete' && failed) return async () => undefined;
      if (prop === 'put') {
        return async (key: string, ...rest: unknown[]) => {
          if (!failed && /^records\/[^/]+\/inventory\.json$/.test(key)) {
            failed = true;
            throw new Error('simulated crash at commit');
          }
          return (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

describe('fsck', () => {
  it('passes a healthy archive', async () => {
    await recordWithPhoto();
    const summary = await fsck(archive.store);
    expect(summary).toMatchObject({ records: 1, files: 2, findings: [], unresolved: 0 });
  });

  it('names the record and file of an original with one flipped byte, and of a missing one', async () => {
    const { record } = await recordWithPhoto();
    const other = await recordWithPhoto('other-record');
    const file = path.join(archive.dir, 'store', 'records', record.id, 'v1', 'content', 'files', 'ảnh.jpg');
    const bytes = await fs.readFile(file);
    bytes[1234] = bytes[1234]! ^ 0x01;
    await fs.writeFile(file, bytes);
    await fs.rm(path.join(archive.dir, 'store', 'records', other.record.id, 'v1', 'content', 'files', 'ảnh.jpg'));
    const summary = await fsck(archive.store, { repair: true });
    expect(summary.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: record.id, kind: 'altered-file', severity: 'error', file: 'v1/content/files/ảnh.jpg', logicalPaths: ['files/ảnh.jpg'] }),
        expect.objectContaining({ id: other.record.id, kind: 'missing-file', severity: 'error', file: 'v1/content/files/ảnh.jpg' }),
      ]),
    );
    // Repair never touches damaged originals.
    expect((await fs.readFile(file)).equals(bytes)).toBe(true);
    expect(summary.unresolved).toBe(2);
  });

  it('exits non-zero from the command line and names the record and file', async () => {
    const { record } = await recordWithPhoto();
    const file = path.join(archive.dir, 'store', 'records', record.id, 'v1', 'content', 'files', 'ảnh.jpg');
    const bytes = await fs.readFile(file);
    bytes[0] = bytes[0]! ^ 0xff;
    await fs.writeFile(file, bytes);
    const result = await runArchiveCli(['fsck'], archive.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`ERROR    record ${record.id}: file files/ảnh.jpg (v1/content/files/ảnh.jpg) is altered`);
    expect(result.stdout).toMatch(/1 damaged/);
  }, 60_000);

  it('cleans up a half-written version so the record can be edited again', async () => {
    const { record } = await recordWithPhoto();
    await archive.store.putIfAbsent(`records/${record.id}/v2/content/files/partial.mp4`, randomBytes(1000));
    await expect(archive.records.update(record.id, { expectedVersion: 1, addFiles: [{ name: 'partial.mp4', body: randomBytes(10), contentType: 'video/mp4', kind: 'video' }], user: operator })).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    const check = await fsck(archive.store);
    expect(check.findings).toEqual([expect.objectContaining({ kind: 'half-written-version', severity: 'leftover' })]);
    const repaired = await fsck(archive.store, { repair: true });
    expect(repaired.unresolved).toBe(0);
    expect(await archive.keys(`records/${record.id}/v2/`)).toEqual([]);
    const updated = await archive.records.update(record.id, { expectedVersion: 1, body: sampleBody({ status: 'submitted' }), user: operator });
    expect(updated.head).toBe(2);
    expect((await fsck(archive.store)).findings).toEqual([]);
  });

  it('commits a version that was fully written when the writer died just before the commit', async () => {
    const { record } = await recordWithPhoto();
    const crashing = new RecordRepository(dyingAtCommit(archive.store));
    await expect(crashing.update(record.id, { expectedVersion: 1, body: sampleBody({ status: 'submitted' }), user: operator })).rejects.toThrow('simulated crash');
    expect((await archive.records.require(record.id)).head).toBe(1);
    const check = await fsck(archive.store);
    expect(check.findings).toEqual([expect.objectContaining({ kind: 'half-written-version', message: expect.stringContaining('fully written but not committed') })]);
    expect((await fsck(archive.store, { repair: true })).unresolved).toBe(0);
    const after = await archive.records.require(record.id);
    expect(after.head).toBe(2);
    expect(after.record.status).toBe('submitted');
    expect((await fsck(archive.store)).findings).toEqual([]);
  });

  it('finishes an interrupted commit (inventory written, sidecar not)', async () => {
    const { record } = await recordWithPhoto();
    await archive.store.put(`records/${record.id}/inventory.json.sha512`, 'deadbeef inventory.json\n');
    const check = await fsck(archive.store);
    expect(check.findings).toEqual([expect.objectContaining({ kind: 'bad-sidecar', severity: 'leftover' })]);
    expect((await fsck(archive.store, { repair: true })).unresolved).toBe(0);
    expect((await fsck(archive.store)).findings).toEqual([]);
  });

  it('removes what an interrupted create left, keeping the id claimed', async () => {
    await archive.store.put('system/ids/abcdefgh', '{}');
    await archive.store.put('records/abcdefgh/0=ocfl_object_1.1', 'ocfl_object_1.1\n');
    await archive.store.put('records/abcdefgh/v1/content/files/x.jpg', randomBytes(10));
    expect((await fsck(archive.store)).findings).toEqual([expect.objectContaining({ id: 'abcdefgh', kind: 'half-created-record' })]);
    await fsck(archive.store, { repair: true });
    expect(await archive.keys('records/abcdefgh/')).toEqual([]);
    expect(await archive.store.head('system/ids/abcdefgh')).toBeDefined();
  });
});
