/**
 * Where rate limits and sign-in throttles keep their counters: in this
 * process's memory (the embedded default: one web process), or in Redis when
 * REDIS_URL is set, so that every web process on every machine counts
 * against one limit. The counters are rate-limiter-flexible's either way
 * (RateLimiterMemory | RateLimiterRedis over an ioredis client); the callers
 * (lib/api/http.ts, lib/auth/throttle.ts) only choose points and windows.
 *
 * When Redis cannot be reached, a limiter falls back to counting in memory
 * (rate-limiter-flexible's insurance limiter) rather than refuse every
 * request or let every request through. ioredis is loaded only when REDIS_URL
 * is set.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { loadRedisClass } from './ioredis';

export interface LimiterOptions {
  /** Names the counters (each limiter its own). */
  keyPrefix: string;
  points: number;
  /** Window, in seconds. */
  duration: number;
  /** How long going over blocks, in seconds. */
  blockDuration?: number;
}

/** What the callers use of a limiter. */
export type Limiter = Pick<RateLimiterAbstract, 'points' | 'consume' | 'get' | 'delete'>;

/** Makes a limiter; where its counters live is the factory's business. */
export type LimiterFactory = (options: LimiterOptions) => Limiter;

export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

function redisLimiter(client: Redis, options: LimiterOptions): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    ...options,
    keyPrefix: `disan-limit:${options.keyPrefix}`,
    // Redis away (restarting, unreachable): count in this process until it is back.
    insuranceLimiter: new RateLimiterMemory(options),
  });
}

/** Limiters whose counters are in Redis, shared with every process that uses the same Redis. */
export function redisLimiters(client: Redis): LimiterFactory {
  return (options) => redisLimiter(client, options);
}

/** One client per Redis address and process: limits are many small commands on one connection. */
const clients = new Map<string, Promise<Redis>>();

/** A client for limits: fails fast when Redis is away (enableOfflineQueue off), so the insurance limiter answers. */
export function limitsRedisClient(url: string): Promise<Redis> {
  let client = clients.get(url);
  if (!client) {
    client = loadRedisClass().then((Redis) => {
      const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined); // reconnects on its own; each refused command falls back to memory
      return redis;
    });
    clients.set(url, client);
  }
  return client;
}

/** A Redis limiter made once its client is loaded (the first calls wait for that, not for the connection). */
function lazyRedisLimiter(url: string, options: LimiterOptions): Limiter {
  const real = limitsRedisClient(url).then((client) => redisLimiter(client, options));
  return {
    points: options.points,
    consume: async (key, points, more) => (await real).consume(key, points, more),
    get: async (key, more) => (await real).get(key, more),
    delete: async (key, more) => (await real).delete(key, more),
  };
}

/** The configured place for limit counters: Redis when REDIS_URL is set, memory otherwise. */
export function limitersFor(config: Pick<Config, 'redis'>): LimiterFactory {
  const redis = config.redis;
  return redis ? (options) => lazyRedisLimiter(redis.url, options) : memoryLimiters;
}

/** Closes the limit clients of this process (tests; a server just exits). */
export async function closeLimitsRedisClients(): Promise<void> {
  const all = await Promise.all(clients.values());
  clients.clear();
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}
