/**
 * The one viewer-scoped way to read a record. Every exit (public pages,
 * studio pages, original files, derivatives, IIIF, the JSON API, uploads)
 * reads through here instead of load → check → 404 by hand, so "may this
 * viewer see it" is never forgotten and a hidden record always reads exactly
 * like one that does not exist. It also withholds the names of people who
 * did not consent from everyone but staff (lib/access/consent.ts), so no
 * exit that reads here can publish them.
 */
import type { RecordRepository, StoredRecord } from '../records/repository';
import { RECORD_ID_PATTERN, type HeritageRecord } from '../records/schema';
import { publicStoredFor } from './consent';
import { mayPerform, maySeeRecord, type Action, type Viewer } from './policy';

export type ReadResult =
  | { ok: true; stored: StoredRecord }
  /**
   * not-found: no such record, or one the viewer may not see (indistinguishable on purpose).
   * forbidden: the viewer sees the record but may not do `purpose` with it.
   */
  | { ok: false; reason: 'not-found' | 'forbidden' };

/**
 * Reads the head (or a given version) of a record for `purpose`. Seeing the
 * record is always required; the purpose may ask for more (`edit`,
 * `view-history`, `download-original`…). Malformed ids read as not found.
 */
export async function readVisible(records: Pick<RecordRepository, 'get'>, viewer: Viewer, id: string, purpose: Action = 'view', version?: number): Promise<ReadResult> {
  if (typeof id !== 'string' || !RECORD_ID_PATTERN.test(id)) return { ok: false, reason: 'not-found' };
  const head = await records.get(id);
  // Access follows the head: an old version of a record that is now hidden is hidden too.
  if (!head || !maySeeRecord(viewer, head.record)) return { ok: false, reason: 'not-found' };
  if (purpose !== 'view' && !mayPerform(viewer, purpose, head.record)) return { ok: false, reason: 'forbidden' };
  // Consent follows the version read: an old version names whoever it named, and withholds them the same way.
  if (version === undefined || version === head.head) return { ok: true, stored: publicStoredFor(viewer, head) };
  const older = await records.get(id, version);
  return older ? { ok: true, stored: publicStoredFor(viewer, older) } : { ok: false, reason: 'not-found' };
}

/** Whether anyone at all may see the record: public and published. Shared caches and cross-origin readers get only these. */
export function isOpenToEveryone(record: Pick<HeritageRecord, 'access' | 'status'>): boolean {
  return maySeeRecord({ kind: 'anonymous' }, record);
}
