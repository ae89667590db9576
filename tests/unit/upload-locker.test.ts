/**
 * Which lock the upload server takes on an upload: tus's own MemoryLocker
 * (one process) without REDIS_URL, as before; the Redis locker with it
 * (lib/uploads/locker.ts, tested against a real Redis in
 * tests/integration/uploads-lock-redis.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryLocker } from '@tus/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '@/lib/archive';
import type { AuthServices } from '@/lib/auth/login';
import { parseConfig } from '@/lib/config';
import type { ObjectStore } from '@/lib/storage';
import { RedisLocker } from '@/lib/uploads/locker';
import { openStaging } from '@/lib/uploads/staging';
import { createUploadServer } from '@/lib/uploads/tus';
import type { Workflow } from '@/lib/workflow/transitions';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'disan-locker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The upload server as the web server makes it; only its configuration matters here (no request is made). */
function uploadServer(env: Record<string, string>) {
  const config = parseConfig({ DATA_DIR: dir, ...env });
  return createUploadServer({ config } as Archive, {} as AuthServices, {} as Workflow, openStaging(config, {} as ObjectStore));
}

describe('the upload lock', () => {
  it('without REDIS_URL is tus’s per-process MemoryLocker', () => {
    expect(uploadServer({}).options.locker).toBeInstanceOf(MemoryLocker);
  });

  it('with REDIS_URL is shared through Redis', async () => {
    // Nothing listens there: the locker connects on first use, and no request is made.
    const locker = uploadServer({ REDIS_URL: 'redis://127.0.0.1:1' }).options.locker;
    expect(locker).toBeInstanceOf(RedisLocker);
    await (locker as RedisLocker).close();
  });
});
