/**
 * Reading every record from storage: the whole-store scan that rebuilding
 * (reindex) and auditing (fsck, exports, coverage audit) need, and that
 * nothing a visitor asks for may use (lists come from the search index).
 *
 * A record is two small reads that depend on each other (inventory.json,
 * then the record.json it names), so one record at a time spends nearly all
 * its time waiting for storage. A few records in flight keep the thread pool
 * (local disk) or the connection pool (S3) busy; results still come in id
 * order.
 */
import { mapConcurrent } from './concurrency';
import type { RecordRepository, StoredRecord } from './repository';

/**
 * Records read at once by default. The local store's reads run on libuv's
 * thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise): twice
 * that keeps every thread busy. S3 reads are HTTP requests and gain from
 * more; pass a larger concurrency there.
 */
export const DEFAULT_SCAN_CONCURRENCY = 8;

export interface ScanOptions {
  /** Records read at once (DEFAULT_SCAN_CONCURRENCY by default). */
  concurrency?: number;
}

/**
 * What one claimed id holds: its head version, nothing (a create that never
 * committed: the id was claimed, no object was written), or the error that
 * reading it gave (a damaged record: fsck tells what).
 */
export type ScannedRecord = { id: string; stored: StoredRecord; error?: undefined } | { id: string; stored?: undefined; error?: Error };

/** Every claimed id with what it holds, in id order. */
export function scanRecords(repository: RecordRepository, options: ScanOptions = {}): AsyncGenerator<ScannedRecord> {
  return mapConcurrent(repository.ids(), options.concurrency ?? DEFAULT_SCAN_CONCURRENCY, async (id): Promise<ScannedRecord> => {
    try {
      const stored = await repository.get(id);
      return stored ? { id, stored } : { id };
    } catch (error) {
      return { id, error: error instanceof Error ? error : new Error(String(error)) };
    }
  });
}

/** The head version of every record that can be read, in id order; onError hears of the ones that cannot. */
export async function* readAllRecords(
  repository: RecordRepository,
  options: ScanOptions & { onError?: (id: string, error: Error) => void } = {},
): AsyncGenerator<StoredRecord> {
  for await (const { id, stored, error } of scanRecords(repository, options)) {
    if (stored) yield stored;
    else if (error) options.onError?.(id, error);
  }
}
