/**
 * Resumable uploads through a real tus server and the real tus-js-client:
 * an upload cut off half-way resumes from where it stopped and becomes an
 * original of the record; unauthorised, foreign and oversized uploads are
 * refused before anything is stored.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '@/lib/archive';
import { authServices, type AuthServices } from '@/lib/auth/login';
import { parseConfig } from '@/lib/config';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { createUploadServer } from '@/lib/uploads/tus';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';
import { officerWithRecord } from '../helpers/upload-officer';

let temp: TempArchive;
let archive: Archive;
let auth: AuthServices;
let base: string;
let cookie: string;
let recordId: string;
let photo: Buffer;
const servers: http.Server[] = [];

async function serve(limitBytes?: number): Promise<string> {
  const config = { ...archive.config, ...(limitBytes ? { uploadMaxBytes: limitBytes } : {}) };
  const tusServer = createUploadServer({ ...archive, config }, auth, new Workflow(temp.records, new AuditLog(temp.store)));
  const server = http.createServer((req, res) => void tusServer.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'http://127.0.0.1:1' }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
  auth = authServices(archive);
  // The origin check accepts the server's own origin, where these requests come "from".
  base = await serve();
  ({ cookie, recordId } = await officerWithRecord(archive, auth));
  photo = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
}, 60_000);
afterAll(async () => {
  for (const s of servers) s.close();
  await temp?.cleanup();
});

function upload(file: Buffer, { headers, ...options }: Partial<tus.UploadOptions> & { headers?: Record<string, string> }): tus.Upload {
  return new tus.Upload(file, {
    endpoint: `${base}/api/uploads`,
    chunkSize: 64 * 1024,
    retryDelays: [],
    metadata: { filename: 'ảnh điền dã.png', recordId, sha512: createHash('sha512').update(file).digest('hex') },
    headers: { cookie, origin: base, ...headers },
    ...options,
  });
}

function finish(u: tus.Upload): Promise<void> {
  return new Promise((resolve, reject) => {
    u.options.onSuccess = () => resolve();
    u.options.onError = reject;
    u.start();
  });
}

describe('resumable uploads', () => {
  it('resumes an interrupted upload where it stopped and stores the original with its digest', async () => {
    let firstUrl = '';
    const first = upload(photo, {});
    await new Promise<void>((resolve, reject) => {
      first.options.onProgress = (sent, total) => {
        if (sent > total / 2 && !firstUrl) {
          firstUrl = first.url!;
          void first.abort().then(resolve);
        }
      };
      first.options.onError = reject;
      first.start();
    });
    expect(firstUrl).toMatch(/\/api\/uploads\/\w+/);
    const head = await fetch(new URL(firstUrl, base), { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', cookie, origin: base } });
    const received = Number(head.headers.get('upload-offset'));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(photo.length);
    const offsets: number[] = [];
    const second = upload(photo, { uploadUrl: firstUrl, onProgress: (sent) => offsets.push(sent) });
    await finish(second);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(received); // resumed from what the server had, not restarted
    const stored = await temp.records.require(recordId);
    const media = stored.record.media.find((m) => m.path === 'files/ảnh điền dã.png');
    expect(media).toMatchObject({ type: 'image/png', kind: 'image', size: photo.length, digest: createHash('sha512').update(photo).digest('hex') });
    expect(stored.versions.at(-1)?.message).toBe('Tải lên ảnh điền dã.png');
    expect((await fs.readdir(archive.config.uploadDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('refuses uploads without a session, from a foreign origin, or to a record that does not exist', async () => {
    await expect(finish(upload(photo, { headers: { cookie: '' } }))).rejects.toThrow(/401/);
    await expect(finish(upload(photo, { headers: { origin: 'https://evil.example' } }))).rejects.toThrow(/403/);
    await expect(finish(upload(photo, { metadata: { filename: 'x.png', recordId: 'zzzzzzzz' } }))).rejects.toThrow(/403/);
  });

  it('refuses an upload over the size limit before storing a byte', async () => {
    const before = await fs.readdir(archive.config.uploadDir).catch(() => []);
    const small = await serve(100_000);
    await expect(finish(upload(photo, { endpoint: `${small}/api/uploads`, headers: { origin: base } }))).rejects.toThrow(/413/);
    expect(await fs.readdir(archive.config.uploadDir).catch(() => [])).toEqual(before);
  });

  it('refuses a file whose content is not what its name says, and a corrupted transfer', async () => {
    const text = Buffer.from('chỉ là văn bản, không phải ảnh');
    await expect(finish(upload(text, { metadata: { filename: 'anh.png', recordId } }))).rejects.toThrow(/415/);
    await expect(finish(upload(photo, { metadata: { filename: 'b.png', recordId, sha512: 'a'.repeat(128) } }))).rejects.toThrow(/460/);
    const stored = await temp.records.require(recordId);
    expect(stored.record.media.map((m) => m.path)).toEqual(['files/ảnh điền dã.png']);
  });

  it('attaches a caption file with its language to the recording it belongs to', async () => {
    const vtt = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nTiếng chiêng mở đầu lễ\n');
    await finish(upload(vtt, { metadata: { filename: 'phu-de.vi.vtt', recordId, language: 'vie', of: 'ảnh điền dã.png' } }));
    const media = (await temp.records.require(recordId)).record.media.find((m) => m.path === 'files/phu-de.vi.vtt');
    expect(media).toMatchObject({ kind: 'caption', type: 'text/vtt', language: 'vie', of: 'files/ảnh điền dã.png' });
  });
});
