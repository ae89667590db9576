/**
 * The embedded derivative job queue (the default, no service): one SQLite file (better-sqlite3) under
 * DATA_DIR/jobs. Job state is derived data like the derivatives themselves
 * (delete the file and `derive --all` rebuilds it), so it lives beside the
 * store rather than in it, and SQLite gives atomic claims across several
 * worker processes on one machine for free.
 *
 * A job is one original of one record, keyed by (record id, media digest,
 * pipeline version): enqueueing the same original twice is a no-op, and a new
 * pipeline version makes new jobs. A claimed job carries a lease
 * (owner = host:pid:nonce, renewed by heartbeats); a worker that is
 * SIGKILLed leaves a lease that the next worker reclaims, at once when the
 * owner's pid is gone from this host, otherwise when the lease expires.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MediaEntry } from '../records/schema';
import { PIPELINE_VERSION, derivativePrefix } from '../derivatives/manifest';
import { jobId, type ClaimedJob, type JobCounts, type JobQueue, type JobState, type JobStatus, type ListFilter } from './queue';

interface JobRow {
  id: string;
  record_id: string;
  media_json: string;
  digest: string;
  kind: string;
  pipeline_version: number;
  state: JobStatus;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_owner: string | null;
  lease_until: number | null;
  progress: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

function toState(row: JobRow): JobState {
  const media = JSON.parse(row.media_json) as MediaEntry;
  return {
    id: row.id,
    recordId: row.record_id,
    mediaPath: media.path,
    digest: row.digest,
    kind: media.kind,
    pipelineVersion: row.pipeline_version,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    progress: Math.round(row.progress * 100),
    ...(row.error ? { error: row.error } : {}),
    ...(row.state === 'queued' && row.attempts > 0 ? { retryAt: iso(row.run_after) } : {}),
    outputPrefix: derivativePrefix(row.record_id, row.digest),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    ...(row.started_at ? { startedAt: iso(row.started_at) } : {}),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

/** Is the owner of a lease a process that is gone from this machine? */
function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== os.hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface QueueOptions {
  clock?: () => number;
  /** How long a claim holds without a heartbeat. */
  leaseMs?: number;
}

export class SqliteJobQueue implements JobQueue {
  private readonly db: Database.Database;
  private readonly clock: () => number;
  readonly leaseMs: number;
  /** This process's identity on the leases it takes. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly where: string;

  constructor(readonly file: string, options: QueueOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.where = file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL: the web server reads job state while a worker process writes it.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        media_json TEXT NOT NULL,
        digest TEXT NOT NULL,
        kind TEXT NOT NULL,
        pipeline_version INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        run_after INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        progress REAL NOT NULL DEFAULT 0,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS jobs_runnable ON jobs (state, run_after);
      CREATE INDEX IF NOT EXISTS jobs_record ON jobs (record_id);
    `);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /**
   * Adds the job for one original unless it exists. An existing job is left
   * alone (done stays done: idempotent) unless `force`, which queues it
   * again from scratch — also after a permanent failure.
   */
  async enqueue(recordId: string, media: MediaEntry, options: { maxAttempts: number; force?: boolean }): Promise<JobState> {
    const now = this.clock();
    const id = jobId(recordId, media.digest);
    this.db
      .prepare(
        `INSERT INTO jobs (id, record_id, media_json, digest, kind, pipeline_version, state, attempts, max_attempts, run_after, created_at, updated_at)
         VALUES (@id, @recordId, @media, @digest, @kind, @version, 'queued', 0, @maxAttempts, @now, @now, @now)
         ON CONFLICT (id) DO UPDATE SET
           state = 'queued', attempts = 0, error = NULL, progress = 0, run_after = @now, updated_at = @now,
           max_attempts = @maxAttempts, media_json = @media, started_at = NULL, finished_at = NULL
         WHERE @force = 1 AND jobs.state != 'running'`,
      )
      .run({ id, recordId, media: JSON.stringify(media), digest: media.digest, kind: media.kind, version: PIPELINE_VERSION, maxAttempts: options.maxAttempts, now, force: options.force ? 1 : 0 });
    return this.getNow(id)!;
  }

  async get(id: string): Promise<JobState | undefined> {
    return this.getNow(id);
  }

