/**
 * Inspection: what an original really is, decided from its bytes (file-type
 * magic numbers, sharp's header read, ffprobe for time-based media), never
 * from its name or the uploader's claim. Everything the pipeline refuses is
 * refused here, before any derivative is made, with a message that names the
 * file and what was found.
 */
import fs from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { MediaRefusedError, MediaToolError } from './errors';
import { ALLOWED_DEMUXERS, ffprobe, type ProbeData, type ProbeStream } from './ffmpeg';
import type { MediaLimits } from './limits';
import { nameContentMismatch, sniffFile, type SniffedType } from './sniff';

/** Image types sharp's prebuilt libvips decodes safely here. HEIC (no decoder) and SVG (scripts, references) are not among them. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif', 'image/gif']);

export interface VideoStreamInfo {
  codec: string;
  /** Display size: rotation metadata already applied (a phone's portrait clip is taller than wide). */
  width: number;
  height: number;
  /** Average frames per second. */
  fps: number;
  /** Variable frame rate: the nominal and average rates differ. */
  vfr: boolean;
  rotation: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

export type Inspection =
  | { kind: 'image'; mime: string; width: number; height: number; format: string; pages: number }
  | { kind: 'video'; mime: string; format: string; durationSeconds: number; video: VideoStreamInfo; audio?: AudioStreamInfo }
  | { kind: 'audio'; mime: string; format: string; durationSeconds: number; audio: AudioStreamInfo }
  | { kind: 'document'; mime: 'application/pdf' }
  | { kind: 'caption'; mime: string; format: 'vtt' | 'srt' };

export interface InspectOptions {
  /** The file as people know it (files/<name>): appears in every message. */
  displayName: string;
  limits: MediaLimits;
}

function describe(sniffed: SniffedType | undefined): string {
  if (!sniffed) return 'unrecognised binary data';
  switch (sniffed.mime) {
    case 'image/svg+xml':
      return 'an SVG drawing';
    case 'application/vnd.apple.mpegurl':
      return 'an HLS playlist (#EXTM3U)';
    case 'text/x-ffconcat':
      return 'an ffmpeg concat list';
    case 'text/plain':
      return 'plain text';
    default:
      return `${sniffed.mime} content`;
  }
}

function rate(value: string | undefined): number {
  const [n, d] = (value ?? '0/1').split('/').map(Number);
  return n && d ? n / d : 0;
}

function rotationOf(stream: ProbeStream): number {
  const side = stream.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation;
  const raw = side ?? Number(stream.tags?.rotate ?? 0);
  return ((Math.round(raw) % 360) + 360) % 360;
}

function durationOf(data: ProbeData): number {
  const fromFormat = Number(data.format.duration);
  if (Number.isFinite(fromFormat) && fromFormat > 0) return fromFormat;
  return Math.max(0, ...data.streams.map((s) => Number(s.duration) || 0));
}

