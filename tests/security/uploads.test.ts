/**
 * Issue #11, classes 4, 9 and 14 on the tus upload endpoint, driven through
 * the real @tus/server (createUploadServer on a node http server) with real
 * HTTP: an upload belongs to the signed-in user who created it and to its
 * record; anyone else reads it exactly like an upload that does not exist
 * (404, so ids are never confirmed); file names that are paths, dots,
 * control or bidi characters are refused at creation; and SVG/HTML, however
 * named, never becomes an original.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { authServices, type AuthServices } from '@/lib/auth/login';
import { parseConfig } from '@/lib/config';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { createUploadServer } from '@/lib/uploads/tus';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let temp: TempArchive;
let archive: Archive;
let auth: AuthServices;
let workflow: Workflow;
let base: string;
let server: http.Server;
let photo: Buffer;
/** Session cookies by username. */
const cookies: Record<string, string> = {};

const OWNER = 'can-bo-a';
/** Another officer who may edit the very same record: still not their upload. */
const COLLEAGUE = 'can-bo-b';
/** An officer of another community, who cannot see the restricted record at all. */
const OUTSIDER = 'can-bo-xo-dang';

function officer(username: string, communities: string[]): Viewer {
  return { kind: 'user', id: username, roles: ['officer'], communities };
}

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'http://127.0.0.1:1' }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
  auth = authServices(archive);
  workflow = new Workflow(temp.records, new AuditLog(temp.store));
  const tus = createUploadServer(archive, auth, workflow);
  server = http.createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [username, communities] of [
    [OWNER, ['co-tu']],
    [COLLEAGUE, ['co-tu']],
    [OUTSIDER, ['xo-dang']],
  ] as const) {
    await auth.users.create({ username, displayName: username, roles: ['officer'], communities: [...communities], password: 'mat-khau-rat-dai' });
    cookies[username] = `disan_session=${(await auth.sessions.create(username)).token}`;
  }
  photo = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
}, 60_000);

afterAll(async () => {
  server?.close();
  await temp?.cleanup();
});

let slugs = 0;
/** A Cơ Tu community-restricted draft made by the owner: both Cơ Tu officers may edit it, the Xơ Đăng one cannot see it. */
async function draftRecord(): Promise<string> {
  const body = sampleBody({ slug: `ban-ghi-${++slugs}`, access: { level: 'community', communities: ['co-tu'] } });
  return (await workflow.create({ name: OWNER, viewer: officer(OWNER, ['co-tu']) }, { body })).record.id;
}

