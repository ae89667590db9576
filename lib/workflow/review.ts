/**
 * Review as a conversation: the queue of submissions a reviewer may decide
 * on, and the comment a reviewer returned a record with, which the officer
 * sees until they submit again.
 *
 * Both read version summaries (the messages Workflow.transition writes:
 * "submit", "return: <comment>"), so neither needs a scan of the audit log.
 * The queue the studio shows is a list query of the search index
 * (reviewQueuePage: access, filter, order and counts decided in the engine,
 * a page at a time), plus one small read per record shown (its OCFL
 * inventory, for the version summaries): never a scan of the store.
 */
import { mayPerform, type Viewer } from '../access/policy';
import { headNumber, versionNumber } from '../records/ocfl';
import type { RecordRepository, StoredRecord, VersionSummary } from '../records/repository';
import type { RecordStatus } from '../records/schema';
import { BadCursorError, type ListEntry, type ListQuery, type SearchIndex } from '../search/types';
import { readWorkflowMessage } from '../records/version-message';

export { readWorkflowMessage };

export interface Submission {
  stored: StoredRecord;
  /** When it was (last) submitted: the time the reviewer has kept the officer waiting since. */
  submittedAt: string;
  submittedBy?: string;
}

export interface ReviewQueue {
  /** Oldest first: whoever has waited longest is answered first. */
  submissions: Submission[];
  /** Submissions per community (the records' ethnic groups; undefined for records of none), most first. */
  byCommunity: { community: string | undefined; count: number }[];
}

/** The last version at which the record was submitted; the head if it arrived submitted another way (an import). */
function submissionVersion(versions: readonly VersionSummary[]): VersionSummary | undefined {
  return versions.findLast((v) => readWorkflowMessage(v.message)?.transition === 'submit') ?? versions.at(-1);
}

/**
 * The submissions this viewer may publish or return, from a list the viewer
 * may see. The policy decides (mayPerform 'publish'): officers and
 * researchers get nothing; a reviewer gets the open submissions and those
 * restricted to communities they belong to; an admin gets all.
 */
export function reviewQueue(viewer: Viewer, records: readonly StoredRecord[]): ReviewQueue {
  const submissions = records
    .filter((stored) => stored.record.status === 'submitted' && mayPerform(viewer, 'publish', stored.record))
    .map(submissionOf)
    .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0));
  const counts = new Map<string | undefined, number>();
  for (const { stored } of submissions) {
    const groups = stored.record.ethnicGroups.length ? stored.record.ethnicGroups : [undefined];
    for (const group of groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const byCommunity = sortByCommunity([...counts].map(([community, count]) => ({ community, count })));
  return { submissions, byCommunity };
}

function submissionOf(stored: StoredRecord): Submission {
  const version = submissionVersion(stored.versions);
  return { stored, submittedAt: version?.created ?? stored.modified, ...(version?.user?.name ? { submittedBy: version.user.name } : {}) };
}

/** Most first; records of no community last, as the remainder. */
function sortByCommunity<T extends { community: string | undefined; count: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => Number(a.community === undefined) - Number(b.community === undefined) || b.count - a.count || (a.community ?? '').localeCompare(b.community ?? ''));
}

/** Whether the viewer reviews at all (reviewers and admins), so is offered the queue. Which records, the policy decides per record. */
export function reviews(viewer: Viewer): boolean {
  return viewer.kind === 'user' && (viewer.roles.includes('reviewer') || viewer.roles.includes('admin'));
}

/**
 * Whether the queue may be missing work for want of membership: a reviewer
 * (not an admin) in no community cannot review any community-restricted
 * record, and should be told so rather than shown an empty list.
 */
export function queueNeedsMembership(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.roles.includes('reviewer') && !viewer.roles.includes('admin') && viewer.communities.length === 0;
}

export interface ReturnNote {
  comment: string;
  by?: string;
  at: string;
  version: number;
}

/**
 * The reviewer's comment on a returned record, while it is still the
 * officer's turn: from the return until the next submission. Undefined
 * when the record is not a draft (submitted again, or moved on).
 */
export function pendingReturn(stored: Pick<StoredRecord, 'record' | 'versions'>): ReturnNote | undefined {
  if (stored.record.status !== 'draft') return undefined;
  for (const v of [...stored.versions].reverse()) {
    const step = readWorkflowMessage(v.message);
    if (step?.transition === 'submit') return undefined;
    if (step?.transition === 'return' && step.comment) return { comment: step.comment, by: v.user?.name, at: v.created, version: v.number };
  }
  return undefined;
}

/* ---------- from the index ---------- */

/**
 * The filter of "awaiting my review": the submissions this viewer may publish or return; undefined for a viewer
 * who reviews nothing. The index shows a reviewer or an admin a submitted record exactly when the policy lets
 * them publish it (both are "staff, within the record's community protocol"; tests/unit/review-queue.test.ts
 * checks the two agree for every role, level and membership), so the engine's access decides the queue.
 */
export function awaitingReviewFilters(viewer: Viewer): { status: RecordStatus[] } | undefined {
  return reviews(viewer) ? { status: ['submitted'] } : undefined;
}

/** What a page of records needs beyond the index's copy: the head version and the version summaries. */
export interface VersionHistory {
  head: number;
  versions: VersionSummary[];
  created: string;
  modified: string;
}

