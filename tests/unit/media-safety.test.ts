/**
 * Bad inputs are refused before anything is made, with a message naming the
 * file and what was found, and leave nothing under derivatives/.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMedia } from '@/lib/derivatives/derive';
import { MediaRefusedError } from '@/lib/media/errors';
import { ffmpegArgs, runFfmpeg } from '@/lib/media/ffmpeg';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import type { MediaKind } from '@/lib/records/schema';
import { nameContentMismatch, sniffBuffer } from '@/lib/media/sniff';
import sharp from 'sharp';
import { bombPng, makeVideo } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

let n = 0;
async function refusal(name: string, body: Buffer | string, kind: MediaKind, contentType: string): Promise<Error> {
  const stored = await archive.records.create({ body: sampleBody({ slug: `bad-${++n}` }), files: [{ name, body, contentType, kind }], user: operator });
  const media = stored.record.media[0]!;
  const error = await deriveMedia({ store: archive.store, records: archive.records, limits: DEFAULT_LIMITS }, stored.record.id, media).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, `${name} should be refused`).toBeInstanceOf(MediaRefusedError);
  expect(error!.message.startsWith(`files/${name}: refused`)).toBe(true);
  expect(await archive.keys(`derivatives/${stored.record.id}/`)).toEqual([]);
  return error!;
}

describe('refused inputs', () => {
  it('a zero-byte file', async () => {
    expect((await refusal('empty.jpg', Buffer.alloc(0), 'image', 'image/jpeg')).message).toMatch(/empty file \(0 bytes\)/);
  });

  it('a PNG declaring 60000×60000 pixels (decompression bomb)', async () => {
    const png = bombPng(60_000, 60_000);
    expect(png.length).toBeLessThan(1000);
    expect((await refusal('bomb.png', png, 'image', 'image/png')).message).toMatch(/a PNG declaring 60000×60000 pixels \(3600 MP\).*over the limit of 150 MP/);
  });

  it('an SVG', async () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>';
    expect((await refusal('drawing.svg', svg, 'image', 'image/svg+xml')).message).toMatch(/found an SVG drawing/);
    // Named like a PNG it is still an SVG.
    expect((await refusal('drawing.png', svg, 'image', 'image/png')).message).toMatch(/SVG/);
  });

  it('a text file named .mp4', async () => {
    expect((await refusal('clip.mp4', 'this is not a video\n', 'video', 'video/mp4')).message).toMatch(/found plain text: named like video\/mp4 but its content is text\/plain/);
  });

  it('an HLS playlist pointing at file:///etc/passwd, named .mp4 or .m3u8', async () => {
    const m3u8 = '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n';
    expect((await refusal('clip2.mp4', m3u8, 'video', 'video/mp4')).message).toMatch(/HLS playlist/);
    expect((await refusal('list.m3u8', m3u8, 'video', 'application/vnd.apple.mpegurl')).message).toMatch(/HLS playlist/);
    expect((await refusal('list.txt', 'ffconcat version 1.0\nfile /etc/passwd\n', 'video', 'text/plain')).message).toMatch(/concat list/);
  });

  it('a truncated MP4', async () => {
    const dir = await fs.mkdtemp(path.join(archive.dir, 'mp4-'));
    const file = path.join(dir, 'full.mp4');
    await makeVideo(file, { width: 160, height: 120, seconds: 2 }); // moov at the end, as cameras write it
    const bytes = await fs.readFile(file);
    expect((await refusal('cut.mp4', bytes.subarray(0, Math.floor(bytes.length / 2)), 'video', 'video/mp4')).message).toMatch(/truncated or damaged: its index \(moov atom\) is missing/);
  });

  it('ffmpeg itself refuses playlist demuxers and non-file protocols, even if asked', async () => {
    const dir = await fs.mkdtemp(path.join(archive.dir, 'hls-'));
    const list = path.join(dir, 'x.m3u8');
    await fs.writeFile(list, '#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n');
    const run = { input: list, inputFormat: 'mov', outputs: [{ path: path.join(dir, 'out.mp4'), options: ['-c', 'copy'] }], timeoutMs: 10_000, displayName: 'x' };
    expect(() => runFfmpeg({ ...run, inputFormat: 'hls' })).toThrow(/not allowed/);
    const args = ffmpegArgs(run);
    expect(args).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file', '-nostdin']));
    expect(args[args.indexOf('-format_whitelist') + 1]).not.toMatch(/hls|concat/);
    // Without -f the whitelist still stops the hls demuxer from being picked.
    const bare = args.filter((a, i) => a !== '-f' && args[i - 1] !== '-f');
    const stderr = await new Promise<string>((resolve) => execFile('ffmpeg', bare, (_e, _o, err) => resolve(err)));
    expect(stderr).toMatch(/not on whitelist|Invalid data/);
    await expect(fs.stat(path.join(dir, 'out.mp4'))).rejects.toThrow();
  });

  it('a tool that runs past its time limit is killed', async () => {
    const dir = await fs.mkdtemp(path.join(archive.dir, 'slow-'));
    const file = path.join(dir, 'in.mp4');
    await makeVideo(file, { width: 160, height: 120, seconds: 2 });
    const started = Date.now();
    await expect(
      runFfmpeg({
        input: file,
        inputFormat: 'mov',
        inputOptions: ['-stream_loop', '-1', '-re'], // reads forever at real-time speed
        outputs: [{ path: path.join(dir, 'out.mp4'), options: ['-c', 'copy'] }],
        timeoutMs: 800,
        displayName: 'files/in.mp4',
      }),
    ).rejects.toThrow(/files\/in\.mp4: ffmpeg ran longer than 1 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

/*
 * Issue #11, class 4: the archive keeps field recordings, scans and their
 * captions, never a document a browser would run (SVG, HTML, XHTML, XML,
 * JavaScript). sniff names such content for what it is and calls it a kind
 * every caller (tus uploads, bulk import, the media pipeline) refuses, even
 * when the file is named like a photo or a caption.
 */
