/**
 * The ObjectStore contract: every implementation must pass all of it. Where a
 * test server cannot show a behaviour (s3rver ignores conditional writes),
 * the implementation declares it and the test is skipped with a printed reason.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  getBuffer,
  InvalidKeyError,
  NotFoundError,
  RangeNotSatisfiableError,
  type ObjectStore,
} from '@/lib/storage';

export interface ContractSubject {
  store: ObjectStore;
  /** Why atomic create-only writes cannot be checked against this test server, if they cannot. */
  atomicCreateUnsupported?: string;
  /** Why atomic replacement cannot be checked against this test server, if it cannot. */
  atomicReplaceUnsupported?: string;
  /** Why exact UTF-8 key order across pages cannot be checked against this test server, if it cannot. */
  byteOrderUnsupported?: string;
  /** Every key currently stored, read behind the store's back (to prove nothing was written). */
  rawKeys?: () => Promise<string[]>;
  close(): Promise<void>;
}

async function text(store: ObjectStore, key: string): Promise<string> {
  return (await getBuffer(store, key)).toString('utf8');
}

async function collect(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of iterable) keys.push(item.key);
  return keys;
}

function chunks(total: number, chunkSize: number, seed = 1): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0, i = 0; sent < total; sent += chunkSize, i++) yield Buffer.alloc(Math.min(chunkSize, total - sent), (seed + i) % 251);
    })(),
  );
}