  private getNow(id: string): JobState | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toState(row) : undefined;
  }

  async list(filter: ListFilter = {}): Promise<JobState[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? 500 };
    if (filter.recordId) {
      where.push('record_id = @recordId');
      params.recordId = filter.recordId;
    }
    if (filter.state) {
      where.push('state = @state');
      params.state = filter.state;
    }
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT @limit`)
      .all(params) as JobRow[];
    return rows.map(toState);
  }

  async counts(): Promise<JobCounts> {
    const out: JobCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const row of this.db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as Array<{ state: JobStatus; n: number }>) out[row.state] = row.n;
    return out;
  }

  /** When the next queued job becomes runnable (ms since epoch), or undefined when none is queued. */
  async nextRunAt(): Promise<number | undefined> {
    const row = this.db.prepare("SELECT MIN(run_after) AS t FROM jobs WHERE state = 'queued'").get() as { t: number | null };
    return row.t ?? undefined;
  }

  /**
   * Puts back jobs whose worker is gone: their lease expired, or their owner
   * process no longer exists on this machine. A job that keeps killing its
   * worker (out of memory…) fails once its attempts are used up.
   */
  async recoverAbandoned(): Promise<number> {
    const now = this.clock();
    const running = this.db.prepare("SELECT * FROM jobs WHERE state = 'running'").all() as JobRow[];
    let recovered = 0;
    const tx = this.db.transaction(() => {
      for (const row of running) {
        if (row.lease_owner === this.owner) continue;
        const expired = (row.lease_until ?? 0) < now;
        if (!expired && !(row.lease_owner && ownerIsDead(row.lease_owner))) continue;
        const exhausted = row.attempts >= row.max_attempts;
        this.db
          .prepare(
            `UPDATE jobs SET state = @state, lease_owner = NULL, lease_until = NULL, updated_at = @now, run_after = @now,
             error = @error, finished_at = CASE WHEN @state = 'failed' THEN @now ELSE NULL END
             WHERE id = @id AND state = 'running' AND lease_owner IS @owner`,
          )
          .run({
            id: row.id,
            owner: row.lease_owner,
            now,
            state: exhausted ? 'failed' : 'queued',
            error: exhausted ? `the worker stopped during this job ${row.attempts} times (killed or out of memory)` : 'the worker stopped during this job; it was resumed',
          });
        recovered++;
      }
    });
    tx.immediate();
    return recovered;
  }

  /** Atomically takes the oldest runnable job, or undefined. Counts an attempt. */
  async claim(): Promise<ClaimedJob | undefined> {
    const now = this.clock();
    const tx = this.db.transaction((): JobRow | undefined => {
      const row = this.db
        .prepare("SELECT * FROM jobs WHERE state = 'queued' AND run_after <= ? ORDER BY run_after, created_at, id LIMIT 1")
        .get(now) as JobRow | undefined;
      if (!row) return undefined;
      this.db
        .prepare(
          `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner, lease_until = @until,
           progress = 0, started_at = @now, updated_at = @now WHERE id = @id`,
        )
        .run({ id: row.id, owner: this.owner, until: now + this.leaseMs, now });
      return { ...row, attempts: row.attempts + 1 };
    });
    const row = tx.immediate();
    if (!row) return undefined;
    return { id: row.id, recordId: row.record_id, media: JSON.parse(row.media_json) as MediaEntry, attempts: row.attempts, maxAttempts: row.max_attempts };
  }

  /** Renews the lease and records progress (0–1). False when the job is no longer ours. */
  async heartbeat(id: string, progress?: number): Promise<boolean> {
    const now = this.clock();
    const result = this.db
      .prepare(
        `UPDATE jobs SET lease_until = @until, updated_at = @now, progress = COALESCE(@progress, progress)
         WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      )
      .run({ id, owner: this.owner, until: now + this.leaseMs, now, progress: progress ?? null });
    return result.changes === 1;
  }

  async complete(id: string): Promise<void> {
    const now = this.clock();
    this.db
      .prepare(
        `UPDATE jobs SET state = 'done', progress = 1, error = NULL, lease_owner = NULL, lease_until = NULL, finished_at = @now, updated_at = @now
         WHERE id = @id AND lease_owner = @owner`,
      )
      .run({ id, owner: this.owner, now });
  }

  /** Records a failure: queued again after `retryInMs`, or failed for good when it is undefined. */
  async fail(id: string, reason: string, retryInMs?: number): Promise<void> {
    const now = this.clock();
    this.db
      .prepare(
        `UPDATE jobs SET state = @state, error = @reason, lease_owner = NULL, lease_until = NULL, updated_at = @now,
         run_after = @runAfter, finished_at = CASE WHEN @state = 'failed' THEN @now ELSE NULL END
         WHERE id = @id AND lease_owner = @owner`,
      )
      .run({ id, owner: this.owner, now, reason: reason.slice(0, 2000), state: retryInMs === undefined ? 'failed' : 'queued', runAfter: now + (retryInMs ?? 0) });
  }
}
