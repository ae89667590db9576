/**
 * The worker loop: up to `concurrency` jobs at once (default cores − 1: one
 * core stays free for the web server), each heartbeating its lease and
 * progress, retried with exponential backoff and jitter when something
 * transient failed, failed for good at once when the input was refused
 * (retrying a decompression bomb will not help) or when attempts run out.
 *
 * The loop is the same on both queues (./queue.ts: SQLite or BullMQ on
 * Redis): it claims, heartbeats, completes and fails through the interface.
 * Resuming after a crash is the queue's job (recoverAbandoned): the derive
 * step itself is idempotent, so a resumed job simply runs again, writes the
 * same keys and publishes its manifest last. A long video's job does not
 * start over: the renditions an earlier attempt finished are kept in the
 * store (lib/derivatives/staging.ts) and fetched instead of encoded.
 */
import type { RecordRepository } from '../records/repository';
import type { ObjectStore } from '../storage';
import { cleanAbandonedWorkDirs, deriveMedia, discardUnpublished } from '../derivatives/derive';
import { MediaRefusedError } from '../media/errors';
import type { MediaLimits } from '../media/limits';
import type { ClaimedJob, JobQueue } from './queue';

export interface WorkerOptions {
  queue: JobQueue;
  store: ObjectStore;
  records: RecordRepository;
  limits: MediaLimits;
  concurrency: number;
  /** How often an idle slot looks for work. */
  pollMs?: number;
  /** First retry delay; doubles per attempt, capped at 10 minutes. */
  backoffBaseMs?: number;
  log?: (line: string) => void;
  /** The step that does the work; tests replace it to fail on purpose. */
  derive?: typeof deriveMedia;
  /** Videos longer than this are encoded rendition by rendition and resume from finished ones (default: lib/media/video.ts). */
  resumableVideoSeconds?: number;
}

export type WorkerEvent =
  | { type: 'started'; job: ClaimedJob }
  | { type: 'done'; job: ClaimedJob; skipped: boolean }
  | { type: 'retry'; job: ClaimedJob; error: string; inMs: number }
  | { type: 'failed'; job: ClaimedJob; error: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffMs(attempt: number, baseMs: number): number {
  const exp = Math.min(baseMs * 2 ** (attempt - 1), 10 * 60_000);
  // ±25 % jitter: workers that failed together do not retry together.
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}

export class DerivativeWorker {
  private running = false;
  private readonly active = new Set<Promise<void>>();
  private loops: Promise<void>[] = [];
  private readonly listeners: Array<(event: WorkerEvent) => void> = [];
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: WorkerOptions) {}

  on(listener: (event: WorkerEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: WorkerEvent): void {
    for (const l of this.listeners) l(event);
    const { log } = this.options;
    if (!log) return;
    const what = `${event.job.recordId} ${event.job.media.path}`;
    if (event.type === 'started') log(`▶ ${what} (attempt ${event.job.attempts}/${event.job.maxAttempts})`);
    if (event.type === 'done') log(`✓ ${what}${event.skipped ? ' (already made)' : ''}`);
    if (event.type === 'retry') log(`↻ ${what}: ${event.error} — retrying in ${Math.round(event.inMs / 1000)} s`);
    if (event.type === 'failed') log(`✗ ${what}: ${event.error}`);
  }

  /** Starts the slots; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.options.queue.recoverAbandoned().catch((error: unknown) => this.options.log?.(`recovering abandoned jobs failed: ${String(error)}`));
    void cleanAbandonedWorkDirs().catch(() => undefined);
    this.loops = Array.from({ length: Math.max(1, this.options.concurrency) }, () => this.loop());
  }

  /** Asks idle slots to look for work now (after an enqueue). */
  poke(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await Promise.all(this.loops);
  }

  /** Runs until nothing is queued or running (waiting out retry delays), then stops. For `derive` and tests. */
  async runUntilIdle(): Promise<void> {
    this.start();
    const { queue } = this.options;
    for (;;) {
      const counts = await queue.counts();
      if (counts.queued === 0 && counts.running === 0 && this.active.size === 0) break;
      // Jobs of a worker that died while we wait are ours to resume.
      if (counts.running > this.active.size) await queue.recoverAbandoned();
      await sleep(100);
    }
    await this.stop();
  }

  private async loop(): Promise<void> {
    const { queue } = this.options;
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      let job: ClaimedJob | undefined;
      try {
        job = await queue.claim();
      } catch (error) {
        // The queue is unreachable for now (Redis restarting…): look again after the poll interval.
        this.options.log?.(`taking a job failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, pollMs);
          this.wakers.add(wake);
        });
        continue;
      }
      // A job whose lease was lost meanwhile cannot be completed or failed by us: its next holder will.
      const run = this.runJob(job).catch((error: unknown) => this.options.log?.(`job ${job.id}: ${error instanceof Error ? error.message : String(error)}`));
      this.active.add(run);
      await run.finally(() => this.active.delete(run));
    }
  }

  private async runJob(job: ClaimedJob): Promise<void> {
    const { queue, store, records, limits } = this.options;
    this.emit({ type: 'started', job });
    let lastWrite = 0;
    let progress = 0;
    // The lease is renewed on a timer too: a long ffmpeg run may report no progress for a while.
    const heartbeat = (fraction: number) => void queue.heartbeat(job.id, fraction).catch(() => undefined);
    const beat = setInterval(() => heartbeat(progress), Math.max(250, Math.min(15_000, Math.floor(queue.leaseMs / 4))));
    try {
      const derive = this.options.derive ?? deriveMedia;
      const result = await derive(
        {
          store,
          records,
          limits,
          video: {
            ...(this.options.resumableVideoSeconds ? { resumeAboveSeconds: this.options.resumableVideoSeconds } : {}),
            // Which renditions of a long video a resumed job found finished: the log shows it did not start over.
            onRendition: (name, how) => this.options.log?.(`  ${job.recordId} ${job.media.path}: ${name} ${how === 'kept' ? 'encoded and kept' : 'restored from an earlier attempt'}`),
          },
          onProgress: (fraction) => {
            progress = fraction;
            const now = Date.now();
            if (now - lastWrite < 500 && fraction < 1) return;
            lastWrite = now;
            heartbeat(fraction);
          },
        },
        job.recordId,
        job.media,
      );
      await queue.complete(job.id);
      this.emit({ type: 'done', job, skipped: result.skipped });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MediaRefusedError || job.attempts >= job.maxAttempts) {
        const reason = error instanceof MediaRefusedError ? message : `gave up after ${job.attempts} attempts: ${message}`;
        await queue.fail(job.id, reason);
        // Whatever this job uploaded has no manifest: remove it rather than leave orphans.
        await discardUnpublished(store, job.recordId, job.media.digest).catch(() => undefined);
        this.emit({ type: 'failed', job, error: reason });
      } else {
        const inMs = backoffMs(job.attempts, this.options.backoffBaseMs ?? 5000);
        await queue.fail(job.id, message, inMs);
        this.emit({ type: 'retry', job, error: message, inMs });
      }
    } finally {
      clearInterval(beat);
    }
  }
}
