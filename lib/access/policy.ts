/**
 * The one answer to "may this viewer see this record?". Pages, media,
 * search, feeds, harvesting and the API all ask here; nothing else decides.
 */
import type { HeritageRecord } from '../records/schema';

export type Role = 'admin' | 'reviewer' | 'officer' | 'researcher';

export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      id: string;
      roles: Role[];
      /** Ethnic-group ids of the communities this user is a member of. */
      communities: string[];
    };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

const STAFF: Role[] = ['admin', 'reviewer', 'officer'];

function isStaff(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.roles.some((r) => STAFF.includes(r));
}

/** Whether the record's access level admits this viewer (ignoring publication status). */
function admitsByProtocol(viewer: Viewer, record: Pick<HeritageRecord, 'access'>): boolean {
  switch (record.access.level) {
    case 'public':
      return true;
    case 'registered':
      return viewer.kind === 'user';
    case 'community':
      // Mukurtu-style protocol: members of the named communities, and admins who keep the archive.
      return viewer.kind === 'user' && (viewer.roles.includes('admin') || viewer.communities.some((c) => record.access.communities.includes(c)));
  }
}

/** May the viewer see this record (its page, metadata, media, and its presence in lists and counts)? */
export function maySeeRecord(viewer: Viewer, record: Pick<HeritageRecord, 'access' | 'status'>): boolean {
  if (record.status !== 'published') {
    // Drafts, submissions and withdrawn records are work in progress: staff only, still within protocol.
    return isStaff(viewer) && (record.access.level !== 'community' || admitsByProtocol(viewer, record));
  }
  return admitsByProtocol(viewer, record);
}

/** What someone can do to a record or the archive; each is decided here and nowhere else. */
export const ACTIONS = ['view', 'download-original', 'create', 'edit', 'submit', 'publish', 'return', 'withdraw', 'restore', 'view-history', 'manage-users', 'view-audit-log', 'edit-inventory'] as const;
export type Action = (typeof ACTIONS)[number];

function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return viewer.kind === 'user' && viewer.roles.some((r) => roles.includes(r));
}

/**
 * May the viewer perform the action on this record (or, for archive-wide
 * actions, at all)? Staff act only on records their protocol lets them see:
 * an officer outside a community cannot edit its restricted records.
 */
export function mayPerform(viewer: Viewer, action: Action, record?: Pick<HeritageRecord, 'access' | 'status' | 'rights'>): boolean {
  switch (action) {
    case 'manage-users':
    case 'view-audit-log':
    case 'edit-inventory':
      return hasRole(viewer, 'admin');
    case 'create':
      // Creating a community-restricted record needs membership, or its creator could not see it afterwards.
      return hasRole(viewer, 'admin', 'reviewer', 'officer') && (!record || admitsStaffByProtocol(viewer, record));
    case 'view':
      return record ? maySeeRecord(viewer, record) : false;
    case 'download-original':
      return record ? mayDownloadOriginals(viewer, record) : false;
  }
  if (!record || !isStaff(viewer) || !admitsStaffByProtocol(viewer, record)) return false;
  switch (action) {
    case 'edit':
    case 'submit':
      // Officers work on drafts and returned work; reviewers and admins on anything not withdrawn.
      return record.status === 'withdrawn' ? false : hasRole(viewer, 'admin', 'reviewer') || (record.status === 'draft' && hasRole(viewer, 'officer'));
    case 'view-history':
      return true;
    case 'publish':
    case 'return':
      return record.status === 'submitted' && hasRole(viewer, 'admin', 'reviewer');
    case 'withdraw':
      return record.status === 'published' && hasRole(viewer, 'admin', 'reviewer');
    case 'restore':
      return record.status === 'withdrawn' && hasRole(viewer, 'admin', 'reviewer');
  }
}

function admitsStaffByProtocol(viewer: Viewer, record: Pick<HeritageRecord, 'access'>): boolean {
  return record.access.level !== 'community' || admitsByProtocol(viewer, record);
}

/** May the viewer download the original files (not only view derivatives)? */
export function mayDownloadOriginals(viewer: Viewer, record: Pick<HeritageRecord, 'access' | 'status' | 'rights'>): boolean {
  if (!maySeeRecord(viewer, record)) return false;
  if (isStaff(viewer)) return true;
  // Only openly licensed material is offered for download to the public.
  return /creativecommons\.org\/(licenses|publicdomain)\//.test(record.rights.uri) || /rightsstatements\.org\/vocab\/(NoC-US|NoC-OKLR|NoC-NC|InC-EDU)\//.test(record.rights.uri);
}

/*
 * Access tokens for search engines. A search index cannot call maySeeRecord
 * for every hit of every query (and Meilisearch cannot call it at all), so
 * the same decision is expressed as sets: a record carries the tokens that
 * admit it, a viewer holds the tokens it is admitted by, and the record is
 * visible exactly when the two sets meet. The unit test
 * tests/unit/search-access-tokens.test.ts checks that this agrees with
 * maySeeRecord for every role × level × status × community.
 */

/** The tokens that admit a record (index them with the record). */
export function recordAccessTokens(record: Pick<HeritageRecord, 'access' | 'status'>): string[] {
  const published = record.status === 'published';
  switch (record.access.level) {
    case 'public':
      return [published ? 'public' : 'staff'];
    case 'registered':
      return [published ? 'registered' : 'staff'];
    case 'community':
      // Admins keep the archive and pass every protocol; otherwise membership (and, unpublished, staff membership).
      return ['admin', ...record.access.communities.map((c) => (published ? `community:${c}` : `staff-community:${c}`))];
  }
}

/** The tokens a viewer is admitted by (a search query filters on them). */
export function viewerAccessTokens(viewer: Viewer): string[] {
  if (viewer.kind === 'anonymous') return ['public'];
  const tokens = ['public', 'registered', ...viewer.communities.map((c) => `community:${c}`)];
  if (viewer.roles.includes('admin')) tokens.push('admin');
  if (isStaff(viewer)) tokens.push('staff', ...viewer.communities.map((c) => `staff-community:${c}`));
  return tokens;
}

/** Whether the viewer is staff, who see unpublished work and the access-level facet. */
export function isStaffViewer(viewer: Viewer): boolean {
  return isStaff(viewer);
}
