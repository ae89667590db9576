/**
 * Media fixtures made by code (ffmpeg lavfi testsrc2/sine, sharp, pdf-lib),
 * never committed as binaries. Small and short on purpose: the whole media
 * suite must stay well under two minutes on two cores.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { ObjectStore } from '@/lib/storage';
import { getBuffer } from '@/lib/storage';

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`${cmd} failed: ${stderr}`)) : resolve(stdout)));
  });
}

const FF = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];

export async function makeVideo(file: string, o: { width: number; height: number; seconds: number; audio?: boolean; vfr?: boolean; fps?: number }): Promise<void> {
  const fps = o.fps ?? 25;
  const args = [...FF, '-f', 'lavfi', '-i', `testsrc2=s=${o.width}x${o.height}:r=${fps}:d=${o.seconds}`];
  if (o.audio) args.push('-f', 'lavfi', '-i', `sine=f=330:d=${o.seconds}`);
  if (o.vfr) {
    // Drop frames irregularly: a variable frame rate like a phone under load.
    args.push('-vf', "select='lt(mod(n,7),4)+lt(n,5)'", '-fps_mode', 'vfr');
  }
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (o.audio) args.push('-c:a', 'aac', '-shortest');
  args.push(file);
  await run('ffmpeg', args);
}

export async function makeAudio(file: string, seconds: number): Promise<void> {
  await run('ffmpeg', [...FF, '-f', 'lavfi', '-i', `sine=f=220:d=${seconds}:sample_rate=44100`, '-af', 'volume=0.3', '-c:a', 'aac', '-b:a', '64k', file]);
}

/**
 * A camera-style JPEG: pixels stored sideways with Orientation 6 and GPS tags.
 * Upright it is 300 wide and 450 high, with a red top edge.
 */
export async function makeGpsPhoto(file: string): Promise<void> {
  const upright = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#2a6f4e' } })
    .composite([{ input: { create: { width: 300, height: 60, channels: 3, background: '#ff0000' } }, top: 0, left: 0 }])
    .png()
    .toBuffer();
  await sharp(upright)
    .rotate(270)
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'Test', Model: 'Fixture' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '15/1 30/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '107/1 45/1 0/1' },
    })
    .jpeg({ quality: 85 })
    .toFile(file);
}

/** A PNG whose header declares width×height but whose data is a few bytes: a decompression bomb. */
export function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

/** A PDF with a real text layer on every page. */
export async function textPdf(pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = pdf.addPage([420, 595]);
    page.drawText(`Quyet dinh ve le hoi dam trau, trang ${i}`, { x: 40, y: 500, size: 14, font });
    page.drawText('Bao ton van hoa cac dan toc thieu so Quang Nam.', { x: 40, y: 470, size: 11, font });
  }
  return Buffer.from(await pdf.save());
}

/** A "scanned" PDF: page images only, no text layer. */
export async function scannedPdf(pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const jpeg = await sharp({ create: { width: 420, height: 595, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
  const image = await pdf.embedJpg(jpeg);
  for (let i = 0; i < pages; i++) pdf.addPage([420, 595]).drawImage(image, { x: 0, y: 0, width: 420, height: 595 });
  return Buffer.from(await pdf.save());
}

/** Copies store objects under prefix into dir, keeping their relative paths. */
export async function download(store: ObjectStore, prefix: string, dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of store.list(prefix)) {
    const rel = item.key.slice(prefix.length);
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), await getBuffer(store, item.key));
    names.push(rel);
  }
  return names;
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  profile?: string;
  sample_rate?: string;
}

/** ffprobe for test assertions (allows the hls demuxer: it reads our own playlists). */
export async function probe(file: string): Promise<{ format: { format_name: string; duration?: string }; streams: ProbedStream[] }> {
  return JSON.parse(await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file])) as never;
}
