/**
 * Generates the media of a demo record at seed time, so that no binary is
 * ever committed: brocade-pattern photos (sharp), a short video with a gong
 * soundtrack and captions or a gong/narration audio file (ffmpeg, espeak-ng),
 * and for legal documents a two-page A4 PDF (page images plus an invisible
 * ASCII text layer, pdf-lib).
 *
 * Output depends only on the request (the slug seeds every random choice),
 * so re-running the seed produces the same photos and PDF byte for byte.
 * Without ffmpeg the audio/video/captions are skipped, not failed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  PDFDocument,
  StandardFonts,
  TextRenderingMode,
  popGraphicsState,
  pushGraphicsState,
  setTextRenderingMode,
  type PDFFont,
} from 'pdf-lib';
import { SANS_FONTS, SERIF_FONTS, brocadeSvg, createRng, escapeXml, wrapWords, type Rng } from './brocade';
import { foldVietnamese } from '../../lib/records/slug';

export type DemoRecordType =
  | 'festival'
  | 'ritual'
  | 'custom'
  | 'craft'
  | 'performing-art'
  | 'music'
  | 'oral-tradition'
  | 'knowledge'
  | 'place'
  | 'document';

export interface DemoMediaRequest {
  /** e.g. 'le-hoi-dam-trau-co-tu'; also the random seed (deterministic output per slug). */
  slug: string;
  type: DemoRecordType;
  title: { vi: string; en?: string };
  description: { vi: string; en?: string };
  document?: { number: string; issuer: { vi: string; en?: string }; issuedOn: string };
  /** Optional: the first place with coordinates becomes the photo's EXIF GPS position. */
  places?: ReadonlyArray<{ lat?: number; lon?: number }>;
  /** Optional 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD': used for EXIF DateTimeOriginal. */
  recordedOn?: string;
}

export interface GeneratedFile {
  /** File name, ASCII, e.g. 'le-hoi-dam-trau-co-tu-1.jpg'. */
  name: string;
  /** Absolute path of the generated file in outDir. */
  path: string;
  contentType: 'image/jpeg' | 'audio/mp4' | 'video/mp4' | 'application/pdf' | 'text/vtt';
  kind: 'image' | 'audio' | 'video' | 'document' | 'caption';
  label?: { vi: string; en: string };
  /** ISO 639-3 ('vie', 'eng') for captions. */
  language?: string;
  /** For captions: the name of the video/audio file they belong to. */
  of?: string;
}

export interface MediaTools {
  ffmpeg: boolean;
  espeak: boolean;
}

// libvips threads per image: use every core, since seeding renders one record at a time.
sharp.concurrency(os.availableParallelism());

const TOOL_TIMEOUT_MS = 120_000;
const FFMPEG_BASE = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];

/** Runs a program without a shell; rejects with its stderr on failure or timeout. */
function run(cmd: string, args: readonly string[], timeoutMs = TOOL_TIMEOUT_MS): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `killed after ${timeoutMs} ms` : `exit ${String(error.code ?? error.signal)}`;
        reject(new Error(`${cmd} ${args.slice(0, 8).join(' ')}… failed (${why}): ${stderr.trim() || error.message}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** ffmpeg counts only with the encoders used here; espeak-ng only with a Vietnamese voice. */
export async function detectMediaTools(): Promise<MediaTools> {
  const ffmpeg = await run('ffmpeg', ['-hide_banner', '-encoders'], 15_000)
    .then(({ stdout }) => /\blibx264\b/.test(stdout) && /\baac\b/.test(stdout))
    .catch(() => false);
  const espeak = await run('espeak-ng', ['--voices=vi'], 15_000)
    .then(({ stdout }) => /\svi\s/.test(stdout))
    .catch(() => false);
  return { ffmpeg, espeak };
}

let warnedNoFfmpeg = false;

// ---------------------------------------------------------------- text helpers

/** Accent-folds Vietnamese to printable ASCII (NFD, strip marks, đ→d), for file names and the PDF text layer. */
export function foldAscii(text: string): string {
  return foldVietnamese(text)
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\u00b7/g, '-')
    .replace(/[^\x20-\x7e]/g, '');
}

function safeBaseName(slug: string): string {
  const base = foldAscii(slug).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'record';
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?…])(\s|$)/su.exec(text.trim());
  return (match?.[1] ?? text).trim();
}

function splitSentences(text: string): string[] {
  return (text.match(/[^.!?…]+[.!?…]+|\S[^.!?…]*$/gu) ?? [text]).map((t) => t.trim()).filter(Boolean);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/u, '')}…`;
}

function parseDate(value: string | undefined): { y: number; m: number; d: number } | undefined {
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value ?? '');
  if (!match) return undefined;
  return { y: Number(match[1]), m: Number(match[2] ?? 1), d: Number(match[3] ?? 1) };
}