describe('browser-executable content is never an original', () => {
  const svg = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/studio\')"><script>alert(1)</script></svg>';
  const bareSvg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
  const html = '<!DOCTYPE html>\n<html><body><script>fetch("/studio/records")</script></body></html>';
  const executable: [string, string][] = [
    ['an SVG with an XML prolog', svg],
    ['an SVG without a prolog', bareSvg],
    ['an SVG after a BOM and a comment', `\uFEFF<!-- vẽ tay -->\n${bareSvg}`],
    ['an HTML page', html],
    ['an HTML fragment starting with <script>', '<script>alert(1)</script>'],
    ['an HTML body', '  \n<body onload="alert(1)">xin chào</body>'],
    ['an HTML page behind a comment', '<!-- ghi chú -->\n<html><p>x</p></html>'],
    ['an XHTML page', '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'],
    ['an XML document', '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="x.xsl"?><root/>'],
  ];

  it.each(executable)('%s is a kind no caller accepts', async (_label, text) => {
    const sniffed = await sniffBuffer(Buffer.from(text));
    expect(sniffed, 'sniffed').toBeDefined();
    expect(sniffed!.kind).toBe('other');
    expect(sniffed!.mime).not.toBe('text/plain');
  });

  it.each(['photo.jpg', 'anh.png', 'phu-de.vtt', 'ghi-chep.txt', 'clip.mp4', 'drawing.svg', 'trang.html'])('named %s, an SVG or HTML page is refused by name and content too', async (name) => {
    for (const text of [svg, html]) {
      const sniffed = (await sniffBuffer(Buffer.from(text)))!;
      // Either the name and content disagree, or the content is of a refused kind: never both fine.
      expect(nameContentMismatch(name, sniffed) !== undefined || sniffed.kind === 'other', `${name} holding ${sniffed.mime}`).toBe(true);
    }
  });

  it('an SVG named like a photo is a mismatch, not an image', async () => {
    const sniffed = (await sniffBuffer(Buffer.from(svg)))!;
    expect(nameContentMismatch('photo.jpg', sniffed)).toMatch(/image\/jpeg.*image\/svg\+xml/);
  });

  it.each(['notes.html', 'notes.htm', 'drawing.svg', 'feed.xml', 'page.xhtml', 'app.js', 'app.mjs'])('a harmless text named %s is refused by its name', async (name) => {
    const sniffed = (await sniffBuffer(Buffer.from('Già làng kể chuyện lập làng.\n')))!;
    expect(sniffed.kind).toBe('transcript');
    expect(nameContentMismatch(name, sniffed)).toMatch(/browser|trình duyệt/);
  });

  it('captions, transcripts and photos are still what they were', async () => {
    const vtt = (await sniffBuffer(Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\n<v Già làng>Tiếng chiêng</v>\n')))!;
    expect(vtt).toMatchObject({ mime: 'text/vtt', kind: 'caption' });
    expect(nameContentMismatch('phu-de.vi.vtt', vtt)).toBeUndefined();
    // Text that merely mentions markup is a transcript, not a page.
    const transcript = (await sniffBuffer(Buffer.from('Bài hát ru: "a < b" và thẻ <script> chỉ là chữ.\n')))!;
    expect(transcript).toMatchObject({ mime: 'text/plain', kind: 'transcript' });
    expect(nameContentMismatch('loi-bai-hat.txt', transcript)).toBeUndefined();
    const png = (await sniffBuffer(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer()))!;
    expect(png).toMatchObject({ mime: 'image/png', kind: 'image' });
    expect(nameContentMismatch('anh.png', png)).toBeUndefined();
  });
});

/*
 * Issue #12: the studio's uploader checks a file in the browser before
 * sending it, with the very decision the server makes after receiving it.
 * That decision lives in a pure module the browser can load.
 */
describe('the byte sniffer is shared with the browser', () => {
  it('lib/media/sniff-bytes.ts imports nothing from Node, and file-type only through its browser entry', async () => {
    const source = await fs.readFile(path.join(import.meta.dirname, '../../lib/media/sniff-bytes.ts'), 'utf8');
    const imports = [...source.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    expect(imports).toContain('file-type/core');
    expect(imports.filter((s) => s.startsWith('node:') || /^(fs|path|crypto|buffer|stream|child_process|file-type)$/.test(s))).toEqual([]);
  });

  it('sniff.ts delegates to it, so server and browser cannot drift apart', async () => {
    const bytes = await import('@/lib/media/sniff-bytes');
    const server = await import('@/lib/media/sniff');
    expect(server.sniffBuffer).toBe(bytes.sniffBuffer);
    expect(server.nameContentMismatch).toBe(bytes.nameContentMismatch);
    expect(server.isBrowserExecutable).toBe(bytes.isBrowserExecutable);
  });

  it('uploadRefusal says what the upload server says, in both languages', async () => {
    const { uploadRefusal } = await import('@/lib/media/sniff-bytes');
    const text = await sniffBuffer(Buffer.from('this is not a video\n'));
    expect(uploadRefusal('clip.mp4', text)).toEqual({ vi: 'clip.mp4: tên và nội dung tệp không khớp', en: 'clip.mp4: named like video/mp4 but its content is text/plain' });
    const svg = await sniffBuffer(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect(uploadRefusal('hinh.svg', svg)?.vi).toBe('hinh.svg: tên và nội dung tệp không khớp');
    const playlist = await sniffBuffer(Buffer.from('#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n'));
    expect(uploadRefusal('list.m3u8', playlist)).toEqual({ vi: 'list.m3u8: không phải loại tệp kho lưu trữ nhận', en: 'list.m3u8: not a kind of file the archive keeps (photo, audio, video, PDF, captions or text)' });
    expect(uploadRefusal('x.bin', undefined)?.vi).toBe('x.bin: không phải loại tệp kho lưu trữ nhận');
    const png = await sniffBuffer(await sharp({ create: { width: 2, height: 2, channels: 3, background: '#fff' } }).png().toBuffer());
    expect(uploadRefusal('anh.png', png)).toBeUndefined();
  });
});
