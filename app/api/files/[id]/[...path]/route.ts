/**
 * Serves a record's original files after asking the access module, with
 * HTTP Range for seeking in audio and video, and ETags from the SHA-512.
 */
import { Readable } from 'node:stream';
import { mayDownloadOriginals, maySeeRecord } from '@/lib/access/policy';
import { parseRange } from '@/lib/http/range';
import { RECORD_ID_PATTERN } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

function notFound(): Response {
  return new Response('Không tìm thấy tệp / File not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

async function serve(request: Request, params: Promise<{ id: string; path: string[] }>, withBody: boolean): Promise<Response> {
  const { id, path } = await params;
  if (!RECORD_ID_PATTERN.test(id)) return notFound();
  const logicalPath = path.map((segment) => decodeURIComponent(segment)).join('/').normalize('NFC');
  const { records } = getArchive();
  const stored = await records.get(id);
  // Records the viewer may not see answer exactly like records that do not exist.
  const viewer = await currentViewer();
  if (!stored || !maySeeRecord(viewer, stored.record)) return notFound();
  const media = stored.record.media.find((m) => m.path === logicalPath);
  if (!media) return notFound();
  const download = new URL(request.url).searchParams.has('download');
  if (download && !mayDownloadOriginals(viewer, stored.record)) {
    return new Response('Tệp gốc này không được phép tải xuống / This original may not be downloaded', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  const etag = `"${media.digest.slice(0, 32)}"`;
  const headers = new Headers({
    'content-type': media.type,
    'accept-ranges': 'bytes',
    etag,
    // Shared caches may keep only what anyone may see.
    'cache-control': stored.record.access.level === 'public' && stored.record.status === 'published' ? 'public, max-age=3600' : 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  const fileName = logicalPath.slice('files/'.length);
  headers.set('content-disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });

  const range = parseRange(request.headers.get('range'), media.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${media.size}`);
    return new Response(null, { status: 416, headers });
  }
  const status = range.kind === 'range' ? 206 : 200;
  const served = range.kind === 'range' ? range.range : { start: 0, end: media.size - 1 };
  if (range.kind === 'range') headers.set('content-range', `bytes ${served.start}-${served.end}/${media.size}`);
  headers.set('content-length', String(media.size === 0 ? 0 : served.end! - served.start + 1));
  if (!withBody || media.size === 0) return new Response(null, { status, headers });
  const file = await records.openFile(id, logicalPath, { range: range.kind === 'range' ? range.range : undefined });
  return new Response(Readable.toWeb(file.body) as ReadableStream<Uint8Array>, { status, headers });
}

export function GET(request: Request, context: { params: Promise<{ id: string; path: string[] }> }): Promise<Response> {
  return serve(request, context.params, true);
}

export function HEAD(request: Request, context: { params: Promise<{ id: string; path: string[] }> }): Promise<Response> {
  return serve(request, context.params, false);
}
