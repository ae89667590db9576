/**
 * The derivative job queue on Redis (REDIS_URL set), for workers on several
 * machines: BullMQ, used the way its "manually fetching jobs" pattern
 * describes, so that the one worker loop (./worker.ts) runs on both queues.
 * Everything that coordinates workers is BullMQ's own:
 *
 *   - dedup: the job id is ours (record id / digest / pipeline version) and
 *     BullMQ adds nothing when a job of that id exists (done stays done);
 *   - leases: a claimed job is locked for `leaseMs` (BullMQ's lockDuration),
 *     heartbeat() extends the lock; BullMQ's stalled-job checker gives a job
 *     whose lock expired (its worker died) back to the queue; one whose
 *     worker died on every attempt it had fails for good when next taken (as
 *     BullMQ's own processing loop does with a job that stalled too often);
 *   - retries: the job's `attempts` and a custom backoff strategy that takes
 *     the delay the worker computed (the same backoff as the SQLite queue);
 *     a permanent failure is BullMQ's UnrecoverableError.
 *
 * The only thing kept beside BullMQ's keys is a set of job ids per record,
 * so that a record's jobs are read without walking every job.
 *
 * bullmq and ioredis are loaded when a RedisJobQueue is first used, so the
 * embedded default (no REDIS_URL) never pays for loading them.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Job, JobType, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MediaEntry } from '../records/schema';
import { PIPELINE_VERSION, derivativePrefix } from '../derivatives/manifest';
import { loadRedisClass } from '../http/ioredis';
import { jobId, type ClaimedJob, type EnqueueOptions, type JobCounts, type JobQueue, type JobState, type JobStatus, type ListFilter } from './queue';

interface JobData {
  recordId: string;
  media: MediaEntry;
  pipelineVersion: number;
  /** Taken only to be failed for good (its worker died on every attempt): that start is not an attempt. */
  refusedLastStart?: boolean;
}

type DeriveJob = Job<JobData, unknown, string>;

type Modules = { bullmq: typeof import('bullmq'); Redis: typeof Redis };
let modules: Promise<Modules> | undefined;
const load = (): Promise<Modules> => (modules ??= Promise.all([import('bullmq'), loadRedisClass()]).then(([bullmq, Redis]) => ({ bullmq, Redis })));

/** A failure to retry after the delay the worker chose; read by the backoff strategy. */
class RetryLater extends Error {
  constructor(message: string, readonly retryInMs: number) {
    super(message);
  }
}

const BACKOFF = 'disan-worker-delay';

export interface RedisQueueOptions {
  /** BullMQ queue name (tests use their own). */
  name?: string;
  /** How long a claim holds without a heartbeat (BullMQ lockDuration). */
  leaseMs?: number;
  /** Times a job may lose its worker (stall) before it fails for good; default attempts − 1 of the configuration. */
  maxStalls?: number;
}

const STATE_OF: Partial<Record<string, JobStatus>> = {
  waiting: 'queued',
  wait: 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  paused: 'queued',
  'waiting-children': 'queued',
  active: 'running',
  completed: 'done',
  failed: 'failed',
};
const TYPES_OF: Record<JobStatus, JobType[]> = {
  queued: ['waiting', 'prioritized', 'delayed', 'waiting-children'],
  running: ['active'],
  done: ['completed'],
  failed: ['failed'],
};

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

/** A Redis URL without its password, for logs. */
export function redisAddress(url: string): string {
  const u = new URL(url);
  u.password = '';
  u.username = '';
  return u.toString();
}

export class RedisJobQueue implements JobQueue {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly where: string;
  readonly leaseMs: number;
  private readonly url: string;
  private opened: Promise<{ redis: Redis; queue: Queue<JobData, unknown, string>; bullmq: Modules['bullmq'] }> | undefined;
  private readonly name: string;
  private readonly maxStalls: number;
  /** Opened on first claim: a process that only queues holds no worker connection. */
  private worker: Promise<Worker<JobData, unknown, string>> | undefined;
  /** Jobs this process holds, with the lock token BullMQ checks. */
  private readonly held = new Map<string, { job: DeriveJob; token: string }>();
  private tokens = 0;

