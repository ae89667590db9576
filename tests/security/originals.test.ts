/**
 * Issue #11, classes 4, 10 and 14 on the media exits: original files
 * (/api/files), derivatives (/api/derivatives) and IIIF (/iiif).
 *
 * The first part drives the real route handlers (the modules under app/)
 * on a temporary archive, with only the process-wide archive and the
 * session's viewer replaced: an original a browser could run (SVG, HTML,
 * XML, anything not on the short list of passive types) is only ever an
 * attachment in a CSP sandbox, with nosniff; malformed percent-escapes and
 * NUL bytes in paths are a 400, never a thrown URIError (a 500); hidden
 * records read exactly like missing ones. The second part sends a few of
 * the same requests to the started production server.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { IIIF_ID_PLACEHOLDER } from '@/lib/media/image';
import { PIPELINE_VERSION, digestPrefix, manifestKey } from '@/lib/derivatives/manifest';
import type { MediaEntry } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, viewer: { kind: 'anonymous' } as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({ currentViewer: async () => state.viewer, currentUser: async () => undefined }));

const files = await import('@/app/api/files/[id]/[...path]/route');
const derivatives = await import('@/app/api/derivatives/[id]/[d16]/[...path]/route');
const iiifImage = await import('@/app/iiif/[id]/[d16]/[...path]/route');
const iiifManifest = await import('@/app/iiif/[id]/manifest.json/route');

const SITE = 'http://archive.test';
let temp: TempArchive;
/** A public, published record holding every kind of original, some from before SVG was refused. */
let openId: string;
/** A registered-only record: visible to signed-in users, never cached publicly. */
let registeredId: string;
/** A draft: staff only. */
let draftId: string;
let png: MediaEntry;

const STAFF: Viewer = { kind: 'user', id: 'can-bo', roles: ['officer'], communities: [] };
const RESEARCHER: Viewer = { kind: 'user', id: 'nha-nghien-cuu', roles: ['researcher'], communities: [] };

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/studio")</script></svg>';

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE }), store: temp.store, records: temp.records, vocab: loadVocabularies(`${ROOT}/content`) };
  // Stored straight through the repository, as older versions of the archive (or an import) may have kept them.
  const open = await temp.records.create({
    body: sampleBody({ slug: 'mo', status: 'published', rights: { uri: 'https://creativecommons.org/licenses/by/4.0/' } }),
    files: [
      { name: 'anh.png', body: PNG_BYTES, contentType: 'image/png', kind: 'image' },
      { name: 've.svg', body: SVG, contentType: 'image/svg+xml', kind: 'image' },
      { name: 'trang.html', body: '<script>alert(1)</script>', contentType: 'text/html', kind: 'transcript' },
      { name: 'du-lieu.xml', body: '<?xml version="1.0"?><x/>', contentType: 'application/xml', kind: 'other' },
      { name: 'phu-de.vtt', body: 'WEBVTT\n\n00:00.000 --> 00:01.000\nchiêng\n', contentType: 'text/vtt', kind: 'caption' },
      { name: 'ghi chép 50%.txt', body: 'Già làng kể.\n', contentType: 'text/plain', kind: 'transcript' },
    ],
    user: operator,
  });
  openId = open.record.id;
  png = open.record.media.find((m) => m.path === 'files/anh.png')!;
  registeredId = (await temp.records.create({ body: sampleBody({ slug: 'dang-ky', status: 'published', access: { level: 'registered', communities: [] } }), files: [{ name: 'anh.png', body: PNG_BYTES, contentType: 'image/png', kind: 'image' }], user: operator })).record.id;
  draftId = (await temp.records.create({ body: sampleBody({ slug: 'nhap' }), files: [{ name: 'anh.png', body: PNG_BYTES, contentType: 'image/png', kind: 'image' }], user: operator })).record.id;
  // Derivatives of the PNG: a harmless one, and one a broken or hostile pipeline could have left.
  const prefix = `derivatives/${openId}/${digestPrefix(png.digest)}`;
  await temp.store.put(`${prefix}/image/w320.jpg`, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), { contentType: 'image/jpeg' });
  await temp.store.put(`${prefix}/image/evil.svg`, SVG, { contentType: 'image/svg+xml' });
  await temp.store.put(`${prefix}/image/iiif/info.json`, JSON.stringify({ id: `${IIIF_ID_PLACEHOLDER}/iiif`, width: 1 }), { contentType: 'application/json' });
  // Its derivative manifest, as the media pipeline writes it last: a manifest (IIIF) exists only for records with derived media.
  const w320 = { file: 'image/w320.jpg', format: 'jpeg', width: 1, height: 1, bytes: 7 };
  await temp.store.put(
    manifestKey(openId, png.digest),
    JSON.stringify({
      manifestVersion: 1,
      pipelineVersion: PIPELINE_VERSION,
      recordId: openId,
      source: { path: png.path, digest: png.digest, size: png.size, mime: 'image/png' },
      createdAt: new Date().toISOString(),
      files: [{ path: 'image/w320.jpg', bytes: 7 }, { path: 'image/iiif/info.json', bytes: 40 }],
      kind: 'image',
      image: { width: 1, height: 1, hasAlpha: true, renditions: [w320], thumbnail: w320, iiif: { info: 'image/iiif/info.json', tileSize: 512, width: 1, height: 1 } },
    }),
    { contentType: 'application/json' },
  );
  const regPng = (await temp.records.require(registeredId)).record.media[0]!;
  await temp.store.put(`derivatives/${registeredId}/${digestPrefix(regPng.digest)}/image/w320.jpg`, Buffer.from([0xff, 0xd8, 0xff]), { contentType: 'image/jpeg' });
}, 60_000);