/** A record's versions from its OCFL inventory alone (one small read per record; its metadata comes from the index). */
export async function versionHistory(records: Pick<RecordRepository, 'readInventory'>, id: string): Promise<VersionHistory | undefined> {
  const inventory = await records.readInventory(id).catch(() => undefined);
  if (!inventory) return undefined;
  const versions = Object.entries(inventory.versions)
    .map(([name, v]): VersionSummary => ({ number: versionNumber(name), created: v.created, ...(v.message !== undefined ? { message: v.message } : {}), ...(v.user ? { user: v.user } : {}) }))
    .sort((a, b) => a.number - b.number);
  if (versions.length === 0) return undefined;
  return { head: headNumber(inventory), versions, created: versions[0]!.created, modified: versions.at(-1)!.created };
}

/** Entries of a list page with their version histories (read side by side; an entry whose inventory is gone is left out). */
export async function withHistories(records: Pick<RecordRepository, 'readInventory'>, entries: readonly ListEntry[]): Promise<StoredRecord[]> {
  const histories = await Promise.all(entries.map((e) => versionHistory(records, e.id)));
  return entries.flatMap((entry, i) => {
    const h = histories[i];
    return h ? [{ record: entry.record, version: h.head, head: h.head, versions: h.versions, created: h.created, modified: entry.modified ?? h.modified }] : [];
  });
}

/** A list page; a cursor the engine refuses (stale, or pasted onto other filters) starts again from the first page. */
export async function listOrFirst(index: Pick<SearchIndex, 'list'>, query: ListQuery): ReturnType<SearchIndex['list']> {
  try {
    return await index.list(query);
  } catch (error) {
    if (!(error instanceof BadCursorError) || query.cursor === undefined) throw error;
    const { cursor: _, ...first } = query;
    return index.list(first);
  }
}

/** Submissions per page of the queue. */
export const QUEUE_PAGE_SIZE = 50;
/** The most submissions one page of "no community" looks through (records of no community are few; see below). */
const MAX_WALK = 10_000;

export interface ReviewQueuePage extends ReviewQueue {
  /** Every submission the viewer may review (what the badge on /studio shows). */
  total: number;
  /** Those matching the community filter. */
  matching: number;
  /** The next page's cursor; absent on the last page. */
  next?: string;
}

/**
 * One page of the queue, from the index: the submissions this viewer may review, oldest change first (a
 * submission's last change is normally its submission; the page shows when it was submitted), optionally of one
 * community (`null`: of none), with the counts per community counted in the engine. One list query for the page,
 * two for the counts, and one inventory read per submission shown.
 *
 * "Of no community" has no facet value to filter on, so that page walks the queue (not the store) keeping the
 * submissions of no community; its cursor is the number already shown.
 */
export async function reviewQueuePage(
  source: { index: Pick<SearchIndex, 'list'>; records: Pick<RecordRepository, 'readInventory'> },
  viewer: Viewer,
  options: { community?: string | null; cursor?: string; limit?: number } = {},
): Promise<ReviewQueuePage> {
  const filters = awaitingReviewFilters(viewer);
  if (!filters) return { submissions: [], byCommunity: [], total: 0, matching: 0 };
  const { index } = source;
  const limit = options.limit ?? QUEUE_PAGE_SIZE;
  const counted = await index.list({ viewer, filters, facets: ['ethnicGroup'], limit: 0 });
  const groups = counted.facets.ethnicGroup ?? [];
  // Records of no community: all submissions less those of any community (a record of two counts once).
  const ofSome = groups.length ? (await index.list({ viewer, filters: { ...filters, ethnicGroup: groups.map((g) => g.value) }, limit: 0 })).total : 0;
  const none = counted.total - ofSome;
  const byCommunity = sortByCommunity([...groups.map((g) => ({ community: g.value as string | undefined, count: g.count })), ...(none > 0 ? [{ community: undefined, count: none }] : [])]);

  let entries: ListEntry[];
  let next: string | undefined;
  let matching: number;
  if (options.community === null) {
    matching = none;
    const skip = /^\d{1,7}$/.test(options.cursor ?? '') ? Number(options.cursor) : 0;
    const found: ListEntry[] = [];
    let cursor: string | undefined;
    let walked = 0;
    let seen = 0;
    walk: while (none > 0 && walked < MAX_WALK) {
      const page = await index.list({ viewer, filters, sort: 'modified-asc', limit: 500, ...(cursor ? { cursor } : {}) });
      for (const entry of page.entries) {
        if (entry.record.ethnicGroups.length > 0) continue;
        if (seen++ < skip) continue;
        found.push(entry);
        if (found.length > limit) break walk;
      }
      walked += page.entries.length;
      cursor = page.next;
      if (!cursor) break;
    }
    entries = found.slice(0, limit);
    next = found.length > limit ? String(skip + limit) : undefined;
  } else {
    const query: ListQuery = {
      viewer,
      filters: { ...filters, ...(options.community ? { ethnicGroup: [options.community] } : {}) },
      sort: 'modified-asc',
      limit,
      ...(options.cursor ? { cursor: options.cursor } : {}),
    };
    const page = await listOrFirst(index, query);
    entries = page.entries;
    next = page.next;
    matching = options.community ? (groups.find((g) => g.value === options.community)?.count ?? 0) : counted.total;
  }
  const submissions = (await withHistories(source.records, entries)).map(submissionOf);
  return { submissions, byCommunity, total: counted.total, matching, ...(next ? { next } : {}) };
}
