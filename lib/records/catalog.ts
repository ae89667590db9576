/**
 * Reads the head version of every record a viewer may see, straight from
 * storage. The search index (lib/search) will answer lists at scale; this is
 * the storage-backed truth it is rebuilt from.
 */
import { maySeeRecord, type Viewer } from '../access/policy';
import type { RecordRepository, StoredRecord } from './repository';

export async function listVisibleRecords(repository: RecordRepository, viewer: Viewer): Promise<StoredRecord[]> {
  const visible: StoredRecord[] = [];
  for await (const id of repository.ids()) {
    const stored = await repository.get(id).catch(() => undefined);
    if (stored && maySeeRecord(viewer, stored.record)) visible.push(stored);
  }
  return visible;
}
