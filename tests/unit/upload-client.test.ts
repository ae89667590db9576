/**
 * Uploads that tell the truth (issue #12): a refusal is final and shown in
 * the server's own words, a dropped connection or a server fault is retried,
 * the browser refuses before sending a byte what the server would refuse
 * after receiving the whole file, and progress reads as speed and time left.
 *
 * The retry policy is exercised through the real tus-js-client against the
 * real tus server (lib/uploads/tus.ts), so "final" means no second request.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBeforeUpload } from '@/app/studio/records/[id]/upload-check';
import { formatBytes, formatSpeed, formatTimeLeft, SpeedMeter } from '@/app/studio/records/[id]/upload-format';
import { refusalMessage, retryVerdict } from '@/app/studio/records/[id]/upload-policy';
import { queueOutcome, queueReducer, statusText, toStart, type QueueItem } from '@/app/studio/records/[id]/upload-queue';
import { fingerprintOf, unfinishedOf } from '@/app/studio/records/[id]/upload-resume';
import { tusOptions, type UploadEvents } from '@/app/studio/records/[id]/tus-options';
import type { Archive } from '@/lib/archive';
import { authServices, type AuthServices } from '@/lib/auth/login';
import { parseConfig } from '@/lib/config';
import { HEAD_BYTES, sniffBuffer } from '@/lib/media/sniff-bytes';
import { sniffFile } from '@/lib/media/sniff';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { createUploadServer } from '@/lib/uploads/tus';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { makeAudio, makeVideo } from '../helpers/media-fixtures';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';
import { officerWithRecord } from '../helpers/upload-officer';

const MB = 1024 * 1024;

describe('retry decision by status', () => {
  it.each([0, 500, 502, 503, 504])('status %i (no answer, or a server fault) is retried with backoff', (status) => {
    expect(retryVerdict(status, 0)).toBe('retry');
  });

  it.each([409, 423, 429])('%i (offset conflict, locked, too many requests) is transient', (status) => {
    expect(retryVerdict(status, 0)).toBe('retry');
  });

  it.each([400, 401, 403, 404, 410, 413, 415, 422])('%i is a refusal: final', (status) => {
    expect(retryVerdict(status, 0)).toBe('final');
  });

  it('a checksum mismatch (460) is worth exactly one fresh try', () => {
    expect(retryVerdict(460, 0)).toBe('fresh');
    expect(retryVerdict(460, 1)).toBe('final');
  });
});

describe('refusal messages', () => {
  it("shows the server's own Vietnamese / English sentence as it is", () => {
    const body = 'clip.mp4: tên và nội dung tệp không khớp / clip.mp4: named like video/mp4 but its content is text/plain';
    expect(refusalMessage(415, body)).toBe(body);
  });

  it("puts a Vietnamese sentence before tus's own English-only answers", () => {
    expect(refusalMessage(413, 'Maximum size exceeded\n')).toBe('Tệp vượt quá dung lượng cho phép / Maximum size exceeded');
    expect(refusalMessage(401, '')).toMatch(/^Phiên đăng nhập đã hết/);
    expect(refusalMessage(418, '')).toMatch(/mã 418/);
  });
});

describe('speed and time left, in Vietnamese', () => {
  it('formats sizes and speeds with a decimal comma', () => {
    expect(formatSpeed(1.2 * MB)).toBe('1,2 MB/s');
    expect(formatSpeed(12.4 * MB)).toBe('12 MB/s');
    expect(formatSpeed(350 * 1024)).toBe('350 KB/s');
    expect(formatSpeed(500)).toBe('500 B/s');
    expect(formatBytes(1.5 * MB)).toBe('1,5 MB');
    expect(formatBytes(2 * 1024 * MB)).toBe('2 GB');
  });

  it('says how long is left, roughly', () => {
    expect(formatTimeLeft(3)).toBe('còn vài giây');
    expect(formatTimeLeft(42)).toBe('còn khoảng 45 giây');
    expect(formatTimeLeft(150)).toBe('còn khoảng 3 phút');
    expect(formatTimeLeft(70)).toBe('còn khoảng 1 phút');
    expect(formatTimeLeft(3 * 3600 + 20 * 60)).toBe('còn khoảng 3 giờ 20 phút');
    expect(formatTimeLeft(2 * 3600)).toBe('còn khoảng 2 giờ');
    expect(formatTimeLeft(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(formatTimeLeft(Number.NaN)).toBeUndefined();
  });

  it('measures speed over the last few seconds, and starts over when the sent count goes back', () => {
    const meter = new SpeedMeter();
    meter.sample(0, 0);
    expect(meter.bytesPerSecond()).toBeUndefined(); // one sample says nothing
    meter.sample(1 * MB, 1000);
    meter.sample(2 * MB, 2000);
    expect(meter.bytesPerSecond()).toBeCloseTo(MB, -3);
    // Much later, a slow line: old samples no longer count.
    meter.sample(2.1 * MB, 20_000);
    meter.sample(2.2 * MB, 21_000);
    expect(meter.bytesPerSecond()).toBeCloseTo(0.1 * MB, -3);
    // A resume from the server's offset can move the count back: never a negative speed.
    meter.sample(1 * MB, 22_000);
    expect(meter.bytesPerSecond()).toBeUndefined();
  });
});

describe('the queue', () => {
  const item = (id: string, phase: QueueItem['phase'], extra: Partial<QueueItem> = {}): QueueItem => ({ id, name: `${id}.mp4`, size: 10 * MB, sent: 0, phase, ...extra });

  it('starts queued files while fewer than the limit are sending', () => {
    expect(toStart([item('a', 'queued'), item('b', 'queued'), item('c', 'queued')], 2)).toEqual(['a', 'b']);
    // Retrying holds its place; paused, refused and done ones do not.
    expect(toStart([item('a', 'retrying'), item('b', 'paused'), item('c', 'refused'), item('d', 'queued'), item('e', 'queued')], 2)).toEqual(['d']);
    expect(toStart([item('a', 'uploading'), item('b', 'uploading'), item('c', 'queued')], 2)).toEqual([]);
  });

  it('a late progress event never revives a refused file', () => {
    let items = [item('a', 'uploading')];
    items = queueReducer(items, { type: 'refused', id: 'a', message: 'a.mp4: tên và nội dung tệp không khớp / …' });
    items = queueReducer(items, { type: 'progress', id: 'a', sent: 10 * MB, total: 10 * MB, bytesPerSecond: MB });
    items = queueReducer(items, { type: 'retrying', id: 'a', fresh: false });
    expect(items[0]).toMatchObject({ phase: 'refused', message: 'a.mp4: tên và nội dung tệp không khớp / …' });
  });

  it('a file picked again to resume starts from what the server holds', () => {
    const [added] = queueReducer([], { type: 'add', items: [{ id: 'a', name: 'a.mp4', size: 10 * MB, sent: 3 * MB }] });
    expect(added).toMatchObject({ phase: 'checking', sent: 3 * MB });
    expect(statusText(queueReducer([added!], { type: 'checked', id: 'a' })[0]!)).toBe('a.mp4: 30% · đang chờ');
  });

  it('says when everything is done, or some files need attention', () => {
    expect(queueOutcome([])).toBe('empty');
    expect(queueOutcome([item('a', 'done'), item('b', 'uploading')])).toBe('busy');
    expect(queueOutcome([item('a', 'done'), item('b', 'done')])).toBe('all-done');
    expect(queueOutcome([item('a', 'done'), item('b', 'refused')])).toBe('needs-attention');
    expect(queueOutcome([item('a', 'paused')])).toBe('needs-attention');
  });

  it('describes each file in Vietnamese, keeping "name: N%" for progress', () => {
    const sending = item('clip', 'uploading', { sent: 4.5 * MB, bytesPerSecond: 0.5 * MB });
    // 5,5 MB left at 512 KB/s: 11 s, said as "about 15 seconds".
    expect(statusText(sending)).toBe('clip.mp4: 45% · 512 KB/s · còn khoảng 15 giây');
    expect(statusText(item('clip', 'retrying', { sent: 4.5 * MB }))).toBe('clip.mp4: 45% · mất kết nối, đang thử lại…');
    expect(statusText(item('clip', 'paused', { sent: 4.5 * MB }))).toBe('clip.mp4: 45% · tạm dừng');
    expect(statusText(item('clip', 'queued'))).toBe('clip.mp4: đang chờ');
    expect(statusText(item('clip', 'done'))).toBe('clip.mp4: đã lưu vào hồ sơ');
    // A refusal that does not name the file is prefixed with it.
    expect(statusText(item('clip', 'refused', { message: 'Bạn không sửa được hồ sơ này / You may not add files to this record' }))).toBe('clip.mp4: Bạn không sửa được hồ sơ này / You may not add files to this record');
    expect(statusText(item('clip', 'refused', { message: 'clip.mp4: tên và nội dung tệp không khớp / x' }))).toBe('clip.mp4: tên và nội dung tệp không khớp / x');
  });
});

describe('unfinished uploads after a reload', () => {
  const file = { name: 'lễ hội.mp4', type: 'video/mp4', size: 123_456, lastModified: 1_700_000_000_000 };

  it('fingerprints a file per record, so the same file sent to another record is never resumed into this one', () => {
    expect(fingerprintOf('abcd1234', file)).toBe(fingerprintOf('abcd1234', { ...file }));
    expect(fingerprintOf('abcd1234', file)).not.toBe(fingerprintOf('wxyz5678', file));
    expect(fingerprintOf('abcd1234', file)).not.toBe(fingerprintOf('abcd1234', { ...file, lastModified: file.lastModified + 1 }));
    // tus-js-client finds entries by the prefix "tus::<fingerprint>::": the fingerprint never contains "::".
    expect(fingerprintOf('abcd1234', { ...file, name: 'a::b.mp4' })).not.toContain('::');
  });

  it("lists this record's unfinished uploads, newest first, once per file", () => {
    const fp = fingerprintOf('abcd1234', file);
    const entry = (key: string, recordId: string, created: string, url: string | null = `/api/uploads/${key}`) => ({
      urlStorageKey: `tus::${fp}::${key}`,
      uploadUrl: url,
      parallelUploadUrls: null,
      size: file.size,
      creationTime: created,
      metadata: { filename: file.name, recordId, filetype: file.type },
    });
    const list = unfinishedOf('abcd1234', [
      entry('1', 'abcd1234', 'Mon Mar 03 2025 10:00:00 GMT+0700'),
      entry('2', 'abcd1234', 'Tue Mar 04 2025 10:00:00 GMT+0700'),
      entry('3', 'wxyz5678', 'Tue Mar 04 2025 11:00:00 GMT+0700'),
      entry('4', 'abcd1234', 'Tue Mar 04 2025 12:00:00 GMT+0700', null),
      { ...entry('5', 'abcd1234', 'Wed Mar 05 2025 10:00:00 GMT+0700'), urlStorageKey: `tus::${fingerprintOf('abcd1234', { ...file, name: 'anh.jpg' })}::5`, metadata: { filename: 'anh.jpg', recordId: 'abcd1234' } },
      // Left by tus's default fingerprint (no record in it): picking the file again could never match it.
      { ...entry('6', 'abcd1234', 'Wed Mar 05 2025 11:00:00 GMT+0700'), urlStorageKey: 'tus::tus-br-anh.jpg-image/jpeg-1-2-/api/uploads::6' },
    ]);
    expect(list.map((u) => [u.name, u.uploadUrl])).toEqual([
      ['anh.jpg', '/api/uploads/5'],
      ['lễ hội.mp4', '/api/uploads/2'],
    ]);
    expect(list[1]).toMatchObject({ fingerprint: fp, size: file.size, staleKeys: [`tus::${fp}::1`] });
  });
});

/* ------------------------------------------------------------------ */
/* Against the real tus server: the browser's check agrees with it,   */
/* and the retry policy sends a refused file once.                    */
/* ------------------------------------------------------------------ */

