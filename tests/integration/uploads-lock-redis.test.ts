/**
 * The tus upload lock shared through Redis (lib/uploads/locker.ts), against a
 * real redis-server this test starts. Each RedisLocker has its own two
 * connections, as another web process would; one test's holder is a real
 * process, SIGKILLed. Then end to end: two upload servers (createUploadServer)
 * on one staging folder, a PATCH stalled on one while the client resumes on
 * the other: with REDIS_URL the upload's bytes are what the client sent; with
 * tus's per-process MemoryLocker the stalled PATCH writes over the resumed one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ERRORS, type Lock } from '@tus/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Archive } from '@/lib/archive';
import { authServices, type AuthServices } from '@/lib/auth/login';
import { parseConfig, type Config } from '@/lib/config';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { closeUploadLockers, LOCK_KEY_PREFIX, RedisLocker, releaseChannel, type RedisLockerOptions } from '@/lib/uploads/locker';
import { createUploadServer } from '@/lib/uploads/tus';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';
import { officerWithRecord } from '../helpers/upload-officer';

let redis: RedisServer;
/** The test's own view of Redis. */
let direct: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  direct = new Redis(redis.url);
});
afterAll(async () => {
  await closeUploadLockers();
  await direct?.quit();
  await redis?.stop();
});

/** An upload id as @tus/server makes them. */
const uploadId = () => randomBytes(16).toString('hex');
const lockKey = (id: string) => `${LOCK_KEY_PREFIX}mutex:${id}`;

/** A web process's locker: its own connections to the shared Redis. */
function locker(options: RedisLockerOptions = {}): RedisLocker {
  return new RedisLocker(redis.url, { acquireTimeoutMs: 10_000, ...options });
}

/** One request's lock of upload `id`, as @tus/server takes it; `asked` counts the times it was asked to let go. */
function request(on: RedisLocker, id: string, signal = new AbortController().signal) {
  const asked = { count: 0 };
  const lock: Lock = on.newLock(id);
  const held = lock.lock(signal, () => void asked.count++);
  held.catch(() => undefined); // looked at by the test when it matters
  return { lock, held, asked };
}

