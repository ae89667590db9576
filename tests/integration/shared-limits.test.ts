/**
 * Limits shared by several web processes: with REDIS_URL, the JSON API's rate
 * limit and the sign-in throttles count in Redis, so two processes enforce
 * one limit. Against a real redis-server this test starts
 * (tests/helpers/redis-server.ts). Each "process" has its own limiter
 * instances and its own Redis connection; without Redis (memory, the
 * default) each would count alone.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '@/lib/config';
import { LoginThrottle, type ThrottleLimits } from '@/lib/auth/throttle';
import { memoryLimiters, redisLimiters } from '@/lib/http/rate-limit';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

let server: RedisServer;
const clients: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const c of clients) await c.quit().catch(() => c.disconnect());
  await server?.stop();
});

/** A web process's own connection to the shared Redis (ready before use: limit clients fail fast rather than queue). */
async function connection(): Promise<Redis> {
  const client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  clients.push(client);
  await once(client, 'ready');
  return client;
}

const LIMITS: ThrottleLimits = { pairFailures: 5, pairWindowSeconds: 3600, pairBlockSeconds: 900, addressFailures: 50, addressWindowSeconds: 3600, addressBlockSeconds: 3600 };

describe('limits shared through Redis', () => {
  it('sign-in: failures counted by two processes add up to one limit, and a success in one clears it for both', async () => {
    const web1 = new LoginThrottle(LIMITS, redisLimiters(await connection()));
    const web2 = new LoginThrottle(LIMITS, redisLimiters(await connection()));
    const who = ['lan', '198.51.100.4'] as const;
    for (let i = 0; i < 4; i++) await (i % 2 ? web2 : web1).recordFailure(...who);
    expect(await web1.waitFor(...who)).toBe(0);
    expect(await web2.waitFor(...who)).toBe(0);
    await web2.recordFailure(...who); // the fifth, wherever it lands
    expect(await web1.waitFor(...who)).toBeGreaterThan(14 * 60_000);
    expect(await web2.waitFor(...who)).toBeGreaterThan(14 * 60_000);
    expect(await web1.waitFor('lan', '198.51.100.5')).toBe(0); // another address is not blocked

    const other = ['mai', '198.51.100.4'] as const;
    for (let i = 0; i < 3; i++) await web1.recordFailure(...other);
    await web2.recordSuccess(...other);
    for (let i = 0; i < 4; i++) await web1.recordFailure(...other);
    expect(await web2.waitFor(...other)).toBe(0); // 3 forgiven by the success in web2, then 4: under 5

    // The same split in memory (the default, one process each): neither reaches the limit.
    const alone1 = new LoginThrottle(LIMITS, memoryLimiters);
    const alone2 = new LoginThrottle(LIMITS, memoryLimiters);
    for (let i = 0; i < 5; i++) await (i % 2 ? alone2 : alone1).recordFailure(...who);
    expect(await alone1.waitFor(...who)).toBe(0);
    expect(await alone2.waitFor(...who)).toBe(0);
  });

  it('JSON API: two web processes (two module instances, two connections) answer 429 once the client’s requests add up to API_RATE_LIMIT', async () => {
    const header = `x-disan-client-${'ab'.repeat(16)}`;
    const config = parseConfig({ DATA_DIR: '/tmp/unused', API_RATE_LIMIT: '4', DISAN_CLIENT_ADDRESS_HEADER: header, REDIS_URL: server.url });
    // Each import after resetModules is a fresh module graph: its own limiter and its own Redis client, as in another process.
    vi.resetModules();
    const web1 = await import('@/lib/api/http');
    const limits1 = await import('@/lib/http/rate-limit');
    vi.resetModules();
    const web2 = await import('@/lib/api/http');
    const limits2 = await import('@/lib/http/rate-limit');
    expect(web2.rateLimit).not.toBe(web1.rateLimit);
    try {
      const request = (address: string) => new Request('http://localhost/api/v1/records', { headers: { [header]: address } });
      // Let both connections come up: until then a limiter counts in memory (its insurance when Redis is away).
      const ready = async (client: Promise<Redis>) => {
        const c = await client;
        if (c.status !== 'ready') await once(c, 'ready');
      };
      await Promise.all([ready(limits1.limitsRedisClient(server.url)), ready(limits2.limitsRedisClient(server.url))]);
      const answers: Array<number> = [];
      for (let i = 0; i < 6; i++) answers.push((await (i % 2 ? web2 : web1).rateLimit(request('203.0.113.7'), config))?.status ?? 200);
      expect(answers).toEqual([200, 200, 200, 200, 429, 429]);
      const refused = await web1.rateLimit(request('203.0.113.7'), config);
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await web2.rateLimit(request('203.0.113.8'), config)).toBeUndefined(); // another client has its own count
    } finally {
      await limits1.closeLimitsRedisClients();
      await limits2.closeLimitsRedisClients();
    }
  });
});
