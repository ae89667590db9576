/** The job queue contract on the embedded SQLite queue: handles on one file, as processes on one machine. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteJobQueue } from '@/lib/jobs';
import { jobQueueContract } from './job-queue.contract';

jobQueueContract('sqlite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'disan-jobs-'));
  const file = path.join(dir, 'jobs.sqlite');
  return {
    open: ({ leaseMs }) => new SqliteJobQueue(file, { leaseMs }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});
