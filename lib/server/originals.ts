/**
 * GET/HEAD /api/files/<id>/<path>: a record's original file, read through
 * the viewer-scoped reader (a record the viewer may not see answers exactly
 * like one that does not exist), served by serveStream with Range for
 * seeking in audio and video, ETags from the SHA-512, and inline only when
 * its type is passive. Originals of records anyone may see (captions above
 * all) are readable from any origin, for IIIF viewers on other sites; see
 * lib/http/serve-object.ts for the rules. With MEDIA_DELIVERY=bucket the
 * bytes come from a presigned URL of the bucket instead, handed out only
 * here, after the same decision (lib/http/bucket-redirect.ts).
 */
import { isOpenToEveryone, readVisible } from '../access/reader';
import type { Viewer } from '../access/policy';
import type { Archive } from '../archive';
import { httpError } from '../http/errors';
import { routeSegments } from '../http/request-path';
import { bucketRedirect } from '../http/bucket-redirect';
import { OPEN_CORS, notFound, serveStream, textResponse } from '../http/serve-object';

export const FILES_PREFIX = '/api/files/';

export async function serveOriginal(request: Request, viewer: Viewer, archive: Pick<Archive, 'records' | 'store' | 'config'>): Promise<Response> {
  const path = routeSegments(request, FILES_PREFIX);
  // Malformed, missing or hidden: the same answer for anyone, so readable from any origin.
  if (!path.ok) return textResponse(path.status, path.message, OPEN_CORS);
  const [id = '', ...rest] = path.segments;
  const logicalPath = rest.join('/');
  const download = new URL(request.url).searchParams.has('download');
  const read = await readVisible(archive.records, viewer, id, download ? 'download-original' : 'view');
  if (!read.ok && read.reason === 'forbidden') return textResponse(403, 'Tệp gốc này không được phép tải xuống / This original may not be downloaded');
  if (!read.ok) return notFound(OPEN_CORS);
  const { record } = read.stored;
  const media = record.media.find((m) => m.path === logicalPath);
  if (!media) return notFound(OPEN_CORS);
  // Shared caches may keep only what anyone may see.
  const visibility = isOpenToEveryone(record) ? 'public' : 'private';
  const fileName = logicalPath.slice(logicalPath.lastIndexOf('/') + 1);
  const key = archive.config.delivery && request.method === 'GET' ? await archive.records.fileKey(record.id, logicalPath) : undefined;
  const redirect = key
    ? await bucketRedirect(request, archive.store, archive.config.delivery, { key, contentType: media.type, visibility, derivative: false, fileName, download })
    : undefined;
  if (redirect) return redirect;
  try {
    return await serveStream(
      request,
      {
        size: media.size,
        etag: media.digest.slice(0, 32),
        contentType: media.type,
        open: async (range) => (await archive.records.openFile(record.id, logicalPath, { range })).body,
      },
      { visibility, fileName, download },
    );
  } catch (error) {
    if (httpError(error).status === 404) return notFound(OPEN_CORS); // gone meanwhile
    throw error;
  }
}
