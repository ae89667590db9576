/**
 * Derivative jobs, wired to the archive: what the lead plugs into
 * lib/archive.ts, the seed, the studio and the API.
 *
 *   const jobs = registerDerivativeJobs(archive);            // enqueue on every commit
 *   const jobs = registerDerivativeJobs(archive, { worker: true }); // …and run them in-process
 *   await getJobState(jobs.queue, id); await listJobs(jobs.queue, { recordId });
 *   readDerivativeManifest(archive.store, id, media)         // lib/derivatives/manifest
 */
import type { Config } from '../config';
import type { CommitEvent, CommitListener, RecordRepository } from '../records/repository';
import type { HeritageRecord, MediaEntry } from '../records/schema';
import type { ObjectStore } from '../storage';
import { DERIVABLE_KINDS } from '../derivatives/derive';
import type { MediaLimits } from '../media/limits';
import type { JobQueue, JobState, ListFilter } from './queue';
import { RedisJobQueue } from './redis-queue';
import { SqliteJobQueue } from './sqlite-queue';
import { DerivativeWorker } from './worker';

export { jobId, JOB_STATES, type ClaimedJob, type JobCounts, type JobQueue, type JobState, type JobStatus, type ListFilter } from './queue';
export { SqliteJobQueue } from './sqlite-queue';
export { RedisJobQueue } from './redis-queue';
export { DerivativeWorker, type WorkerEvent } from './worker';
export { readDerivativeManifest, derivativePrefix, derivativeKey, type DerivativeManifest } from '../derivatives/manifest';

export function mediaLimits(config: Pick<Config, 'media'>): MediaLimits {
  const { toolTimeoutMs, maxDurationSeconds, maxImagePixels, maxImageBytes } = config.media;
  return { toolTimeoutMs, maxDurationSeconds, maxImagePixels, maxImageBytes };
}

/**
 * The one place that chooses the queue: BullMQ on Redis when REDIS_URL is set
 * (workers on several machines), the SQLite file under DATA_DIR/jobs otherwise.
 */
export function openJobQueue(config: Pick<Config, 'media' | 'redis'>): JobQueue {
  const leaseMs = config.media.jobLeaseMs;
  if (config.redis) return new RedisJobQueue(config.redis.url, { leaseMs, maxStalls: Math.max(0, config.media.maxAttempts - 1) });
  return new SqliteJobQueue(config.media.jobsFile, { leaseMs });
}

/** Originals of a record that get derivatives. */
export function derivableMedia(record: Pick<HeritageRecord, 'media'>): MediaEntry[] {
  return record.media.filter((m) => DERIVABLE_KINDS.has(m.kind));
}

/** Queues a job per derivable original (no-op for those already queued or done, unless force). */
export function enqueueDerivativesFor(
  queue: JobQueue,
  recordId: string,
  record: Pick<HeritageRecord, 'media'>,
  options: { maxAttempts: number; force?: boolean; only?: (media: MediaEntry) => boolean },
): Promise<JobState[]> {
  const media = derivableMedia(record).filter((m) => !options.only || options.only(m));
  // One after another: the jobs of a record keep their order.
  return (async () => {
    const out: JobState[] = [];
    for (const m of media) out.push(await queue.enqueue(recordId, m, { maxAttempts: options.maxAttempts, ...(options.force ? { force: true } : {}) }));
    return out;
  })();
}

/** State of one job by id (recordId/digest16/vN). */
export function getJobState(queue: JobQueue, id: string): Promise<JobState | undefined> {
  return queue.get(id);
}

/** Jobs, oldest first, optionally of one record or in one state. */
export function listJobs(queue: JobQueue, filter: ListFilter = {}): Promise<JobState[]> {
  return queue.list(filter);
}

export interface DerivativeJobs {
  queue: JobQueue;
  /** Present when the worker runs in this process. */
  worker?: DerivativeWorker;
  /** Stops the in-process worker (waiting for running jobs) and closes the queue. */
  close(): Promise<void>;
}

export interface RegisterOptions {
  /** Run a worker in this process too (the embedded default for `npm start`). */
  worker?: boolean;
  queue?: JobQueue;
  log?: (line: string) => void;
}

/** What a worker and the commit step need of the archive. */
export interface JobParts {
  config: Pick<Config, 'media' | 'redis'>;
  store: ObjectStore;
  records: RecordRepository;
}

/** The one way to make a derivative worker from the archive's configuration (not started). */
export function createDerivativeWorker(archive: JobParts, queue: JobQueue, options: { log?: (line: string) => void } = {}): DerivativeWorker {
  return new DerivativeWorker({
    queue,
    store: archive.store,
    records: archive.records,
    limits: mediaLimits(archive.config),
    concurrency: archive.config.media.workers,
    resumableVideoSeconds: archive.config.media.resumableVideoSeconds,
    ...(options.log ? { log: options.log } : {}),
  });
}

/** Originals of a committed version that are new or changed (same digest as in the previous version = already handled). */
export function newOriginals(event: Pick<CommitEvent, 'record' | 'previous'>): MediaEntry[] {
  return derivableMedia(event.record).filter(isNewIn(event));
}

function isNewIn(event: Pick<CommitEvent, 'previous'>): (media: MediaEntry) => boolean {
  const before = new Set((event.previous?.media ?? []).map((m) => m.digest));
  return (m) => !before.has(m.digest);
}

/** Queues the jobs of a committed version's new originals; the jobs queued. */
export function enqueueNewOriginals(queue: JobQueue, event: Pick<CommitEvent, 'id' | 'record' | 'previous'>, config: Pick<Config, 'media'>): Promise<JobState[]> {
  return enqueueDerivativesFor(queue, event.id, event.record, { maxAttempts: config.media.maxAttempts, only: isNewIn(event) });
}

/**
 * Adds a commit listener that queues derivative jobs for originals that are
 * new or changed in the committed version (same digest = already handled).
 */
export function registerDerivativeJobs(archive: JobParts, options: RegisterOptions = {}): DerivativeJobs {
  const queue = options.queue ?? openJobQueue(archive.config);
  const worker = options.worker ? createDerivativeWorker(archive, queue, options.log ? { log: options.log } : {}) : undefined;
  // The repository cannot remove a listener: after close() it just does nothing.
  let closed = false;
  const listener: CommitListener = async (event) => {
    if (closed) return;
    const queued = await enqueueNewOriginals(queue, event, archive.config);
    if (queued.length) worker?.poke();
  };
  archive.records.addListener(listener);
  worker?.start();
  return {
    queue,
    ...(worker ? { worker } : {}),
    async close() {
      closed = true;
      await worker?.stop();
      await queue.close();
    },
  };
}
