/**
 * Issue #15, item 1: a IIIF viewer on another site (Mirador, the Universal
 * Viewer) reads our media cross-origin. Public media, captions and image
 * tiles (records anyone may see) are readable from any origin, with what a
 * player needs to seek (Content-Range, Accept-Ranges, Content-Length, ETag)
 * exposed, and CORS preflights of Range requests are answered. Media of
 * restricted records carry no Access-Control-Allow-Origin at all, so no
 * other site can read them with a signed-in visitor's cookies, and say
 * `Vary: Origin`.
 *
 * Drives the real route handlers (app/api/files, app/api/derivatives,
 * app/iiif) on a temporary archive, as tests/security/originals.test.ts does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { IIIF_ID_PLACEHOLDER } from '@/lib/media/image';
import { digestPrefix } from '@/lib/derivatives/manifest';
import type { MediaEntry } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, viewer: { kind: 'anonymous' } as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({ currentViewer: async () => state.viewer, currentUser: async () => undefined }));

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
type RouteModule = { GET: Handler; HEAD: Handler; OPTIONS?: Handler };
const files = (await import('@/app/api/files/[id]/[...path]/route')) as unknown as RouteModule;
const derivatives = (await import('@/app/api/derivatives/[id]/[d16]/[...path]/route')) as unknown as RouteModule;
const iiifImage = (await import('@/app/iiif/[id]/[d16]/[...path]/route')) as unknown as RouteModule;

const SITE = 'http://archive.test';
const VIEWER_ORIGIN = 'http://viewer.example';
const RESEARCHER: Viewer = { kind: 'user', id: 'nha-nghien-cuu', roles: ['researcher'], communities: [] };
const STAFF: Viewer = { kind: 'user', id: 'can-bo', roles: ['officer'], communities: [] };

const MP4 = Buffer.alloc(4096, 7);
const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.000\nchiêng\n';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/studio")</script></svg>';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

let temp: TempArchive;
interface Fixture {
  id: string;
  video: MediaEntry;
  d16: string;
}
/** Public and published. */
let open: Fixture;
/** Signed-in visitors only. */
let registered: Fixture;
/** Staff only. */
let draft: Fixture;

async function fixture(slug: string, overrides: Parameters<typeof sampleBody>[0]): Promise<Fixture> {
  const stored = await temp.records.create({
    body: sampleBody({ slug, ...overrides }),
    files: [
      { name: 'le-hoi.mp4', body: MP4, contentType: 'video/mp4', kind: 'video' },
      { name: 'le-hoi.vi.vtt', body: `${VTT}\n${slug}\n`, contentType: 'text/vtt', kind: 'caption', language: 'vie', of: 'le-hoi.mp4' },
      { name: 've.svg', body: SVG, contentType: 'image/svg+xml', kind: 'image' },
    ],
    user: operator,
  });
  const video = stored.record.media.find((m) => m.path === 'files/le-hoi.mp4')!;
  const d16 = digestPrefix(video.digest);
  const prefix = `derivatives/${stored.record.id}/${d16}`;
  await temp.store.put(`${prefix}/video/download.mp4`, MP4, { contentType: 'video/mp4' });
  await temp.store.put(`${prefix}/image/iiif/info.json`, JSON.stringify({ id: `${IIIF_ID_PLACEHOLDER}/iiif`, type: 'ImageService3', width: 1, height: 1 }), { contentType: 'application/json' });
  await temp.store.put(`${prefix}/image/iiif/0,0,1,1/1,1/0/default.jpg`, JPEG, { contentType: 'image/jpeg' });
  return { id: stored.record.id, video, d16 };
}

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE }), store: temp.store, records: temp.records, vocab: loadVocabularies(`${ROOT}/content`) } as Archive;
  open = await fixture('mo', { status: 'published' });
  registered = await fixture('dang-ky', { status: 'published', access: { level: 'registered', communities: [] } });
  draft = await fixture('nhap', {});
}, 60_000);

afterAll(async () => temp?.cleanup());

type Kind = 'original' | 'caption' | 'derivative' | 'iiif-info' | 'iiif-tile';

function url(f: Fixture, kind: Kind): string {
  switch (kind) {
    case 'original':
      return `/api/files/${f.id}/files/le-hoi.mp4`;
    case 'caption':
      return `/api/files/${f.id}/files/le-hoi.vi.vtt`;
    case 'derivative':
      return `/api/derivatives/${f.id}/${f.d16}/video/download.mp4`;
    case 'iiif-info':
      return `/iiif/${f.id}/${f.d16}/info.json`;
    case 'iiif-tile':
      return `/iiif/${f.id}/${f.d16}/0,0,1,1/1,1/0/default.jpg`;
  }
}

function routeOf(path: string): RouteModule {
  if (path.startsWith('/api/files/')) return files;
  if (path.startsWith('/api/derivatives/')) return derivatives;
  return iiifImage;
}

