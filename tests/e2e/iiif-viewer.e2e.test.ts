/**
 * Issue #15: a real IIIF viewer on another site plays our video and loads
 * its captions.
 *
 * Mirador 4 (npm `mirador`, its self-contained UMD build
 * dist/mirador.min.js) is served by a second tiny static HTTP server on
 * another loopback port, i.e. from another origin than the archive. It
 * opens a public video record's manifest, is sent to the video canvas, and
 * its <video crossorigin="anonymous"> must play (currentTime advances) and
 * its caption track must load cues: both only work when the archive's media
 * and caption responses allow cross-origin reading (CORS), which is what
 * real IIIF viewers need and what this test proves end to end.
 */
import { readFile, readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { recordIdFromSeed } from '@/lib/records/ids';
import { RecordBody } from '@/lib/records/schema';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';

const baseUrl = inject('baseUrl');

type Json = Record<string, unknown> & { items?: Json[]; annotations?: Json[]; body?: Json; id?: string; type?: string; format?: string };

const MIRADOR = path.join(ROOT, 'node_modules', 'mirador', 'dist', 'mirador.min.js');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mirador on another origin</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="/mirador.min.js"></script><script src="/start.js"></script></body></html>`;

/** Opens the manifest (and canvas) named in the query string, as any site embedding Mirador would. */
const START = `const q = new URLSearchParams(location.search);
window.mirador = Mirador.viewer({
  id: 'viewer',
  windows: [{ manifestId: q.get('manifest'), canvasId: q.get('canvas') }],
  window: { allowClose: false, defaultSideBarPanel: 'info', sideBarOpenByDefault: false },
  workspaceControlPanel: { enabled: false },
});`;

/** A static server for the viewer: another origin than the archive (another port), no knowledge of it. */
function startViewerSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://viewer');
    const send = (type: string, body: string | Buffer) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (pathname === '/') send('text/html; charset=utf-8', PAGE);
    else if (pathname === '/start.js') send('text/javascript; charset=utf-8', START);
    else if (pathname === '/mirador.min.js') {
      readFile(MIRADOR).then(
        (body) => send('text/javascript; charset=utf-8', body),
        () => {
          response.writeHead(500).end('mirador is not installed (npm install)');
        },
      );
    } else response.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** The first public demo record whose manifest has a video canvas with WebVTT captions. */
async function publicVideoWithCaptions(): Promise<{ manifest: string; canvas: string; video: string; captions: string[] }> {
  const dir = path.join(ROOT, 'content', 'records');
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const body = RecordBody.parse(JSON.parse(await readFile(path.join(dir, name), 'utf8')));
    if (!maySeeRecord(ANONYMOUS, body)) continue;
    const manifestUrl = `${baseUrl}/iiif/${recordIdFromSeed(`demo:${body.slug}`)}/manifest.json`;
    const response = await fetch(manifestUrl);
    if (response.status !== 200) continue;
    const manifest = (await response.json()) as Json;
    for (const canvas of manifest.items ?? []) {
      const painted = canvas.items?.[0]?.items?.[0]?.body;
      const captions = (canvas.annotations ?? []).flatMap((page) => page.items ?? []).map((a) => a.body!).filter((b) => b.format === 'text/vtt');
      if (painted?.type === 'Video' && captions.length) return { manifest: manifestUrl, canvas: String(canvas.id), video: String(painted.id), captions: captions.map((c) => String(c.id)) };
    }
  }
  throw new Error('no public demo record with a captioned video canvas');
}

describe('a IIIF viewer on another origin (Mirador 4)', () => {
  let browser: Browser;
  let page: Page;
  let site: Awaited<ReturnType<typeof startViewerSite>>;
  let target: Awaited<ReturnType<typeof publicVideoWithCaptions>>;
  const seen: { url: string; status: number; acao: string | undefined; range: boolean }[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    target = await publicVideoWithCaptions();
    site = await startViewerSite();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('response', (r) => {
      if (r.url().startsWith(baseUrl)) seen.push({ url: r.url(), status: r.status(), acao: r.headers()['access-control-allow-origin'], range: Boolean(r.request().headers().range) });
    });
    page.on('requestfailed', (r) => {
      if (r.url().startsWith(baseUrl)) problems.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('plays the video and loads a caption cue, reading both across origins', async () => {
    expect(new URL(site.origin).origin).not.toBe(new URL(baseUrl).origin);
    await page.goto(`${site.origin}/?manifest=${encodeURIComponent(target.manifest)}&canvas=${encodeURIComponent(target.canvas)}`);
    const video = page.locator('video').first();
    await video.waitFor({ state: 'attached', timeout: 60_000 });
    // Mirador asks for CORS on its players: without Access-Control-Allow-Origin the video would never load.
    expect(await video.evaluate((v: HTMLVideoElement) => v.crossOrigin)).toBe('anonymous');
    expect(await video.locator('source').first().getAttribute('src')).toBe(target.video);
    expect(await video.locator('track').count()).toBeGreaterThan(0);

    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      void v.play().catch(() => undefined);
    });
    try {
      await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).currentTime > 0.3, undefined, { timeout: 30_000 });
    } catch (error) {
      throw new Error(`the video did not play: ${(error as Error).message}\n${problems.join('\n')}`);
    }

    // Tracks load once shown (or hidden, for scripts): then their cues arrive, cross-origin.
    await video.evaluate((v: HTMLVideoElement) => {
      for (const track of Array.from(v.textTracks)) track.mode = 'hidden';
    });
    try {
      await page.waitForFunction(() => Array.from((document.querySelector('video') as HTMLVideoElement).textTracks).some((t) => (t.cues?.length ?? 0) > 0), undefined, { timeout: 30_000 });
    } catch (error) {
      throw new Error(`no caption cue loaded: ${(error as Error).message}\n${problems.join('\n')}`);
    }

    // What the browser saw: the video and a caption, each readable by the viewer's origin.
    const media = seen.filter((s) => s.url === target.video);
    expect(media.length).toBeGreaterThan(0);
    for (const s of media) {
      expect([200, 206], s.url).toContain(s.status);
      expect(s.acao, s.url).toBe('*');
    }
    const captions = seen.filter((s) => target.captions.includes(s.url));
    expect(captions.length).toBeGreaterThan(0);
    for (const s of captions) {
      expect(s.status, s.url).toBe(200);
      expect(s.acao, s.url).toBe('*');
    }
    expect(seen.find((s) => s.url === target.manifest)?.acao).toBe('*');
  }, 120_000);
});