// ---------------------------------------------------------------- WebVTT

interface Cue {
  start: number;
  end: number;
  text: string;
}

function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Cue text arrives already wrapped (see twoLines / chunkForCues); only markup characters are escaped. */
function formatVtt(cues: readonly Cue[]): string {
  const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const blocks = cues.map((cue, i) => `${i + 1}\n${vttTime(cue.start)} --> ${vttTime(cue.end)}\n${escape(cue.text)}`);
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}

const CUE_LINE = 42; // characters per subtitle line, the usual limit

/** Splits text into cue-sized chunks of two subtitle lines at most. */
function chunkForCues(text: string): string[] {
  const lines = wrapWords(text, CUE_LINE);
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 2) chunks.push(lines.slice(i, i + 2).join('\n'));
  return chunks;
}

/** Wraps text to two subtitle lines, shortening the second with an ellipsis if needed. */
function twoLines(text: string): string {
  const lines = wrapWords(text, CUE_LINE);
  if (lines.length <= 2) return lines.join('\n');
  return `${lines[0] ?? ''}\n${truncate(lines.slice(1).join(' '), CUE_LINE)}`;
}

/** Spreads chunks over [start, end], each in proportion to its length. */
function spreadCues(chunks: readonly string[], start: number, end: number): Cue[] {
  const total = chunks.reduce((n, c) => n + c.length, 0) || 1;
  let t = start;
  return chunks.map((text) => {
    const d = ((end - start) * text.length) / total;
    const cue = { start: t, end: t + d, text };
    t += d;
    return cue;
  });
}

// ---------------------------------------------------------------- audio synthesis

/**
 * An ffmpeg aevalsrc expression for a gong ensemble: 3–4 gongs at seeded
 * pitches (110–420 Hz) struck in an interlocking rhythm on a common beat,
 * each an inharmonic partial set with an exponential decay, plus a low drum.
 */
function gongExpression(rng: Rng, gain: number): string {
  const beat = rng.range(0.34, 0.48);
  const voices = rng.int(3, 4);
  const f = (n: number): string => n.toFixed(3);
  const terms: string[] = [];
  for (let i = 0; i < voices; i++) {
    const pitch = rng.range(110, 420);
    const period = beat * rng.pick([2, 3, 4, 6, 8]);
    const offset = beat * rng.int(0, 3);
    const decay = rng.range(1.6, 4.5);
    const amp = (gain * rng.range(0.7, 1)) / (voices + 1);
    // s = time since the last strike of this gong; the attack term avoids a hard click.
    const s = `mod(t-${f(offset)},${f(period)})`;
    const partials = `sin(2*PI*${f(pitch)}*t)+0.45*sin(2*PI*${f(pitch * 2.76)}*t)+0.2*exp(-6*${s})*sin(2*PI*${f(pitch * 5.4)}*t)`;
    terms.push(`${f(amp)}*gte(t,${f(offset)})*exp(-${f(decay)}*${s})*(1-exp(-400*${s}))*(${partials})`);
  }
  // A drum on every other beat: a 55–95 Hz thump with a fast decay.
  const drum = `mod(t,${f(beat * 2)})`;
  terms.push(`${f(gain * 0.22)}*exp(-14*${drum})*sin(2*PI*(55+40*exp(-30*${drum}))*${drum})`);
  return terms.join('+');
}

