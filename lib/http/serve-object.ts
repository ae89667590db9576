/** Streams one stored object as an HTTP response: Range (206/416), ETag and conditional GET, caching by who may see it. */
import { Readable } from 'node:stream';
import { NotFoundError, type ObjectStore } from '../storage';
import { contentTypeFromName } from '../storage/content-type';
import { parseRange } from './range';

export interface ServeOptions {
  /** public: anyone may see it (immutable caching); private: per viewer, never stored by shared caches. */
  visibility: 'public' | 'private';
  /** Derivative keys never change content (they are named by the original's digest): cache for a year. */
  immutable?: boolean;
  /** Rewrite a small text object before sending (e.g. a IIIF info.json's id). */
  transform?: (text: string) => string;
  headers?: Record<string, string>;
}

export async function serveObject(request: Request, store: ObjectStore, key: string, options: ServeOptions): Promise<Response> {
  const head = await store.head(key);
  if (!head) return new Response('Không tìm thấy / Not found', { status: 404 });
  const contentType = head.contentType === 'application/octet-stream' ? contentTypeFromName(key) : head.contentType;
  const headers = new Headers({
    'content-type': contentType,
    'accept-ranges': options.transform ? 'none' : 'bytes',
    etag: `"${head.etag.replace(/"/g, '')}"`,
    'cache-control': options.visibility === 'public' ? (options.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600') : 'private, no-store',
    'x-content-type-options': 'nosniff',
    ...options.headers,
  });
  if (request.headers.get('if-none-match') === headers.get('etag')) return new Response(null, { status: 304, headers });
  try {
    if (options.transform) {
      const { body } = await store.get(key);
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      return new Response(options.transform(Buffer.concat(chunks).toString('utf8')), { headers });
    }
    const range = parseRange(request.headers.get('range'), head.size);
    if (range.kind === 'unsatisfiable') {
      headers.set('content-range', `bytes */${head.size}`);
      return new Response(null, { status: 416, headers });
    }
    const served = range.kind === 'range' ? range.range : undefined;
    const end = served ? served.end! : head.size - 1;
    headers.set('content-length', String(head.size === 0 ? 0 : end - (served?.start ?? 0) + 1));
    if (served) headers.set('content-range', `bytes ${served.start}-${end}/${head.size}`);
    if (request.method === 'HEAD' || head.size === 0) return new Response(null, { status: served ? 206 : 200, headers });
    const { body } = await store.get(key, served);
    return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status: served ? 206 : 200, headers });
  } catch (error) {
    if (error instanceof NotFoundError) return new Response('Không tìm thấy / Not found', { status: 404 });
    throw error;
  }
}
