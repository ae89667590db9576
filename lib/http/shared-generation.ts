/**
 * The catalog's generation shared by every process on one Redis (REDIS_URL):
 * a counter that any process increments when the catalog changes (a commit,
 * a finished derivative: lib/archive.ts) and that every web server reads to
 * know whether its kept pages (lib/http/page-cache.ts) are still good. With
 * web servers on several machines, a commit in one must drop the pages kept
 * by all; the embedded index's write stamp only says so to processes on the
 * same disk, and Meilisearch says nothing at all.
 *
 * Why a counter read at most once a second, rather than pub/sub:
 *   - a counter cannot miss a change: a pub/sub message sent while a web
 *     server is reconnecting is lost, and its pages would stay stale for
 *     MAX_AGE_MS; a GET after the reconnection sees every INCR made meanwhile;
 *   - it needs no second connection in subscriber mode, and costs each web
 *     server at most one small GET a second whatever its traffic;
 *   - a second of staleness is shorter than the commit took, and the person
 *     who made the change is signed in, so never served kept pages anyway.
 * If Redis cannot be read, the last value read stands: pages are then dropped
 * by this process's own commits and after MAX_AGE_MS, as without Redis.
 * ioredis is loaded only when this is used (REDIS_URL set).
 */
import type { Redis } from 'ioredis';
import { loadRedisClass } from './ioredis';

export const GENERATION_KEY = 'disan:catalog-generation';
/** How long a value read from Redis is believed. */
export const READ_EVERY_MS = 1_000;

export class SharedGeneration {
  private client?: Promise<Redis>;
  private last = 0;
  private reading?: Promise<number>;
  private readAt = 0;
  private readonly announcing = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly readEveryMs = READ_EVERY_MS,
  ) {}

  private redis(): Promise<Redis> {
    this.client ??= loadRedisClass().then((Redis) => {
      // Commands wait in ioredis's queue while it (re)connects, and fail after a few attempts rather than hang.
      const redis = new Redis(this.url, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
      redis.on('error', () => undefined); // reconnects on its own; a failed read keeps the last value
      return redis;
    });
    return this.client;
  }

  /** Tells every process that the catalog changed. Never throws: a lost announcement costs at most MAX_AGE_MS of staleness. */
  announce(): Promise<void> {
    const sent: Promise<void> = this.redis()
      .then((redis) => redis.incr(GENERATION_KEY))
      .then(
        () => undefined,
        (error: unknown) => console.error(`could not announce a catalog change in Redis: ${error instanceof Error ? error.message : error}`),
      )
      .finally(() => this.announcing.delete(sent));
    this.announcing.add(sent);
    return sent;
  }

  /** The shared generation, read from Redis at most once per readEveryMs (concurrent callers share one read). */
  read(now = Date.now()): Promise<number> {
    if (this.reading && now - this.readAt < this.readEveryMs) return this.reading;
    this.readAt = now;
    this.reading = this.redis()
      // A request never waits for a Redis that is away or still connecting: the last value stands meanwhile.
      .then((redis) => (redis.status === 'ready' ? redis.get(GENERATION_KEY) : String(this.last)))
      .then(
        (value) => (this.last = Number(value ?? 0)),
        () => this.last,
      );
    return this.reading;
  }

  /** Waits for announcements under way (a CLI must not exit before its changes are told), then disconnects. */
  async close(): Promise<void> {
    await Promise.all(this.announcing);
    const client = this.client;
    this.client = undefined;
    this.reading = undefined;
    if (client) {
      const redis = await client;
      await redis.quit().catch(() => redis.disconnect());
    }
  }
}