/** Reads a WAV file's duration from its header (espeak-ng writes PCM WAV). */
async function wavDuration(file: string): Promise<number> {
  const buf = await fs.readFile(file);
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = buf.readUInt32LE(offset + 16);
    if (id === 'data') {
      // Streamed WAVs may leave the size unset: fall back to the rest of the file.
      const data = size === 0 || size === 0xffffffff || offset + 8 + size > buf.length ? buf.length - offset - 8 : size;
      return byteRate ? data / byteRate : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}

// ---------------------------------------------------------------- photos

const PHOTO_CAPTION = 'Hoa văn thổ cẩm minh họa · dữ liệu demo Di Sản';

/** Quảng Nam's highlands, for photos of records without coordinates. */
function gpsFor(request: DemoMediaRequest, rng: Rng): { lat: number; lon: number } {
  const place = request.places?.find((p) => typeof p.lat === 'number' && typeof p.lon === 'number');
  if (place?.lat !== undefined && place.lon !== undefined) return { lat: place.lat, lon: place.lon };
  return { lat: rng.range(15.1, 15.9), lon: rng.range(107.4, 108.2) };
}

/** Degrees as an EXIF rational triple, in the "n/d n/d n/d" form libvips parses. */
function exifDms(value: number): string {
  // Work in hundredths of an arc second so rounding never yields 60".
  const total = Math.round(Math.abs(value) * 360_000);
  return `${Math.floor(total / 360_000)}/1 ${Math.floor((total % 360_000) / 6000)}/1 ${total % 6000}/100`;
}

async function renderPhoto(
  request: DemoMediaRequest,
  index: number,
  portrait: boolean,
  withExif: boolean,
  rng: Rng,
  file: string,
): Promise<void> {
  const [width, height] = portrait ? [1067, 1600] : [1600, 1067];
  const svg = brocadeSvg({ seed: `${request.slug}#${index}`, width, height, title: request.title.vi, caption: PHOTO_CAPTION });
  let image = sharp(Buffer.from(svg));
  if (withExif) {
    // Like a camera held sideways: pixels stored rotated, Orientation 6 puts them upright.
    // The ingest pipeline must auto-orient before it strips EXIF, or the photo ends up sideways.
    const date = parseDate(request.recordedOn) ?? { y: rng.int(2022, 2024), m: rng.int(1, 12), d: rng.int(1, 28) };
    const stamp = `${date.y}:${String(date.m).padStart(2, '0')}:${String(date.d).padStart(2, '0')} ${String(rng.int(7, 17)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00`;
    const gps = gpsFor(request, rng);
    image = image
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: {
          Make: 'Di San demo',
          Model: 'Brocade renderer',
          Software: 'di-san seed',
          ImageDescription: foldAscii(request.title.vi),
          DateTime: stamp,
        },
        IFD2: { DateTimeOriginal: stamp, DateTimeDigitized: stamp },
        IFD3: {
          GPSLatitudeRef: gps.lat >= 0 ? 'N' : 'S',
          GPSLatitude: exifDms(gps.lat),
          GPSLongitudeRef: gps.lon >= 0 ? 'E' : 'W',
          GPSLongitude: exifDms(gps.lon),
        },
      });
  }
  await image.jpeg({ quality: 82 }).toFile(file);
}

// ---------------------------------------------------------------- video / audio

