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
import { scanRecords } from '../records/scan';
import type { Config } from '../config';
import { synonymGroups } from './document';
import { searchEngine } from './engines';
import { indexableDocument, type IndexSources } from './index';
import type { SearchDocument } from './types';

/** The documents of these records, read again from storage. */
async function documentsOf(archive: IndexSources, ids: string[], progress: ReindexProgress): Promise<SearchDocument[]> {
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
async function countIds(archive: Pick<IndexSources, 'records'>): Promise<number> {
  let n = 0;
  for await (const _ of archive.records.ids()) n++;
  return n;
}

/** Streams documents for every record in storage, in batches. */
async function* documentBatches(
  archive: IndexSources,
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

export async function reindex(archive: IndexSources & { config: Config }, options: ReindexOptions = {}): Promise<ReindexProgress> {
  const batchSize = options.batchSize ?? 500;
  const progress: ReindexProgress = { done: 0, total: await countIds(archive), failed: [] };
  options.onProgress?.(progress);
  const source = {
    batches: () => documentBatches(archive, progress, batchSize, options.onProgress),
    documentsOf: (ids: string[]) => documentsOf(archive, ids, progress),
  };
  await searchEngine(archive.config.search, synonymGroups(archive.vocab)).rebuild(source);
  return progress;
}
