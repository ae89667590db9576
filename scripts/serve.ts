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
import { CompressedAssets, preferredEncoding } from '../lib/http/compressed-assets';
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
 * Sends a kept page, compressed as the client accepts (Next compresses the pages it renders itself). Brotli at
 * quality 5: 10 % smaller than 4 for ~0.6 ms more per page; a record page then fits in fewer round trips.
 */
function sendKept(request: http.IncomingMessage, response: http.ServerResponse, status: number, headers: [string, string][], body: Buffer): void {
  const encoding = preferredEncoding(request);
  const sent =
    encoding === 'br'
      ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : encoding === 'gzip'
        ? zlib.gzipSync(body, { level: 4 })
        : body;
  for (const [name, value] of headers) response.setHeader(name, value);
  response.setHeader(CACHE_STATE, 'hit');
  response.setHeader('vary', 'Accept-Encoding');
  if (encoding) response.setHeader('content-encoding', encoding);
  response.setHeader('content-length', sent.length);
  response.writeHead(status);
  response.end(request.method === 'HEAD' ? undefined : sent);
}

/** The plain text of a body Next compressed as the client asked, or undefined for an encoding we do not keep. */
function decoded(body: Buffer, encoding: string): Buffer | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    default:
      return undefined;
  }
}

/**
 * Lets Next answer, and keeps a copy of what it sends. The response streams to the client as Next writes it,
 * compressed as the client accepts (the first visitor after every change is a visitor too: a record page is
 * 133 KB plain, 29 KB compressed); the copy is decompressed once, so that its nonce can be rewritten.
 */
function renderAndKeep(request: http.IncomingMessage, response: http.ServerResponse, handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>, keep: (status: number, headers: [string, string][], body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > 4 * 1024 * 1024) overflow = true;
    else chunks.push(buffer);
  };
  let headHeaders: Record<string, string | string[] | number> = {};
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => http.ServerResponse;
  response.writeHead = ((...args: unknown[]) => {
    const last = args[args.length - 1];
    if (last && typeof last === 'object' && !Array.isArray(last)) headHeaders = { ...headHeaders, ...(last as Record<string, string>) };
    return writeHead(...args);
  }) as typeof response.writeHead;
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  response.write = ((...args: unknown[]) => {
    collect(args[0], args[1]);
    return write(...args);
  }) as typeof response.write;
  const end = response.end.bind(response) as (...args: unknown[]) => http.ServerResponse;
  response.end = ((...args: unknown[]) => {
    collect(args[0], args[1]);
    const result = end(...args);
    const headers: Record<string, string | string[] | number | undefined> = { ...response.getHeaders(), ...Object.fromEntries(Object.entries(headHeaders).map(([k, v]) => [k.toLowerCase(), v])) };
    // Decompressed only when it may be kept (never a 404, or a page that sets a session cookie), and checked again
    // at its plain size.
    const keepable = !overflow && request.method === 'GET' && mayKeep(response.statusCode, headers, size);
    const body = keepable ? decoded(Buffer.concat(chunks), String(headers['content-encoding'] ?? '').trim().toLowerCase()) : undefined;
    if (body && mayKeep(response.statusCode, headers, body.length)) {
      const kept = Object.entries(headers)
        .filter(([name, value]) => value !== undefined && !TRANSFER_HEADERS.has(name) && name !== CACHE_STATE)
        .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)] as [string, string]);
      keep(response.statusCode, kept, body);
    }
    return result;
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
