/**
 * Lists of records. Pages, feeds, OAI-PMH, the sitemap and the API answer
 * from the search index's catalog read (`SearchIndex.list`: access, filters,
 * sort, counts and facets decided in the engine, a page at a time); `everyEntry`
 * walks its pages for the few outputs that need them all (sitemap files).
 *
 * The storage scans below (listAllRecords…) are the truth the index is
 * rebuilt from: only reindex, fsck, exports and the coverage audit use them,
 * never a request (tests/unit/no-store-scans.test.ts).
 *
 * Lists for a viewer (visibleTo, listVisibleRecords) hand out what that
 * viewer may read: for everyone but staff, the copy with the names of people
 * who did not consent withheld (lib/access/consent.ts). Pages, feeds, the
 * sitemap, IIIF collections and the API list read here, so none of them has
 * to remember consent.
 */
import { publicStoredFor } from '../access/consent';
import { maySeeRecord, type Viewer } from '../access/policy';
import type { ListEntry, ListQuery, SearchIndex } from '../search/types';
import type { RecordRepository, StoredRecord } from '../records/repository';
import { scanRecords } from '../records/scan';

/** Every entry of a list, page by page (at most `max`, default all). */
export async function* everyEntry(index: Pick<SearchIndex, 'list'>, query: Omit<ListQuery, 'cursor' | 'limit'>, max = Number.POSITIVE_INFINITY): AsyncGenerator<ListEntry> {
  let cursor: string | undefined;
  let yielded = 0;
  do {
    const page = await index.list({ ...query, limit: Math.min(1000, max - yielded), ...(cursor ? { cursor } : {}) });
    for (const entry of page.entries) {
      yield entry;
      if (++yielded >= max) return;
    }
    cursor = page.next;
  } while (cursor);
}

/**
 * Every record (restricted ones too, names not withheld), skipping any that
 * cannot be read. For counting, rebuilding and auditing; anything shown goes
 * through visibleTo first.
 */
export async function listAllRecords(repository: RecordRepository): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  // A few reads in flight (lib/records/scan.ts): the store answers each small read in one round trip.
  for await (const { stored } of scanRecords(repository)) if (stored) all.push(stored);
  return all;
}

/** The records a viewer may see, as that viewer may read them, from an already-read list (so one scan can serve several purposes). */
export function visibleTo(viewer: Viewer, all: StoredRecord[]): StoredRecord[] {
  return all.filter((stored) => maySeeRecord(viewer, stored.record)).map((stored) => publicStoredFor(viewer, stored));
}

export async function listVisibleRecords(repository: RecordRepository, viewer: Viewer): Promise<StoredRecord[]> {
  return visibleTo(viewer, await listAllRecords(repository));
}
