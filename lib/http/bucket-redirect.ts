/**
 * Media bytes off the web process (MEDIA_DELIVERY=bucket, S3 only). The
 * access-checking routes stay the one door: they decide who may see what
 * exactly as before, and only then, instead of streaming, answer with a
 * redirect to where the browser fetches the bytes itself:
 *
 *   - derivatives of records anyone may see → MEDIA_BASE_URL + key (a CDN,
 *     or the bucket with anonymous read on `derivatives/`); the redirect
 *     itself may be cached a while, and is readable from any origin;
 *   - everything else (restricted media, originals) → a presigned GET URL
 *     of at most five minutes, `private, no-store`, issued per request, so
 *     a viewer who loses access loses it within minutes. Range works on it
 *     (S3 honours Range on presigned GETs), and the content type and any
 *     attachment name are signed into it (response-content-type/-disposition).
 *
 * A HEAD is answered here from the object's metadata: it carries no bytes to
 * offload, and a URL presigned for GET is refused for HEAD (the method is
 * part of the signature).
 *
 * Two kinds stay streamed by the web process (return undefined):
 *   - text tracks (WebVTT): a <track> of a <video> without `crossorigin`
 *     (ours) loads only from the page's own origin;
 *   - HLS playlists that would need a signature. A playlist names its
 *     segments relative to itself; fetched from a presigned URL they would
 *     resolve to unsigned bucket URLs and fail. Rewriting the playlist with
 *     presigned segment URLs would not do either: a VOD playlist is read once,
 *     so segments signed for five minutes die mid-film. Served from here the
 *     playlist (a few hundred bytes) keeps its segments on this route, and each
 *     segment request is checked and redirected on its own, with a fresh URL.
 *     Public playlists under MEDIA_BASE_URL are redirected: their segments
 *     resolve against the CDN, which needs no signature.
 */
import type { MediaDelivery } from '../config';
import type { ObjectStore } from '../storage';
import { OPEN_CORS, corsHeaders, isInlineSafe } from './serve-object';

export interface BucketObject {
  key: string;
  contentType: string;
  visibility: 'public' | 'private';
  /** A derivative (under `derivatives/`, which MEDIA_BASE_URL maps); originals are always presigned. */
  derivative: boolean;
  /** The name a browser saves it under. */
  fileName?: string;
  /** Asked for as a download: an attachment. */
  download?: boolean;
}

const baseType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();
const isTextTrack = (contentType: string) => baseType(contentType) === 'text/vtt';
const isPlaylist = (contentType: string, key: string) => baseType(contentType) === 'application/vnd.apple.mpegurl' || key.endsWith('.m3u8');

/** A key as a URL path: each segment escaped, commas (IIIF region paths) kept as they are. */
function keyPath(key: string): string {
  return key.split('/').map((segment) => encodeURIComponent(segment).replace(/%2C/gi, ',')).join('/');
}

/** As lib/http/serve-object.ts decides it: inline only for passive types not asked for as a download. */
function disposition(object: BucketObject): string | undefined {
  const name = object.fileName ? `; filename*=UTF-8''${encodeURIComponent(object.fileName)}` : '';
  if (!isInlineSafe(object.contentType) || object.download) return `attachment${name}`;
  return name ? `inline${name}` : undefined;
}

/** 307: the method is kept whatever the client (only GETs are redirected). */
function redirect(location: string, headers: Record<string, string>): Response {
  return new Response(null, { status: 307, headers: { location, 'x-content-type-options': 'nosniff', ...headers } });
}

/**
 * The redirect that replaces streaming `object`, or undefined when this
 * process should stream it (no bucket delivery, a store that cannot sign,
 * a HEAD, or one of the two kinds above). Call only after the access decision.
 */
export async function bucketRedirect(
  request: Request,
  store: ObjectStore,
  delivery: MediaDelivery | undefined,
  object: BucketObject,
): Promise<Response | undefined> {
  if (!delivery || !store.signedGetUrl || request.method !== 'GET' || isTextTrack(object.contentType)) return undefined;
  const unsigned =
    delivery.publicBaseUrl && object.derivative && object.visibility === 'public' && isInlineSafe(object.contentType) && !object.download
      ? `${delivery.publicBaseUrl}${keyPath(object.key)}`
      : undefined;
  // An hour, not the year the bytes themselves are kept: the record may be restricted later.
  if (unsigned) return redirect(unsigned, { 'cache-control': 'public, max-age=3600', ...OPEN_CORS });
  if (isPlaylist(object.contentType, object.key)) return undefined;
  const contentDisposition = disposition(object);
  const url = await store.signedGetUrl(object.key, {
    expiresInSeconds: delivery.signedUrlSeconds,
    contentType: object.contentType,
    ...(contentDisposition ? { contentDisposition } : {}),
  });
  // The URL is a bearer token: never kept by any cache, never readable cross-origin unless anyone may see the bytes anyway.
  return redirect(url, { 'cache-control': 'private, no-store', ...corsHeaders(object.visibility) });
}
