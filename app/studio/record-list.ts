/**
 * The studio's record list, from the search index's catalog read: what the
 * signed-in viewer may see (drafts, submissions and withdrawn records
 * included, through their access tokens), filtered by status, community,
 * text and "awaiting my review", recently changed first, a page at a time,
 * with the counts per status and per community counted in the engine.
 *
 * Each count leaves out its own filter (the counts per status are those of
 * the other filters), so every count is what its link would list. One list
 * query for the page; one more per filter that is set. The rows need one
 * small read each (the record's OCFL inventory: head version and the return
 * comment): never a scan of the store.
 */
import { isStaffViewer, type Viewer } from '@/lib/access/policy';
import type { RecordRepository, StoredRecord } from '@/lib/records/repository';
import { RECORD_STATUSES, type RecordStatus } from '@/lib/records/schema';
import type { Facet, FacetCount, ListQuery, SearchIndex } from '@/lib/search/types';
import { awaitingReviewFilters, listOrFirst, withHistories } from '@/lib/workflow/review';

export const STUDIO_PAGE_SIZE = 50;

export interface StudioListParams {
  status?: RecordStatus;
  community?: string;
  q?: string;
  /** Only the submissions this viewer may review. */
  awaiting?: boolean;
  cursor?: string;
}

export interface StudioList {
  rows: StoredRecord[];
  /** Records matching every filter. */
  total: number;
  /** Per status, under the other filters. */
  statusCounts: Record<RecordStatus, number>;
  /** Per community, under the other filters, most first. */
  communityCounts: FacetCount[];
  /** Every submission this viewer may review (the badge), whatever the filters. */
  waiting: number;
  next?: string;
}

/** The list's parameters from a URL's search parameters (anything unknown ignored). */
export function studioListParams(search: Record<string, string | string[] | undefined>): StudioListParams {
  const one = (k: string) => {
    const v = search[k];
    return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  };
  const status = one('status');
  const community = one('community');
  const q = one('q')?.slice(0, 200);
  const cursor = one('cursor');
  return {
    ...(status && (RECORD_STATUSES as readonly string[]).includes(status) ? { status: status as RecordStatus } : {}),
    ...(community && /^[a-z0-9-]{1,64}$/.test(community) ? { community } : {}),
    ...(q ? { q } : {}),
    ...(one('awaiting') === 'me' ? { awaiting: true } : {}),
    ...(cursor && cursor.length <= 8000 ? { cursor } : {}),
  };
}

export async function studioList(
  source: { index: Pick<SearchIndex, 'list'>; records: Pick<RecordRepository, 'readInventory'> },
  viewer: Viewer,
  params: StudioListParams,
  limit = STUDIO_PAGE_SIZE,
): Promise<StudioList> {
  const { index } = source;
  const review = awaitingReviewFilters(viewer);
  const waitingQuery = review ? index.list({ viewer, filters: review, limit: 0 }) : undefined;
  const emptyCounts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
  // "Awaiting my review" is a status filter under the viewer's access (see awaitingReviewFilters).
  const status: RecordStatus[] | undefined = params.awaiting ? (review?.status ?? []).filter((s) => !params.status || s === params.status) : params.status ? [params.status] : undefined;
  if (status?.length === 0) {
    // Someone who reviews nothing awaits nobody's review; nor is a draft awaiting it.
    return { rows: [], total: 0, statusCounts: emptyCounts, communityCounts: [], waiting: (await waitingQuery)?.total ?? 0 };
  }
  const base = { viewer, ...(params.q ? { q: params.q } : {}) };
  const statusFilter = status ? { status } : {};
  const communityFilter = params.community ? { ethnicGroup: [params.community] } : {};
  const facets: Facet[] = [...(status ? [] : (['status'] as const)), ...(params.community ? [] : (['ethnicGroup'] as const))];
  const query: ListQuery = { ...base, filters: { ...statusFilter, ...communityFilter }, facets, sort: 'modified-desc', limit, ...(params.cursor ? { cursor: params.cursor } : {}) };
  const [page, byStatus, byCommunity, waiting] = await Promise.all([
    listOrFirst(index, query),
    status ? index.list({ ...base, filters: communityFilter, facets: ['status'], limit: 0 }) : undefined,
    params.community ? index.list({ ...base, filters: statusFilter, facets: ['ethnicGroup'], limit: 0 }) : undefined,
    waitingQuery,
  ]);
  const statusCounts = { ...emptyCounts };
  const counted = byStatus ?? page;
  for (const { value, count } of counted.facets.status ?? []) if (value in statusCounts) statusCounts[value as RecordStatus] = count;
  // The status facet is staff-only; everyone else sees published records only.
  if (!isStaffViewer(viewer)) statusCounts.published = counted.total;
  return {
    rows: await withHistories(source.records, page.entries),
    total: page.total,
    statusCounts,
    communityCounts: (byCommunity ?? page).facets.ethnicGroup ?? [],
    waiting: waiting?.total ?? 0,
    ...(page.next ? { next: page.next } : {}),
  };
}

/** The list's URL with some parameters changed (undefined removes one); the cursor goes unless given. */
export function studioListHref(params: StudioListParams, change: Partial<Record<keyof StudioListParams | 'p', string | undefined>>): string {
  const current: Record<string, string | undefined> = {
    q: params.q,
    status: params.status,
    community: params.community,
    awaiting: params.awaiting ? 'me' : undefined,
  };
  const merged = { ...current, ...change };
  const search = new URLSearchParams();
  for (const key of ['q', 'status', 'community', 'awaiting', 'cursor', 'p'] as const) {
    const value = merged[key];
    if (value) search.set(key, value);
  }
  const text = search.toString();
  return text ? `/studio?${text}` : '/studio';
}
