/**
 * Issue #17, media off the web process (MEDIA_DELIVERY=bucket): the
 * access-checking routes (app/api/derivatives, app/api/files, app/iiif)
 * decide as before, then redirect instead of streaming: derivatives of
 * public records to MEDIA_BASE_URL + key, everything else to a presigned
 * GET URL of at most five minutes, issued only to a viewer the route let
 * through. The archive lives on a real S3 server (s3rver on 127.0.0.1, as
 * in tests/contract/object-store.s3.test.ts) and every redirect is followed
 * there: bytes, content types, Range and expiry are the bucket's answers.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig, type Config } from '@/lib/config';
import { IIIF_ID_PLACEHOLDER } from '@/lib/media/image';
import { digestPrefix } from '@/lib/derivatives/manifest';
import { pagePolicy } from '@/lib/http/security-headers';
import { RecordRepository } from '@/lib/records/repository';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { S3ObjectStore } from '@/lib/storage/s3';
import { ROOT } from '../helpers/cli';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import { operator, sampleBody } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, viewer: { kind: 'anonymous' } as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({ currentViewer: async () => state.viewer, currentUser: async () => undefined }));

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
type RouteModule = { GET: Handler; HEAD: Handler };
const files = (await import('@/app/api/files/[id]/[...path]/route')) as unknown as RouteModule;
const derivatives = (await import('@/app/api/derivatives/[id]/[d16]/[...path]/route')) as unknown as RouteModule;
const iiifImage = (await import('@/app/iiif/[id]/[d16]/[...path]/route')) as unknown as RouteModule;

const SITE = 'http://archive.test';
const RESEARCHER: Viewer = { kind: 'user', id: 'nha-nghien-cuu', roles: ['researcher'], communities: [] };

/** Distinct bytes, so a wrong range shows. */
const MP4 = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
const PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg-0.ts\n#EXT-X-ENDLIST\n';
const SEGMENT = Buffer.alloc(1880, 0x47);
const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.000\nchiêng\n';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

let server: S3Server;
let store: S3ObjectStore;
let records: RecordRepository;
let config: Config;

interface Fixture {
  id: string;
  d16: string;
  prefix: string;
}
/** Public and published. */
let open: Fixture;
/** Signed-in visitors only. */
let registered: Fixture;
/** Public, but in copyright: seen by all, its originals downloaded by none but staff. */
let inCopyright: Fixture;

async function fixture(slug: string, overrides: Parameters<typeof sampleBody>[0]): Promise<Fixture> {
  const stored = await records.create({
    body: sampleBody({ slug, ...overrides }),
    files: [
      { name: 'le-hoi.mp4', body: MP4, contentType: 'video/mp4', kind: 'video' },
      { name: 'le-hoi.vi.vtt', body: VTT, contentType: 'text/vtt', kind: 'caption', language: 'vie', of: 'le-hoi.mp4' },
    ],
    user: operator,
  });
  const video = stored.record.media.find((m) => m.path === 'files/le-hoi.mp4')!;
  const d16 = digestPrefix(video.digest);
  const prefix = `derivatives/${stored.record.id}/${d16}`;
  await store.put(`${prefix}/video/download.mp4`, MP4, { contentType: 'video/mp4' });
  await store.put(`${prefix}/video/hls/index.m3u8`, PLAYLIST, { contentType: 'application/vnd.apple.mpegurl' });
  await store.put(`${prefix}/video/hls/seg-0.ts`, SEGMENT, { contentType: 'video/mp2t' });
  await store.put(`${prefix}/video/sprite.vtt`, VTT, { contentType: 'text/vtt' });
  await store.put(`${prefix}/image/iiif/info.json`, JSON.stringify({ id: `${IIIF_ID_PLACEHOLDER}/iiif`, type: 'ImageService3', width: 1, height: 1 }), { contentType: 'application/json' });
  await store.put(`${prefix}/image/iiif/0,0,1,1/1,1/0/default.jpg`, JPEG, { contentType: 'image/jpeg' });
  return { id: stored.record.id, d16, prefix };
}

