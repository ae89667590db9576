/**
 * The path of a request below a route's prefix, as names: each segment
 * percent-decoded exactly once, from the URL as it was sent. Route params
 * are not used for this because whether the framework has already decoded
 * them is its business; decoding twice would turn a file named "50%.txt"
 * into an error, and decoding never is how "%E0%A4%A" used to become a 500.
 */

export type RoutePath = { ok: true; segments: string[] } | { ok: false; status: 400 | 404; message: string };

export const MALFORMED_PATH = 'Đường dẫn không hợp lệ / Malformed path';

/**
 * Segments after `prefix` (e.g. "/api/files/"). Refused with 400: a broken
 * percent-escape, a control character (NUL, CR, LF…), a slash or backslash
 * inside a segment (%2F, %5C), and empty, "." or ".." segments.
 */
export function routeSegments(request: Request, prefix: string): RoutePath {
  const { pathname } = new URL(request.url);
  if (!pathname.startsWith(prefix)) return { ok: false, status: 404, message: 'Không tìm thấy / Not found' };
  const segments: string[] = [];
  for (const raw of pathname.slice(prefix.length).split('/')) {
    const segment = decodeSegment(raw);
    if (segment === undefined) return { ok: false, status: 400, message: MALFORMED_PATH };
    segments.push(segment);
  }
  return { ok: true, segments };
}

function decodeSegment(raw: string): string | undefined {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    return undefined; // URIError: a "%" not followed by a valid UTF-8 escape
  }
  if (segment === '' || segment === '.' || segment === '..') return undefined;
  if (/[/\\\p{Cc}]/u.test(segment)) return undefined;
  return segment.normalize('NFC');
}
