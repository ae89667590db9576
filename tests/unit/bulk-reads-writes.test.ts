/**
 * Whole-store reads and bulk writes: bounded, ordered concurrency; the scan
 * helper; the local store's listing (one read of a folder per listing),
 * whole-file reads and shared folder fsyncs; and imports that run several
 * records at once yet behave like one at a time.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedSerializer, mapConcurrent } from '@/lib/records/concurrency';
import { importItems, type ImportItem } from '@/lib/records/importer';
import { readAllRecords, scanRecords } from '@/lib/records/scan';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { getBuffer, NotFoundError } from '@/lib/storage';
import { FolderSyncs } from '@/lib/storage/fs-calls';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('mapConcurrent', () => {
  it('keeps at most N calls in flight and yields results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await collect(
      mapConcurrent([5, 1, 4, 2, 3, 1, 2, 5, 1], 3, async (ms, i) => {
        most = Math.max(most, ++inFlight);
        await tick(ms);
        inFlight--;
        return `${i}:${ms}`;
      }),
    );
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:1', '6:2', '7:5', '8:1']);
    expect(most).toBe(3);
  });

  it('on a failure starts nothing new, lets running calls finish, yields what came before, then throws', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const seen: number[] = [];
    const run = async () => {
      for await (const n of mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
        started.push(n);
        await tick(n === 2 ? 1 : 5);
        if (n === 2) throw new Error('row 2 failed');
        finished.push(n);
        return n;
      })) {
        seen.push(n);
      }
    };
    await expect(run()).rejects.toThrow('row 2 failed');
    expect(seen).toEqual([0, 1]);
    // Calls already running when 2 failed were awaited, not abandoned.
    expect(finished.sort()).toEqual(started.filter((n) => n !== 2).sort());
    expect(started.length).toBeLessThan(8);
  });

  it('waits for calls in flight when the consumer stops early', async () => {
    let running = 0;
    for await (const n of mapConcurrent([1, 2, 3, 4, 5, 6], 4, async (n) => {
      running++;
      await tick(3);
      running--;
      return n;
    })) {
      if (n === 1) break;
    }
    expect(running).toBe(0);
  });
});

describe('KeyedSerializer', () => {
  it('runs work sharing a key in start order, and other keys alongside', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([
      serializer.run(['slug:a'], job('a1', 10)),
      serializer.run(['slug:b'], job('b1', 1)),
      serializer.run(['slug:a', 'id:x'], job('a2', 1)),
      serializer.run(['id:x'], job('x', 1)),
    ]);
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start x')).toBeGreaterThan(log.indexOf('end a2'));
  });

  it('goes on after a failure', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run(['k'], async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(serializer.run(['k'], async () => 'next')).resolves.toBe('next');
  });
});

describe('FolderSyncs', () => {
  it('shares one fsync among writers that arrive while another runs, and never serves a writer with an fsync that started before it', async () => {
    const starts: number[] = [];
    let release: (() => void)[] = [];
    const syncs = new FolderSyncs(async () => {
      starts.push(Date.now());
      await new Promise<void>((resolve) => release.push(resolve));
    });
    const done: string[] = [];
    const first = syncs.sync('/d').then(() => done.push('first'));
    await tick();
    expect(starts).toHaveLength(1);
    // Three writers arrive while the first fsync runs: they need a later one, and share it.
    const later = ['a', 'b', 'c'].map((name) => syncs.sync('/d').then(() => done.push(name)));
    await tick();
    expect(starts).toHaveLength(1);
    release.shift()!();
    await first;
    expect(done).toEqual(['first']);
    await tick();
    expect(starts).toHaveLength(2);
    release.shift()!();
    await Promise.all(later);
    expect(done).toEqual(['first', 'a', 'b', 'c']);
    // Another folder has its own queue.
    const other = syncs.sync('/e');
    await tick();
    release.shift()!();
    await other;
    expect(starts).toHaveLength(3);
    release = [];
  });

  it('passes an fsync failure to every writer waiting on it', async () => {
    const syncs = new FolderSyncs(async () => {
      await tick();
      throw new Error('EIO');
    });
    await expect(Promise.all([syncs.sync('/d'), syncs.sync('/d')])).rejects.toThrow('EIO');
    await expect(syncs.sync('/d')).rejects.toThrow('EIO');
  });
});

describe('local store and whole-store scans', () => {
  let archive: TempArchive;
  beforeEach(async () => {
    archive = await tempArchive();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await archive.cleanup();
  });

  it('lists a folder of thousands of keys in order, reading the folder once per listing', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `many/${i.toString(36).padStart(3, '0')}`);
    await Promise.all(keys.map((key) => archive.store.putIfAbsent(key, '{}')));
    const readdir = vi.spyOn(fs, 'readdir');
    const listed = await collect(archive.store.list('many/', { pageSize: 100 }));
    expect(listed.map((o) => o.key)).toEqual([...keys].sort());
    expect(listed[0]).toMatchObject({ size: 2 });
    expect(readdir.mock.calls.filter(([dir]) => String(dir).endsWith(`${path.sep}many`))).toHaveLength(1);
    const after = await collect(archive.store.list('many/', { pageSize: 100, startAfter: keys[2400] }));
    expect(after.map((o) => o.key)).toEqual(keys.slice(2401));
  });

  it('reads small objects whole, and reports missing ones and folders as not found', async () => {
    await archive.store.put('small/record.json', '{"a":"Lễ hội"}', { contentType: 'application/json' });
    expect((await getBuffer(archive.store, 'small/record.json')).toString('utf8')).toBe('{"a":"Lễ hội"}');
    await expect(getBuffer(archive.store, 'small/missing.json')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getBuffer(archive.store, 'small')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getBuffer(archive.store, 'small/record.json/below')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps OCFL text files and id claims free of metadata files, and their types right', async () => {
    await archive.records.create({ body: sampleBody(), user: operator });
    const [id] = await collect(archive.records.ids());
    const meta = await fs.readdir(path.join(archive.dir, 'store.meta'), { recursive: true }).catch(() => []);
    expect(meta.filter((name) => name.endsWith('.json'))).toEqual([]);
    expect((await archive.store.head(`records/${id}/inventory.json.sha512`))?.contentType).toBe('text/plain');
    expect((await archive.store.head(`records/${id}/0=ocfl_object_1.1`))?.contentType).toBe('text/plain');
    expect((await archive.store.head(`records/${id}/inventory.json`))?.contentType).toBe('application/json');
  });

  it('scans every record in id order with several reads in flight, telling damaged and never-committed ids apart', async () => {
    const created = [];
    for (let i = 0; i < 12; i++) created.push(await archive.records.create({ body: sampleBody({ slug: `ho-so-${i}` }), user: operator }));
    const damaged = created[3]!.record.id;
    await fs.writeFile(path.join(archive.dir, 'store', 'records', damaged, 'inventory.json'), '{ not json');
    await archive.store.putIfAbsent('system/ids/zzzzzzzz', '{}'); // claimed, never written
    let inFlight = 0;
    let most = 0;
    const readBytes = archive.store.readBytes!.bind(archive.store);
    archive.store.readBytes = async (key: string) => {
      most = Math.max(most, ++inFlight);
      try {
        return await readBytes(key);
      } finally {
        inFlight--;
      }
    };
    const scanned = await collect(scanRecords(archive.records, { concurrency: 4 }));
    const ids = [...created.map((c) => c.record.id), 'zzzzzzzz'].sort();
    expect(scanned.map((s) => s.id)).toEqual(ids);
    expect(scanned.find((s) => s.id === damaged)?.error?.message).toMatch(/inventory\.json does not parse/);
    expect(scanned.find((s) => s.id === 'zzzzzzzz')).toEqual({ id: 'zzzzzzzz' });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);

    const errors: string[] = [];
    const all = await collect(readAllRecords(archive.records, { onError: (id) => errors.push(id) }));
    expect(all.map((s) => s.record.slug).sort()).toEqual(created.filter((c) => c.record.id !== damaged).map((c) => c.record.slug).sort());
    expect(errors).toEqual([damaged]);
  });
});

describe('import with several records in flight', () => {
  let archive: TempArchive;
  beforeEach(async () => {
    archive = await tempArchive();
  });
  afterEach(async () => archive.cleanup());

  const item = (n: number, slug: string, title: string): ImportItem => ({ source: `rows.csv row ${n}`, body: sampleBody({ slug, title: { vi: title } }), files: [] });

  it('imports rows naming one slug in row order, as one at a time would', async () => {
    const rows = [item(2, 'chieng', 'Chiêng 1'), item(3, 'dan-gui', 'Đan gùi'), item(4, 'chieng', 'Chiêng 2'), item(5, 'chieng', 'Chiêng 3'), item(6, 'tung-tung', 'Múa')];
    const seen: string[] = [];
    const outcomes = await importItems(
      archive.records,
      (async function* () {
        yield* rows;
      })(),
      { vocab, user: operator, concurrency: 4, onOutcome: (o) => seen.push(o.source) },
    );
    expect(outcomes.map((o) => [o.slug, o.status, o.version])).toEqual([
      ['chieng', 'created', 1],
      ['dan-gui', 'created', 1],
      ['chieng', 'updated', 2],
      ['chieng', 'updated', 3],
      ['tung-tung', 'created', 1],
    ]);
    expect(seen).toEqual(rows.map((r) => r.source));
    const id = outcomes[0]!.id!;
    expect((await archive.records.require(id)).record.title.vi).toBe('Chiêng 3');
    expect(await collect(archive.records.ids())).toHaveLength(3);
  });

  it('runs rows whose slugs lead to one record (an old slug and the new one) one after the other', async () => {
    const first = await archive.records.create({ body: sampleBody({ slug: 'ten-cu' }), user: operator });
    await archive.records.update(first.record.id, { expectedVersion: 1, body: sampleBody({ slug: 'ten-moi' }), user: operator });
    const outcomes = await importItems(
      archive.records,
      (async function* () {
        yield item(2, 'ten-moi', 'Tên mới');
        yield item(3, 'ten-cu', 'Tên cũ lại');
      })(),
      { vocab, user: operator, concurrency: 4 },
    );
    expect(outcomes.map((o) => [o.id, o.status, o.version])).toEqual([
      [first.record.id, 'updated', 3],
      [first.record.id, 'updated', 4],
    ]);
  });
});
