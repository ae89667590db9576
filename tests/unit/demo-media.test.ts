/**
 * Demo media generation, checked with real tools: sharp for the JPEGs,
 * ffprobe for the video and audio, pdf-lib for the PDF. Without ffmpeg the
 * audio/video assertions are skipped (with a printed reason) and the
 * generator is expected to return images and PDFs only.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { PDFArray, PDFDocument, PDFName, PDFRawStream, type PDFPage } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectMediaTools,
  foldAscii,
  generateDemoMedia,
  type DemoMediaRequest,
  type GeneratedFile,
} from '@/scripts/demo/generate-media';

const run = promisify(execFile);

const festival: DemoMediaRequest = {
  slug: 'le-hoi-dam-trau-co-tu',
  type: 'festival',
  title: { vi: 'Lễ hội đâm trâu của người Cơ Tu', en: 'Co Tu buffalo sacrifice festival' },
  description: {
    vi: 'Lễ hội đâm trâu là nghi lễ cộng đồng quan trọng của người Cơ Tu. Dân làng đánh cồng chiêng và múa tung tung – da dá.',
    en: 'The buffalo sacrifice is a major community rite of the Co Tu. Villagers play gongs and dance.',
  },
  places: [{ lat: 15.87, lon: 107.53 }],
  recordedOn: '2024-03-12',
};
const music: DemoMediaRequest = {
  slug: 'chieng-cong-co-tu',
  type: 'music',
  title: { vi: 'Cồng chiêng của người Cơ Tu' },
  description: { vi: 'Cồng chiêng vang lên trong hầu hết các lễ hội của người Cơ Tu.' },
};
const craft: DemoMediaRequest = {
  slug: 'det-tho-cam-co-tu-zara',
  type: 'craft',
  title: { vi: 'Nghề dệt thổ cẩm của người Cơ Tu ở Zara', en: 'Co Tu brocade weaving in Zara' },
  description: { vi: 'Phụ nữ Cơ Tu dệt thổ cẩm đính hạt cườm trên khung dệt Đông Nam Á.' },
};
const documentRequest: DemoMediaRequest = {
  slug: 'quyet-dinh-1719-qd-ttg',
  type: 'document',
  title: { vi: 'Quyết định số 1719/QĐ-TTg phê duyệt Chương trình mục tiêu quốc gia giai đoạn 2021–2030' },
  description: {
    vi: 'Quyết định của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia. Chương trình có dự án bảo tồn văn hóa truyền thống đồng bào dân tộc thiểu số.',
    en: 'Decision of the Prime Minister approving the National Target Programme.',
  },
  document: { number: '1719/QĐ-TTg', issuer: { vi: 'Thủ tướng Chính phủ', en: 'Prime Minister' }, issuedOn: '2021-10-14' },
};

// Detected once at load so tests can be skipped (not failed) where ffmpeg is missing.
const tools = await detectMediaTools();
if (!tools.ffmpeg) console.warn('demo-media: ffmpeg with libx264/aac not installed, skipping the audio/video/caption assertions');

let root: string;
const generated: Record<string, GeneratedFile[]> = {};

function filesOf(slug: string, kind?: GeneratedFile['kind']): GeneratedFile[] {
  const files = generated[slug] ?? [];
  return kind ? files.filter((f) => f.kind === kind) : files;
}

function only(slug: string, kind: GeneratedFile['kind']): GeneratedFile {
  const [file, ...rest] = filesOf(slug, kind);
  expect(file, `${slug} has a ${kind}`).toBeDefined();
  expect(rest).toHaveLength(0);
  return file as GeneratedFile;
}

interface Probe {
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; avg_frame_rate?: string }>;
  format: { duration: string; format_name: string };
}

async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', file]);
  return JSON.parse(stdout) as Probe;
}

/** Text shown by the page content streams (pdf-lib writes hex strings with Tj). */
function pageText(page: PDFPage): string {
  const contents = page.node.get(PDFName.of('Contents'));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  let text = '';
  for (const ref of refs) {
    const stream = page.doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) continue;
    const filter = stream.dict.get(PDFName.of('Filter'));
    const raw = filter === PDFName.of('FlateDecode') ? inflateSync(stream.contents) : Buffer.from(stream.contents);
    for (const match of raw.toString('latin1').matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      text += `${Buffer.from(match[1] ?? '', 'hex').toString('latin1')}\n`;
    }
  }
  return text;
}