export function objectStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: ObjectStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => subject?.close());

    it('stores buffers, strings and streams with their content type', async () => {
      await store.put('c/buffer.bin', Buffer.from([0, 1, 2, 255]), { contentType: 'application/x-test' });
      await store.put('c/string.txt', 'Lễ hội đâm trâu', { contentType: 'text/plain; charset=utf-8' });
      await store.put('c/stream.bin', Readable.from([Buffer.from('ab'), Buffer.from('cd')]), { contentType: 'application/octet-stream' });
      expect([...(await getBuffer(store, 'c/buffer.bin'))]).toEqual([0, 1, 2, 255]);
      expect(await text(store, 'c/string.txt')).toBe('Lễ hội đâm trâu');
      expect(await text(store, 'c/stream.bin')).toBe('abcd');
      const head = await store.head('c/buffer.bin');
      expect(head).toMatchObject({ key: 'c/buffer.bin', size: 4, contentType: 'application/x-test' });
      expect((await store.get('c/string.txt')).contentType).toBe('text/plain; charset=utf-8');
    });

    it('replaces an object on put and changes its etag', async () => {
      const first = await store.put('c/replace.txt', 'one');
      const second = await store.put('c/replace.txt', 'second version');
      expect(await text(store, 'c/replace.txt')).toBe('second version');
      expect(second.size).toBe(14);
      expect(second.etag).not.toBe(first.etag);
    });

    it('keeps Vietnamese keys as they are', async () => {
      const key = 'c/Lễ hội đâm trâu – Cơ Tu.txt';
      await store.put(key, 'x');
      expect(await text(store, key)).toBe('x');
      expect(await collect(store.list('c/Lễ'))).toEqual([key]);
    });

    it('create-only put writes once and then refuses', async () => {
      await store.putIfAbsent('c/once.json', '{"v":1}', { contentType: 'application/json' });
      await expect(store.putIfAbsent('c/once.json', '{"v":2}')).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(store.putIfAbsent('c/once.json', Readable.from(['{"v":3}']))).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await text(store, 'c/once.json')).toBe('{"v":1}');
    });

    it('create-only put lets exactly one of many concurrent writers win', async (ctx) => {
      if (subject.atomicCreateUnsupported) {
        console.info(`[skip] ${name}: concurrent create-only writes: ${subject.atomicCreateUnsupported}`);
        ctx.skip();
      }
      const attempts = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.putIfAbsent('c/race.txt', `writer ${i}`)));
      const winners = attempts.filter((a) => a.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(AlreadyExistsError);
      expect(await text(store, 'c/race.txt')).toMatch(/^writer \d+$/);
    });

    it('serves byte ranges and refuses ranges outside the object', async () => {
      await store.put('c/range.txt', '0123456789');
      const middle = await store.get('c/range.txt', { start: 2, end: 5 });
      expect(middle.size).toBe(10);
      expect(middle.range).toEqual({ start: 2, end: 5 });
      let got = '';
      for await (const chunk of middle.body) got += chunk.toString();
      expect(got).toBe('2345');
      const tail = await store.get('c/range.txt', { start: 7 });
      let tailText = '';
      for await (const chunk of tail.body) tailText += chunk.toString();
      expect(tailText).toBe('789');
      expect(tail.range).toEqual({ start: 7, end: 9 });
      const clipped = await store.get('c/range.txt', { start: 8, end: 100 });
      expect(clipped.range).toEqual({ start: 8, end: 9 });
      clipped.body.destroy();
      await expect(store.get('c/range.txt', { start: 10 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      await expect(store.get('c/range.txt', { start: 5, end: 2 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    });

    it('reports missing objects', async () => {
      await expect(store.get('c/missing.txt')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.head('c/missing.txt')).toBeUndefined();
      await expect(store.copy('c/missing.txt', 'c/elsewhere.txt')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists a prefix in key order across many pages', async () => {
      const keys = Array.from({ length: 23 }, (_, i) => `list/${String(i).padStart(2, '0')}/item.json`);
      keys.push('list/1/a.json', 'listing-not-included.json');
      for (const key of keys) await store.put(key, key);
      const expected = keys.filter((k) => k.startsWith('list/')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(await collect(store.list('list/', { pageSize: 4 }))).toEqual(expected);
      expect(await collect(store.list('list/', { pageSize: 1000 }))).toEqual(expected);
      expect(await collect(store.list('list/1', { pageSize: 3 }))).toEqual(expected.filter((k) => k.startsWith('list/1')));
      expect(await collect(store.list('list/', { pageSize: 5, startAfter: 'list/20/item.json' }))).toEqual(['list/21/item.json', 'list/22/item.json']);
      expect(await collect(store.list('nothing-here/'))).toEqual([]);
      const listed = [];
      for await (const item of store.list('list/0', { pageSize: 2 })) listed.push(item);
      expect(listed[0]).toMatchObject({ key: 'list/00/item.json', size: 'list/00/item.json'.length });
    });

    it('lists in UTF-8 byte order when a file and a folder share a prefix', async (ctx) => {
      if (subject.byteOrderUnsupported) {
        console.info(`[skip] ${name}: exact key order: ${subject.byteOrderUnsupported}`);
        ctx.skip();
      }
      const keys = ['order/a/b.json', 'order/a-b.json', 'order/a.json', 'order/a0.json', 'order/Ă.json', 'order/z.json'];
      for (const key of keys) await store.put(key, key);
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(await collect(store.list('order/', { pageSize: 2 }))).toEqual(expected);
    });

    it('deletes objects, and deleting twice is harmless', async () => {
      await store.put('c/delete/me.txt', 'bye');
      await store.delete('c/delete/me.txt');
      expect(await store.head('c/delete/me.txt')).toBeUndefined();
      await store.delete('c/delete/me.txt');
      expect(await collect(store.list('c/delete/'))).toEqual([]);
    });

    it('copies objects with their content type', async () => {
      await store.put('c/source.vtt', 'WEBVTT\n', { contentType: 'text/vtt' });
      const copied = await store.copy('c/source.vtt', 'c/copy/target.vtt');
      expect(copied).toMatchObject({ key: 'c/copy/target.vtt', size: 7, contentType: 'text/vtt' });
      expect(await text(store, 'c/copy/target.vtt')).toBe('WEBVTT\n');
      expect(await text(store, 'c/source.vtt')).toBe('WEBVTT\n');
    });

    it('streams a large object in and out intact', async () => {
      const size = 21 * 1024 * 1024 + 17; // spans several multipart parts
      const expected = createHash('sha512');
      for await (const chunk of chunks(size, 256 * 1024, 7)) expected.update(chunk as Buffer);
      await store.put('c/large.bin', chunks(size, 256 * 1024, 7));
      const { body, size: storedSize } = await store.get('c/large.bin');
      const actual = createHash('sha512');
      for await (const chunk of body) actual.update(chunk as Buffer);
      expect(storedSize).toBe(size);
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
    });

    it('never shows a reader half of an object being replaced', async (ctx) => {
      if (subject.atomicReplaceUnsupported) {
        console.info(`[skip] ${name}: atomic replacement: ${subject.atomicReplaceUnsupported}`);
        ctx.skip();
      }
      const a = randomBytes(3 * 1024 * 1024);
      const b = randomBytes(3 * 1024 * 1024);
      const digests = new Set([a, b].map((x) => createHash('sha1').update(x).digest('hex')));
      await store.put('c/swap.bin', a);
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 6; i++) await store.put('c/swap.bin', Readable.from([i % 2 ? a : b]));
        writing = false;
      })();
      let reads = 0;
      while (writing || reads < 3) {
        const digest = createHash('sha1').update(await getBuffer(store, 'c/swap.bin')).digest('hex');
        expect(digests.has(digest)).toBe(true);
        reads++;
      }
      await writer;
    });

    it('rejects keys that could escape or mean different things, before writing anything', async () => {
      const before = subject.rawKeys ? await subject.rawKeys() : undefined;
      const bad = [
        '../escape.txt',
        'a/../../escape.txt',
        'a/./b.txt',
        '/etc/passwd',
        'C:/windows.txt',
        'a\\b.txt',
        'nul\0byte.txt',
        'a//b.txt',
        'trailing/',
        '',
        'x'.repeat(1025),
        `a/${'y'.repeat(256)}`,
        'line\nbreak.txt',
        'decomposed/Le\u0302\u0303.txt',
      ];
      for (const key of bad) {
        await expect(store.put(key, 'x'), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.putIfAbsent(key, 'x'), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.head(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.copy('c/source.vtt', key), key).rejects.toBeInstanceOf(InvalidKeyError);
      }
      await expect(collect(store.list('../'))).rejects.toBeInstanceOf(InvalidKeyError);
      if (before) expect(await subject.rawKeys!()).toEqual(before);
    });
  });
}
