/**
 * The JobQueue contract (lib/jobs/queue.ts): every implementation must pass
 * all of it. "Handles" are what separate worker processes (or machines)
 * would open on the same queue: the SQLite file, or the same Redis.
 * Leases are short here (a second) so that an abandoned job comes back
 * quickly; nothing asserts how fast anything runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '@/lib/jobs';
import type { MediaEntry } from '@/lib/records/schema';

export interface JobQueueSubject {
  /** A new handle on the one shared queue. */
  open(options: { leaseMs: number }): JobQueue;
  close(): Promise<void>;
}

const LEASE_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
/** A distinct original per call (its digest names the job). */
function media(kind: MediaEntry['kind'] = 'image'): MediaEntry {
  const digest = (++n).toString(16).padStart(8, '0').repeat(16);
  return { path: `files/${n}.jpg`, kind, digest, size: 1, type: 'image/jpeg' };
}

async function eventually<T>(attempt: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await sleep(100);
  }
}

export function jobQueueContract(name: string, setup: () => Promise<JobQueueSubject>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let subject: JobQueueSubject;
    const handles: JobQueue[] = [];
    const open = () => {
      const q = subject.open({ leaseMs: LEASE_MS });
      handles.push(q);
      return q;
    };
    let a: JobQueue;
    let b: JobQueue;
    beforeAll(async () => {
      subject = await setup();
      a = open();
      b = open();
    });
    afterAll(async () => {
      for (const q of handles) await q.close();
      await subject?.close();
    });

    /** Claims until the given job comes out (others queued by earlier tests are completed out of the way). */
    async function claimJob(q: JobQueue, id: string) {
      return eventually(async () => {
        const job = await q.claim();
        if (job && job.id !== id) await q.complete(job.id);
        return job?.id === id ? job : undefined;
      });
    }

    it('keys a job by record and original: enqueueing it again, from any handle, at once or later, adds nothing', async () => {
      const m = media();
      const [first, second, third] = await Promise.all([a.enqueue('rec00001', m, { maxAttempts: 3 }), b.enqueue('rec00001', m, { maxAttempts: 3 }), a.enqueue('rec00001', m, { maxAttempts: 3 })]);
      expect(first).toMatchObject({ recordId: 'rec00001', mediaPath: m.path, digest: m.digest, kind: 'image', state: 'queued', attempts: 0, maxAttempts: 3, progress: 0 });
      expect(second!.id).toBe(first!.id);
      expect(third!.id).toBe(first!.id);
      expect(await b.list({ recordId: 'rec00001' })).toHaveLength(1);
      expect(first!.outputPrefix).toBe(`derivatives/rec00001/${m.digest.slice(0, 16)}`);
    });

    it('gives a job to one worker only; enqueueing it while it runs neither duplicates nor restarts it; done stays done', async () => {
      const m = media();
      const queued = await a.enqueue('rec00002', m, { maxAttempts: 3 });
      const claimed = await claimJob(a, queued.id);
      expect(claimed).toMatchObject({ id: queued.id, recordId: 'rec00002', media: m, attempts: 1, maxAttempts: 3 });
      expect(await b.enqueue('rec00002', m, { maxAttempts: 3 })).toMatchObject({ state: 'running', attempts: 1 });
      expect(await b.enqueue('rec00002', m, { maxAttempts: 3, force: true })).toMatchObject({ state: 'running', attempts: 1 }); // not while it runs
      // Held over several lease lengths by heartbeats: never given to the other handle.
      for (let i = 0; i < 8; i++) {
        expect(await a.heartbeat(queued.id)).toBe(true);
        expect(await b.recoverAbandoned()).toBeGreaterThanOrEqual(0);
        const other = await b.claim();
        expect(other?.id).not.toBe(queued.id);
        if (other) await b.complete(other.id);
        await sleep(LEASE_MS / 4);
      }
      await a.complete(queued.id);
      const done = await b.get(queued.id);
      expect(done).toMatchObject({ state: 'done', progress: 100, attempts: 1, finishedAt: expect.any(String) });
      expect(done!.error).toBeUndefined();
      expect(await b.enqueue('rec00002', m, { maxAttempts: 3 })).toMatchObject({ state: 'done', attempts: 1 });
      expect(await b.list({ recordId: 'rec00002' })).toHaveLength(1);
      // force: queued again from scratch.
      expect(await b.enqueue('rec00002', m, { maxAttempts: 3, force: true })).toMatchObject({ state: 'queued', attempts: 0, progress: 0 });
      await claimJob(b, queued.id).then((j) => b.complete(j.id));
    });

    it('hands many jobs to concurrent claimers exactly once each', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 8; i++) ids.add((await a.enqueue('rec00003', media(), { maxAttempts: 1 })).id);
      const taken: string[] = [];
      await Promise.all(
        [a, b, a, b].map(async (q) => {
          for (let job = await q.claim(); job; job = await q.claim()) {
            taken.push(job.id);
            await q.complete(job.id);
          }
        }),
      );
      const ours = taken.filter((id) => ids.has(id));
      expect(ours.sort()).toEqual([...ids].sort());
      expect((await a.list({ recordId: 'rec00003' })).every((j) => j.state === 'done')).toBe(true);
    });

    it('records progress 0–100 while a job runs', async () => {
      const queued = await a.enqueue('rec00004', media('video'), { maxAttempts: 2 });
      await claimJob(a, queued.id);
      expect(await a.heartbeat(queued.id, 0.42)).toBe(true);
      expect(await b.get(queued.id)).toMatchObject({ state: 'running', progress: 42, startedAt: expect.any(String) });
      expect(await b.counts()).toMatchObject({ running: 1 });
      await a.complete(queued.id);
      expect(await b.get(queued.id)).toMatchObject({ state: 'done', progress: 100 });
    });

    it('retries after the given delay, keeping the reason, then runs it again as a new attempt', async () => {
      const queued = await a.enqueue('rec00005', media(), { maxAttempts: 3 });
      await claimJob(a, queued.id);
      await a.fail(queued.id, 'store unreachable', 1500);
      const waiting = await b.get(queued.id);
      expect(waiting).toMatchObject({ state: 'queued', attempts: 1, error: 'store unreachable', retryAt: expect.any(String) });
      expect(Date.parse(waiting!.retryAt!)).toBeGreaterThan(Date.now() + 500);
      expect((await b.claim())?.id).not.toBe(queued.id); // not before its time
      const again = await claimJob(b, queued.id);
      expect(again.attempts).toBe(2);
      await b.complete(queued.id);
      expect(await a.get(queued.id)).toMatchObject({ state: 'done', attempts: 2 });
      expect((await a.get(queued.id))!.error).toBeUndefined();
    });

    it('fails for good with its reason when told to; a forced enqueue starts it again from scratch', async () => {
      const m = media();
      const queued = await a.enqueue('rec00006', m, { maxAttempts: 3 });
      await claimJob(a, queued.id);
      await a.fail(queued.id, 'files/x.mp4: refused, found plain text');
      expect(await b.get(queued.id)).toMatchObject({ state: 'failed', attempts: 1, error: 'files/x.mp4: refused, found plain text', finishedAt: expect.any(String) });
      expect((await b.list({ state: 'failed' })).map((j) => j.id)).toContain(queued.id);
      expect(await b.counts()).toMatchObject({ failed: 1 });
      await sleep(200);
      expect((await b.claim())?.id).not.toBe(queued.id);
      expect(await b.enqueue('rec00006', m, { maxAttempts: 3 })).toMatchObject({ state: 'failed' }); // without force, left alone
      const forced = await b.enqueue('rec00006', m, { maxAttempts: 3, force: true });
      expect(forced).toMatchObject({ state: 'queued', attempts: 0 });
      expect(forced.error).toBeUndefined();
      await claimJob(a, queued.id).then((j) => a.complete(j.id));
    });

    it('gives a job whose worker died (no heartbeat: its lease expired) to another worker, and not back to the dead one', async () => {
      const queued = await a.enqueue('rec00007', media(), { maxAttempts: 3 });
      await claimJob(a, queued.id);
      // a "dies": it heartbeats no more. b, a live worker, looks for abandoned jobs and takes it.
      const taken = await eventually(async () => {
        await b.recoverAbandoned();
        const job = await b.claim();
        if (job && job.id !== queued.id) await b.complete(job.id);
        return job?.id === queued.id ? job : undefined;
      });
      expect(taken.attempts).toBe(2);
      expect(await a.heartbeat(queued.id, 0.5)).toBe(false); // the lease is b's now
      await a.complete(queued.id).catch(() => undefined); // a late finish by the dead one counts for nothing
      expect(await b.get(queued.id)).toMatchObject({ state: 'running', attempts: 2 });
      expect(await b.heartbeat(queued.id, 0.9)).toBe(true);
      await b.complete(queued.id);
      expect(await a.get(queued.id)).toMatchObject({ state: 'done', attempts: 2, progress: 100 });
    });

    it('fails a job for good, with a reason, once its worker has died on every attempt it had', async () => {
      const queued = await a.enqueue('rec00009', media(), { maxAttempts: 1 });
      await claimJob(a, queued.id); // a dies holding it: its one attempt is spent
      const failed = await eventually(async () => {
        await b.recoverAbandoned();
        const job = await b.claim();
        expect(job?.id).not.toBe(queued.id); // never given again
        if (job) await b.complete(job.id);
        const state = await b.get(queued.id);
        return state?.state === 'failed' ? state : undefined;
      });
      expect(failed).toMatchObject({ attempts: 1, error: expect.stringMatching(/worker stopped during this job 1 times/) });
    });

    it('lists a record’s jobs oldest first and counts by state', async () => {
      const first = await a.enqueue('rec00008', media(), { maxAttempts: 1 });
      await sleep(5);
      const second = await a.enqueue('rec00008', media(), { maxAttempts: 1 });
      expect((await b.list({ recordId: 'rec00008' })).map((j) => j.id)).toEqual([first.id, second.id]);
      expect((await b.list({ recordId: 'rec00008', state: 'queued' })).map((j) => j.id)).toEqual([first.id, second.id]);
      expect(await b.list({ recordId: 'rec00008', state: 'done' })).toEqual([]);
      expect(await b.get('rec00008/0000000000000000/v1')).toBeUndefined();
      const counts = await b.counts();
      expect(counts.queued).toBeGreaterThanOrEqual(2);
      expect(Object.keys(counts).sort()).toEqual(['done', 'failed', 'queued', 'running']);
    });
  });
}
