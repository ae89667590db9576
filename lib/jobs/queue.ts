/**
 * The derivative job queue: what the worker, the commit step, the CLIs and
 * the studio need of it. Two implementations, chosen in one place
 * (openJobQueue in ./index.ts):
 *
 *   - SqliteJobQueue (./sqlite-queue.ts), the embedded default: one SQLite
 *     file under DATA_DIR/jobs, shared by the processes of one machine;
 *   - RedisJobQueue (./redis-queue.ts), when REDIS_URL is set: BullMQ on
 *     Redis, shared by workers on any number of machines.
 *
 * Both keep the same promises, checked by one contract suite
 * (tests/contract/job-queue.contract.ts):
 *   - a job is one original of one record, keyed by (record id, media digest,
 *     pipeline version); enqueueing it again is a no-op (done stays done)
 *     unless `force`, which queues it again from scratch unless it is running;
 *   - a claimed job carries a lease, renewed by heartbeat(): no other worker
 *     is given it while the lease lives; when its worker dies the lease
 *     expires and the job is given again (recoverAbandoned);
 *   - fail() with a delay queues it again after that delay; without one it
 *     fails for good, with its reason; progress is 0–100 in JobState.
 */
import type { MediaEntry } from '../records/schema';
import { PIPELINE_VERSION } from '../derivatives/manifest';

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATES)[number];
export type JobCounts = Record<JobStatus, number>;

/** What the studio and the API show about one job. */
export interface JobState {
  id: string;
  recordId: string;
  mediaPath: string;
  digest: string;
  kind: MediaEntry['kind'];
  pipelineVersion: number;
  state: JobStatus;
  /** Attempts started so far. */
  attempts: number;
  maxAttempts: number;
  /** 0–100. */
  progress: number;
  /** Human-readable reason of the last failure (permanent when state is failed). */
  error?: string;
  /** When a queued job that failed before may run again (ISO time). */
  retryAt?: string;
  outputPrefix: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** A claimed job, with the media entry it works on. */
export interface ClaimedJob {
  id: string;
  recordId: string;
  media: MediaEntry;
  /** Attempts started so far, this one included. */
  attempts: number;
  maxAttempts: number;
}

export function jobId(recordId: string, digest: string, pipelineVersion = PIPELINE_VERSION): string {
  return `${recordId}/${digest.slice(0, 16)}/v${pipelineVersion}`;
}

export interface ListFilter {
  recordId?: string;
  state?: JobStatus;
  limit?: number;
}

export interface EnqueueOptions {
  maxAttempts: number;
  /** Queue it again from scratch even when done or failed for good (not while it runs). */
  force?: boolean;
}

export interface JobQueue {
  /** This process's identity on the leases it takes. */
  readonly owner: string;
  /** Where the queue lives, for logs (a file, or a Redis address without its password). */
  readonly where: string;
  /** How long a claim holds without a heartbeat. */
  readonly leaseMs: number;
  /** Adds the job for one original unless it exists (see EnqueueOptions.force); its state after. */
  enqueue(recordId: string, media: MediaEntry, options: EnqueueOptions): Promise<JobState>;
  get(id: string): Promise<JobState | undefined>;
  /** Jobs, oldest first, optionally of one record or in one state. */
  list(filter?: ListFilter): Promise<JobState[]>;
  counts(): Promise<JobCounts>;
  /** Puts back jobs whose worker is gone (lease expired); how many it put back now, when it can tell. */
  recoverAbandoned(): Promise<number>;
  /** Takes the oldest runnable job under a lease, or undefined. Counts an attempt. */
  claim(): Promise<ClaimedJob | undefined>;
  /** Renews the lease and records progress (0–1). False when the job is no longer ours. */
  heartbeat(id: string, progress?: number): Promise<boolean>;
  complete(id: string): Promise<void>;
  /** Records a failure: queued again after `retryInMs`, or failed for good when it is undefined. */
  fail(id: string, reason: string, retryInMs?: number): Promise<void>;
  close(): Promise<void>;
}