/** Whether the EXIF block (as sharp returns it: "Exif\0\0" + TIFF) has a GPS IFD pointer in IFD0. */
function hasGpsIfd(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.toString('latin1', 0, 4) === 'Exif' ? 6 : 0);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number): number => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'di-san-demo-media-'));
  const started = performance.now();
  for (const request of [festival, music, craft, documentRequest]) {
    generated[request.slug] = await generateDemoMedia(request, path.join(root, request.slug), tools);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`demo-media: generated 4 records (festival, music, craft, document) in ${seconds.toFixed(2)} s (ffmpeg: ${tools.ffmpeg}, espeak-ng: ${tools.espeak})`);
});

afterAll(async () => {
  if (root) await fs.rm(root, { recursive: true, force: true });
});

describe('generateDemoMedia', () => {
  it('describes files that exist, with ASCII names inside outDir', async () => {
    for (const [slug, files] of Object.entries(generated)) {
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect(file.name).toMatch(/^[a-z0-9.-]+$/);
        expect(file.path).toBe(path.join(root, slug, file.name));
        expect((await fs.stat(file.path)).size).toBeGreaterThan(0);
      }
    }
  });

  it('renders brocade photos as JPEG at 1600x1067 or 1067x1600', async () => {
    for (const slug of [festival.slug, music.slug, craft.slug]) {
      const images = filesOf(slug, 'image');
      expect(images.length).toBeGreaterThanOrEqual(1);
      expect(images.length).toBeLessThanOrEqual(2);
      for (const image of images) {
        expect(image.contentType).toBe('image/jpeg');
        expect(image.label?.vi).toBeTruthy();
        const meta = await sharp(image.path).metadata();
        expect(meta.format).toBe('jpeg');
        // Displayed size: the EXIF photo stores rotated pixels plus an Orientation tag.
        const { width, height } = meta.autoOrient;
        expect(width > height ? [width, height] : [height, width]).toEqual([1600, 1067]);
      }
    }
    expect(filesOf(craft.slug, 'image')).toHaveLength(2);
    expect(filesOf(craft.slug).every((f) => f.kind === 'image')).toBe(true);
  });

  it('writes camera-like EXIF (Make, date, Orientation, GPS) into the first photo only', async () => {
    const [first, second] = filesOf(craft.slug, 'image');
    const meta = await sharp(first?.path).metadata();
    expect(meta.orientation).toBe(6);
    expect(meta.exif?.includes('Di San demo')).toBe(true);
    expect(hasGpsIfd(meta.exif ?? Buffer.alloc(0))).toBe(true);
    const festivalExif = (await sharp(filesOf(festival.slug, 'image')[0]?.path).metadata()).exif;
    expect(festivalExif?.includes('2024:03:12')).toBe(true); // recordedOn becomes DateTimeOriginal
    const plain = await sharp(second?.path).metadata();
    expect(plain.exif).toBeUndefined();
  });

  it('is deterministic per slug and differs between slugs', async () => {
    const again = await generateDemoMedia(craft, path.join(root, 'again'), { ffmpeg: false, espeak: false });
    const original = filesOf(craft.slug, 'image');
    expect(again.map((f) => f.name)).toEqual(original.map((f) => f.name));
    for (const [i, file] of again.entries()) {
      expect((await fs.readFile(file.path)).equals(await fs.readFile(original[i]?.path ?? ''))).toBe(true);
    }
    const other = await generateDemoMedia({ ...craft, slug: 'dan-lat-co-tu' }, path.join(root, 'other'), { ffmpeg: false, espeak: false });
    expect((await fs.readFile(other[0]?.path ?? '')).equals(await fs.readFile(original[0]?.path ?? ''))).toBe(false);

    const pdfAgain = await generateDemoMedia(documentRequest, path.join(root, 'pdf-again'));
    const pdfFirst = only(documentRequest.slug, 'document');
    expect((await fs.readFile(pdfAgain[0]?.path ?? '')).equals(await fs.readFile(pdfFirst.path))).toBe(true);
  });

  it.skipIf(!tools.ffmpeg)('makes an 8 s 640x360 H.264/AAC MP4 with gong audio for a festival', async () => {
    const video = only(festival.slug, 'video');
    expect(video.contentType).toBe('video/mp4');
    const info = await probe(video.path);
    const v = info.streams.find((s) => s.codec_type === 'video');
    const a = info.streams.find((s) => s.codec_type === 'audio');
    expect(v?.codec_name).toBe('h264');
    expect([v?.width, v?.height]).toEqual([640, 360]);
    expect(v?.avg_frame_rate).toBe('25/1');
    expect(a?.codec_name).toBe('aac');
    expect(Number(info.format.duration)).toBeGreaterThan(7.8);
    expect(Number(info.format.duration)).toBeLessThan(8.3);
    // +faststart: the moov atom precedes mdat.
    const head = (await fs.readFile(video.path)).subarray(0, 64 * 1024).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(-1);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
  });

  it.skipIf(!tools.ffmpeg)('captions the video in Vietnamese and English', async () => {
    const video = only(festival.slug, 'video');
    const captions = filesOf(festival.slug, 'caption');
    expect(captions.map((c) => c.language).sort()).toEqual(['eng', 'vie']);
    for (const caption of captions) {
      expect(caption.contentType).toBe('text/vtt');
      expect(caption.of).toBe(video.name);
      const text = await fs.readFile(caption.path, 'utf8');
      expect(text.startsWith('WEBVTT')).toBe(true);
      const cues = text.match(/^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/gm) ?? [];
      expect(cues.length).toBeGreaterThanOrEqual(3);
      expect(cues.length).toBeLessThanOrEqual(4);
    }
    const vi = await fs.readFile(captions.find((c) => c.language === 'vie')?.path ?? '', 'utf8');
    expect(vi).toContain('Lễ hội đâm trâu');
    const en = await fs.readFile(captions.find((c) => c.language === 'eng')?.path ?? '', 'utf8');
    expect(en).toContain('buffalo');
  });

  it.skipIf(!tools.ffmpeg)('makes a 20 s AAC .m4a with a Vietnamese transcript for music', async () => {
    const audio = only(music.slug, 'audio');
    expect(audio.name).toMatch(/\.m4a$/);
    expect(audio.contentType).toBe('audio/mp4');
    const info = await probe(audio.path);
    expect(info.streams.map((s) => s.codec_name)).toEqual(['aac']);
    expect(Number(info.format.duration)).toBeGreaterThan(19.8);
    expect(Number(info.format.duration)).toBeLessThan(20.3);
    const caption = only(music.slug, 'caption');
    expect(caption.of).toBe(audio.name);
    expect(caption.language).toBe('vie');
    const text = await fs.readFile(caption.path, 'utf8');
    expect(text.startsWith('WEBVTT')).toBe(true);
    expect(text).toMatch(/-->/);
    expect(filesOf(music.slug, 'video')).toHaveLength(0);
  });

  it('makes a two-page A4 PDF with an extractable accent-folded text layer', async () => {
    const pdfFile = only(documentRequest.slug, 'document');
    expect(filesOf(documentRequest.slug)).toHaveLength(1);
    expect(pdfFile.contentType).toBe('application/pdf');
    const bytes = await fs.readFile(pdfFile.path);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(2);
    const { width, height } = pdf.getPage(0).getSize();
    expect(Math.round(width)).toBe(595);
    expect(Math.round(height)).toBe(842);
    expect(pdf.getTitle()).toBe(documentRequest.title.vi);

    const text = pdf.getPages().map(pageText).join('\n');
    expect(text).toContain('CONG HOA XA HOI CHU NGHIA VIET NAM');
    expect(text).toContain('Doc lap - Tu do - Hanh phuc');
    expect(text).toContain('1719/QD-TTg');
    expect(text).toContain('QUYET DINH');
    expect(text).toContain('bao ton van hoa truyen thong');
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('folds Vietnamese to ASCII', () => {
    expect(foldAscii('Độc lập – Tự do – Hạnh phúc, đồng bào Cơ Tu')).toBe('Doc lap - Tu do - Hanh phuc, dong bao Co Tu');
  });

  it('returns only images when ffmpeg is unavailable', async () => {
    const files = await generateDemoMedia(festival, path.join(root, 'no-ffmpeg'), { ffmpeg: false, espeak: false });
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.kind === 'image')).toBe(true);
  });
});