function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: '/tmp/disan-unused',
    SITE_URL: SITE,
    STORAGE_DRIVER: 's3',
    S3_BUCKET: server.bucket,
    S3_ENDPOINT: server.endpoint,
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    MEDIA_DELIVERY: 'bucket',
    ...extra,
  };
}

/** The media base a deployer would give for this bucket: its path-style URL (anonymous reads allowed on s3rver). */
const mediaBase = () => `${server.endpoint}/${server.bucket}/`;

function useConfig(next: Config): void {
  config = next;
  state.archive = { config, store, records, vocab: loadVocabularies(`${ROOT}/content`) } as Archive;
}

beforeAll(async () => {
  server = await startS3Server('disan-media');
  useConfig(parseConfig(s3Env({ MEDIA_BASE_URL: mediaBase() })));
  const storage = config.storage as Extract<Config['storage'], { driver: 's3' }>;
  store = new S3ObjectStore(storage);
  records = new RecordRepository(store);
  useConfig(config);
  open = await fixture('mo', { status: 'published' });
  registered = await fixture('dang-ky', { status: 'published', access: { level: 'registered', communities: [] } });
  inCopyright = await fixture('ban-quyen', { status: 'published', rights: { uri: 'http://rightsstatements.org/vocab/InC/1.0/' } });
}, 60_000);

afterAll(async () => server?.stop());

function routeOf(path: string): RouteModule {
  if (path.startsWith('/api/files/')) return files;
  if (path.startsWith('/api/derivatives/')) return derivatives;
  return iiifImage;
}

