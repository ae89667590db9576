/**
 * Streams one stored object as an HTTP response: Range (206/416), ETag and
 * conditional GET, caching and cross-origin reading by who may see it, and a
 * disposition that never lets a browser run what it receives. Originals
 * (through the record repository) and derivatives (straight from the object
 * store) both go through serveStream, so these rules live here once.
 *
 * Cross-origin (CORS): what anyone may see is readable from any origin, so
 * a IIIF viewer on another site can play, seek and caption it; a wildcard
 * origin never admits a request made with cookies. What only some may see
 * carries no Access-Control-Allow-Origin at all, and a resource policy that
 * keeps other sites from even embedding it.
 */
import { Readable } from 'node:stream';
import { NotFoundError, type ByteRange, type ObjectInfo, type ObjectStore } from '../storage';
import { contentTypeFromName } from '../storage/content-type';
import { parseRange } from './range';

export interface ServeOptions {
  /**
   * public: anyone may see it (shared caching, readable from any origin);
   * private: per viewer, never stored by shared caches, never readable cross-origin.
   */
  visibility: 'public' | 'private';
  /** Derivative keys never change content (they are named by the original's digest): cache for a year. */
  immutable?: boolean;
  /** Rewrite a small text object before sending (e.g. a IIIF info.json's id). */
  transform?: (text: string) => string;
  headers?: Record<string, string>;
  /** The name a browser saves it under (sent in Content-Disposition). */
  fileName?: string;
  /** Asked for as a download: always an attachment. */
  download?: boolean;
}

/** One object to serve: what it is, and how to read it (whole, or a byte range). */
export interface Servable {
  size: number;
  /** Changes whenever the bytes change (a digest, an S3 ETag); sent quoted. */
  etag: string;
  contentType: string;
  open(range?: ByteRange): Promise<Readable>;
}

/**
 * Types a browser shows as passive media or reads as plain data, and never
 * runs as a document: photos, sound, video, PDF, captions, text, JSON and
 * HLS playlists. Everything else (SVG, HTML, XML, unknown types) is only
 * ever sent as an attachment in a CSP sandbox.
 */
const INLINE_SAFE = /^(?:image\/(?:jpeg|png|webp|avif|gif|tiff)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf|text\/vtt|text\/plain|application\/(?:ld\+)?json|application\/vnd\.apple\.mpegurl)$/;

export function isInlineSafe(contentType: string): boolean {
  return INLINE_SAFE.test(contentType.split(';')[0]!.trim().toLowerCase());
}

/** A short plain-text answer (Vietnamese / English), never sniffed as anything else. */
export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers } });
}

export function notFound(headers: Record<string, string> = {}): Response {
  return textResponse(404, 'Không tìm thấy / Not found', headers);
}

/** What a player on another origin needs to read of a media response: seeking works by Range, and caches revalidate by ETag. */
const EXPOSED = 'Content-Range, Accept-Ranges, Content-Length, ETag';

/**
 * Headers of a response anyone may read from any origin: media of public
 * records, and answers that are the same for everyone (a 404 for a missing
 * or hidden file, a 400 for a malformed path).
 */
export const OPEN_CORS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': EXPOSED,
  'cross-origin-resource-policy': 'cross-origin',
};

/**
 * Headers of a response only some may see: no Access-Control-Allow-Origin
 * (not readable by another origin, with or without cookies), never embedded
 * by another site, and Vary: Origin so no cache hands it to a cross-origin
 * request as if it were the public answer of the same URL.
 */
const PRIVATE_CORS: Readonly<Record<string, string>> = {
  vary: 'Origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** CORS headers by who may see it; a 404 in place of a response gets the same ones (it tells no more than that response would). */
export function corsHeaders(visibility: ServeOptions['visibility']): Readonly<Record<string, string>> {
  return visibility === 'public' ? OPEN_CORS : PRIVATE_CORS;
}

/**
 * The answer to a CORS preflight (OPTIONS) on a media route, e.g. for a
 * Range request a player sends. A preflight never carries cookies, so it is
 * the same for every path; whether the bytes may then be read is decided
 * by the GET itself (above).
 */
export function corsPreflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': 'Range, If-Range, If-None-Match, If-Modified-Since',
      'access-control-expose-headers': EXPOSED,
      'access-control-max-age': '86400',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
    },
  });
}

function cacheControl(options: ServeOptions): string {
  if (options.visibility === 'private') return 'private, no-store';
  return options.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
}

/**
 * Inline only for passive types not asked for as a download; anything a
 * browser could execute becomes a download in an opaque-origin sandbox, so
 * even opened directly it cannot script the archive's origin.
 */
function setDisposition(headers: Headers, options: ServeOptions): void {
  const safe = isInlineSafe(headers.get('content-type') ?? '');
  const name = options.fileName ? `; filename*=UTF-8''${encodeURIComponent(options.fileName)}` : '';
  if (!safe) headers.set('content-security-policy', "sandbox; default-src 'none'");
  if (!safe || options.download) headers.set('content-disposition', `attachment${name}`);
  else if (name) headers.set('content-disposition', `inline${name}`);
}

/** If-None-Match holds our tag (a list, weak or strong: a GET compares weakly, RFC 9110 §13.1.2). */
export function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export async function serveStream(request: Request, object: Servable, options: ServeOptions): Promise<Response> {
  const etag = `"${object.etag.replace(/"/g, '')}"`;
  const headers = new Headers({
    'content-type': object.contentType,
    'accept-ranges': options.transform ? 'none' : 'bytes',
    etag,
    'cache-control': cacheControl(options),
    'x-content-type-options': 'nosniff',
    ...options.headers,
    ...corsHeaders(options.visibility),
  });
  setDisposition(headers, options);
  if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  try {
    if (options.transform) return new Response(options.transform(await readText(await object.open())), { headers });
    const range = parseRange(request.headers.get('range'), object.size);
    if (range.kind === 'unsatisfiable') {
      headers.set('content-range', `bytes */${object.size}`);
      return new Response(null, { status: 416, headers });
    }
    const served = range.kind === 'range' ? range.range : undefined;
    const end = served ? served.end! : object.size - 1;
    headers.set('content-length', String(object.size === 0 ? 0 : end - (served?.start ?? 0) + 1));
    if (served) headers.set('content-range', `bytes ${served.start}-${end}/${object.size}`);
    const status = served ? 206 : 200;
    if (request.method === 'HEAD' || object.size === 0) return new Response(null, { status, headers });
    return new Response(Readable.toWeb(await object.open(served)) as ReadableStream<Uint8Array>, { status, headers });
  } catch (error) {
    // Gone between the look-up and the read (a concurrent delete): as if it had never been there.
    if (error instanceof NotFoundError) return notFound({ ...corsHeaders(options.visibility) });
    throw error;
  }
}

/** An object's stored content type or, when it was stored untyped, the type its name says. */
export function storedContentType(head: Pick<ObjectInfo, 'key' | 'contentType'>): string {
  return head.contentType === 'application/octet-stream' ? contentTypeFromName(head.key) : head.contentType;
}

/** An object of the store by key (derivatives), typed by its stored content type or, failing that, its name. */
export async function serveObject(request: Request, store: ObjectStore, key: string, options: ServeOptions): Promise<Response> {
  const head = await store.head(key);
  if (!head) return notFound({ ...corsHeaders(options.visibility) });
  return serveStream(request, { size: head.size, etag: head.etag, contentType: storedContentType(head), open: async (range) => (await store.get(key, range)).body }, options);
}

async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
