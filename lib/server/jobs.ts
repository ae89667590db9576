/** The web server's derivative jobs: queued on every commit it makes, run by an in-process worker (the embedded default). */
import 'server-only';
import { registerDerivativeJobs, type DerivativeJobs } from '../jobs';
import { indexableDocument } from '../search';
import { getArchive } from './archive';
import { getSearchIndex } from './search';

let jobs: DerivativeJobs | undefined;

export function getDerivativeJobs(): DerivativeJobs {
  if (!jobs) {
    jobs = registerDerivativeJobs(getArchive(), { worker: true });
    // A document's extracted text is searchable once its job is done: index the record again then.
    jobs.worker?.on((event) => {
      if (event.type !== 'done' || event.job.media.kind !== 'document') return;
      void (async () => {
        const archive = getArchive();
        const stored = await archive.records.get(event.job.recordId);
        if (stored) await (await getSearchIndex()).upsert([await indexableDocument(archive, stored)]);
      })().catch((error: unknown) => console.error('re-indexing after a document job failed:', error));
    });
  }
  return jobs;
}
