/**
 * The headers every response carries, and the Content Security Policy of
 * pages. Pages get a fresh nonce per request: Next.js reads it from the
 * request's policy and puts it on its own scripts, so nothing else (an
 * injected <script>, an inline event handler) runs. Styles stay
 * 'unsafe-inline' because Leaflet and React style attributes need it, and a
 * style cannot run code.
 */
import type { Config } from '../config';

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}

/** The map tiles' origin as a CSP source (a {s} subdomain template becomes a wildcard). */
function tileSource(tileUrl: string): string | undefined {
  try {
    const url = new URL(tileUrl.replace('{s}', 'x-subdomain').replace(/\{[^}]+\}/g, '0'));
    return url.host.startsWith('x-subdomain.') ? `${url.protocol}//*.${url.host.slice('x-subdomain.'.length)}` : url.origin;
  } catch {
    return undefined;
  }
}

export function pagePolicy(nonce: string, config: Pick<Config, 'env' | 'siteUrl' | 'map' | 'delivery'>): string {
  const tiles = tileSource(config.map.tileUrl);
  // With bucket delivery, media routes redirect to the CDN or to presigned bucket URLs: pictures, players and hls.js load from there.
  const media = (config.delivery?.origins ?? []).map((origin) => ` ${origin}`).join('');
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts our nonced scripts load (the lazily loaded players and maps) may run; nothing else.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${config.env === 'development' ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}${media}`,
    // hls.js plays through Media Source blobs and may run its demuxer in a blob worker.
    `media-src 'self' blob:${media}`,
    "worker-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${media}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ];
  if (config.siteUrl.startsWith('https:')) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** Machine-readable answers (JSON, XML) never render as a page: nothing may load or run in them. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers for every response, whatever it is. */
export const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  // For browsers that predate frame-ancestors; the studio above all must never be framed (clickjacking).
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
