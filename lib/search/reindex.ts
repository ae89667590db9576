/**
 * Rebuilds the search index from storage alone (principle 1: the index is
 * derived). Streams: records are read one at a time from the store and
 * written in batches, so memory stays flat whatever the archive's size.
 * The new index is built beside the live one and swapped in only when
 * complete; search keeps answering from the old one meanwhile.
 *
 * Commits made while it runs (by the web server, an import) are not lost:
 * they go to the live index, which knows each record's commit time. Before
 * the swap, the records the live index saw change since the rebuild began
 * are read again into the new one; after the swap (once every process has
 * moved to the new index), the old one is asked again for changes that
 * landed in between.
 */
import type { Archive } from '../archive';
import { scanRecords } from '../records/scan';
import type { Config } from '../config';
import { synonymGroups } from './document';
import { EmbeddedSearchIndex } from './embedded';
import { indexableDocument } from './index';
import { MeilisearchIndex } from './meilisearch';
import type { Viewer } from '../access/policy';
import type { SearchDocument, SearchIndex } from './types';

/** Sees every record (admins pass every protocol and see unpublished work): for catching up, never for showing. */
const ARCHIVIST: Viewer = { kind: 'user', id: 'reindex', roles: ['admin'], communities: [] };
/** Commit times are taken before the index is written: look this far back for changes. */
const CLOCK_SLACK_MS = 60_000;
/** How long processes take to notice a swapped-in embedded index (its swap check runs at most every second). */
const SWAP_SETTLE_MS = 1500;

/** Ids of records the index saw committed at or after `since` (ms). */
async function changedSince(index: Pick<SearchIndex, 'list'>, since: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await index.list({ viewer: ARCHIVIST, sort: 'modified-asc', modified: { from: new Date(since).toISOString() }, limit: 1000, tombstones: true, ...(cursor ? { cursor } : {}) });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.next;
  } while (cursor);
  return ids;
}

/** The documents of these records, read again from storage. */
async function documentsOf(archive: Pick<Archive, 'records' | 'store' | 'vocab'>, ids: string[], progress: ReindexProgress): Promise<SearchDocument[]> {
  const docs: SearchDocument[] = [];
  for (const id of ids) {
    try {
      const stored = await archive.records.get(id);
      if (stored) docs.push(await indexableDocument(archive, stored));
    } catch (error) {
      progress.failed.push({ id, error: (error as Error).message });
    }
  }
  return docs;
}

export interface ReindexProgress {
  done: number;
  total: number;
  /** Ids whose record could not be read (reported, skipped: fsck is the tool for those). */
  failed: { id: string; error: string }[];
}

export interface ReindexOptions {
  batchSize?: number;
  onProgress?: (progress: ReindexProgress) => void;
}

/** Every claimed id; counted first so the progress bar has a total (listing keys is cheap next to reading records). */
async function countIds(archive: Pick<Archive, 'records'>): Promise<number> {
  let n = 0;
  for await (const _ of archive.records.ids()) n++;
  return n;
}

/** Streams documents for every record in storage, in batches. */
async function* documentBatches(
  archive: Pick<Archive, 'records' | 'store' | 'vocab'>,
  progress: ReindexProgress,
  batchSize: number,
  onProgress?: (p: ReindexProgress) => void,
): AsyncGenerator<SearchDocument[]> {
  let batch: SearchDocument[] = [];
  // Records are read a few at a time (lib/records/scan.ts), in id order.
  for await (const { id, stored, error: readError } of scanRecords(archive.records)) {
    try {
      if (readError) throw readError;
      // A claimed id without an object is an interrupted create: nothing to index.
      if (stored) batch.push(await indexableDocument(archive, stored));
    } catch (error) {
      progress.failed.push({ id, error: (error as Error).message });
    }
    progress.done++;
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
    onProgress?.(progress);
  }
  if (batch.length) yield batch;
}

export async function reindex(archive: Pick<Archive, 'records' | 'store' | 'vocab'> & { config: Config }, options: ReindexOptions = {}): Promise<ReindexProgress> {
  const batchSize = options.batchSize ?? 500;
  const progress: ReindexProgress = { done: 0, total: await countIds(archive), failed: [] };
  options.onProgress?.(progress);
  const synonyms = synonymGroups(archive.vocab);
  const search = archive.config.search;
  if (search.driver === 'meilisearch') {
    await MeilisearchIndex.rebuild({ host: search.host, apiKey: search.apiKey, index: search.index, synonyms }, async (builder) => {
      for await (const batch of documentBatches(archive, progress, batchSize, options.onProgress)) await builder.upsert(batch);
    });
    return progress;
  }
  const startedAt = Date.now() - CLOCK_SLACK_MS;
  // The live index as it is now: it keeps its file after the swap, so it can be asked what landed in it meanwhile.
  const live = EmbeddedSearchIndex.open({ dir: search.dir, synonyms, swapCheckMs: Number.POSITIVE_INFINITY });
  const builder = EmbeddedSearchIndex.build({ dir: search.dir, synonyms });
  try {
    for await (const batch of documentBatches(archive, progress, batchSize, options.onProgress)) builder.upsertSync(batch);
    const caughtUpAt = Date.now() - CLOCK_SLACK_MS;
    builder.upsertSync(await documentsOf(archive, await changedSince(live, startedAt), progress));
    const name = builder.publish({ retire: false });
    await new Promise((resolve) => setTimeout(resolve, SWAP_SETTLE_MS));
    const late = await changedSince(live, caughtUpAt);
    if (late.length) {
      const current = EmbeddedSearchIndex.open({ dir: search.dir, synonyms });
      try {
        await current.upsert(await documentsOf(archive, late, progress));
      } finally {
        await current.close();
      }
    }
    await live.close();
    EmbeddedSearchIndex.retire(search.dir, name);
  } catch (error) {
    if (!builder.isClosed) builder.discard();
    await live.close();
    throw error;
  }
  return progress;
}
