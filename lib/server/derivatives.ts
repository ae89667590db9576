/**
 * GET/HEAD of derivatives (/api/derivatives/<id>/<d16>/<path>) and of IIIF
 * image services (/iiif/<id>/<d16>/<path>): only of a record the viewer may
 * see (read through readVisible, so a hidden record reads like a missing
 * one), only of one of its current originals, cached by shared caches and
 * readable from other origins only when anyone may see the record
 * (lib/http/serve-object.ts).
 */
import 'server-only';
import type { Viewer } from '../access/policy';
import { isOpenToEveryone, readVisible } from '../access/reader';
import type { Archive } from '../archive';
import { levelZeroImage, levelZeroInfo } from '../iiif/image-service';
import { routeSegments } from '../http/request-path';
import { bucketRedirect } from '../http/bucket-redirect';
import { OPEN_CORS, corsHeaders, notFound, serveObject, storedContentType, textResponse, type ServeOptions } from '../http/serve-object';
import { MANIFEST_FILE, digestPrefix, readDerivativeManifest } from '../derivatives/manifest';
import type { HeritageRecord, MediaEntry } from '../records/schema';

export interface DerivativeAccess {
  record: HeritageRecord;
  /** The original whose derivatives these are. */
  media: MediaEntry;
  prefix: string;
  visibility: 'public' | 'private';
}

type Context = Pick<Archive, 'records' | 'store' | 'config'>;

export async function derivativeAccess(records: Archive['records'], viewer: Viewer, id: string, d16: string): Promise<DerivativeAccess | undefined> {
  if (!/^[0-9a-f]{16}$/.test(d16)) return undefined;
  const read = await readVisible(records, viewer, id);
  if (!read.ok) return undefined;
  const { record } = read.stored;
  const media = record.media.find((m) => digestPrefix(m.digest) === d16);
  if (!media) return undefined;
  return { record, media, prefix: `derivatives/${id}/${d16}`, visibility: isOpenToEveryone(record) ? 'public' : 'private' };
}

/** A relative path inside a derivative folder, from decoded segments; undefined unless plainly one of ours. */
export function derivativePath(segments: string[]): string | undefined {
  const path = segments.join('/');
  // The manifest says which originals exist and how they were made: it is read by the server, not served.
  return /^\w[\w.,\-/]*$/.test(path) && path !== MANIFEST_FILE ? path : undefined;
}

type Located = { ok: true; access: DerivativeAccess; id: string; d16: string; relative: string } | { ok: false; response: Response };

/**
 * <id>/<d16>/<path> below `prefix`, checked: malformed → 400, anything not
 * visible or not there → 404. Both are the same for every viewer (a hidden
 * record reads like a missing one), so both are readable from any origin.
 */
async function locate(request: Request, prefix: string, viewer: Viewer, archive: Context): Promise<Located> {
  const path = routeSegments(request, prefix);
  if (!path.ok) return { ok: false, response: textResponse(path.status, path.message, OPEN_CORS) };
  const [id = '', d16 = '', ...rest] = path.segments;
  const relative = derivativePath(rest);
  const access = relative ? await derivativeAccess(archive.records, viewer, id, d16) : undefined;
  if (!access || !relative) return { ok: false, response: notFound(OPEN_CORS) };
  return { ok: true, access, id, d16, relative };
}

/**
 * A derivative object for a viewer already let through: streamed by this
 * process, or, with MEDIA_DELIVERY=bucket, a redirect to the bucket or CDN
 * (lib/http/bucket-redirect.ts says which and why some stay streamed).
 */
async function deliverObject(request: Request, archive: Context, key: string, options: ServeOptions): Promise<Response> {
  const delivery = archive.config.delivery;
  if (delivery && !options.transform && request.method === 'GET') {
    const head = await archive.store.head(key);
    if (!head) return notFound({ ...corsHeaders(options.visibility) });
    const redirect = await bucketRedirect(request, archive.store, delivery, { key, contentType: storedContentType(head), visibility: options.visibility, derivative: true });
    if (redirect) return redirect;
  }
  return serveObject(request, archive.store, key, options);
}

export async function serveDerivative(request: Request, viewer: Viewer, archive: Context): Promise<Response> {
  const found = await locate(request, '/api/derivatives/', viewer, archive);
  if (!found.ok) return found.response;
  return deliverObject(request, archive, `${found.access.prefix}/${found.relative}`, { visibility: found.access.visibility, immutable: true });
}

const INFO_TYPE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"';

/**
 * IIIF Image API 3, level 0: info.json and the static tiles made by the
 * media pipeline (any IIIF viewer can open them; CORS as for all media).
 * info.json's id is rewritten from the pipeline's placeholder to this
 * service's public URL, and it lists the full-image sizes that exist; the
 * full image at `max` (required at level 0) is the largest JPEG rendition
 * (lib/iiif/image-service.ts).
 */
export async function serveIiifImage(request: Request, viewer: Viewer, archive: Context): Promise<Response> {
  const found = await locate(request, '/iiif/', viewer, archive);
  if (!found.ok) return found.response;
  const { access, id, d16, relative } = found;
  const { visibility } = access;
  const service = `${archive.config.siteUrl}/iiif/${id}/${d16}`;
  const tiles = `${access.prefix}/image/iiif`;
  const isInfo = relative === 'info.json';
  // Only info.json and full-image requests need to know what the pipeline made; tiles are served as they lie.
  const derived = isInfo || relative.startsWith('full/') ? await readDerivativeManifest(archive.store, id, access.media) : undefined;
  const image = derived?.kind === 'image' ? derived : undefined;
  if (isInfo) {
    return serveObject(request, archive.store, `${tiles}/info.json`, {
      visibility,
      headers: { 'content-type': INFO_TYPE },
      transform: (text) => JSON.stringify(levelZeroInfo(JSON.parse(text) as Record<string, unknown>, service, image)),
    });
  }
  const rendition = image ? levelZeroImage(relative, image) : undefined;
  return deliverObject(request, archive, rendition ? `${access.prefix}/${rendition}` : `${tiles}/${relative}`, { visibility, immutable: true });
}
