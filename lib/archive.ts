/**
 * Opens the archive's moving parts from a configuration: the one place that
 * wires them together, the same for every process (web server, CLI, worker,
 * seed, tests).
 *
 * After-commit work is registered here, so no process can forget it:
 *   - the search index (the site's read model) gets the committed version
 *     before the commit returns, so the request or command that made the
 *     change already sees it in every list;
 *   - derivative jobs are queued (durably: DATA_DIR/jobs, or Redis when
 *     REDIS_URL is set, lib/jobs/index.ts openJobQueue) for new originals;
 *   - when a document's text has been extracted (in whichever process runs
 *     the worker), the record is indexed again so its text is searchable;
 *   - pages kept for anonymous visitors are told the catalog changed: in this
 *     process, and with REDIS_URL in every web server (lib/http/shared-generation.ts).
 * The index and the job queue are opened on first use: a command that never
 * commits (a user script, a dry run) never opens them.
 */
import { getConfig, type Config } from './config';
import { catalogChanged } from './http/page-cache';
import { SharedGeneration } from './http/shared-generation';
import { createDerivativeWorker, enqueueNewOriginals, newOriginals, openJobQueue, type DerivativeWorker, type JobQueue } from './jobs';
import { RecordRepository } from './records/repository';
import { loadVocabularies, type Vocabularies } from './records/vocabularies';
import { indexableDocument, openSearchIndex, type SearchIndex } from './search';
import { openStore, type ObjectStore } from './storage';

/** The archive's parts: what most code needs (and what tests assemble by hand). */
export interface Archive {
  config: Config;
  store: ObjectStore;
  records: RecordRepository;
  vocab: Vocabularies;
}

/** An archive opened by openArchive: its parts, wired. */
export interface OpenArchive extends Archive {
  /** The configured search index, opened on first use and kept current with every commit of this process. */
  search(): Promise<SearchIndex>;
  /** The derivative job queue (and the worker, when this process runs one), opened on first use. */
  jobs(): ArchiveJobs;
  /** Stops the worker (waiting for running jobs) and closes the index and the queue. */
  close(): Promise<void>;
}

export interface ArchiveJobs {
  queue: JobQueue;
  /** Present when this process runs derivative jobs. */
  worker?: DerivativeWorker;
}

export interface OpenOptions {
  /** Run derivative jobs in this process: the web server's embedded worker, `npm run worker`. Default: only queue them. */
  worker?: boolean;
  /** Lines the worker logs. */
  log?: (line: string) => void;
  /** An index to use instead of the configured one (tests). */
  search?: SearchIndex;
}

export function openArchive(config: Config = getConfig(), options: OpenOptions = {}): OpenArchive {
  const store = openStore(config);
  const records = new RecordRepository(store);
  const vocab = loadVocabularies(config.contentDir);
  // Opens its Redis connection on the first change only: a command that changes nothing never connects.
  const shared = config.redis ? new SharedGeneration(config.redis.url) : undefined;
  const changed = (): void => {
    catalogChanged();
    void shared?.announce();
  };

  let index: Promise<SearchIndex> | undefined = options.search ? Promise.resolve(options.search) : undefined;
  const search = (): Promise<SearchIndex> => {
    index ??= openSearchIndex(config, vocab).catch((error: unknown) => {
      index = undefined; // try again on next use rather than stay broken
      throw error;
    });
    return index;
  };

  let jobs: ArchiveJobs | undefined;
  const openJobs = (): ArchiveJobs => {
    if (jobs) return jobs;
    const queue = openJobQueue(config);
    const worker = options.worker ? createDerivativeWorker({ config, store, records }, queue, options.log ? { log: options.log } : {}) : undefined;
    // A document's extracted text is searchable once its job is done: index the record again then.
    worker?.on((event) => {
      if (event.type !== 'done') return;
      changed(); // a record page now shows the derived media
      if (event.job.media.kind !== 'document') return;
      void reindexRecord(event.job.recordId).catch((error: unknown) => console.error('re-indexing after a document job failed:', error));
    });
    worker?.start();
    jobs = { queue, ...(worker ? { worker } : {}) };
    return jobs;
  };

  const archive: OpenArchive = {
    config,
    store,
    records,
    vocab,
    search,
    jobs: openJobs,
    async close() {
      await jobs?.worker?.stop();
      await jobs?.queue.close();
      jobs = undefined;
      if (index) await (await index.catch(() => undefined))?.close();
      index = undefined;
      await shared?.close();
    },
  };

  async function reindexRecord(id: string): Promise<void> {
    const stored = await records.get(id);
    if (stored) await (await search()).upsert([await indexableDocument(archive, stored)]);
  }

  records.addListener(async ({ record, modified }) => {
    try {
      await (await search()).upsert([await indexableDocument(archive, { record, modified })]);
    } finally {
      changed(); // pages kept for anonymous visitors are stale now
    }
  });
  records.addListener(async (event) => {
    // A process that runs jobs starts its worker with its first commit (resuming jobs left queued, by it before a
    // restart or by a CLI); one that only queues opens the queue when there is something new to queue.
    if (!options.worker && newOriginals(event).length === 0) return;
    const { queue, worker } = openJobs();
    const queued = await enqueueNewOriginals(queue, event, config);
    if (queued.length) worker?.poke();
  });
  return archive;
}
