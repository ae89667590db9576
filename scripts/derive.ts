/**
 * (Re)makes derivatives from the originals: `npm run derive -- --all` or
 * `npm run derive -- <id> [<id>…]`. Queues a job per original and runs a
 * worker in this process until they are done. Jobs already done are not
 * queued again, unless their manifest is gone from the store (derivatives
 * deleted or a new bucket) or --force is given; --force also retries
 * permanently failed jobs. A job whose manifest (of the current pipeline
 * version) exists finishes at once without redoing the work: to remake
 * derivatives, delete them or bump PIPELINE_VERSION.
 * Exit code 1 when any job failed.
 */
import { openArchive } from '../lib/archive';
import { getConfig } from '../lib/config';
import { derivableMedia, readDerivativeManifest, type JobState } from '../lib/jobs';
import { exitWith } from './support/exit';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const force = args.includes('--force');
  const ids = args.filter((a) => !a.startsWith('--'));
  if (!all && ids.length === 0) {
    console.error('usage: npm run derive -- --all | <record id>… [--force]');
    return 2;
  }
  // The archive's worker: documents whose text is extracted are indexed again (lib/archive.ts).
  const archive = openArchive(getConfig(), { worker: true, log: (line) => console.log(line) });
  const { queue, worker } = archive.jobs();
  const targets: string[] = [];
  if (all) for await (const id of archive.records.ids()) targets.push(id);
  else targets.push(...ids);

  const jobs: JobState[] = [];
  for (const id of targets) {
    const stored = await archive.records.get(id);
    if (!stored) {
      if (!all) console.error(`no record ${id}`);
      continue;
    }
    for (const media of derivableMedia(stored.record)) {
      // A done job whose manifest is missing must run again: the store is the truth, not the queue.
      const missing = !(await readDerivativeManifest(archive.store, id, media));
      jobs.push(await queue.enqueue(id, media, { maxAttempts: archive.config.media.maxAttempts, force: force || missing }));
    }
  }
  console.log(`${jobs.length} originals in ${targets.length} records; ${archive.config.media.workers} at a time`);
  await worker!.runUntilIdle();
  const final = await Promise.all(jobs.map(async (j) => (await queue.get(j.id))!));
  const failed = final.filter((j) => j.state === 'failed');
  for (const j of failed) console.error(`✗ ${j.recordId} ${j.mediaPath}: ${j.error}`);
  console.log(`derive: ${final.length - failed.length} done, ${failed.length} failed`);
  await archive.close();
  return failed.length ? 1 : 0;
}

exitWith(main(), (error) => console.error(error instanceof Error ? error.message : error));