/** A request as a viewer on another origin sends it, through the route that serves `path`. */
function request(path: string, init: RequestInit & { viewer?: Viewer } = {}): Promise<Response> {
  state.viewer = init.viewer ?? ANONYMOUS;
  const method = init.method ?? 'GET';
  const route = routeOf(path);
  const handler = method === 'OPTIONS' ? route.OPTIONS : method === 'HEAD' ? route.HEAD : route.GET;
  if (!handler) throw new Error(`${path}: no ${method} handler`);
  const headers = new Headers(init.headers);
  if (!headers.has('origin')) headers.set('origin', VIEWER_ORIGIN);
  // Route params are not used by the handlers (they read the URL as sent); give them anyway, as Next.js does.
  return handler(new Request(`${SITE}${path}`, { method, headers }), { params: Promise.resolve({}) });
}

const exposed = (response: Response) => (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);

function expectReadableCrossOrigin(response: Response, what: string): void {
  expect(response.headers.get('access-control-allow-origin'), what).toBe('*');
  // A wildcard never lets another site read with the visitor's cookies, and we never say otherwise.
  expect(response.headers.get('access-control-allow-credentials'), what).toBeNull();
  for (const name of ['content-range', 'accept-ranges', 'content-length', 'etag']) expect(exposed(response), `${what} exposes ${name}`).toContain(name);
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
}

function expectNotCrossOrigin(response: Response, what: string): void {
  expect(response.headers.get('access-control-allow-origin'), what).toBeNull();
  expect(response.headers.get('access-control-expose-headers'), what).toBeNull();
  expect(response.headers.get('access-control-allow-credentials'), what).toBeNull();
  expect((response.headers.get('vary') ?? '').toLowerCase(), what).toContain('origin');
  expect(response.headers.get('cache-control'), what).toBe('private, no-store');
}

const KINDS: Kind[] = ['original', 'caption', 'derivative', 'iiif-info', 'iiif-tile'];

describe('public media are readable from any origin', () => {
  it.each(KINDS)('%s: GET, HEAD and conditional GET', async (kind) => {
    const path = url(open, kind);
    const whole = await request(path);
    expect(whole.status, path).toBe(200);
    expectReadableCrossOrigin(whole, `${kind} GET`);
    expect(whole.headers.get('cache-control')).toMatch(/^public/);
    const head = await request(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expectReadableCrossOrigin(head, `${kind} HEAD`);
    const etag = whole.headers.get('etag')!;
    const cached = await request(path, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each(['original', 'derivative'] as Kind[])('%s: a Range request is a readable 206 (seeking in a player on another site)', async (kind) => {
    const part = await request(url(open, kind), { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${MP4.length}`);
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(part.headers.get('content-length')).toBe('100');
    expectReadableCrossOrigin(part, `${kind} 206`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const beyond = await request(url(open, kind), { headers: { range: `bytes=${MP4.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a preflight for a Range request is answered on every media route', async () => {
    for (const kind of KINDS) {
      const path = url(open, kind);
      const preflight = await request(path, { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' } });
      expect([200, 204], path).toContain(preflight.status);
      expect(preflight.headers.get('access-control-allow-origin'), path).toBe('*');
      expect((preflight.headers.get('access-control-allow-methods') ?? '').toUpperCase().split(/\s*,\s*/), path).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/), path).toContain('range');
      expect(Number(preflight.headers.get('access-control-max-age')), path).toBeGreaterThan(0);
      expect(preflight.headers.get('access-control-allow-credentials'), path).toBeNull();
      expect(await preflight.text(), path).toBe('');
    }
  });

  it('what a browser could run stays a sandboxed attachment, readable or not', async () => {
    const svg = await request(`/api/files/${open.id}/files/ve.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(svg.headers.get('content-security-policy')).toMatch(/\bsandbox\b/);
    expect(svg.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a missing or hidden file reads as the same 404 from any origin', async () => {
    const missing = await request(`/api/files/${open.id}/files/khong-co.mp4`);
    const hidden = await request(url(registered, 'original'));
    for (const response of [missing, hidden]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(await hidden.text()).toBe(await missing.text());
    const hiddenDerivative = await request(url(draft, 'derivative'));
    expect(hiddenDerivative.status).toBe(404);
    expect(hiddenDerivative.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('media of restricted records are never readable cross-origin', () => {
  it.each(KINDS)('%s of a registered record, for a signed-in researcher', async (kind) => {
    const response = await request(url(registered, kind), { viewer: RESEARCHER });
    expect(response.status).toBe(200);
    expectNotCrossOrigin(response, kind);
    const part = await request(url(registered, kind), { viewer: RESEARCHER, headers: { range: 'bytes=0-3' } });
    expect([200, 206]).toContain(part.status);
    expectNotCrossOrigin(part, `${kind} range`);
  });

  it.each(KINDS)('%s of a draft, for staff', async (kind) => {
    const response = await request(url(draft, kind), { viewer: STAFF });
    expect(response.status).toBe(200);
    expectNotCrossOrigin(response, kind);
    expect((await request(url(draft, kind), { viewer: STAFF, method: 'HEAD' })).headers.get('access-control-allow-origin')).toBeNull();
  });
});
