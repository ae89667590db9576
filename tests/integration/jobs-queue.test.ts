import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '@/lib/config';
import { DerivativeWorker, SqliteJobQueue, enqueueDerivativesFor, getJobState, jobId, listJobs, mediaLimits, registerDerivativeJobs, type WorkerEvent } from '@/lib/jobs';
import { backoffMs } from '@/lib/jobs/worker';
import { deriveMedia } from '@/lib/derivatives/derive';
import { readDerivativeManifest } from '@/lib/derivatives/manifest';
import type { MediaEntry } from '@/lib/records/schema';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
let config: Config;
beforeAll(async () => {
  archive = await tempArchive();
  config = parseConfig({ DATA_DIR: archive.dir, MEDIA_WORKERS: '2' });
});
afterAll(async () => archive.cleanup());

const photo = (color: string) => sharp({ create: { width: 400, height: 300, channels: 3, background: color } }).jpeg().toBuffer();
let n = 0;
const slug = () => `job-${++n}`;

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('derivative jobs', () => {
  it('a commit listener queues jobs for new and changed originals; the in-process worker runs them; state is readable', async () => {
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'listener.sqlite'));
    const jobs = registerDerivativeJobs({ config, store: archive.store, records: archive.records }, { worker: true, queue });
    try {
      const created = await archive.records.create({
        body: sampleBody({ slug: slug() }),
        files: [
          { name: 'a.jpg', body: await photo('#a03020'), contentType: 'image/jpeg', kind: 'image' },
          { name: 'notes.txt', body: 'lời kể', contentType: 'text/plain', kind: 'transcript' },
        ],
        user: operator,
      });
      const id = created.record.id;
      const first = await listJobs(queue, { recordId: id });
      expect(first.map((j) => [j.mediaPath, j.kind])).toEqual([['files/a.jpg', 'image']]); // transcripts get no job
      await waitFor(async () => (await getJobState(queue, first[0]!.id))?.state === 'done');
      const done = (await getJobState(queue, first[0]!.id))!;
      expect(done).toMatchObject({ state: 'done', progress: 100, attempts: 1, outputPrefix: `derivatives/${id}/${created.record.media[0]!.digest.slice(0, 16)}` });
      expect(await readDerivativeManifest(archive.store, id, created.record.media[0]!)).toMatchObject({ kind: 'image' });

      // A metadata-only edit queues nothing; a new photo queues one job.
      const edited = await archive.records.update(id, { expectedVersion: 1, body: { ...sampleBody({ slug: created.record.slug }), description: { vi: 'Sửa mô tả.' } }, user: operator });
      expect(await listJobs(queue, { recordId: id })).toHaveLength(1);
      await archive.records.update(id, { expectedVersion: edited.head, addFiles: [{ name: 'b.jpg', body: await photo('#2040a0'), contentType: 'image/jpeg', kind: 'image' }], user: operator });
      expect((await listJobs(queue, { recordId: id })).map((j) => j.mediaPath)).toEqual(['files/a.jpg', 'files/b.jpg']);
      await waitFor(async () => (await listJobs(queue, { recordId: id })).every((j) => j.state === 'done'));
    } finally {
      await jobs.close();
    }
  });

  it('is idempotent: enqueueing and deriving again change nothing and write the same keys', async () => {
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'idem.sqlite'));
    const created = await archive.records.create({ body: sampleBody({ slug: slug() }), files: [{ name: 'c.jpg', body: await photo('#30a050'), contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const id = created.record.id;
    const [job] = await enqueueDerivativesFor(queue, id, created.record, { maxAttempts: 3 });
    expect((await enqueueDerivativesFor(queue, id, created.record, { maxAttempts: 3 }))[0]!.id).toBe(job!.id);
    expect(job!.id).toBe(jobId(id, created.record.media[0]!.digest));
    const worker = new DerivativeWorker({ queue, store: archive.store, records: archive.records, limits: mediaLimits(config), concurrency: 1, pollMs: 50 });
    await worker.runUntilIdle();
    const keys = await archive.keys(`derivatives/${id}/`);
    expect((await enqueueDerivativesFor(queue, id, created.record, { maxAttempts: 3 }))[0]!.state).toBe('done');
    const ctx = { store: archive.store, records: archive.records, limits: mediaLimits(config) };
    expect((await deriveMedia(ctx, id, created.record.media[0]!)).skipped).toBe(true);
    const again = await deriveMedia(ctx, id, created.record.media[0]!, { force: true });
    expect(again.skipped).toBe(false);
    expect(await archive.keys(`derivatives/${id}/`)).toEqual(keys);
    await queue.close();
  });

  it('retries transient failures with backoff, then succeeds', async () => {
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'retry.sqlite'));
    const created = await archive.records.create({ body: sampleBody({ slug: slug() }), files: [{ name: 'd.jpg', body: await photo('#808000'), contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const [job] = await enqueueDerivativesFor(queue, created.record.id, created.record, { maxAttempts: 3 });
    let calls = 0;
    const events: WorkerEvent[] = [];
    const worker = new DerivativeWorker({
      queue, store: archive.store, records: archive.records, limits: mediaLimits(config), concurrency: 1, pollMs: 20, backoffBaseMs: 100,
      derive: async (ctx, id, media) => {
        if (++calls < 3) throw new Error(`store unreachable (${calls})`);
        return deriveMedia(ctx, id, media);
      },
    });
    const checks: Array<Promise<void>> = [];
    worker.on((e) => {
      events.push(e);
      // The event comes after the queue recorded the retry.
      if (e.type === 'retry') checks.push(getJobState(queue, job!.id).then((state) => void expect(state).toMatchObject({ state: 'queued', error: e.error, retryAt: expect.any(String) })));
    });
    await worker.runUntilIdle();
    await Promise.all(checks);
    expect(checks).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['started', 'retry', 'started', 'retry', 'started', 'done']);
    const retries = events.filter((e): e is Extract<WorkerEvent, { type: 'retry' }> => e.type === 'retry').map((e) => e.inMs);
    expect(retries[0]).toBeGreaterThanOrEqual(75);
    expect(retries[1]).toBeGreaterThanOrEqual(150); // doubled
    expect(await getJobState(queue, job!.id)).toMatchObject({ state: 'done', attempts: 3 });
    expect(backoffMs(20, 5000)).toBeLessThanOrEqual(10 * 60_000 * 1.25);
    await queue.close();
  });

  it('fails permanently with a readable reason: at once for a refused input, after the last attempt otherwise', async () => {
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'fail.sqlite'));
    const created = await archive.records.create({
      body: sampleBody({ slug: slug() }),
      files: [
        { name: 'fake.mp4', body: 'not a video', contentType: 'video/mp4', kind: 'video' },
        { name: 'e.jpg', body: await photo('#000080'), contentType: 'image/jpeg', kind: 'image' },
      ],
      user: operator,
    });
    const [refused, flaky] = await enqueueDerivativesFor(queue, created.record.id, created.record, { maxAttempts: 2 });
    const worker = new DerivativeWorker({
      queue, store: archive.store, records: archive.records, limits: mediaLimits(config), concurrency: 1, pollMs: 20, backoffBaseMs: 20,
      derive: async (ctx, id, media) => {
        if (media.kind === 'image') throw new Error('ffmpeg crashed');
        return deriveMedia(ctx, id, media);
      },
    });
    await worker.runUntilIdle();
    expect(await getJobState(queue, refused!.id)).toMatchObject({ state: 'failed', attempts: 1, error: expect.stringMatching(/^files\/fake\.mp4: refused, found plain text/) });
    expect(await getJobState(queue, flaky!.id)).toMatchObject({ state: 'failed', attempts: 2, error: 'gave up after 2 attempts: ffmpeg crashed' });
    expect(await listJobs(queue, { state: 'failed' })).toHaveLength(2);
    expect(await archive.keys(`derivatives/${created.record.id}/`)).toEqual([]);
    // --force queues a failed job again.
    expect(await queue.enqueue(created.record.id, created.record.media[1]!, { maxAttempts: 2, force: true })).toMatchObject({ state: 'queued', attempts: 0 });
    await queue.close();
  });

  it('runs at most `concurrency` jobs at once', async () => {
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'conc.sqlite'));
    const media = (i: number): MediaEntry => ({ path: `files/${i}.jpg`, kind: 'image', digest: String(i).repeat(128), size: 1, type: 'image/jpeg' });
    for (let i = 0; i < 6; i++) await queue.enqueue('abcdefgh', media(i), { maxAttempts: 1 });
    let now = 0;
    let peak = 0;
    const worker = new DerivativeWorker({
      queue, store: archive.store, records: archive.records, limits: mediaLimits(config), concurrency: 2, pollMs: 10,
      derive: async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 60));
        now--;
        return { skipped: true } as never;
      },
    });
    await worker.runUntilIdle();
    expect(peak).toBe(2);
    expect(await queue.counts()).toMatchObject({ done: 6, queued: 0, running: 0 });
    await queue.close();
  });

  it('reclaims a job whose worker died (dead pid on this host) or whose lease expired', async () => {
    const file = path.join(archive.dir, 'jobs', 'lease.sqlite');
    let clock = 1_000_000;
    const a = new SqliteJobQueue(file, { clock: () => clock, leaseMs: 1000 });
    const media: MediaEntry = { path: 'files/x.jpg', kind: 'image', digest: 'f'.repeat(128), size: 1, type: 'image/jpeg' };
    await a.enqueue('abcdefgh', media, { maxAttempts: 3 });
    expect((await a.claim())?.attempts).toBe(1);
    const b = new SqliteJobQueue(file, { clock: () => clock, leaseMs: 1000 });
    expect(await b.recoverAbandoned()).toBe(0); // a is alive and its lease holds
    clock += 5000;
    expect(await b.recoverAbandoned()).toBe(1);
    expect((await b.list())[0]).toMatchObject({ state: 'queued', attempts: 1, error: expect.stringMatching(/stopped during this job/) });
    expect((await b.claim())?.attempts).toBe(2);
    await a.close();
    await b.close();
    await fs.rm(file, { force: true });
  });
});