async function renderVideo(request: DemoMediaRequest, rng: Rng, tmp: string, file: string): Promise<void> {
  const duration = 8;
  // A tall strip of cloth that the 640x360 frame scrolls down with an ease-in-out.
  const strip = path.join(tmp, 'strip.png');
  await sharp(Buffer.from(brocadeSvg({ seed: `${request.slug}#video`, width: 640, height: 1200 })))
    .png({ compressionLevel: 1 })
    .toFile(strip);
  const gong = gongExpression(rng, 0.9);
  await run('ffmpeg', [
    ...FFMPEG_BASE,
    '-i', strip,
    '-f', 'lavfi', '-i', `aevalsrc='${gong}':s=44100:d=${duration}`,
    '-filter_complex',
    // The still is decoded once and repeated by the loop filter (-loop 1 would re-decode it every frame).
    `[0:v]loop=loop=${duration * 25 - 1}:size=1:start=0,setpts=N/25/TB,` +
      `crop=640:360:0:'(ih-oh)*(0.5-0.5*cos(PI*t/${duration}))',format=yuv420p,` +
      `fade=t=in:st=0:d=0.5,fade=t=out:st=${duration - 0.5}:d=0.5[v];[1:a]afade=t=out:st=${duration - 1}:d=1[a]`,
    '-map', '[v]', '-map', '[a]', '-t', String(duration), '-r', '25',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-profile:v', 'high', '-g', '50',
    '-c:a', 'aac', '-b:a', '96k',
    '-map_metadata', '-1', '-movflags', '+faststart',
    file,
  ]);
}

function videoCues(request: DemoMediaRequest, lang: 'vi' | 'en'): Cue[] {
  const title = lang === 'en' ? (request.title.en ?? request.title.vi) : request.title.vi;
  const description = lang === 'en' ? (request.description.en ?? request.description.vi) : request.description.vi;
  return [
    { start: 0.3, end: 2.6, text: twoLines(title) },
    { start: 2.6, end: 5.4, text: twoLines(firstSentence(description)) },
    { start: 5.4, end: 6.9, text: lang === 'en' ? '[Gongs playing]' : '[Tiếng cồng chiêng]' },
    { start: 6.9, end: 8.0, text: lang === 'en' ? '(Illustrative footage – demo data)' : '(Hình ảnh minh họa – dữ liệu demo)' },
  ];
}

async function renderAudio(request: DemoMediaRequest, narrate: boolean, rng: Rng, tmp: string, file: string): Promise<Cue[]> {
  const duration = 20;
  const lead = 1.5; // gongs alone before the narrator starts
  let narration: { file: string; text: string; seconds: number } | undefined;
  if (narrate) {
    // Title and first sentence; fall back to the title alone if that would not fit in the clip.
    for (const text of [`${request.title.vi}. ${firstSentence(request.description.vi)}`, request.title.vi]) {
      const wav = path.join(tmp, 'narration.wav');
      await run('espeak-ng', ['-v', 'vi', '-s', '150', '-w', wav, '--', text]);
      const seconds = await wavDuration(wav);
      narration = { file: wav, text, seconds };
      if (seconds <= duration - lead - 1) break;
    }
  }
  const gong = gongExpression(rng, narration ? 0.45 : 0.9);
  const args = [...FFMPEG_BASE, '-f', 'lavfi', '-i', `aevalsrc='${gong}':s=44100:d=${duration}`];
  if (narration) {
    const ms = Math.round(lead * 1000);
    args.push(
      '-i', narration.file,
      '-filter_complex',
      `[1:a]aresample=44100,adelay=${ms}|${ms},volume=0.8[n];[0:a][n]amix=inputs=2:duration=first:normalize=0,` +
        `afade=t=out:st=${duration - 1.5}:d=1.5[a]`,
      '-map', '[a]',
    );
  } else {
    args.push('-af', `afade=t=out:st=${duration - 1.5}:d=1.5`);
  }
  args.push('-t', String(duration), '-c:a', 'aac', '-b:a', '96k', '-map_metadata', '-1', '-movflags', '+faststart', file);
  await run('ffmpeg', args);

  // The Vietnamese transcript follows what is actually heard.
  if (narration) {
    const spoken = Math.min(narration.seconds, duration - lead - 0.5);
    const cues = [
      { start: 0, end: lead, text: '[Tiếng cồng chiêng]' },
      // Cues break at sentence ends first, then every two subtitle lines.
      ...spreadCues(splitSentences(narration.text).flatMap(chunkForCues), lead, lead + spoken),
    ];
    if (lead + spoken < duration - 1) cues.push({ start: lead + spoken, end: duration, text: '[Tiếng cồng chiêng]' });
    return cues;
  }
  return [
    { start: 0, end: 6, text: twoLines(`[Nhạc cồng chiêng – ${truncate(request.title.vi, 60)}]`) },
    { start: 6, end: 14, text: twoLines('[Các chiêng hòa tấu theo nhịp, xen tiếng trống]') },
    { start: 14, end: duration, text: '[Tiếng chiêng ngân dần rồi dứt]' },
  ];
}

