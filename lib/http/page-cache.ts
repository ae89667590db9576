/**
 * Rendered public pages for anonymous visitors, kept in memory by the
 * production server (scripts/serve.ts). Visitors come in spikes (a festival
 * on television): rendering a record page costs tens of milliseconds of CPU,
 * serving it from here costs a fraction of one.
 *
 * What may be kept, and for whom:
 *   - only GET/HEAD of public pages and feeds (not the studio, the API —
 *     which counts requests —, media, uploads, or Next's client navigation
 *     payloads), only from visitors with no session cookie and no
 *     Authorization; a signed-in viewer may see more, and always bypasses;
 *   - only 200 responses that set no cookie but their language's, and do not say `x-disan-keep: no`.
 * When it is dropped: whenever the catalog changes (a commit in this process,
 * a derivative finished, or — for the embedded index — any write to the index
 * file by any process: the CLI import, the worker; with REDIS_URL, any change
 * any process announced in Redis: lib/http/shared-generation.ts), and after
 * MAX_AGE_MS at the latest (vocabulary edits, which no index write announces).
 *
 * Pages carry a per-response CSP nonce (lib/http/security-headers.ts): a kept
 * page is served with a fresh nonce written over the old one, in the body and
 * in the Content-Security-Policy header, so no two responses share one.
 */
import { randomBytes } from 'node:crypto';

export const MAX_AGE_MS = 60_000;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Public pages in a language, feeds, the sitemap. */
const CACHEABLE_PATH = /^\/((vi|en)(\/.*)?|feeds\/.*|sitemap\.xml|sitemaps\/.*|robots\.txt)$/;
/** A visitor who is someone: their pages may show more than the public's. */
const SESSION_COOKIE = /(^|;\s*)disan_session=/;

export interface CacheableRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The key a request's response is kept under, or undefined when this request must not be served from (or into) the cache. */
export function pageCacheKey(request: CacheableRequest): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const url = request.url ?? '';
  const pathname = url.split('?')[0]!;
  if (!CACHEABLE_PATH.test(pathname) || /%2e|\.\./i.test(pathname)) return undefined;
  const h = request.headers;
  if (h.authorization || SESSION_COOKIE.test(String(h.cookie ?? ''))) return undefined;
  // Next's client navigations and prefetches ask for an RSC payload of the same URL.
  if (h.rsc || h['next-router-state-tree'] || h['next-router-prefetch'] || h['next-action'] || /[?&]_rsc=/.test(url)) return undefined;
  return `${String(h.host ?? '')}\u0000${url}`;
}

export interface KeptPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /** The nonce the page was rendered with (written over on every response), if any. */
  nonce?: string;
  /** Where the nonce stands in the body, in bytes (found on the first response, reused after). */
  nonceAt?: number[];
  generation: string;
  storedAt: number;
}

/**
 * Whether a finished response may be kept. The only cookie it may set is the language of its own path (next-intl's
 * NEXT_LOCALE: the same for every visitor of /vi/…). Next marks every dynamic page `private, no-store` for browsers
 * and proxies, which it keeps sending: that says nothing about this cache, which knows who is asking; a page that
 * must not be kept says `x-disan-keep: no`.
 */
export function mayKeep(status: number, headers: Record<string, string | string[] | number | undefined>, bytes: number): boolean {
  if (status !== 200 || bytes > MAX_ENTRY_BYTES) return false;
  const cookies = [headers['set-cookie'] ?? []].flat().map(String);
  if (cookies.some((cookie) => !/^NEXT_LOCALE=(vi|en);/.test(cookie))) return false;
  return String(headers['x-disan-keep'] ?? '') !== 'no';
}

/** The nonce of a page's Content-Security-Policy ('nonce-…'), if it has one. */
export function nonceOf(policy: string | undefined): string | undefined {
  return policy ? /'nonce-([A-Za-z0-9+/=_-]{16,})'/.exec(policy)?.[1] : undefined;
}

/**
 * A kept page as it goes out now: with a fresh nonce wherever the old one was. The new nonce has the old one's
 * length (16 random bytes in base64), so it is written over a copy of the body at the places found once, without
 * decoding the page: a hit then makes one copy of the page rather than three.
 */
export function freshCopy(page: KeptPage): { headers: [string, string][]; body: Buffer } {
  if (!page.nonce) return { headers: page.headers, body: page.body };
  const fresh = randomBytes(16).toString('base64');
  const old = page.nonce;
  const headers = page.headers.map(([name, value]): [string, string] => [name, value.split(old).join(fresh)]);
  if (fresh.length !== old.length) return { headers, body: Buffer.from(page.body.toString('utf8').split(old).join(fresh), 'utf8') };
  page.nonceAt ??= placesOf(page.body, Buffer.from(old, 'latin1'));
  const body = Buffer.from(page.body);
  for (const at of page.nonceAt) body.write(fresh, at, 'latin1');
  return { headers, body };
}

function placesOf(body: Buffer, needle: Buffer): number[] {
  const places: number[] = [];
  for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + needle.length)) places.push(at);
  return places;
}

/** Kept pages, least recently used dropped first, bounded in bytes. */
export class PageCache {
  private readonly pages = new Map<string, KeptPage>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_TOTAL_BYTES) {}

  get(key: string, generation: string, now = Date.now()): KeptPage | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    if (page.generation !== generation || now - page.storedAt > MAX_AGE_MS) {
      this.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.pages.delete(key);
    this.pages.set(key, page);
    return page;
  }

  set(key: string, page: KeptPage): void {
    this.delete(key);
    this.pages.set(key, page);
    this.bytes += page.body.length;
    for (const [oldest] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.bytes -= page.body.length;
    this.pages.delete(key);
  }

  get size(): number {
    return this.pages.size;
  }
}

const GENERATION = Symbol.for('disan.catalog.generation');
type WithGeneration = typeof globalThis & { [GENERATION]?: number };

/**
 * Tells kept pages that the catalog changed in this process. Through
 * globalThis: the server (scripts/serve.ts) and the app's bundle load their
 * own copies of this module, in the same process.
 */
export function catalogChanged(): void {
  const g = globalThis as WithGeneration;
  g[GENERATION] = (g[GENERATION] ?? 0) + 1;
}

export function localGeneration(): number {
  return (globalThis as WithGeneration)[GENERATION] ?? 0;
}