afterAll(async () => temp?.cleanup());

/**
 * A request as Next.js hands it to a route: the URL as sent, and the
 * dynamic segments of the path (undecoded, as in the URL).
 */
function call<P>(handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>, url: string, params: P, init: RequestInit = {}): Promise<Response> {
  return handler(new Request(`${SITE}${url}`, init), { params: Promise.resolve(params) });
}

function getFile(id: string, rawPath: string, init: RequestInit = {}, viewer: Viewer = ANONYMOUS): Promise<Response> {
  state.viewer = viewer;
  return call(init.method === 'HEAD' ? files.HEAD : files.GET, `/api/files/${id}/${rawPath}`, { id, path: rawPath.split('?')[0]!.split('/') }, init);
}

function getDerivative(id: string, d16: string, rawPath: string, viewer: Viewer = ANONYMOUS): Promise<Response> {
  state.viewer = viewer;
  return call(derivatives.GET, `/api/derivatives/${id}/${d16}/${rawPath}`, { id, d16, path: rawPath.split('/') });
}

function getIiif(id: string, d16: string, rawPath: string): Promise<Response> {
  state.viewer = ANONYMOUS;
  return call(iiifImage.GET, `/iiif/${id}/${d16}/${rawPath}`, { id, d16, path: rawPath.split('/') });
}