// ---------------------------------------------------------------- document PDF

/** One line of text on a page image; the same list feeds the SVG and the PDF text layer. */
interface PageLine {
  text: string;
  x: number;
  y: number;
  size: number;
  anchor: 'start' | 'middle' | 'end';
  bold?: boolean;
  italic?: boolean;
  serif?: boolean;
}

interface PageLayout {
  lines: PageLine[];
  /** Short horizontal rules under headings: [x1, x2, y]. */
  rules: Array<[number, number, number]>;
}

// A4 at 150 dpi: sharp paper for reading, small enough to render quickly.
const PAGE_W = 1240;
const PAGE_H = 1754;
const MARGIN_L = 177; // 30 mm, the binding margin of Vietnamese administrative documents
const MARGIN_R = 100;

function paragraph(lines: PageLine[], text: string, y: number, size: number, opts: Partial<PageLine> = {}): number {
  // DejaVu Serif averages ~0.55 em per character; 0.6 leaves room for wide lines.
  const maxChars = Math.floor((PAGE_W - MARGIN_L - MARGIN_R) / (size * 0.6));
  let cursor = y;
  wrapWords(text, maxChars).forEach((line, i) => {
    // First-line indent, as in the body of an official text.
    const indent = i === 0 && opts.anchor !== 'middle' ? size * 1.5 : 0;
    lines.push({ text: line, x: MARGIN_L + indent, y: cursor, size, anchor: 'start', serif: true, ...opts });
    cursor += size * 1.45;
  });
  return cursor;
}

function formatIssuedOn(issuedOn: string): string {
  const date = parseDate(issuedOn);
  if (!date) return issuedOn;
  if (!/^\d{4}-\d{2}-\d{2}/.test(issuedOn)) return `Năm ${date.y}`;
  // Decree 30/2020/NĐ-CP style: days below 10 and months 1–2 take a leading zero.
  const day = String(date.d).padStart(2, '0');
  const month = date.m <= 2 ? String(date.m).padStart(2, '0') : String(date.m);
  return `ngày ${day} tháng ${month} năm ${date.y}`;
}

