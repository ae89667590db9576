/**
 * Kept pages across web servers (issue #17): with REDIS_URL, a change to the
 * catalog announced by one process (a commit, a finished derivative) is seen
 * by every other through a counter in Redis (lib/http/shared-generation.ts),
 * against a real redis-server this test starts. Each SharedGeneration has its
 * own connection, as another process would.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { GENERATION_KEY, SharedGeneration } from '@/lib/http/shared-generation';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let redis: RedisServer;
let temp: TempArchive;
/** What Redis holds, read by the test itself. */
let truth: () => Promise<number>;
let direct: Redis;
const opened: SharedGeneration[] = [];
beforeAll(async () => {
  [redis, temp] = await Promise.all([startRedisServer(), tempArchive()]);
  direct = new Redis(redis.url);
  truth = async () => Number((await direct.get(GENERATION_KEY)) ?? 0);
});
afterAll(async () => {
  for (const shared of opened) await shared.close();
  await direct?.quit();
  await redis?.stop();
  await temp?.cleanup();
});

function generation(url = redis.url, readEveryMs = 0): SharedGeneration {
  const shared = new SharedGeneration(url, readEveryMs);
  opened.push(shared);
  return shared;
}

/** Reads until the value is `expected` (the connection comes up in the background: until then the last value stands). */
async function settlesAt(shared: SharedGeneration, expected: (n: number) => boolean): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await shared.read();
    if (expected(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the catalog generation shared through Redis', () => {
  it('a change announced by one web server is seen by another', async () => {
    const web1 = generation();
    const web2 = generation();
    const before = await truth();
    expect(await settlesAt(web2, (n) => n === before)).toBe(before);
    await web1.announce();
    expect(await settlesAt(web2, (n) => n > before)).toBe(before + 1);
    await web2.announce();
    expect(await settlesAt(web1, (n) => n === before + 2)).toBe(before + 2);
  });

  it('reads Redis at most once per interval: a change is seen when the interval has passed', async () => {
    const writer = generation();
    const reader = generation(redis.url, 1_000);
    await writer.announce(); // so that the value the reader settles at is one only Redis could have told it
    const start = await truth();
    expect(await settlesAt(reader, (n) => n === start)).toBe(start); // connected
    const t0 = Date.now() + 5_000; // a fresh read at t0 (after settlesAt's reads)
    expect(await reader.read(t0)).toBe(start);
    await writer.announce();
    expect(await reader.read(t0 + 999)).toBe(start); // believed for a second
    expect(await reader.read(t0 + 1_000)).toBe(start + 1);
  });

  it('a commit through openArchive (CLI, web, worker alike) announces itself; close() waits for the announcement', async () => {
    const web = generation();
    const before = await truth();
    expect(await settlesAt(web, (n) => n === before)).toBe(before);
    const archive = openArchive(parseConfig({ DATA_DIR: temp.dir, REDIS_URL: redis.url }));
    try {
      await archive.records.create({ body: sampleBody({ slug: 'thong-bao-thay-doi' }), user: { name: 'test officer', address: 'mailto:officer@example.org' } });
    } finally {
      await archive.close(); // a CLI exits right after this: the INCR must be out
    }
    expect(await web.read()).toBe(before + 1);
  });

  it('with Redis away, reads keep the last value and announcements do not throw', async () => {
    const away = generation('redis://127.0.0.1:1', 0);
    expect(await away.read()).toBe(0);
    await expect(away.announce()).resolves.toBeUndefined();
    expect(await away.read()).toBe(0);
  });
});