function expectSandboxedAttachment(response: Response): void {
  expect(response.headers.get('content-disposition') ?? '').toMatch(/^attachment/);
  expect(response.headers.get('content-security-policy') ?? '').toMatch(/\bsandbox\b/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('originals a browser could run are attachments in a sandbox (class 4)', () => {
  it.each(['ve.svg', 'trang.html', 'du-lieu.xml'])('%s', async (name) => {
    for (const init of [{}, { method: 'HEAD' }]) {
      const response = await getFile(openId, `files/${name}`, init);
      expect(response.status).toBe(200);
      expectSandboxedAttachment(response);
    }
    // Asking for it inline changes nothing.
    expectSandboxedAttachment(await getFile(openId, `files/${name}?inline`));
  });

  it('photos, captions and text stay inline, with nosniff', async () => {
    for (const name of ['anh.png', 'phu-de.vtt', encodeURIComponent('ghi chép 50%.txt')]) {
      const response = await getFile(openId, `files/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-disposition'), name).toMatch(/^inline/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await getFile(openId, `files/${encodeURIComponent('ghi chép 50%.txt')}`)).text()).toBe('Già làng kể.\n');
    const download = await getFile(openId, 'files/anh.png?download');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''anh\.png/);
  });

  it('Range, ETag and caching still work on originals', async () => {
    const whole = await getFile(openId, 'files/anh.png');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(PNG_BYTES);
    expect(whole.headers.get('cache-control')).toMatch(/^public/);
    const etag = whole.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect((await getFile(openId, 'files/anh.png', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await getFile(openId, 'files/anh.png', { headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 2-5/${PNG_BYTES.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(PNG_BYTES.subarray(2, 6));
    expect((await getFile(openId, 'files/anh.png', { headers: { range: 'bytes=999-' } })).status).toBe(416);
    const head = await getFile(openId, 'files/anh.png', { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(PNG_BYTES.length));
    expect(await head.text()).toBe('');
  });

  it('derivatives a browser could run are sandboxed attachments too; images are not', async () => {
    const d16 = digestPrefix(png.digest);
    expectSandboxedAttachment(await getDerivative(openId, d16, 'image/evil.svg'));
    const jpg = await getDerivative(openId, d16, 'image/w320.jpg');
    expect(jpg.status).toBe(200);
    expect(jpg.headers.get('content-disposition')).toBeNull();
    expect(jpg.headers.get('cache-control')).toMatch(/public.*immutable/);
  });
});

describe('hidden records read like missing ones on every media exit (class 10)', () => {
  it('originals: a draft is 404 to the public and a researcher, served to staff', async () => {
    const missing = await getFile('zzzzzzzz', 'files/anh.png');
    expect(missing.status).toBe(404);
    for (const viewer of [ANONYMOUS, RESEARCHER]) {
      const hidden = await getFile(draftId, 'files/anh.png', {}, viewer);
      expect(hidden.status).toBe(404);
      expect(await hidden.text()).toBe(await (await getFile('zzzzzzzz', 'files/anh.png')).text());
    }
    const staff = await getFile(draftId, 'files/anh.png', {}, STAFF);
    expect(staff.status).toBe(200);
    expect(staff.headers.get('cache-control')).toBe('private, no-store');
  });

  it('derivatives of a registered record: 404 anonymously, private for the signed-in', async () => {
    const d16 = digestPrefix((await temp.records.require(registeredId)).record.media[0]!.digest);
    expect((await getDerivative(registeredId, d16, 'image/w320.jpg')).status).toBe(404);
    const seen = await getDerivative(registeredId, d16, 'image/w320.jpg', RESEARCHER);
    expect(seen.status).toBe(200);
    expect(seen.headers.get('cache-control')).toBe('private, no-store');
  });

  it('IIIF manifests only for records anyone may see', async () => {
    const manifest = (id: string) => iiifManifest.GET(new Request(`${SITE}/iiif/${id}/manifest.json`), { params: Promise.resolve({ id }) });
    expect((await manifest(openId)).status).toBe(200);
    for (const id of [registeredId, draftId, 'zzzzzzzz', '..', '%00']) expect((await manifest(id)).status, id).toBe(404);
  });

  it('IIIF info.json still names this service', async () => {
    const info = await getIiif(openId, digestPrefix(png.digest), 'info.json');
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ id: `${SITE}/iiif/${openId}/${digestPrefix(png.digest)}` });
    expect(info.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('malformed paths are a 4xx with a clear message, never a 500 (class 14)', () => {
  const badEscapes = ['%E0%A4%A', '%', '%zz', 'anh%00.png', '%00', 'a%0d%0a.png', '..%2f..%2fetc%2fpasswd', '%2e%2e'];

  it.each(badEscapes)('files/%s', async (raw) => {
    const response = await getFile(openId, `files/${raw}`);
    expect([400, 404]).toContain(response.status);
    const text = await response.text();
    expect(text).toMatch(/ \/ /); // Vietnamese / English
    expect(text).not.toMatch(/URIError|at .*\.ts|\/work\//);
  });

  it('names the problem when the escapes are broken', async () => {
    const response = await getFile(openId, 'files/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Đường dẫn không hợp lệ \/ Malformed path/);
  });

  it.each(badEscapes)('derivatives and IIIF: %s', async (raw) => {
    const d16 = digestPrefix(png.digest);
    for (const response of [await getDerivative(openId, d16, `image/${raw}`), await getIiif(openId, d16, `${raw}/full/0/default.jpg`)]) {
      expect([400, 404]).toContain(response.status);
      expect(await response.text()).not.toMatch(/URIError|at .*\.ts|\/work\//);
    }
  });
});

/*
 * Against the started production server (npm run test:security): the same
 * malformed paths reach the real routes through Next.js.
 */
const baseUrl = inject('securityBaseUrl');
describe.runIf(baseUrl)('on the running server', () => {
  it('malformed escapes and NUL bytes in media paths are 4xx, never 500', async () => {
    const { attack, dataDir } = await import('./client');
    const { runArchiveCli } = await import('../helpers/cli');
    const shown = await runArchiveCli(['show', 'le-hoi-dam-trau-co-tu', '--json'], dataDir);
    const record = (JSON.parse(shown.stdout) as { record: { id: string; media: MediaEntry[] } }).record;
    const d16 = record.media[0] ? digestPrefix(record.media[0].digest) : '0123456789abcdef';
    for (const url of [
      `/api/files/${record.id}/files/%E0%A4%A`,
      `/api/files/${record.id}/files/%2525E0`,
      `/api/files/${record.id}/files/a%00.png`,
      `/api/files/${record.id}/%00`,
      `/api/derivatives/${record.id}/${d16}/image/%E0%A4%A`,
      `/api/derivatives/${record.id}/${d16}/%00`,
      `/iiif/${record.id}/${d16}/%E0%A4%A/full/0/default.jpg`,
      `/iiif/${record.id}/${d16}/info.json%00`,
    ]) {
      const response = await attack(url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.status, url).toBeLessThan(500);
      expect(await response.text(), url).not.toMatch(/URIError|\/work\//);
    }
  });
});
