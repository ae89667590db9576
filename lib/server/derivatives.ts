/**
 * GET/HEAD of derivatives (/api/derivatives/<id>/<d16>/<path>) and of IIIF
 * image services (/iiif/<id>/<d16>/<path>): only of a record the viewer may
 * see (read through readVisible, so a hidden record reads like a missing
 * one), only of one of its current originals, cached by shared caches only
 * when anyone may see the record.
 */
import 'server-only';
import type { Viewer } from '../access/policy';
import { isOpenToEveryone, readVisible } from '../access/reader';
import type { Archive } from '../archive';
import { routeSegments } from '../http/request-path';
import { notFound, serveObject, textResponse } from '../http/serve-object';
import { IIIF_ID_PLACEHOLDER } from '../media/image';
import { MANIFEST_FILE, digestPrefix } from '../media/manifest';
import type { HeritageRecord } from '../records/schema';

export interface DerivativeAccess {
  record: HeritageRecord;
  prefix: string;
  visibility: 'public' | 'private';
}

type Context = Pick<Archive, 'records' | 'store' | 'config'>;

export async function derivativeAccess(records: Archive['records'], viewer: Viewer, id: string, d16: string): Promise<DerivativeAccess | undefined> {
  if (!/^[0-9a-f]{16}$/.test(d16)) return undefined;
  const read = await readVisible(records, viewer, id);
  if (!read.ok) return undefined;
  const { record } = read.stored;
  if (!record.media.some((m) => digestPrefix(m.digest) === d16)) return undefined;
  return { record, prefix: `derivatives/${id}/${d16}`, visibility: isOpenToEveryone(record) ? 'public' : 'private' };
}

/** A relative path inside a derivative folder, from decoded segments; undefined unless plainly one of ours. */
export function derivativePath(segments: string[]): string | undefined {
  const path = segments.join('/');
  // The manifest says which originals exist and how they were made: it is read by the server, not served.
  return /^\w[\w.,\-/]*$/.test(path) && path !== MANIFEST_FILE ? path : undefined;
}

type Located = { ok: true; access: DerivativeAccess; id: string; d16: string; relative: string } | { ok: false; response: Response };

/** <id>/<d16>/<path> below `prefix`, checked: malformed → 400, anything not visible or not there → 404. */
async function locate(request: Request, prefix: string, viewer: Viewer, archive: Context, headers: Record<string, string>): Promise<Located> {
  const path = routeSegments(request, prefix);
  if (!path.ok) return { ok: false, response: textResponse(path.status, path.message, headers) };
  const [id = '', d16 = '', ...rest] = path.segments;
  const relative = derivativePath(rest);
  const access = relative ? await derivativeAccess(archive.records, viewer, id, d16) : undefined;
  if (!access || !relative) return { ok: false, response: notFound(headers) };
  return { ok: true, access, id, d16, relative };
}

export async function serveDerivative(request: Request, viewer: Viewer, archive: Context): Promise<Response> {
  const found = await locate(request, '/api/derivatives/', viewer, archive, {});
  if (!found.ok) return found.response;
  return serveObject(request, archive.store, `${found.access.prefix}/${found.relative}`, { visibility: found.access.visibility, immutable: true });
}

/**
 * IIIF Image API 3, level 0: info.json and the static tiles made by the
 * media pipeline, with CORS so any IIIF viewer can open them. info.json's id
 * is rewritten from the pipeline's placeholder to this service's public URL.
 */
export async function serveIiifImage(request: Request, viewer: Viewer, archive: Context): Promise<Response> {
  const cors = { 'access-control-allow-origin': '*' };
  const found = await locate(request, '/iiif/', viewer, archive, cors);
  if (!found.ok) return found.response;
  const { access, id, d16, relative } = found;
  const service = `${archive.config.siteUrl}/iiif/${id}/${d16}`;
  const isInfo = relative === 'info.json';
  return serveObject(request, archive.store, `${access.prefix}/image/iiif/${relative}`, {
    visibility: access.visibility,
    immutable: !isInfo,
    headers: { ...cors, ...(isInfo ? { 'content-type': 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"' } : {}) },
    ...(isInfo ? { transform: (text: string) => text.replaceAll(`${IIIF_ID_PLACEHOLDER}/iiif`, service).replaceAll(IIIF_ID_PLACEHOLDER, service) } : {}),
  });
}
