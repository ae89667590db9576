/**
 * The production web server: Next.js behind a thin Node HTTP server that
 * decides who the client is. Next itself believes any X-Forwarded-For a
 * client sends, so rate limits, sign-in throttling and the audit log could be
 * walked past with a new header per request. Here forwarding headers survive
 * only when the socket's peer is a proxy named by TRUST_PROXY; the resolved
 * address reaches the app in a header whose name is chosen at random per
 * process (lib/http/client-address.ts).
 *
 * It also serves public pages to anonymous visitors from memory once
 * rendered, until the catalog changes (lib/http/page-cache.ts).
 *
 *   npm start            (PORT, HOST, SITE_URL, TRUST_PROXY from the environment)
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import next from 'next';
import { assignClientAddressHeader, getConfig, type Config } from '../lib/config';
import { preferredEncoding } from '../lib/http/accept-encoding';
import { CompressedAssets } from '../lib/http/compressed-assets';
import { isTrustedProxy, resolveClientAddress } from '../lib/http/client-address';
import { freshCopy, localGeneration, mayKeep, nonceOf, pageCacheKey, PageCache } from '../lib/http/page-cache';
import { SharedGeneration } from '../lib/http/shared-generation';
import { indexWriteStamp } from '../lib/search/embedded';

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];
/** Not kept with a page: they describe one connection or one transfer. */
const TRANSFER_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date']);
const CACHE_STATE = 'x-disan-cache';

/**
 * What kept pages are valid for: this process's commits, every process's changes announced in Redis (REDIS_URL:
 * web servers and workers on other machines; read at most once a second), and (embedded index) any process's writes
 * to the index file.
 */
async function catalogGeneration(config: Config, shared: SharedGeneration | undefined): Promise<string> {
  const everywhere = shared ? await shared.read() : '';
  return `${localGeneration()}:${everywhere}:${config.search.driver === 'embedded' ? indexWriteStamp(config.search.dir) : ''}`;
}

/**
 * How pages are compressed, kept or rendered fresh. Brotli quality 5: 10 % smaller than 4 for ~0.6 ms more per
 * page; a record page then fits in fewer round trips.
 */
const PAGE_BROTLI: zlib.BrotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } };
const PAGE_GZIP: zlib.ZlibOptions = { level: 4 };

/** Sends a kept page, compressed as the client accepts. */
function sendKept(request: http.IncomingMessage, response: http.ServerResponse, status: number, headers: [string, string][], body: Buffer): void {
  const encoding = preferredEncoding(request);
  const sent =
    encoding === 'br'
      ? zlib.brotliCompressSync(body, { params: { ...PAGE_BROTLI.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : encoding === 'gzip'
        ? zlib.gzipSync(body, PAGE_GZIP)
        : body;
  for (const [name, value] of headers) response.setHeader(name, value);
  response.setHeader(CACHE_STATE, 'hit');
  response.setHeader('vary', 'Accept-Encoding');
  if (encoding) response.setHeader('content-encoding', encoding);
  response.setHeader('content-length', sent.length);
  response.writeHead(status);
  response.end(request.method === 'HEAD' ? undefined : sent);
}

/**
 * Lets Next answer, and keeps a copy of what it sends. Next renders the page plain (it would gzip it) and it is
 * compressed here as it streams, brotli where the client takes it: the first visitor after every change, and every
 * visitor of the long tail of records a minute apart, gets the same 19 KB record page as the next one instead of
 * 30 KB of gzip. Each chunk Next writes is flushed through at once, so the page still streams.
 */
function renderAndKeep(request: http.IncomingMessage, response: http.ServerResponse, handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>, keep: (status: number, headers: [string, string][], body: Buffer) => void): void {
  const encoding = preferredEncoding(request);
  request.headers['accept-encoding'] = 'identity';
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const collect = (chunk: unknown, encoding?: unknown): Buffer | undefined => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
    const buffer = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > 4 * 1024 * 1024) overflow = true;
    else if (!overflow) chunks.push(buffer);
    return buffer;
  };
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => http.ServerResponse;
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => http.ServerResponse;

  // Decided once, before the first byte: compress a body (not a HEAD, a 204 or a 304) the client takes compressed.
  let compressor: zlib.BrotliCompress | zlib.Gzip | undefined;
  let decided = false;
  const decide = () => {
    if (decided) return;
    decided = true;
    if (!encoding || request.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304 || response.headersSent) return;
    if (response.getHeader('content-encoding')) return; // already encoded by whoever wrote it
    response.removeHeader('content-length');
    response.setHeader('content-encoding', encoding);
    const vary = String(response.getHeader('vary') ?? '');
    if (!/\baccept-encoding\b/i.test(vary)) response.setHeader('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    compressor = encoding === 'br' ? zlib.createBrotliCompress(PAGE_BROTLI) : zlib.createGzip(PAGE_GZIP);
    compressor.on('data', (data: Buffer) => write(data));
    compressor.on('error', () => response.destroy());
  };
  response.writeHead = ((status: number, ...rest: unknown[]) => {
    // Headers given here go through setHeader, so that decide() sees and adjusts them all.
    const last = rest[rest.length - 1];
    if (last && typeof last === 'object' && !Array.isArray(last)) {
      for (const [name, value] of Object.entries(last as Record<string, string | string[] | number>)) response.setHeader(name, value);
      rest.pop();
    } else if (Array.isArray(last)) {
      decided = true; // raw header pairs: sent as Next wrote them, uncompressed
    }
    response.statusCode = status;
    decide();
    return writeHead(status, ...rest);
  }) as typeof response.writeHead;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    decide();
    const buffer = collect(chunk, rest[0]);
    if (!compressor) return write(chunk, ...rest);
    if (buffer) {
      compressor.write(buffer);
      compressor.flush();
    }
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof response.write;
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    decide();
    const buffer = collect(chunk, rest[0]);
    const callback = [chunk, ...rest].find((r) => typeof r === 'function') as (() => void) | undefined;
    if (compressor) {
      compressor.once('end', () => end(callback));
      compressor.end(buffer);
    } else {
      end(chunk, ...rest);
    }
    const headers = response.getHeaders();
    // The copy is the page as rendered, plain; never a 404, or a page that sets a session cookie.
    const body = Buffer.concat(chunks);
    const encodedByOthers = !compressor && headers['content-encoding'] !== undefined;
    if (!overflow && !encodedByOthers && request.method === 'GET' && mayKeep(response.statusCode, headers, body.length)) {
      const kept = Object.entries(headers)
        .filter(([name, value]) => value !== undefined && !TRANSFER_HEADERS.has(name) && name !== CACHE_STATE)
        .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)] as [string, string]);
      keep(response.statusCode, kept, body);
    }
    return response;
  }) as typeof response.end;
  response.setHeader(CACHE_STATE, 'miss');
  void handle(request, response);
}

