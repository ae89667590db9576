/**
 * The lock @tus/server takes on an upload for each HEAD, PATCH and DELETE of
 * it, shared by every web process on one Redis (REDIS_URL). tus's default,
 * MemoryLocker, keeps apart only requests that reach the same process; behind
 * a round-robin proxy a client's resumed PATCH may reach one web server while
 * its first PATCH (whose connection dropped, unknown to the server yet) still
 * writes on another, and both would write the same bytes of one upload.
 *
 * Two parts, as tus-node-server's proposed IoRedisLocker has them:
 *   - the mutual exclusion is redis-semaphore's Mutex (SET NX PX under a
 *     token, refreshed while held, deleted only by its holder): a process
 *     that dies holding a lock blocks the upload for at most the lock
 *     timeout, never for good;
 *   - "request release", tus's own rule that whoever wants a held lock asks
 *     the holder to let go (the holder's request is cancelled and ends with
 *     what it wrote, after the server's lockDrainTimeout) rather than wait for
 *     a slow upload, travels as a Redis message on a channel per upload,
 *     heard by every process on one subscriber connection.
 * ioredis and redis-semaphore are loaded only when this is used (REDIS_URL set).
 */
import { randomUUID } from 'node:crypto';
import { ERRORS, MemoryLocker, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';
import type { Mutex } from 'redis-semaphore';
import type { Config } from '../config';
import { loadRedisClass } from '../http/ioredis';

/** The command connection's key prefix: redis-semaphore names a lock `mutex:<id>`, so a lock is `disan:tus-lock:mutex:<upload id>`. */
export const LOCK_KEY_PREFIX = 'disan:tus-lock:';
/** Where a request asks the holder of an upload's lock to let go (channels take no key prefix). */
export const releaseChannel = (id: string): string => `disan:tus-lock:release:${id}`;

export interface RedisLockerOptions {
  /** How long a request waits for a held lock before it fails (500); MemoryLocker's default, 30 s. */
  acquireTimeoutMs?: number;
  /** How long a lock outlives a holder that stopped refreshing it (its process died or froze). */
  lockTimeoutMs?: number;
  /** How often a holder refreshes its lock: several times per lock timeout, so a stall of a few seconds does not lose it. */
  refreshEveryMs?: number;
}

const DEFAULTS: Required<RedisLockerOptions> = { acquireTimeoutMs: 30_000, lockTimeoutMs: 10_000, refreshEveryMs: 2_000 };
/** Between two tries of a held lock: a waiter waits for a drain of seconds anyway, and polls Redis no more than this. */
const RETRY_EVERY_MS = 50;
/** A waiter asks again at most this often: the holder may have changed, or its process missed the first message while reconnecting. */
const ASK_EVERY_MS = 1_000;

/** One request's claim, as the subscriber sees it: only a holder is asked to let go, and never by its own asking. */
interface Claim {
  token: string;
  requestRelease: RequestRelease;
  held: boolean;
}

interface Connections {
  commands: Redis;
  subscriber: Redis;
  semaphore: typeof import('redis-semaphore');
}

/** The upload server's locker: shared through Redis with REDIS_URL, tus's own MemoryLocker (one process) otherwise. */
export function uploadLocker(config: Pick<Config, 'redis'>): Locker {
  return config.redis ? new RedisLocker(config.redis.url) : new MemoryLocker();
}

const OPEN = Symbol.for('disan.tus-lockers');
type WithLockers = typeof globalThis & { [OPEN]?: Set<RedisLocker> };

/**
 * Lockers not yet closed, through globalThis: the web server (scripts/serve.ts) closes them at shutdown, and it loads
 * its own copy of this module, apart from the app's bundle that made them.
 */
function openLockers(): Set<RedisLocker> {
  const g = globalThis as WithLockers;
  g[OPEN] ??= new Set();
  return g[OPEN];
}

/** Closes every RedisLocker of this process (the web server's shutdown; tests). */
export async function closeUploadLockers(): Promise<void> {
  await Promise.all([...openLockers()].map((locker) => locker.close()));
}

export class RedisLocker implements Locker {
  private connections?: Promise<Connections>;
  /** The subscriber once connected: unsubscribing must be sent at once, in order with the SUBSCRIBEs of later claims. */
  private subscriber?: Redis;
  /** Claims of this process by release channel, while their requests hold or wait for the lock. */
  private readonly listening = new Map<string, { claims: Set<Claim>; subscribed: Promise<unknown> }>();
  readonly options: Required<RedisLockerOptions>;
  closed = false;

  constructor(
    private readonly url: string,
    options: RedisLockerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    openLockers().add(this);
  }

  newLock(id: string): Lock {
    return new RedisLock(this, id);
  }

  /** Both connections, made on first use: commands (with the key prefix) and one subscriber for every lock of this process. */
  connect(): Promise<Connections> {
    // A request still under way when the locker closed must not open new connections that nobody would close.
    if (this.closed) return Promise.reject(new Error('the upload locker is closed'));
    this.connections ??= Promise.all([loadRedisClass(), loadSemaphore()]).then(([Redis, semaphore]) => {
      // A command fails after a few tries rather than waiting for a Redis that is away: a request then fails (500,
      // the client retries), and a refresh that fails counts as a lost lock (see semaphoreClient).
      const options = { maxRetriesPerRequest: 2, connectTimeout: 5_000 };
      const commands = new Redis(this.url, { ...options, keyPrefix: LOCK_KEY_PREFIX });
      // Subscribed channels are subscribed again after a reconnection (ioredis's autoResubscribe).
      const subscriber = new Redis(this.url, options);
      for (const redis of [commands, subscriber]) redis.on('error', () => undefined); // reconnects on its own
      subscriber.on('message', (channel: string, asker: string) => this.asked(channel, asker));
      this.subscriber = subscriber;
      return { commands, subscriber, semaphore };
    });
    return this.connections;
  }

  /** Hears requests for `claim`'s upload from then on; resolves once Redis has confirmed the subscription. */
  async listen(id: string, claim: Claim): Promise<void> {
    const { subscriber } = await this.connect();
    const channel = releaseChannel(id);
    let entry = this.listening.get(channel);
    if (!entry) {
      entry = { claims: new Set(), subscribed: subscriber.subscribe(channel) };
      this.listening.set(channel, entry);
    }
    entry.claims.add(claim);
    try {
      await entry.subscribed;
    } catch (error) {
      this.forget(id, claim);
      throw error;
    }
  }

  forget(id: string, claim: Claim): void {
    const channel = releaseChannel(id);
    const entry = this.listening.get(channel);
    if (!entry?.claims.delete(claim) || entry.claims.size > 0) return;
    this.listening.delete(channel);
    // Sent now, so that a later claim's SUBSCRIBE to the same channel comes after it on the one connection.
    this.subscriber?.unsubscribe(channel).catch(() => undefined);
  }

  /** Asks whoever holds the upload's lock, in any process, to let go. */
  async ask(id: string, asker: Claim): Promise<void> {
    const { commands } = await this.connect();
    await commands.publish(releaseChannel(id), asker.token);
  }

  private asked(channel: string, asker: string): void {
    for (const claim of this.listening.get(channel)?.claims ?? []) {
      if (!claim.held || claim.token === asker) continue;
      askToRelease(claim.requestRelease);
    }
  }

  /**
   * Closes both connections. Locks still held are not deleted: their requests may still be writing, so
   * they expire after the lock timeout (a failed refresh first asks their requests to end).
   */
  async close(): Promise<void> {
    this.closed = true;
    openLockers().delete(this);
    const connections = this.connections;
    this.connections = undefined;
    this.subscriber = undefined;
    this.listening.clear();
    const opened = await connections?.catch(() => undefined);
    if (!opened) return;
    await Promise.all([opened.commands, opened.subscriber].map((redis) => redis.quit().catch(() => redis.disconnect())));
  }
}

class RedisLock implements Lock {
  private held?: { mutex: Mutex; claim: Claim };

  constructor(
    private readonly locker: RedisLocker,
    private readonly id: string,
  ) {}

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { locker, id } = this;
    const { commands, semaphore } = await locker.connect();
    const claim: Claim = { token: randomUUID(), requestRelease, held: false };
    // Subscribed before trying: a request to let go sent the moment this one holds the lock is heard.
    await locker.listen(id, claim);
    let askedAt = 0;
    const askHolder = () => {
      if (Date.now() - askedAt < ASK_EVERY_MS) return;
      askedAt = Date.now();
      void locker.ask(id, claim).catch(() => undefined);
    };
    const { options } = locker;
    const mutex = new semaphore.Mutex(semaphoreClient(commands, askHolder), id, {
      identifier: claim.token,
      lockTimeout: options.lockTimeoutMs,
      acquireTimeout: options.acquireTimeoutMs,
      retryInterval: RETRY_EVERY_MS,
      refreshInterval: options.refreshEveryMs,
      // Not refreshed in time (the process froze, Redis was away): another request may hold it by now, so this
      // one must stop writing, as it would have been asked to.
      onLockLost: () => {
        claim.held = false;
        if (!locker.closed) console.error(`upload ${id}: its lock in Redis was lost; its request is ended`);
        askToRelease(requestRelease);
      },
    });
    try {
      await mutex.acquire(stopSignal);
      // Taken just as the request went away: nobody would release it.
      if (stopSignal.aborted) {
        await mutex.release();
        throw ERRORS.ERR_LOCK_TIMEOUT;
      }
    } catch (error) {
      locker.forget(id, claim);
      // As MemoryLocker: a wait that timed out or was abandoned fails with tus's lock timeout.
      throw error instanceof semaphore.TimeoutError || stopSignal.aborted ? ERRORS.ERR_LOCK_TIMEOUT : error;
    }
    claim.held = true;
    this.held = { mutex, claim };
  }

  async unlock(): Promise<void> {
    const held = this.held;
    if (!held) throw new Error('Releasing an unlocked lock!');
    this.held = undefined;
    held.claim.held = false;
    try {
      await held.mutex.release();
    } finally {
      this.locker.forget(this.id, held.claim);
    }
  }
}