/** Inspects a local copy of an original; throws MediaRefusedError for anything the pipeline will not process. */
export async function inspectFile(file: string, options: InspectOptions): Promise<Inspection> {
  const { displayName: name, limits } = options;
  const refuse = (found: string, reason: string): never => {
    throw new MediaRefusedError(name, found, reason);
  };

  const { size } = await fs.stat(file);
  if (size === 0) refuse('an empty file (0 bytes)', 'there is nothing to make derivatives from');
  const sniffed = await sniffFile(file);
  const found = describe(sniffed);
  if (!sniffed) return refuse(found, 'its content is not a type the archive knows');
  const baseName = name.split('/').pop() ?? name;
  const mismatch = nameContentMismatch(baseName, sniffed);
  if (mismatch) refuse(found, mismatch);

  if (sniffed.mime === 'image/svg+xml') refuse(found, 'SVG can carry scripts and links to other files; export the drawing as PNG');
  if (sniffed.kind === 'other' && sniffed.ext !== 'pdf') refuse(found, 'playlists and lists of other files are never read, since they would make the tools open other files or URLs');

  if (sniffed.mime === 'application/pdf') return { kind: 'document', mime: 'application/pdf' };
  if (sniffed.mime === 'text/vtt') return { kind: 'caption', mime: sniffed.mime, format: 'vtt' };
  if (sniffed.mime === 'application/x-subrip') return { kind: 'caption', mime: sniffed.mime, format: 'srt' };

  if (sniffed.kind === 'image') {
    if (!IMAGE_TYPES.has(sniffed.mime)) refuse(found, 'this image type cannot be decoded here; JPEG, PNG, TIFF, WebP, AVIF or GIF can');
    if (size > limits.maxImageBytes) refuse(`${found} of ${(size / 1048576).toFixed(1)} MB`, `images over ${Math.round(limits.maxImageBytes / 1048576)} MB are not processed`);
    let meta: Metadata;
    try {
      // A header read: no pixels are decoded yet, so a bomb costs nothing here.
      meta = await sharp(file, { limitInputPixels: false, sequentialRead: true }).metadata();
    } catch (error) {
      return refuse(found, `the image cannot be read (${(error as Error).message})`);
    }
    const { width = 0, height = 0 } = meta;
    const pixels = width * height;
    if (!width || !height) refuse(found, 'the image declares no size');
    if (pixels > limits.maxImagePixels) {
      refuse(
        `${sniffed.mime === 'image/png' ? 'a PNG' : `an ${sniffed.mime} image`} declaring ${width}×${height} pixels (${Math.round(pixels / 1e6)} MP)`,
        `over the limit of ${Math.round(limits.maxImagePixels / 1e6)} MP (a decompression bomb or an oversized scan)`,
      );
    }
    return { kind: 'image', mime: sniffed.mime, width, height, format: meta.format ?? sniffed.ext, pages: meta.pages ?? 1 };
  }

  if (sniffed.kind !== 'audio' && sniffed.kind !== 'video') return refuse(found, 'it is not a photo, audio, video, PDF or caption file');

  let data: ProbeData;
  try {
    data = await ffprobe(file, { timeoutMs: limits.toolTimeoutMs, displayName: name });
  } catch (error) {
    if (!(error instanceof MediaToolError)) throw error;
    const detail = /moov atom not found/i.test(error.message)
      ? 'the file is truncated or damaged: its index (moov atom) is missing'
      : `ffprobe cannot read it (${error.message.replace(`${name}: ffprobe failed: `, '').slice(0, 200)})`;
    return refuse(found, detail);
  }
  const format = data.format.format_name.split(',')[0]!;
  if (!data.format.format_name.split(',').some((f) => (ALLOWED_DEMUXERS as readonly string[]).includes(f))) {
    refuse(`a ${data.format.format_name} container`, 'this container is not accepted');
  }
  const durationSeconds = durationOf(data);
  if (!(durationSeconds > 0)) refuse(found, 'it has no duration (truncated or damaged)');
  if (durationSeconds > limits.maxDurationSeconds) {
    refuse(`${found} of ${Math.round(durationSeconds)} s`, `longer than the limit of ${limits.maxDurationSeconds} s`);
  }
  const v = data.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = data.streams.find((s) => s.codec_type === 'audio');
  const audio = a ? { codec: a.codec_name ?? 'unknown', sampleRate: Number(a.sample_rate) || 0, channels: a.channels ?? 0 } : undefined;
  if (v) {
    if (!v.width || !v.height) refuse(found, 'its video stream declares no picture size');
    const rotation = rotationOf(v);
    const sideways = rotation === 90 || rotation === 270;
    const width = sideways ? v.height! : v.width!;
    const height = sideways ? v.width! : v.height!;
    if (width * height > limits.maxImagePixels) refuse(`video frames of ${width}×${height}`, 'the picture size is over the limit');
    const avg = rate(v.avg_frame_rate);
    const nominal = rate(v.r_frame_rate);
    const fps = avg || nominal || 25;
    const video = { codec: v.codec_name ?? 'unknown', width, height, fps, vfr: Math.abs(avg - nominal) > 0.01 * Math.max(avg, nominal), rotation };
    return { kind: 'video', mime: sniffed.mime, format, durationSeconds, video, ...(audio ? { audio } : {}) };
  }
  if (!audio) return refuse(found, 'it holds neither a video nor an audio stream');
  return { kind: 'audio', mime: sniffed.mime.replace(/^video\//, 'audio/'), format, durationSeconds, audio };
}