/**
 * Closes the upload lock's Redis connections (lib/uploads/locker.ts): opened by the app's bundle, found by this
 * script's own copy of the module through globalThis; loaded only with REDIS_URL. Locks still held are left to
 * expire, as their requests may still be writing. (The page generation and limit clients just end with the process.)
 */
async function closeUploadLocks(config: Config): Promise<void> {
  if (!config.redis) return;
  const { closeUploadLockers } = await import('../lib/uploads/locker');
  await closeUploadLockers().catch(() => undefined);
}

async function main(): Promise<void> {
  const addressHeader = assignClientAddressHeader(randomBytes(16).toString('hex'));
  const config = getConfig();
  const root = path.resolve(import.meta.dirname, '..');
  const app = next({ dev: false, dir: root, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const pages = new PageCache();
  const assets = new CompressedAssets(path.join(root, '.next', 'static'));
  void assets.prepare().catch((error: unknown) => console.error(`static files stay gzip-only: ${error instanceof Error ? error.message : error}`));
  const shared = config.redis ? new SharedGeneration(config.redis.url) : undefined;

  const server = http.createServer((request, response) => {
    if (assets.serve(request, response)) return;
    const peer = request.socket.remoteAddress;
    request.headers[addressHeader] = resolveClientAddress(peer, request.headers['x-forwarded-for'], config.trustProxy);
    // From anyone but a trusted proxy, forwarding headers are the client's own words: drop them, so Next
    // (and tus) derive host and scheme from the connection itself.
    if (!isTrustedProxy(peer, config.trustProxy)) for (const name of FORWARDING_HEADERS) delete request.headers[name];
    const key = pageCacheKey(request);
    if (!key) return void handle(request, response);
    // Never rejects (a failed Redis read keeps the last value). Taken before rendering: a page rendered while a
    // change lands is kept under the generation before it, so it is dropped once the change is seen.
    void catalogGeneration(config, shared).then((generation) => {
      const kept = pages.get(key, generation);
      if (kept) {
        const copy = freshCopy(kept);
        return sendKept(request, response, kept.status, copy.headers, copy.body);
      }
      renderAndKeep(request, response, handle, (status, headers, body) => {
        const policy = headers.find(([name]) => name === 'content-security-policy')?.[1];
        const nonce = nonceOf(policy);
        pages.set(key, { status, headers, body, ...(nonce ? { nonce } : {}), generation, storedAt: Date.now() });
      });
    });
  });
  server.listen(config.port, config.host, () => {
    console.log(`Di Sản is serving ${config.siteUrl} (listening on ${config.host}:${config.port})`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close();
      // Open keep-alive connections and running derivative jobs must not hold the process forever.
      setTimeout(() => process.exit(0), 3_000).unref();
      void app
        .close()
        .finally(() => closeUploadLocks(config))
        .finally(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