function documentLayouts(request: DemoMediaRequest): [PageLayout, PageLayout] {
  const doc = request.document ?? { number: '…', issuer: { vi: 'Cơ quan ban hành' }, issuedOn: '' };
  const page1: PageLayout = { lines: [], rules: [] };
  const page2: PageLayout = { lines: [], rules: [] };
  // Column centres of the two header blocks; sizes keep the motto clear of the issuer.
  const leftX = 330;
  const rightX = 860;

  // Header: issuer and number on the left, national motto on the right.
  let y = 150;
  for (const line of wrapWords(doc.issuer.vi.toUpperCase(), 22)) {
    page1.lines.push({ text: line, x: leftX, y, size: 22, anchor: 'middle', bold: true, serif: true });
    y += 30;
  }
  page1.rules.push([leftX - 60, leftX + 60, y - 18]);
  page1.lines.push({ text: `Số: ${doc.number}`, x: leftX, y: y + 24, size: 23, anchor: 'middle', serif: true });
  page1.lines.push({ text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', x: rightX, y: 150, size: 22, anchor: 'middle', bold: true, serif: true });
  page1.lines.push({ text: 'Độc lập - Tự do - Hạnh phúc', x: rightX, y: 182, size: 24, anchor: 'middle', bold: true, serif: true });
  page1.rules.push([rightX - 160, rightX + 160, 194]);
  const dated = formatIssuedOn(doc.issuedOn);
  page1.lines.push({ text: dated.charAt(0).toUpperCase() + dated.slice(1), x: rightX + 20, y: 250, size: 23, anchor: 'middle', italic: true, serif: true });

  // Title: the kind of text ("QUYẾT ĐỊNH", "LUẬT DI SẢN VĂN HÓA") then its subject.
  const match = /^(.*?)\s+số\s+\S+\s*(.*)$/u.exec(request.title.vi);
  const heading = (match?.[1] ?? request.title.vi).toUpperCase();
  const subject = match?.[2] ? match[2].charAt(0).toUpperCase() + match[2].slice(1) : '';
  y = 360;
  for (const line of wrapWords(heading, 40)) {
    page1.lines.push({ text: line, x: PAGE_W / 2, y, size: 32, anchor: 'middle', bold: true, serif: true });
    y += 44;
  }
  for (const line of wrapWords(subject, 52)) {
    page1.lines.push({ text: line, x: PAGE_W / 2, y, size: 27, anchor: 'middle', bold: true, serif: true });
    y += 38;
  }
  page1.rules.push([PAGE_W / 2 - 90, PAGE_W / 2 + 90, y - 14]);

  // Body: the Vietnamese description, sentence by sentence as paragraphs.
  y += 50;
  for (const sentence of splitSentences(request.description.vi)) y = paragraph(page1.lines, sentence, y, 27) + 14;

  // Page 2: document facts, the English summary, signature and distribution list.
  y = 170;
  page2.lines.push({ text: 'THÔNG TIN VĂN BẢN', x: MARGIN_L, y, size: 26, anchor: 'start', bold: true, serif: true });
  y += 48;
  for (const [k, v] of [
    ['Số, ký hiệu', doc.number],
    ['Cơ quan ban hành', doc.issuer.vi],
    ['Ngày ban hành', formatIssuedOn(doc.issuedOn)],
  ] as const) {
    page2.lines.push({ text: `${k}: ${v}`, x: MARGIN_L + 30, y, size: 25, anchor: 'start', serif: true });
    y += 38;
  }
  if (request.description.en) {
    y += 30;
    page2.lines.push({ text: 'Tóm tắt tiếng Anh (English summary)', x: MARGIN_L, y, size: 26, anchor: 'start', bold: true, serif: true });
    y = paragraph(page2.lines, request.description.en, y + 46, 25, { italic: true });
  }
  y = Math.max(y + 80, 1000);
  page2.lines.push({ text: 'Nơi nhận:', x: MARGIN_L, y, size: 22, anchor: 'start', bold: true, italic: true, serif: true });
  page2.lines.push({ text: '- Như trên;', x: MARGIN_L, y: y + 30, size: 21, anchor: 'start', serif: true });
  page2.lines.push({ text: '- Lưu: VT.', x: MARGIN_L, y: y + 58, size: 21, anchor: 'start', serif: true });
  let sy = y;
  for (const line of wrapWords(doc.issuer.vi.toUpperCase(), 26)) {
    page2.lines.push({ text: line, x: rightX + 20, y: sy, size: 25, anchor: 'middle', bold: true, serif: true });
    sy += 34;
  }
  page2.lines.push({ text: '(Đã ký)', x: rightX + 20, y: sy + 40, size: 24, anchor: 'middle', italic: true, serif: true });

  for (const [i, page] of [page1, page2].entries()) {
    page.lines.push({
      text: `Bản minh họa do Di Sản tạo tự động – không phải văn bản gốc · Trang ${i + 1}/2`,
      x: PAGE_W / 2,
      y: PAGE_H - 70,
      size: 18,
      anchor: 'middle',
      italic: true,
    });
  }
  return [page1, page2];
}

function pageSvg(layout: PageLayout): string {
  const text = layout.lines
    .map(
      (l) =>
        `<text x="${l.x}" y="${l.y}" font-size="${l.size}" font-family="${l.serif ? SERIF_FONTS : SANS_FONTS}" text-anchor="${l.anchor}"` +
        `${l.bold ? ' font-weight="bold"' : ''}${l.italic ? ' font-style="italic"' : ''} fill="${l.serif ? '#111' : '#666'}">${escapeXml(l.text)}</text>`,
    )
    .join('');
  const rules = layout.rules.map(([x1, x2, y]) => `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="#111" stroke-width="2"/>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_W}" height="${PAGE_H}" viewBox="0 0 ${PAGE_W} ${PAGE_H}">` +
    `<rect width="${PAGE_W}" height="${PAGE_H}" fill="#fbfaf5"/>` +
    // A faint diagonal watermark so nobody mistakes the page for a real official text.
    `<text x="${PAGE_W / 2}" y="${PAGE_H / 2}" font-size="170" font-family="${SANS_FONTS}" font-weight="bold" fill="#b3191f" opacity="0.07" ` +
    `text-anchor="middle" transform="rotate(-35 ${PAGE_W / 2} ${PAGE_H / 2})">BẢN DEMO</text>` +
    rules +
    text +
    '</svg>'
  );
}

async function renderDocument(request: DemoMediaRequest, file: string): Promise<void> {
  const layouts = documentLayouts(request);
  const pages = await Promise.all(layouts.map((layout) => sharp(Buffer.from(pageSvg(layout))).jpeg({ quality: 80 }).toBuffer()));

  // No automatic metadata: pdf-lib would stamp the current time and break determinism.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const issued = parseDate(request.document?.issuedOn) ?? { y: 2000, m: 1, d: 1 };
  const date = new Date(Date.UTC(issued.y, issued.m - 1, issued.d));
  pdf.setTitle(request.title.vi);
  pdf.setSubject(firstSentence(request.description.vi));
  pdf.setAuthor(request.document?.issuer.vi ?? 'Di Sản');
  pdf.setKeywords(['Di Sản', 'demo', request.document?.number ?? request.slug]);
  pdf.setCreator('Di Sản demo seed');
  pdf.setProducer('pdf-lib');
  pdf.setLanguage('vi-VN');
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);

  const fonts: Record<'regular' | 'bold', PDFFont> = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const [pw, ph] = [595.28, 841.89]; // A4 in points
  const scale = pw / PAGE_W;
  for (const [i, jpeg] of pages.entries()) {
    const page = pdf.addPage([pw, ph]);
    page.drawImage(await pdf.embedJpg(jpeg), { x: 0, y: 0, width: pw, height: ph });
    // Invisible text (render mode 3, as OCR layers do) placed over the rendered lines,
    // accent-folded since the standard fonts cannot encode Vietnamese.
    page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
    for (const line of layouts[i]?.lines ?? []) {
      const text = foldAscii(line.text);
      if (!text.trim()) continue;
      const font = line.bold ? fonts.bold : fonts.regular;
      const size = line.size * scale;
      const width = font.widthOfTextAtSize(text, size);
      const x = line.x * scale - (line.anchor === 'middle' ? width / 2 : line.anchor === 'end' ? width : 0);
      page.drawText(text, { x, y: ph - line.y * scale, size, font });
    }
    page.pushOperators(popGraphicsState());
  }
  await fs.writeFile(file, await pdf.save({ useObjectStreams: false }));
}

// ---------------------------------------------------------------- entry point

const WITH_VIDEO: ReadonlySet<DemoRecordType> = new Set(['festival', 'ritual', 'performing-art', 'custom']);
const WITH_AUDIO: ReadonlySet<DemoRecordType> = new Set(['music', 'oral-tradition', 'knowledge']);
const NARRATED: ReadonlySet<DemoRecordType> = new Set(['oral-tradition', 'knowledge']);

/**
 * Writes the media of one demo record into outDir (created if missing) and
 * describes them. Intermediate files go to a temporary directory that is
 * removed afterwards.
 */
export async function generateDemoMedia(request: DemoMediaRequest, outDir: string, tools?: MediaTools): Promise<GeneratedFile[]> {
  const available = tools ?? (await detectMediaTools());
  const dir = path.resolve(outDir);
  await fs.mkdir(dir, { recursive: true });
  const base = safeBaseName(request.slug);
  const rng = createRng(request.slug);
  const file = (name: string): string => path.join(dir, name);

  if (request.type === 'document') {
    const name = `${base}.pdf`;
    await renderDocument(request, file(name));
    return [{ name, path: file(name), contentType: 'application/pdf', kind: 'document', label: { vi: 'Văn bản (bản minh họa)', en: 'Document (illustrative copy)' } }];
  }

  const wantsAv = WITH_VIDEO.has(request.type) || WITH_AUDIO.has(request.type);
  if (wantsAv && !available.ffmpeg && !warnedNoFfmpeg) {
    warnedNoFfmpeg = true;
    console.warn('demo media: ffmpeg (with libx264/aac) not found, generating images only (no audio, video or captions)');
  }

  // Decide everything from the PRNG up front, so the draws never depend on which tools exist.
  const photoCount = request.type === 'craft' || request.type === 'place' ? 2 : rng.int(1, 2);
  const portraits = Array.from({ length: photoCount }, () => rng.chance(0.35));
  const photoRng = createRng(`${request.slug}#exif`);
  const avRng = createRng(`${request.slug}#sound`);

  const files: GeneratedFile[] = [];
  const jobs: Array<Promise<void>> = [];
  portraits.forEach((portrait, i) => {
    const name = `${base}-${i + 1}.jpg`;
    files.push({
      name,
      path: file(name),
      contentType: 'image/jpeg',
      kind: 'image',
      label: { vi: `Hoa văn thổ cẩm minh họa (ảnh ${i + 1}/${photoCount})`, en: `Illustrative brocade pattern (image ${i + 1} of ${photoCount})` },
    });
    jobs.push(renderPhoto(request, i + 1, portrait, i === 0, photoRng, file(name)));
  });

  if (wantsAv && available.ffmpeg) {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-san-media-'));
    const av = async (): Promise<void> => {
      if (WITH_VIDEO.has(request.type)) {
        const name = `${base}.mp4`;
        await renderVideo(request, avRng, tmp, file(name));
        files.push({ name, path: file(name), contentType: 'video/mp4', kind: 'video', label: { vi: 'Video minh họa (demo)', en: 'Illustrative video (demo)' } });
        for (const [lang, code, label] of [
          ['vi', 'vie', { vi: 'Phụ đề tiếng Việt', en: 'Vietnamese captions' }],
          ['en', 'eng', { vi: 'Phụ đề tiếng Anh', en: 'English captions' }],
        ] as const) {
          const vtt = `${base}.${lang}.vtt`;
          await fs.writeFile(file(vtt), formatVtt(videoCues(request, lang)));
          files.push({ name: vtt, path: file(vtt), contentType: 'text/vtt', kind: 'caption', label, language: code, of: name });
        }
      } else {
        const name = `${base}.m4a`;
        const narrate = NARRATED.has(request.type) && available.espeak;
        const cues = await renderAudio(request, narrate, avRng, tmp, file(name));
        files.push({
          name,
          path: file(name),
          contentType: 'audio/mp4',
          kind: 'audio',
          label: narrate
            ? { vi: 'Âm thanh minh họa: cồng chiêng và lời dẫn (giọng tổng hợp)', en: 'Illustrative audio: gongs and synthetic narration' }
            : { vi: 'Âm thanh minh họa: cồng chiêng (tổng hợp)', en: 'Illustrative audio: synthesised gongs' },
        });
        const vtt = `${base}.vi.vtt`;
        await fs.writeFile(file(vtt), formatVtt(cues));
        files.push({ name: vtt, path: file(vtt), contentType: 'text/vtt', kind: 'caption', label: { vi: 'Bản ghi lời (tiếng Việt)', en: 'Vietnamese transcript' }, language: 'vie', of: name });
      }
    };
    jobs.push(av().finally(() => fs.rm(tmp, { recursive: true, force: true })));
  }

  // Photos and ffmpeg run side by side: one is libvips threads, the other a child process.
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  // Stable order regardless of which job finished first.
  const order: Record<GeneratedFile['kind'], number> = { image: 0, video: 1, audio: 1, document: 1, caption: 2 };
  return files.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}
