/**
 * Runs the derivative worker on its own: `npm run worker`.
 * Takes jobs from the queue (DATA_DIR/jobs/jobs.sqlite) until stopped;
 * SIGINT/SIGTERM finish the running jobs first. A SIGKILLed worker loses
 * nothing: the next one resumes its jobs.
 *   --until-idle   exit once nothing is queued or running (scripts, tests)
 */
import { openArchive } from '../lib/archive';
import { DerivativeWorker, mediaLimits, openJobQueue } from '../lib/jobs';

async function main(): Promise<number> {
  const untilIdle = process.argv.includes('--until-idle');
  const archive = openArchive();
  const queue = openJobQueue(archive.config);
  const worker = new DerivativeWorker({
    queue,
    store: archive.store,
    records: archive.records,
    limits: mediaLimits(archive.config),
    concurrency: archive.config.media.workers,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(`worker ${queue.owner}: ${archive.config.media.workers} at a time, queue ${queue.file}`);
  if (untilIdle) {
    await worker.runUntilIdle();
  } else {
    worker.start();
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    console.log('stopping: waiting for running jobs');
    await worker.stop();
  }
  const counts = queue.counts();
  queue.close();
  console.log(`jobs: ${counts.done} done, ${counts.failed} failed, ${counts.queued} queued, ${counts.running} running`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
