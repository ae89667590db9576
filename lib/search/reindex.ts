/**
 * Rebuilds the search index from storage alone (principle 1: the index is
 * derived). Streams: records are read one at a time from the store and
 * written in batches, so memory stays flat whatever the archive's size.
 * The new index is built beside the live one and swapped in only when
 * complete; search keeps answering from the old one meanwhile.
 */
import type { Archive } from '../archive';
import type { Config } from '../config';
import { synonymGroups } from './document';
import { EmbeddedSearchIndex } from './embedded';
import { indexableDocument } from './index';
import { MeilisearchIndex } from './meilisearch';
import type { SearchDocument } from './types';

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
  for await (const id of archive.records.ids()) {
    try {
      const stored = await archive.records.get(id);
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
  const builder = EmbeddedSearchIndex.build({ dir: search.dir, synonyms });
  try {
    for await (const batch of documentBatches(archive, progress, batchSize, options.onProgress)) builder.upsertSync(batch);
    builder.publish();
  } catch (error) {
    builder.discard();
    throw error;
  }
  return progress;
}
