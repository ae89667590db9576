/**
 * Reads the head version of every record, straight from storage. The search
 * index (lib/search) will answer lists at scale; this is the storage-backed
 * truth it is rebuilt from.
 */
import { maySeeRecord, type Viewer } from '../access/policy';
import type { RecordRepository, StoredRecord } from './repository';

/** Every record (restricted ones too), skipping any that cannot be read. */
export async function listAllRecords(repository: RecordRepository): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  for await (const id of repository.ids()) {
    const stored = await repository.get(id).catch(() => undefined);
    if (stored) all.push(stored);
  }
  return all;
}

/** The records a viewer may see, from an already-read list (so one scan can serve several purposes). */
export function visibleTo(viewer: Viewer, all: StoredRecord[]): StoredRecord[] {
  return all.filter((stored) => maySeeRecord(viewer, stored.record));
}

export async function listVisibleRecords(repository: RecordRepository, viewer: Viewer): Promise<StoredRecord[]> {
  return visibleTo(viewer, await listAllRecords(repository));
}
