/**
 * The build's scripts and stylesheets go out brotli-compressed to browsers
 * that take it, byte for byte the file on disk once decoded; everything else
 * (other clients, other files, paths that climb out of the folder) is left to
 * Next. A real HTTP server on loopback, with a folder laid out as a build.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferredEncoding } from '@/lib/http/accept-encoding';
import { CompressedAssets } from '@/lib/http/compressed-assets';

const NEXT_ANSWERED = 'left to next';
/** Compressible like a real chunk: repeated code with some variety. */
const SCRIPT = Array.from({ length: 2000 }, (_, i) => `function f${i}(a){return a*${i}+"${(i * 7919).toString(36)}"}`).join(';');
const STYLES = Array.from({ length: 500 }, (_, i) => `.c${i}{margin:${i}px;color:#${(i * 4099).toString(16).padStart(6, '0').slice(0, 6)}}`).join('');

let root: string;
let baseUrl: string;
let server: http.Server;
let prepared: number;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'disan-assets-'));
  const staticDir = path.join(root, '.next', 'static');
  await mkdir(path.join(staticDir, 'chunks', 'app', '[locale]'), { recursive: true });
  await mkdir(path.join(staticDir, 'css'), { recursive: true });
  await writeFile(path.join(staticDir, 'chunks', 'main-abc123.js'), SCRIPT);
  await writeFile(path.join(staticDir, 'chunks', 'app', '[locale]', 'layout-def456.js'), SCRIPT.slice(0, 5000));
  await writeFile(path.join(staticDir, 'css', 'site-0a1b.css'), STYLES);
  await writeFile(path.join(staticDir, 'chunks', 'logo.png'), 'not a script');
  await writeFile(path.join(root, '.next', 'secret.js'), 'outside the static folder');
  const assets = new CompressedAssets(staticDir);
  prepared = await assets.prepare();
  server = http.createServer((request, response) => {
    if (assets.serve(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' }).end(NEXT_ANSWERED);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

/** A raw request: fetch would decompress (and send its own Accept-Encoding). */
function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${pathname}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

const CHROME = { 'accept-encoding': 'gzip, deflate, br, zstd' };

describe('the build’s static scripts and stylesheets', () => {
  it('go out brotli-compressed to a browser that takes it, the same bytes once decoded, cached for a year', async () => {
    expect(prepared).toBe(3);
    for (const [url, plain, type] of [
      ['/_next/static/chunks/main-abc123.js', SCRIPT, 'application/javascript; charset=UTF-8'],
      ['/_next/static/css/site-0a1b.css', STYLES, 'text/css; charset=UTF-8'],
      ['/_next/static/chunks/main-abc123.js?dpl=build-1', SCRIPT, 'application/javascript; charset=UTF-8'],
    ] as const) {
      const answer = await get(url, CHROME);
      expect(answer.status, url).toBe(200);
      expect(answer.headers['content-encoding'], url).toBe('br');
      expect(answer.headers['content-type'], url).toBe(type);
      expect(answer.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.vary, url).toBe('Accept-Encoding');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(brotliDecompressSync(answer.body).toString('utf8'), url).toBe(plain);
      expect(answer.body.length, url).toBeLessThan(plain.length / 3);
    }
  });

  it('are found under the names the browser asks for, escaped or not', async () => {
    for (const url of ['/_next/static/chunks/app/%5Blocale%5D/layout-def456.js', '/_next/static/chunks/app/[locale]/layout-def456.js']) {
      const answer = await get(url, CHROME);
      expect(answer.headers['content-encoding'], url).toBe('br');
      expect(brotliDecompressSync(answer.body).toString('utf8')).toBe(SCRIPT.slice(0, 5000));
    }
  });

  it('answer a revalidation with 304 and a HEAD with headers only', async () => {
    const first = await get('/_next/static/chunks/main-abc123.js', CHROME);
    const again = await get('/_next/static/chunks/main-abc123.js', { ...CHROME, 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get('/_next/static/chunks/main-abc123.js', CHROME, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(first.headers['content-length']);
    expect(head.body.length).toBe(0);
  });

  it('are left to Next for clients without brotli, range requests, writes and files of other kinds', async () => {
    const clients: Record<string, string>[] = [{}, { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'gzip, br;q=0' }, { ...CHROME, range: 'bytes=0-99' }];
    for (const headers of clients) {
      const answer = await get('/_next/static/chunks/main-abc123.js', headers);
      expect(answer.body.toString(), JSON.stringify(headers)).toBe(NEXT_ANSWERED);
    }
    expect((await get('/_next/static/chunks/main-abc123.js', CHROME, 'POST')).body.toString()).toBe(NEXT_ANSWERED);
    expect((await get('/_next/static/chunks/logo.png', CHROME)).body.toString()).toBe(NEXT_ANSWERED);
    expect((await get('/chunks/main-abc123.js', CHROME)).body.toString()).toBe(NEXT_ANSWERED);
  });

  it('never reach outside the static folder, whatever the path says', async () => {
    for (const url of [
      '/_next/static/../secret.js',
      '/_next/static/%2e%2e/secret.js',
      '/_next/static/..%2Fsecret.js',
      '/_next/static/chunks/..%2F..%2Fsecret.js',
      '/_next/static/%252e%252e/secret.js',
      '/_next/static/%E0%A4%A/main.js',
      '/_next/static/chunks%2Fmain-abc123.js/..%2F..%2F..%2Fsecret.js',
    ]) {
      const answer = await get(url, CHROME);
      expect(answer.status, url).toBe(404);
      expect(answer.body.toString(), url).toBe(NEXT_ANSWERED);
    }
  });
});

describe('the encoding a client is answered in', () => {
  const asked = (acceptEncoding?: string) => preferredEncoding({ headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } } as http.IncomingMessage);

  it('is brotli when the client takes it, whatever order it lists encodings in, then gzip, else none', () => {
    expect(asked('gzip, deflate, br, zstd')).toBe('br');
    expect(asked('br, gzip')).toBe('br');
    expect(asked('gzip')).toBe('gzip');
    expect(asked('deflate')).toBeUndefined();
    expect(asked('identity')).toBeUndefined();
  });

  it('honours a refusal (q=0) and a stated preference', () => {
    expect(asked('br;q=0, gzip')).toBe('gzip');
    expect(asked('br;q=0.2, gzip;q=0.9')).toBe('gzip');
    expect(asked('*;q=0')).toBeUndefined();
  });
});