function request(path: string, init: { viewer?: Viewer; method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {}): Promise<Response> {
  state.viewer = init.viewer ?? ANONYMOUS;
  const route = routeOf(path);
  const handler = init.method === 'HEAD' ? route.HEAD : route.GET;
  return handler(new Request(`${SITE}${path}`, { method: init.method ?? 'GET', headers: init.headers }), { params: Promise.resolve({}) });
}

const derivative = (f: Fixture, file: string) => `/api/derivatives/${f.id}/${f.d16}/${file}`;

function expectPresigned(response: Response, what: string): URL {
  expect(response.status, what).toBe(307);
  const location = new URL(response.headers.get('location')!);
  expect(location.origin, what).toBe(server.endpoint);
  expect(Number(location.searchParams.get('X-Amz-Expires')), what).toBeGreaterThan(0);
  expect(Number(location.searchParams.get('X-Amz-Expires')), what).toBeLessThanOrEqual(300);
  expect(location.searchParams.get('X-Amz-Signature'), what).toMatch(/^[0-9a-f]{64}$/);
  expect(response.headers.get('cache-control'), what).toBe('private, no-store');
  return location;
}

/** A refusal that looks exactly like today's: no redirect, nothing of the bucket in it. */
async function expectRefusedAsToday(response: Response, missing: Response, what: string): Promise<void> {
  expect(response.status, what).toBe(404);
  expect(response.headers.get('location'), what).toBeNull();
  const body = await response.text();
  expect(body, what).toBe(await missing.text());
  expect(body, what).not.toMatch(/amz|127\.0\.0\.1|disan-media/i);
  expect([...response.headers.entries()].join('\n'), what).not.toMatch(/amz|127\.0\.0\.1|disan-media/i);
}

describe('derivatives of public records: a redirect to MEDIA_BASE_URL + key', () => {
  it('answers 307 to the key under the base, cacheable and readable from any origin; the bucket sends the bytes and type', async () => {
    const response = await request(derivative(open, 'video/download.mp4'));
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`${mediaBase()}${open.prefix}/video/download.mp4`);
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toBe('');
    const followed = await fetch(response.headers.get('location')!);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await followed.arrayBuffer()).equals(MP4)).toBe(true);
  });

  it('a HEAD is answered here from the metadata (no bytes to offload; a URL presigned for GET refuses HEAD)', async () => {
    for (const [path, viewer] of [
      [derivative(open, 'video/download.mp4'), ANONYMOUS],
      [derivative(registered, 'video/download.mp4'), RESEARCHER],
      [`/api/files/${registered.id}/files/le-hoi.mp4?download`, RESEARCHER],
    ] as const) {
      const response = await request(path, { method: 'HEAD', viewer });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('location'), path).toBeNull();
      expect(response.headers.get('content-length'), path).toBe(String(MP4.length));
      expect(response.headers.get('content-type'), path).toBe('video/mp4');
    }
  });

  it('the HLS playlist goes there as well: its segments resolve against the base, which needs no signature', async () => {
    const response = await request(derivative(open, 'video/hls/index.m3u8'));
    expect(response.status).toBe(307);
    const playlist = response.headers.get('location')!;
    expect(playlist).toBe(`${mediaBase()}${open.prefix}/video/hls/index.m3u8`);
    const segment = await fetch(new URL('seg-0.ts', playlist));
    expect(segment.status).toBe(200);
    expect(Buffer.from(await segment.arrayBuffer()).equals(SEGMENT)).toBe(true);
  });

  it('IIIF tiles are redirected (commas of the region kept); info.json, rewritten per request, is still served here', async () => {
    const tile = await request(`/iiif/${open.id}/${open.d16}/0,0,1,1/1,1/0/default.jpg`);
    expect(tile.status).toBe(307);
    expect(tile.headers.get('location')).toBe(`${mediaBase()}${open.prefix}/image/iiif/0,0,1,1/1,1/0/default.jpg`);
    const followed = await fetch(tile.headers.get('location')!);
    expect(followed.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await followed.arrayBuffer()).equals(JPEG)).toBe(true);
    const info = await request(`/iiif/${open.id}/${open.d16}/info.json`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { id: string }).id).toBe(`${SITE}/iiif/${open.id}/${open.d16}`);
  });

  it('text tracks stay on the site: a <track> of a <video> without crossorigin loads only from the page origin', async () => {
    const sprite = await request(derivative(open, 'video/sprite.vtt'));
    expect(sprite.status).toBe(200);
    expect(await sprite.text()).toBe(VTT);
    const caption = await request(`/api/files/${open.id}/files/le-hoi.vi.vtt`);
    expect(caption.status).toBe(200);
    expect(await caption.text()).toBe(VTT);
  });

  it('a missing derivative is still a 404 from here, not a redirect to a missing key', async () => {
    const response = await request(derivative(open, 'video/khong-co.mp4'));
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('restricted derivatives: refused as today, or a presigned URL for a viewer who may see them', () => {
  it('an anonymous visitor gets the 404 a missing record gets, and no URL of the bucket', async () => {
    const missing = await request(`/api/derivatives/zzzzzzzzzz/${registered.d16}/video/download.mp4`);
    for (const file of ['video/download.mp4', 'video/hls/index.m3u8', 'video/hls/seg-0.ts']) {
      await expectRefusedAsToday(await request(derivative(registered, file)), missing.clone(), file);
    }
    await expectRefusedAsToday(await request(`/iiif/${registered.id}/${registered.d16}/0,0,1,1/1,1/0/default.jpg`), missing.clone(), 'tile');
    await expectRefusedAsToday(await request(`/api/files/${registered.id}/files/le-hoi.mp4?download`), missing.clone(), 'original');
  });

  it('a signed-in researcher is sent to a presigned URL (≤ 300 s, private, not readable cross-origin) that returns the bytes', async () => {
    const response = await request(derivative(registered, 'video/download.mp4'), { viewer: RESEARCHER });
    const location = expectPresigned(response, 'download.mp4');
    expect(location.pathname).toBe(`/${server.bucket}/${registered.prefix}/video/download.mp4`);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
    const followed = await fetch(location);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await followed.arrayBuffer()).equals(MP4)).toBe(true);
  });

  it('the presigned URL honours Range: bytes=10-19 (206 and those 10 bytes)', async () => {
    const location = expectPresigned(await request(derivative(registered, 'video/download.mp4'), { viewer: RESEARCHER }), 'range');
    const part = await fetch(location, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${MP4.length}`);
    const bytes = Buffer.from(await part.arrayBuffer());
    expect(bytes.length).toBe(10);
    expect(bytes.equals(MP4.subarray(10, 20))).toBe(true);
  });

  it('stops working once expired (issued by a clock set six minutes back)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let location: URL;
    try {
      vi.setSystemTime(Date.now() - 6 * 60_000);
      location = expectPresigned(await request(derivative(registered, 'video/download.mp4'), { viewer: RESEARCHER }), 'expired');
    } finally {
      vi.useRealTimers();
    }
    const refused = await fetch(location);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/expired/i);
  });

  it('a restricted HLS playlist is served from here, so each segment comes back through the access check to its own presigned URL', async () => {
    const playlist = await request(derivative(registered, 'video/hls/index.m3u8'), { viewer: RESEARCHER });
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('cache-control')).toBe('private, no-store');
    expect(await playlist.text()).toBe(PLAYLIST);
    const segment = await request(derivative(registered, 'video/hls/seg-0.ts'), { viewer: RESEARCHER });
    const followed = await fetch(expectPresigned(segment, 'segment'));
    expect(followed.headers.get('content-type')).toBe('video/mp2t');
    expect(Buffer.from(await followed.arrayBuffer()).equals(SEGMENT)).toBe(true);
  });

  it('an original the viewer may not download is refused as today (403, no URL); viewed, it is presigned inline', async () => {
    const refused = await request(`/api/files/${inCopyright.id}/files/le-hoi.mp4?download`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).not.toMatch(/amz|127\.0\.0\.1/i);
    const viewed = await request(`/api/files/${inCopyright.id}/files/le-hoi.mp4`);
    const location = expectPresigned(viewed, 'viewed original');
    expect(location.searchParams.get('response-content-disposition')).toBe("inline; filename*=UTF-8''le-hoi.mp4");
    expect(viewed.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('an original asked for as a download is presigned with its type and an attachment name signed in', async () => {
    const response = await request(`/api/files/${registered.id}/files/le-hoi.mp4?download`, { viewer: RESEARCHER });
    const location = expectPresigned(response, 'original');
    expect(location.searchParams.get('response-content-disposition')).toBe("attachment; filename*=UTF-8''le-hoi.mp4");
    const followed = await fetch(location);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toBe('video/mp4');
    expect(followed.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''le-hoi.mp4");
    expect(Buffer.from(await followed.arrayBuffer()).equals(MP4)).toBe(true);
  });
});

describe('without MEDIA_BASE_URL the bucket stays private', () => {
  it('derivatives of public records are presigned too, and stay readable from any origin', async () => {
    useConfig(parseConfig(s3Env()));
    try {
      const response = await request(derivative(open, 'video/download.mp4'));
      const location = expectPresigned(response, 'public, presigned');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(MP4)).toBe(true);
      // A public playlist can then not go to the bucket (its segments would need signatures): served here.
      expect((await request(derivative(open, 'video/hls/index.m3u8'))).status).toBe(200);
    } finally {
      useConfig(parseConfig(s3Env({ MEDIA_BASE_URL: mediaBase() })));
    }
  });
});

describe("the pages' Content-Security-Policy", () => {
  const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';

  it('lets pictures, players and hls.js load from the media origins when configured, and only then', () => {
    const cdn = parseConfig(s3Env({ MEDIA_BASE_URL: 'https://cdn.example.org/media/' }));
    expect(cdn.delivery?.origins).toEqual(['https://cdn.example.org', server.endpoint]);
    const policy = pagePolicy('n0nce', cdn);
    for (const name of ['img-src', 'media-src', 'connect-src']) {
      expect(directive(policy, name), name).toContain(' https://cdn.example.org');
      expect(directive(policy, name), name).toContain(` ${server.endpoint}`);
    }
    expect(directive(policy, 'script-src')).not.toContain('cdn.example.org');
    const plain = pagePolicy('n0nce', parseConfig({ SITE_URL: SITE }));
    expect(directive(plain, 'media-src')).toBe("media-src 'self' blob:");
    expect(directive(plain, 'connect-src')).toBe("connect-src 'self'");
  });

  it("names the origin the presigned URLs really point at", async () => {
    const location = new URL((await request(derivative(registered, 'video/download.mp4'), { viewer: RESEARCHER })).headers.get('location')!);
    expect(config.delivery?.origins).toContain(location.origin);
  });
});
