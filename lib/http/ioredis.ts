/**
 * ioredis's client class, loaded on first use (only processes with REDIS_URL
 * load ioredis at all). Read as `Redis ?? default` because ioredis's
 * CommonJS exports are the class itself: under Node an import also offers it
 * as `Redis`, but in the Next server bundle (ioredis stays external) webpack's
 * namespace of a function-valued module carries only `default` — `Redis` was
 * undefined there, and every sign-in of a web server on Redis failed with
 * "is not a constructor" (found by tests/cluster/topology.test.ts).
 */
import type { Redis } from 'ioredis';

export async function loadRedisClass(): Promise<typeof Redis> {
  const loaded = await import('ioredis');
  return loaded.Redis ?? (loaded.default as unknown as typeof Redis);
}