  constructor(url: string, options: RedisQueueOptions = {}) {
    this.where = redisAddress(url);
    this.name = options.name ?? 'disan-derivatives';
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxStalls = options.maxStalls ?? 2;
    this.url = url;
  }

  private open() {
    this.opened ??= load().then(({ bullmq, Redis }) => {
      // maxRetriesPerRequest: null, as BullMQ's workers require: a command waits out a reconnection rather than fail.
      const redis = new Redis(this.url, { maxRetriesPerRequest: null });
      redis.on('error', () => undefined); // ioredis reconnects on its own; the queue's and worker's 'error' events say what failed
      const queue = new bullmq.Queue<JobData, unknown, string>(this.name, { connection: redis });
      queue.on('error', (error) => console.error('job queue (Redis):', error.message));
      return { redis, queue, bullmq };
    });
    return this.opened;
  }

  private recordKey(recordId: string): string {
    return `bull:${this.name}:disan-record:${recordId}`;
  }

  private async toState(job: DeriveJob | undefined): Promise<JobState | undefined> {
    if (!job?.id) return undefined;
    const raw = await job.getState();
    const state = STATE_OF[raw];
    if (!state) return undefined;
    const { recordId, media, pipelineVersion } = job.data;
    const progress = typeof job.progress === 'number' ? job.progress : 0;
    // A delayed job's time to run is its score in BullMQ's delayed set (ms × 4096 + a counter).
    const score = raw === 'delayed' && job.attemptsMade > 0 ? await (await this.open()).redis.zscore(`bull:${this.name}:delayed`, job.id) : null;
    const retryAt = score === null ? undefined : Math.floor(Number(score) / 0x1000);
    const updated = Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0, retryAt === undefined ? 0 : retryAt - job.delay);
    return {
      id: job.id,
      recordId,
      mediaPath: media.path,
      digest: media.digest,
      kind: media.kind,
      pipelineVersion,
      state,
      attempts: job.attemptsStarted - (job.data.refusedLastStart ? 1 : 0),
      maxAttempts: job.opts.attempts ?? 1,
      progress: state === 'done' ? 100 : Math.round(progress),
      ...(state !== 'done' && job.failedReason ? { error: job.failedReason } : {}),
      ...(retryAt !== undefined ? { retryAt: iso(retryAt) } : {}),
      outputPrefix: derivativePrefix(recordId, media.digest),
      createdAt: iso(job.timestamp)!,
      updatedAt: iso(updated)!,
      ...(job.processedOn ? { startedAt: iso(job.processedOn) } : {}),
      ...(job.finishedOn && (state === 'done' || state === 'failed') ? { finishedAt: iso(job.finishedOn) } : {}),
    };
  }

  async enqueue(recordId: string, media: MediaEntry, options: EnqueueOptions): Promise<JobState> {
    const { queue, redis } = await this.open();
    const id = jobId(recordId, media.digest);
    if (options.force) {
      const existing = await queue.getJob(id);
      // A running job is left to finish (as on SQLite); anything else starts again from scratch.
      if (existing && (await existing.getState()) !== 'active') await existing.remove().catch(() => undefined);
    }
    await redis.sadd(this.recordKey(recordId), id);
    // BullMQ adds nothing when a job with this id exists: the dedup is its own.
    const job = await queue.add(
      'derive',
      { recordId, media, pipelineVersion: PIPELINE_VERSION },
      { jobId: id, attempts: options.maxAttempts, backoff: { type: BACKOFF }, removeOnComplete: false, removeOnFail: false },
    );
    return (await this.toState((await queue.getJob(id)) ?? job))!;
  }

  async get(id: string): Promise<JobState | undefined> {
    const { queue } = await this.open();
    return this.toState(await queue.getJob(id));
  }

  async list(filter: ListFilter = {}): Promise<JobState[]> {
    const limit = filter.limit ?? 500;
    const { queue, redis } = await this.open();
    let jobs: DeriveJob[];
    if (filter.recordId) {
      const ids = await redis.smembers(this.recordKey(filter.recordId));
      jobs = (await Promise.all(ids.map((id) => queue.getJob(id)))).filter((j): j is DeriveJob => Boolean(j));
    } else {
      jobs = await queue.getJobs(filter.state ? TYPES_OF[filter.state] : Object.values(TYPES_OF).flat());
    }
    const states = (await Promise.all(jobs.map((j) => this.toState(j)))).filter((s): s is JobState => Boolean(s));
    return states
      .filter((s) => !filter.state || s.state === filter.state)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async counts(): Promise<JobCounts> {
    const { queue } = await this.open();
    const raw = await queue.getJobCounts(...Object.values(TYPES_OF).flat());
    const out: JobCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const [type, n] of Object.entries(raw)) {
      const state = STATE_OF[type];
      if (state) out[state] += n;
    }
    return out;
  }

  private openWorker(): Promise<Worker<JobData, unknown, string>> {
    this.worker ??= this.open().then(({ redis, bullmq }) => this.newWorker(redis, bullmq));
    return this.worker;
  }

  private newWorker(redis: Redis, bullmq: Modules['bullmq']): Worker<JobData, unknown, string> {
    const worker = new bullmq.Worker<JobData, unknown, string>(this.name, null, {
      connection: redis,
      autorun: false,
      lockDuration: this.leaseMs,
      // A dead worker's job is found within lease + two checks (BullMQ marks, then moves).
      stalledInterval: Math.max(250, Math.floor(this.leaseMs / 2)),
      maxStalledCount: this.maxStalls,
      settings: {
        backoffStrategy: (_attempts: number, _type?: string, error?: Error) => (error instanceof RetryLater ? error.retryInMs : 5000),
      },
    });
    worker.on('error', (error) => console.error('job queue (Redis):', error.message));
    return worker;
  }

  /** Starts BullMQ's stalled-job checker (once): it gives jobs whose lock expired back to the queue. */
  async recoverAbandoned(): Promise<number> {
    const worker = await this.openWorker();
    if (!this.stalledCheck) this.stalledCheck = worker.startStalledCheckTimer();
    await this.stalledCheck;
    return 0;
  }
  private stalledCheck: Promise<void> | undefined;

  async claim(): Promise<ClaimedJob | undefined> {
    const worker = await this.openWorker();
    for (;;) {
      const token = `${this.owner}:${++this.tokens}`;
      const job = (await worker.getNextJob(token, { block: false })) as DeriveJob | undefined;
      if (!job?.id) return undefined;
      // A job whose worker died on every attempt it had (killed, out of memory) fails for good rather than kill
      // another; BullMQ marks one that stalled too often (deferredFailure) and leaves failing it to the taker.
      const before = job.attemptsStarted - 1;
      const maxAttempts = job.opts.attempts ?? 1;
      if (job.deferredFailure || before >= maxAttempts) {
        const { bullmq } = await this.open();
        await job.updateData({ ...job.data, refusedLastStart: true });
        await job.moveToFailed(new bullmq.UnrecoverableError(`the worker stopped during this job ${before} times (killed or out of memory)`), token, false);
        continue;
      }
      this.held.set(job.id, { job, token });
      return { id: job.id, recordId: job.data.recordId, media: job.data.media, attempts: job.attemptsStarted, maxAttempts };
    }
  }

  async heartbeat(id: string, progress?: number): Promise<boolean> {
    const held = this.held.get(id);
    if (!held) return false;
    const extended = await held.job.extendLock(held.token, this.leaseMs);
    if (!extended) return false;
    if (progress !== undefined) await held.job.updateProgress(Math.round(progress * 100));
    return true;
  }

  async complete(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    await held.job.updateProgress(100);
    await held.job.moveToCompleted(null, held.token, false);
  }

  async fail(id: string, reason: string, retryInMs?: number): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    const message = reason.slice(0, 2000);
    const { bullmq } = await this.open();
    await held.job.moveToFailed(retryInMs === undefined ? new bullmq.UnrecoverableError(message) : new RetryLater(message, retryInMs), held.token, false);
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    const { queue, redis } = await this.opened;
    await (await this.worker)?.close();
    await queue.close();
    await redis.quit().catch(() => undefined);
    this.opened = undefined;
    this.worker = undefined;
    this.stalledCheck = undefined;
    this.held.clear();
  }
}