let temp: TempArchive;
let archive: Archive;
let auth: AuthServices;
let cookie: string;
let recordId: string;
let fixtures: { name: string; bytes: Buffer }[];
const servers: http.Server[] = [];

/** The upload server, behind a hook that may break or fail a request first (a dropped line, a crashing proxy). */
async function serve(options: { limitBytes?: number; interfere?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean } = {}): Promise<string> {
  const config = { ...archive.config, ...(options.limitBytes ? { uploadMaxBytes: options.limitBytes } : {}) };
  const tusServer = createUploadServer({ ...archive, config }, auth, new Workflow(temp.records, new AuditLog(temp.store)));
  const server = http.createServer((req, res) => {
    if (options.interfere?.(req, res)) return;
    void tusServer.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Outcome = { kind: 'done' } | { kind: 'refused'; status: number; message: string } | { kind: 'stalled'; message: string };

/** Sends bytes as the browser would, with the studio's options; counts every request by method. */
function send(base: string, name: string, bytes: Buffer, extra: Record<string, string> = {}) {
  const requests: string[] = [];
  const retries: { status: number; fresh: boolean }[] = [];
  const outcome = new Promise<Outcome>((resolve) => {
    const events: UploadEvents = {
      onProgress: () => {},
      onRetry: (r) => retries.push(r),
      onRefused: (r) => resolve({ kind: 'refused', ...r }),
      onStalled: (message) => resolve({ kind: 'stalled', message }),
      onSuccess: () => resolve({ kind: 'done' }),
    };
    const options = tusOptions({ recordId, file: { name, type: '', size: bytes.length, lastModified: 0 }, metadata: extra }, events);
    const upload = new tus.Upload(bytes, {
      ...options,
      endpoint: `${base}/api/uploads`,
      chunkSize: 256 * 1024,
      headers: { cookie, origin: base },
      onBeforeRequest: (req) => void requests.push(req.getMethod()),
    });
    upload.start();
  });
  return { outcome, requests, retries };
}

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'http://127.0.0.1:1' }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
  auth = authServices(archive);
  ({ cookie, recordId } = await officerWithRecord(archive, auth));

  const dir = await fs.mkdtemp(path.join(temp.dir, 'fixtures-'));
  await makeVideo(path.join(dir, 'clip.mp4'), { width: 160, height: 120, seconds: 1, audio: true });
  await makeAudio(path.join(dir, 'ghi-am.m4a'), 1);
  const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
  const html = '<!DOCTYPE html>\n<html><body><script>fetch("/studio")</script></body></html>';
  // Text whose first 4 KB look fine but which holds a control byte further in: the server reads 64 KB.
  const lateBinary = Buffer.concat([Buffer.from('Già làng kể chuyện. '.repeat(600)), Buffer.from([0, 1, 2]), Buffer.from('tiếp theo')]);
  fixtures = [
    { name: 'anh.jpg', bytes: await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2a6f4e' } }).jpeg().toBuffer() },
    { name: 'anh.png', bytes: await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a33' } }).png().toBuffer() },
    { name: 'le-cung-lua.mp4', bytes: await fs.readFile(path.join(dir, 'clip.mp4')) },
    { name: 'ghi-am.m4a', bytes: await fs.readFile(path.join(dir, 'ghi-am.m4a')) },
    { name: 'phu-de.vtt', bytes: Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nTiếng chiêng mở đầu lễ\n') },
    { name: 'ghi-chep.txt', bytes: Buffer.from('Già làng kể chuyện lập làng.\n') },
    { name: 'hinh-ve.svg', bytes: Buffer.from(svg) },
    { name: 'hinh-ve.png', bytes: Buffer.from(svg) },
    { name: 'trang.html', bytes: Buffer.from(html) },
    { name: 'trang.txt', bytes: Buffer.from(html) },
    { name: 'khong-phai-video.mp4', bytes: Buffer.from('this is not a video\n'.repeat(5000)) },
    { name: 'danh-sach.m3u8', bytes: Buffer.from('#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n') },
    { name: 'ghi-chep-hong.txt', bytes: lateBinary },
    { name: 'rong.jpg', bytes: Buffer.alloc(0) },
  ];
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await temp?.cleanup();
});

describe('the browser refuses what the server refuses, before sending', () => {
  it('reads the same head of the file as the server, so both call it the same kind', async () => {
    for (const { name, bytes } of fixtures) {
      const file = path.join(temp.dir, `sniff-${name}`);
      await fs.writeFile(file, bytes);
      const head = new Uint8Array(await new Blob([new Uint8Array(bytes)]).slice(0, HEAD_BYTES).arrayBuffer());
      expect(await sniffBuffer(head), name).toEqual(await sniffFile(file));
    }
  });

  it('accepts and refuses exactly the files the server accepts and refuses, with the same words', async () => {
    const base = await serve();
    for (const { name, bytes } of fixtures) {
      const client = await checkBeforeUpload(new File([new Uint8Array(bytes)], name), 100 * MB);
      const { outcome, requests } = send(base, name, bytes);
      const server = await outcome;
      expect(server.kind, `${name}: ${JSON.stringify(server)}`).not.toBe('stalled');
      expect(client.ok, `${name}: browser ${JSON.stringify(client)} server ${JSON.stringify(server)}`).toBe(server.kind === 'done');
      if (server.kind === 'refused') {
        // Refused once: one creation, never resent.
        expect(requests.filter((m) => m === 'POST'), name).toHaveLength(1);
        expect(server.status, name).toBe(415);
        if (bytes.length > 0 && !client.ok) expect(client.message, name).toBe(server.message);
      }
    }
  });

  it('a file over the maximum is refused in the browser with a Vietnamese message; the server would say 413', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    const client = await checkBeforeUpload(new File([new Uint8Array(bytes)], 'lon.mp4'), 200_000);
    expect(client).toMatchObject({ ok: false });
    expect(!client.ok && client.message).toMatch(/^lon\.mp4: tệp quá lớn \(293 KB; tối đa 195 KB\)/);
    const server = await send(await serve({ limitBytes: 200_000 }), 'lon.mp4', bytes).outcome;
    expect(server).toMatchObject({ kind: 'refused', status: 413 });
  });
});

describe('retries against the real server', () => {
  it('a text file named .mp4 is sent once and refused at once with the server message (the bug of issue #12)', async () => {
    const bytes = Buffer.from('this is not a video\n'.repeat(50_000)); // 1 MB: four chunks
    const { outcome, requests, retries } = send(await serve(), 'clip.mp4', bytes);
    const result = await outcome;
    expect(result).toEqual({ kind: 'refused', status: 415, message: expect.stringMatching(/^clip\.mp4: tên và nội dung tệp không khớp \/ clip\.mp4: named like video\/mp4 but its content is text\/plain$/) });
    expect(retries).toEqual([]);
    expect(requests.filter((m) => m === 'POST')).toHaveLength(1);
    expect(requests.filter((m) => m === 'PATCH')).toHaveLength(Math.ceil(bytes.length / (256 * 1024)));
  });

  it('a checksum mismatch gets one fresh upload, then is final', async () => {
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123' } }).png().toBuffer();
    const { outcome, requests, retries } = send(await serve(), 'sai-ma.png', bytes, { sha512: 'a'.repeat(128) });
    const result = await outcome;
    expect(result).toMatchObject({ kind: 'refused', status: 460, message: expect.stringMatching(/^sai-ma\.png: tệp nhận được khác với tệp đã gửi/) });
    expect(retries).toEqual([{ status: 460, fresh: true }]);
    expect(requests.filter((m) => m === 'POST')).toHaveLength(2);
  });

  it('a dropped connection and a server fault are retried, and the upload completes', async () => {
    let dropped = false;
    let failed = false;
    const base = await serve({
      interfere(req, res) {
        if (req.method === 'PATCH' && !dropped) {
          dropped = true;
          req.socket.destroy(); // the line drops mid-request
          return true;
        }
        if (req.method === 'PATCH' && !failed) {
          failed = true;
          res.writeHead(502).end('Bad gateway');
          return true;
        }
        return false;
      },
    });
    const bytes = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#456', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).png().toBuffer();
    const { outcome, retries } = send(base, 'mang-chap-chon.png', bytes, { sha512: createHash('sha512').update(bytes).digest('hex') });
    expect(await outcome).toEqual({ kind: 'done' });
    expect(retries.map((r) => r.status)).toEqual([0, 502]);
    const media = (await temp.records.require(recordId)).record.media.find((m) => m.path === 'files/mang-chap-chon.png');
    expect(media).toMatchObject({ size: bytes.length });
  });
});