/** Asks a request to end (tus cancels it, after its drain timeout); whatever that throws or rejects stays here. */
function askToRelease(requestRelease: RequestRelease): void {
  void (async () => requestRelease())().catch(() => undefined);
}

type Call = (...args: unknown[]) => Promise<unknown>;

/**
 * The client redis-semaphore is given: the command connection, with two changes.
 *   - A try that finds the lock taken (SET NX answers null) asks the holder to let go (at most once a second),
 *     as MemoryLocker asks on each of its tries.
 *   - A script that fails (Redis away) answers 0, "not yours": a refresh that fails then counts as a lost lock
 *     (onLockLost) instead of rejecting inside redis-semaphore's refresh timer, unhandled, which would end the
 *     process (its issue #199: such errors are left to the caller); a release that fails leaves the key to
 *     expire. NOSCRIPT still throws: redis-semaphore answers it by sending the script itself.
 */
function semaphoreClient(redis: Redis, onTaken: () => void): ConstructorParameters<typeof Mutex>[0] {
  const call =
    (name: 'get' | 'set' | 'zrem' | 'eval' | 'evalsha'): Call =>
    (...args) =>
      (redis[name] as unknown as Call).apply(redis, args);
  const script =
    (run: Call): Call =>
    async (...args) => {
      try {
        return await run(...args);
      } catch (error) {
        if (String(error).includes('NOSCRIPT')) throw error;
        return 0;
      }
    };
  const set = call('set');
  return {
    get: call('get'),
    zrem: call('zrem'),
    async set(...args: unknown[]) {
      const answer = await set(...args);
      if (answer === null) onTaken();
      return answer;
    },
    eval: script(call('eval')),
    evalsha: script(call('evalsha')),
  } as unknown as ConstructorParameters<typeof Mutex>[0];
}

/** redis-semaphore, read as `Mutex ?? default.Mutex`: its CommonJS exports, as Node or a bundle's namespace may offer them. */
async function loadSemaphore(): Promise<typeof import('redis-semaphore')> {
  const loaded = await import('redis-semaphore');
  return loaded.Mutex ? loaded : (loaded as unknown as { default: typeof import('redis-semaphore') }).default;
}