/** Whether `p` settled within `ms`, and how. */
async function stateWithin(p: Promise<unknown>, ms: number): Promise<'held' | 'failed' | 'waiting'> {
  return Promise.race([p.then(() => 'held' as const, () => 'failed' as const), new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the upload lock shared through Redis', () => {
  it('a second process waits for a held lock, asks its holder to let go, and takes it once released', async () => {
    const [web1, web2] = [locker(), locker()];
    const id = uploadId();
    const first = request(web1, id);
    await first.held;
    expect(await direct.exists(lockKey(id))).toBe(1); // namespaced with the project's other keys
    const second = request(web2, id);
    await until(() => first.asked.count > 0, "the holder's requestRelease");
    expect(await stateWithin(second.held, 300)).toBe('waiting'); // asked, but held until the holder lets go
    await first.lock.unlock();
    expect(await stateWithin(second.held, 1_000)).toBe('held');
    expect(second.asked.count).toBe(0); // nobody asked the new holder; the first never asks itself
    await second.lock.unlock();
    expect(await direct.exists(lockKey(id))).toBe(0);
    // No subscription left behind once nobody holds or waits.
    await until(async () => (await direct.pubsub('NUMSUB', releaseChannel(id)))[1] === 0, 'the release channel to be unsubscribed');
  });

  it('two requests on one process share its subscription and still wait for each other', async () => {
    const web = locker();
    const id = uploadId();
    const first = request(web, id);
    await first.held;
    const second = request(web, id);
    await until(() => first.asked.count > 0, "the holder's requestRelease");
    expect(await stateWithin(second.held, 300)).toBe('waiting');
    await first.lock.unlock();
    expect(await stateWithin(second.held, 1_000)).toBe('held');
    expect(await direct.pubsub('NUMSUB', releaseChannel(id))).toEqual([releaseChannel(id), 1]); // one connection for both
    await second.lock.unlock();
  });

  it('locks of different uploads do not wait for each other', async () => {
    const [web1, web2] = [locker(), locker({ acquireTimeoutMs: 1_000 })];
    const [x, y] = [uploadId(), uploadId()];
    const holder = request(web1, x);
    await holder.held;
    const other = request(web2, y);
    expect(await stateWithin(other.held, 500)).toBe('held');
    expect(holder.asked.count).toBe(0);
    await Promise.all([holder.lock.unlock(), other.lock.unlock()]);
  });

  it('a wait abandoned by its request (stopSignal) fails and never takes the lock later', async () => {
    const [web1, web2, web3] = [locker(), locker(), locker({ acquireTimeoutMs: 1_000 })];
    const id = uploadId();
    const holder = request(web1, id);
    await holder.held;
    const gone = new AbortController();
    const waiter = request(web2, id, gone.signal);
    await until(() => holder.asked.count > 0, 'the waiter to ask'); // it is waiting
    gone.abort(ERRORS.ABORTED);
    expect(await stateWithin(waiter.held, 500)).toBe('failed'); // at once, not after its acquire timeout
    await expect(waiter.held).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await holder.lock.unlock();
    await new Promise((r) => setTimeout(r, 300)); // several of the waiter's tries, had it gone on
    expect(await direct.exists(lockKey(id))).toBe(0);
    const next = request(web3, id);
    expect(await stateWithin(next.held, 500)).toBe('held');
    await next.lock.unlock();
  });

  it('a holder whose process died does not block for ever: another takes the lock after the lock timeout', async () => {
    const id = uploadId();
    const lockTimeoutMs = 1_500;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/helpers/lock-holder.ts'), redis.url, id, String(lockTimeoutMs)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until(() => output.includes('locked'), `the holder process to lock (${output})`, 30_000);
      // Alive, it keeps its lock past the lock timeout (refreshed), and hears another process ask.
      await new Promise((r) => setTimeout(r, 2 * lockTimeoutMs));
      const impatient = request(locker({ acquireTimeoutMs: 500 }), id);
      await expect(impatient.held).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
      expect(output).toContain('asked');
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      const next = request(locker(), id);
      await next.held;
      expect(Date.now() - killedAt).toBeLessThan(lockTimeoutMs + 2_000);
      await next.lock.unlock();
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('a holder whose lock was lost (not refreshed in time) is asked to end its request', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const id = uploadId();
      const holder = request(locker({ lockTimeoutMs: 1_000, refreshEveryMs: 200 }), id);
      await holder.held;
      await direct.del(lockKey(id)); // as if it had expired while the process was frozen
      await until(() => holder.asked.count > 0, "the holder's requestRelease");
      expect(error).toHaveBeenCalledWith(expect.stringContaining('lock in Redis was lost'));
      await holder.lock.unlock(); // the request ends as usual: nothing to delete, no error
    } finally {
      error.mockRestore();
    }
  });

  it('a holder whose Redis went away is asked to end its request, and nothing rejects unhandled', async () => {
    // redis-semaphore refreshes in a timer, where a failed command would reject with nobody to catch it
    // (vitest fails a run on an unhandled rejection).
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const own = await startRedisServer();
    try {
      const holder = request(new RedisLocker(own.url, { lockTimeoutMs: 1_000, refreshEveryMs: 200 }), uploadId());
      await holder.held;
      await own.stop();
      await until(() => holder.asked.count > 0, "the holder's requestRelease");
      await holder.lock.unlock(); // its release fails quietly: the key would expire
      await new Promise((r) => setTimeout(r, 500)); // more refresh ticks, had it kept refreshing
    } finally {
      await own.stop();
      error.mockRestore();
    }
  });
});

describe('two upload servers on one staging folder, a PATCH stalled on one while the client resumes on the other', () => {
  let temp: TempArchive;
  let archive: Archive;
  let auth: AuthServices;
  let cookie: string;
  let recordId: string;
  const servers: http.Server[] = [];
  const KiB = 1024;

  beforeAll(async () => {
    temp = await tempArchive();
    archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'http://127.0.0.1:1' }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
    auth = authServices(archive);
    ({ cookie, recordId } = await officerWithRecord(archive, auth));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await temp?.cleanup();
  });

  /** One web process's upload server: its own staging (a FileStore on the shared folder) and its own locker. */
  async function serve(config: Config): Promise<string> {
    const tus = createUploadServer({ ...archive, config }, auth, new Workflow(temp.records, new AuditLog(temp.store)));
    const server = http.createServer((req, res) => void tus.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const headers = (base: string, extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', cookie, origin: base, ...extra });

  /** A body that sends `first`, waits for `stall`, then sends `rest`: a line that went quiet. */
  function stallingBody(first: Buffer, stall: Promise<void>, rest: Buffer): ReadableStream<Uint8Array> {
    const parts = [
      async () => first,
      async () => {
        await stall;
        return rest;
      },
    ];
    let next = 0;
    return new ReadableStream({
      async pull(controller) {
        if (next === parts.length) return controller.close();
        controller.enqueue(new Uint8Array(await parts[next++]!()));
      },
    });
  }

  /** The race; returns the upload's bytes as staged at the end, and what the client sent. */
  async function race(config: Config): Promise<{ staged: Buffer; sent: Buffer; headWaitedMs: number }> {
    const [one, two] = [await serve(config), await serve(config)];
    const created = await fetch(`${one}/api/uploads`, {
      method: 'POST',
      headers: headers(one, {
        'upload-length': String(1024 * KiB),
        'upload-metadata': `filename ${Buffer.from('tieng-chieng.wav').toString('base64')},recordId ${Buffer.from(recordId).toString('base64')}`,
      }),
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const file = path.join(config.uploadDir, location.split('/').at(-1)!);

    // The first PATCH, on server one: 64 KiB arrive, then the line goes quiet (the client gives it up).
    let unstall!: () => void;
    const stall = new Promise<void>((resolve) => (unstall = resolve));
    const [firstPart, lateRest] = [Buffer.alloc(64 * KiB, 'a'), Buffer.alloc(128 * KiB, 'a')];
    const stalled = fetch(new URL(location, one), {
      method: 'PATCH',
      headers: headers(one, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      body: stallingBody(firstPart, stall, lateRest),
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    await until(async () => (await fs.stat(file)).size === firstPart.length, 'the first 64 KiB to be staged');

    // The client resumes through the proxy, which sends it to server two: HEAD for the offset, then PATCH the rest.
    const asked = Date.now();
    const head = await fetch(new URL(location, two), { method: 'HEAD', headers: headers(two) });
    const headWaitedMs = Date.now() - asked;
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(firstPart.length);
    const resumed = Buffer.alloc(256 * KiB, 'b');
    const patched = await fetch(new URL(location, two), {
      method: 'PATCH',
      headers: headers(two, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
      body: new Uint8Array(resumed),
    });
    expect(patched.status).toBe(204);
    expect(Number(patched.headers.get('upload-offset'))).toBe(offset + resumed.length);

    // The old line wakes up and delivers the rest of the first PATCH's body.
    unstall();
    await stalled;
    await new Promise((r) => setTimeout(r, 200)); // whatever server one still writes
    const after = await fetch(new URL(location, one), { method: 'HEAD', headers: headers(one) });
    const staged = await fs.readFile(file);
    expect(Number(after.headers.get('upload-offset'))).toBe(staged.length); // the offset is the bytes staged, always
    return { staged, sent: Buffer.concat([firstPart, resumed]), headWaitedMs };
  }

  it('with REDIS_URL the stalled PATCH is ended before the resumed one writes: the bytes are what the client sent', async () => {
    const result = await race(parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'http://127.0.0.1:1', REDIS_URL: redis.url }));
    expect(result.headWaitedMs).toBeGreaterThanOrEqual(2_000); // it waited for the first PATCH to drain (tus's lockDrainTimeout, 3 s)
    expect(result.staged.equals(result.sent)).toBe(true);
  }, 60_000);

  it('with each server on its own memory lock (no Redis) the stalled PATCH writes over the resumed one', async () => {
    const result = await race(archive.config);
    expect(result.headWaitedMs).toBeLessThan(2_000);
    expect(result.staged.length).toBe(result.sent.length);
    expect(result.staged.equals(result.sent)).toBe(false);
    // The late 'a's of the first PATCH stand where the client's resumed 'b's were.
    expect(result.staged.subarray(64 * KiB, 192 * KiB).every((byte) => byte === 'a'.charCodeAt(0))).toBe(true);
  }, 60_000);
});
