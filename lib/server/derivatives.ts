/** Which derivative folder a request may read: of a record the viewer may see, and of one of its current originals. */
import 'server-only';
import { maySeeRecord } from '../access/policy';
import { digestPrefix } from '../media/manifest';
import { RECORD_ID_PATTERN, type HeritageRecord } from '../records/schema';
import { getArchive } from './archive';
import { currentViewer } from './auth';

export interface DerivativeAccess {
  record: HeritageRecord;
  prefix: string;
  visibility: 'public' | 'private';
}

export async function derivativeAccess(id: string, d16: string): Promise<DerivativeAccess | undefined> {
  if (!RECORD_ID_PATTERN.test(id) || !/^[0-9a-f]{16}$/.test(d16)) return undefined;
  const stored = await getArchive().records.get(id);
  if (!stored || !maySeeRecord(await currentViewer(), stored.record)) return undefined;
  if (!stored.record.media.some((m) => digestPrefix(m.digest) === d16)) return undefined;
  const open = stored.record.access.level === 'public' && stored.record.status === 'published';
  return { record: stored.record, prefix: `derivatives/${id}/${d16}`, visibility: open ? 'public' : 'private' };
}

/** A safe relative path inside a derivative folder. */
export function derivativePath(segments: string[]): string | undefined {
  const path = segments.map((s) => decodeURIComponent(s)).join('/');
  return /^[\w][\w.,\-/]*$/.test(path) && !path.split('/').some((s) => s === '..' || s === '.' || s === '') && path !== 'manifest.json' ? path : undefined;
}
