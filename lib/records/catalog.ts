/**
 * Reads the head version of every record, straight from storage. The search
 * index (lib/search) will answer lists at scale; this is the storage-backed
 * truth it is rebuilt from.
 *
 * Lists for a viewer (visibleTo, listVisibleRecords) hand out what that
 * viewer may read: for everyone but staff, the copy with the names of people
 * who did not consent withheld (lib/access/consent.ts). Pages, feeds, the
 * sitemap, IIIF collections and the API list read here, so none of them has
 * to remember consent.
 */
import { publicStoredFor } from '../access/consent';
import { maySeeRecord, type Viewer } from '../access/policy';
import type { RecordRepository, StoredRecord } from './repository';

/**
 * Every record (restricted ones too, names not withheld), skipping any that
 * cannot be read. For counting, rebuilding and auditing; anything shown goes
 * through visibleTo first.
 */
export async function listAllRecords(repository: RecordRepository): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  for await (const id of repository.ids()) {
    const stored = await repository.get(id).catch(() => undefined);
    if (stored) all.push(stored);
  }
  return all;
}

/** The records a viewer may see, as that viewer may read them, from an already-read list (so one scan can serve several purposes). */
export function visibleTo(viewer: Viewer, all: StoredRecord[]): StoredRecord[] {
  return all.filter((stored) => maySeeRecord(viewer, stored.record)).map((stored) => publicStoredFor(viewer, stored));
}

export async function listVisibleRecords(repository: RecordRepository, viewer: Viewer): Promise<StoredRecord[]> {
  return visibleTo(viewer, await listAllRecords(repository));
}