function metadataHeader(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

function tusRequest(url: string, user: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<Response> {
  return fetch(new URL(url, base), { method, headers: { 'tus-resumable': '1.0.0', cookie: cookies[user] ?? '', origin: base, ...headers }, body: body && new Uint8Array(body) });
}

/** Creates an upload (POST) and returns its URL, or the refusal. */
async function create(user: string, metadata: Record<string, string>, length: number): Promise<Response> {
  return tusRequest('/api/uploads', user, 'POST', { 'upload-length': String(length), 'upload-metadata': metadataHeader(metadata) });
}

function patch(url: string, user: string, offset: number, bytes: Uint8Array): Promise<Response> {
  return tusRequest(url, user, 'PATCH', { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, bytes);
}

/** An upload by the owner with its first half sent: what another user might find and try to touch. */
async function halfSentUpload(recordId: string, name = 'anh-dien-da.png'): Promise<string> {
  const created = await create(OWNER, { filename: name, recordId, sha512: createHash('sha512').update(photo).digest('hex') }, photo.length);
  expect(created.status, await created.clone().text()).toBe(201);
  const url = created.headers.get('location')!;
  const half = Math.floor(photo.length / 2);
  expect((await patch(url, OWNER, 0, photo.subarray(0, half))).status).toBe(204);
  return url;
}

async function offsetOf(url: string, user: string): Promise<number> {
  const head = await tusRequest(url, user, 'HEAD');
  expect(head.status).toBe(200);
  return Number(head.headers.get('upload-offset'));
}

describe('an upload belongs to whoever created it (class 9)', () => {
  it('another user gets 404 on HEAD, PATCH, DELETE and GET, exactly like an upload that does not exist; the owner still finishes it', async () => {
    const recordId = await draftRecord();
    const url = await halfSentUpload(recordId);
    const half = Math.floor(photo.length / 2);
    const missing = url.replace(/[^/]+$/, '0'.repeat(32));
    const missingHead = await tusRequest(missing, COLLEAGUE, 'HEAD');
    expect(missingHead.status).toBe(404);

    for (const user of [COLLEAGUE, OUTSIDER]) {
      const head = await tusRequest(url, user, 'HEAD');
      expect(head.status, `HEAD by ${user}`).toBe(404);
      // Nothing about the upload leaks: no offset, no file name, no record id.
      expect(head.headers.get('upload-offset')).toBeNull();
      expect(head.headers.get('upload-metadata')).toBeNull();
      const sneaky = await patch(url, user, half, Buffer.from('không phải của bạn'));
      expect(sneaky.status, `PATCH by ${user}`).toBe(404);
      const body = await sneaky.text();
      expect(body).toBe(await (await patch(missing, user, half, Buffer.from('x'))).text());
      expect(body).not.toMatch(new RegExp(`${recordId}|anh-dien-da|${OWNER}`));
      expect((await tusRequest(url, user, 'DELETE')).status, `DELETE by ${user}`).toBe(404);
      expect((await tusRequest(url, user, 'GET')).status, `GET by ${user}`).toBe(404);
    }

    // The owner's upload is intact (same offset) and completes into the record.
    expect(await offsetOf(url, OWNER)).toBe(half);
    const done = await patch(url, OWNER, half, photo.subarray(half));
    expect(done.status, await done.clone().text()).toBe(204);
    const media = (await temp.records.require(recordId)).record.media.find((m) => m.path === 'files/anh-dien-da.png');
    expect(media).toMatchObject({ size: photo.length, digest: createHash('sha512').update(photo).digest('hex') });
  });

  it('the owner is whoever the session says, never a client-supplied owner', async () => {
    const recordId = await draftRecord();
    // The colleague claims the owner's name in the metadata…
    const created = await create(COLLEAGUE, { filename: 'gia-mao.png', recordId, owner: OWNER }, photo.length);
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    // …but the upload is the colleague's: the named owner cannot touch it, the colleague can.
    expect((await tusRequest(url, OWNER, 'HEAD')).status).toBe(404);
    const head = await tusRequest(url, COLLEAGUE, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-metadata') ?? '').not.toContain(Buffer.from(OWNER).toString('base64'));
    expect((await tusRequest(url, COLLEAGUE, 'DELETE')).status).toBe(204);
  });

  it('an upload to a record its creator may no longer edit cannot go on', async () => {
    const recordId = await draftRecord();
    const url = await halfSentUpload(recordId, 'sau-khi-nop.png');
    // Submitted for review: an officer may no longer change it.
    const stored = await temp.records.require(recordId);
    await workflow.transition({ name: OWNER, viewer: officer(OWNER, ['co-tu']) }, recordId, 'submit', stored.head);
    const half = Math.floor(photo.length / 2);
    const refused = await patch(url, OWNER, half, photo.subarray(half));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/ \/ You may no longer add files to this record/);
    expect((await temp.records.require(recordId)).record.media).toEqual([]);
  });

  it('a cookie-less or foreign request touches nothing either', async () => {
    const recordId = await draftRecord();
    const url = await halfSentUpload(recordId, 'ngoai.png');
    expect((await fetch(new URL(url, base), { method: 'DELETE', headers: { 'tus-resumable': '1.0.0', origin: base } })).status).toBe(401);
    expect((await fetch(new URL(url, base), { method: 'DELETE', headers: { 'tus-resumable': '1.0.0', origin: 'https://evil.example', cookie: cookies[OWNER]! } })).status).toBe(403);
    expect(await offsetOf(url, OWNER)).toBe(Math.floor(photo.length / 2));
  });
});

describe('file names that are not plain names are refused at creation (class 14)', () => {
  const bad = ['..', '.', '../anh.png', 'a/b.png', 'a\\b.png', 'anh\u0000.png', 'anh\u0007.png', 'anh\u007f.png', 'anh\u202Egnp.exe', 'anh\u2066.png', ' ', 'x'.repeat(201)];
  it.each(bad.map((n) => [JSON.stringify(n), n]))('%s', async (_label, name) => {
    const recordId = await draftRecord();
    const before = await fs.readdir(archive.config.uploadDir).catch(() => [] as string[]);
    const response = await create(OWNER, { filename: name, recordId }, 10);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Tên tệp không hợp lệ \/ Invalid file name/);
    expect(await fs.readdir(archive.config.uploadDir).catch(() => [] as string[])).toEqual(before);
  });
});

describe('SVG and HTML never become originals (class 4)', () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/studio")</script></svg>');
  const html = Buffer.from('<!DOCTYPE html><html><script>fetch("/studio")</script></html>');
  it.each([
    ['an SVG named .svg', 've.svg', svg],
    ['an SVG named .jpg', 'anh.jpg', svg],
    ['an HTML page named .txt', 'ghi-chep.txt', html],
    ['an HTML page named .vtt', 'phu-de.vtt', html],
  ])('%s is refused with 415 and leaves the record unchanged', async (_label, name, bytes) => {
    const recordId = await draftRecord();
    const created = await create(OWNER, { filename: name, recordId }, bytes.length);
    expect(created.status).toBe(201);
    const response = await patch(created.headers.get('location')!, OWNER, 0, bytes);
    expect(response.status).toBe(415);
    expect(await response.text()).toContain(name);
    expect((await temp.records.require(recordId)).record.media).toEqual([]);
  });
});
