/**
 * Runs the derivative worker on its own: `npm run worker`.
 * Takes jobs from the queue (DATA_DIR/jobs/jobs.sqlite, or BullMQ on Redis
 * when REDIS_URL is set: then workers on several machines share it) until stopped;
 * SIGINT/SIGTERM finish the running jobs first. A SIGKILLed worker loses
 * nothing: the next one resumes its jobs.
 *   --until-idle   exit once nothing is queued or running (scripts, tests)
 */
import { openArchive } from '../lib/archive';
import { getConfig } from '../lib/config';
import { exitWith } from './support/exit';

async function main(): Promise<number> {
  const untilIdle = process.argv.includes('--until-idle');
  // The archive's worker: a document's extracted text is indexed when its job is done (lib/archive.ts).
  const archive = openArchive(getConfig(), { worker: true, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
  const { queue, worker } = archive.jobs();
  if (!worker) throw new Error('the archive opened without a worker');
  console.log(`worker ${queue.owner}: ${archive.config.media.workers} at a time, queue ${queue.where}`);
  if (untilIdle) {
    await worker.runUntilIdle();
  } else {
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    console.log('stopping: waiting for running jobs');
  }
  const counts = await queue.counts();
  await archive.close();
  console.log(`jobs: ${counts.done} done, ${counts.failed} failed, ${counts.queued} queued, ${counts.running} running`);
  return 0;
}

exitWith(main(), (error) => console.error(error instanceof Error ? error.message : error));
