/**
 * Workers on Redis (BullMQ): `scripts/worker.ts` with REDIS_URL is SIGKILLed
 * while it holds a real job (the image derivatives of a generated photo,
 * made by sharp); a second worker process, started afterwards, takes the job
 * once the dead one's lease has expired (BullMQ's stalled-job check) and
 * finishes it. The Redis server is a real redis-server this test starts.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisJobQueue, enqueueDerivativesFor, getJobState, type JobState } from '@/lib/jobs';
import { readDerivativeManifest } from '@/lib/derivatives/manifest';
import { startWorkerProcess } from '../helpers/cli';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
let redis: RedisServer;
beforeAll(async () => {
  [archive, redis] = await Promise.all([tempArchive(), startRedisServer()]);
});
afterAll(async () => {
  await redis?.stop();
  await archive?.cleanup();
});

function startWorker(args: string[] = []) {
  // A short lease so that the dead worker's job is given again soon; one job at a time.
  return startWorkerProcess({ DATA_DIR: archive.dir, REDIS_URL: redis.url, MEDIA_WORKERS: '1', MEDIA_JOB_LEASE_S: '2' }, args);
}

describe('worker crash on Redis', () => {
  it('a SIGKILLed worker’s job is taken by a second worker process, which finishes it', async () => {
    // Noise does not compress: a few seconds of sharp work, so the kill lands while the job is held.
    const [width, height] = [2400, 1600];
    const photo = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const stored = await archive.records.create({ body: sampleBody({ slug: 'crash-photo' }), files: [{ name: 'noise.jpg', body: photo, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const id = stored.record.id;
    const media = stored.record.media[0]!;
    const queue = new RedisJobQueue(redis.url); // the queue the workers open from REDIS_URL
    try {
      const [queued] = await enqueueDerivativesFor(queue, id, stored.record, { maxAttempts: 3 });
      const job = async (): Promise<JobState> => (await getJobState(queue, queued!.id))!;

      const first = startWorker();
      const deadline = Date.now() + 60_000;
      while ((await job()).state !== 'running') {
        if (Date.now() > deadline) throw new Error(`the job never started: ${first.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      expect(await job()).toMatchObject({ state: 'running', attempts: 1 }); // held by a dead worker: its lock is not released
      expect(await readDerivativeManifest(archive.store, id, media)).toBeUndefined(); // nothing published

      // A second worker (another machine, as far as Redis can tell) resumes it and exits when the queue is idle.
      const second = startWorker(['--until-idle']);
      const result = await second.exited;
      expect(result.code, second.output()).toBe(0);
      expect(second.output()).toMatch(/queue redis:\/\/127\.0\.0\.1:\d+/);
      expect(await job()).toMatchObject({ state: 'done', attempts: 2, progress: 100 });
      expect(await readDerivativeManifest(archive.store, id, media)).toMatchObject({ kind: 'image' });
      expect(await archive.keys(`derivatives/${id}/${media.digest.slice(0, 16)}/`)).toEqual(expect.arrayContaining([expect.stringMatching(/\.avif$/), expect.stringMatching(/\.webp$/)]));
    } finally {
      await queue.close();
    }
    // A hang guard generous enough for a busy 2-core machine, not a speed target.
  }, 180_000);
});
