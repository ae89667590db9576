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

/** May the viewer download the original files (not only view derivatives)? */
export function mayDownloadOriginals(viewer: Viewer, record: Pick<HeritageRecord, 'access' | 'status' | 'rights'>): boolean {
  if (!maySeeRecord(viewer, record)) return false;
  if (isStaff(viewer)) return true;
  // Only openly licensed material is offered for download to the public.
  return /creativecommons\.org\/(licenses|publicdomain)\//.test(record.rights.uri) || /rightsstatements\.org\/vocab\/(NoC-US|NoC-OKLR|NoC-NC|InC-EDU)\//.test(record.rights.uri);
}
