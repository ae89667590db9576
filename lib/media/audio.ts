/**
 * Audio derivatives: AAC (.m4a, every browser) and Opus (.opus, half the
 * bytes for phones on 3G), both loudness-normalised to EBU R128 (−16 LUFS
 * integrated, the usual target for listening on phones; −1.5 dBTP), and a
 * waveform as peaks JSON (the audiowaveform "version 2" shape that wavesurfer
 * and peaks.js read) plus a PNG for pages without JavaScript.
 *
 * One ffmpeg run decodes once and normalises once; the normalised signal is
 * split into the two encoders and a low-rate mono PCM stream for the peaks.
 * loudnorm runs in its one-pass (dynamic) mode: two passes would need the
 * whole file decoded twice.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { ffprobe, runFfmpeg, type FfmpegRun } from './ffmpeg';
import type { MediaLimits } from './limits';
import type { Inspection } from './probe';

type AudioInspection = Extract<Inspection, { kind: 'audio' }>;

export const LOUDNESS = { integrated: -16, truePeak: -1.5, range: 11 } as const;
export const WAVEFORM_RATE = 2000;
export const WAVEFORM_POINTS = 1000;
export const WAVEFORM_PNG = { width: 1200, height: 160 } as const;

export function planAudio(input: string, outDir: string, inspection: AudioInspection, limits: MediaLimits, displayName: string): FfmpegRun {
  const dir = path.join(outDir, 'audio');
  const { integrated, truePeak, range } = LOUDNESS;
  return {
    input,
    inputFormat: inspection.format,
    inputOptions: ['-t', String(limits.maxDurationSeconds)],
    complexFilter:
      `[0:a:0]loudnorm=I=${integrated}:TP=${truePeak}:LRA=${range},aresample=48000,asplit=3[aac][opus][w0];` +
      `[w0]aformat=sample_fmts=s16:channel_layouts=mono,aresample=${WAVEFORM_RATE}[wave]`,
    outputs: [
      { path: path.join(dir, 'audio.m4a'), options: ['-map', '[aac]', '-c:a', 'aac', '-b:a', '128k', '-map_metadata', '-1', '-movflags', '+faststart'] },
      { path: path.join(dir, 'audio.opus'), options: ['-map', '[opus]', '-c:a', 'libopus', '-b:a', '96k', '-map_metadata', '-1'] },
      { path: path.join(dir, 'waveform.pcm'), options: ['-map', '[wave]', '-f', 's16le', '-c:a', 'pcm_s16le'] },
    ],
    durationSeconds: inspection.durationSeconds,
    timeoutMs: limits.toolTimeoutMs,
    displayName,
  };
}

export interface Waveform {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  length: number;
  /** min, max pairs per point, −128…127. */
  data: number[];
}

/** Min/max peaks of 16-bit mono PCM, in `points` buckets, scaled to 8 bits. */
export function peaksOf(pcm: Buffer, points = WAVEFORM_POINTS, sampleRate = WAVEFORM_RATE): Waveform {
  const samples = Math.floor(pcm.length / 2);
  const perPoint = Math.max(1, Math.ceil(samples / points));
  const data: number[] = [];
  for (let start = 0; start < samples; start += perPoint) {
    let min = 0;
    let max = 0;
    for (let i = start; i < Math.min(samples, start + perPoint); i++) {
      const v = pcm.readInt16LE(i * 2);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    data.push(Math.max(-128, Math.round(min / 256)), Math.min(127, Math.round(max / 256)));
  }
  return { version: 2, channels: 1, sample_rate: sampleRate, samples_per_pixel: perPoint, bits: 8, length: data.length / 2, data };
}

/** Draws the peaks as a bar per column: the player's static fallback. */
export async function waveformPng(wave: Waveform, file: string): Promise<void> {
  const { width, height } = WAVEFORM_PNG;
  const pixels = Buffer.alloc(width * height * 4, 0); // transparent
  const mid = height / 2;
  for (let x = 0; x < width; x++) {
    const p = Math.min(wave.length - 1, Math.floor((x * wave.length) / width));
    if (p < 0) break;
    const lo = wave.data[p * 2] ?? 0;
    const hi = wave.data[p * 2 + 1] ?? 0;
    const top = Math.floor(mid - (hi / 128) * mid);
    const bottom = Math.ceil(mid - (lo / 128) * mid);
    for (let y = Math.max(0, Math.min(top, mid - 1)); y <= Math.min(height - 1, Math.max(bottom, mid)); y++) {
      const o = (y * width + x) * 4;
      pixels[o] = 0xb3; // the site's brocade red
      pixels[o + 1] = 0x19;
      pixels[o + 2] = 0x1f;
      pixels[o + 3] = 0xff;
    }
  }
  await sharp(pixels, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 9 }).toFile(file);
}

export interface AudioRendition {
  file: string;
  codec: 'aac' | 'opus';
  bitrateKbps: number;
  bytes: number;
  durationSeconds: number;
}

export interface AudioDerivatives {
  durationSeconds: number;
  sourceCodec: string;
  sampleRate: number;
  channels: number;
  loudness: { targetLufs: number; truePeakDb: number };
  renditions: AudioRendition[];
  waveform: { json: string; png: string; points: number };
}

export interface AudioOptions {
  displayName: string;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
}

export async function makeAudioDerivatives(file: string, outDir: string, inspection: AudioInspection, options: AudioOptions): Promise<AudioDerivatives> {
  const { limits, displayName } = options;
  const dir = path.join(outDir, 'audio');
  await fs.mkdir(dir, { recursive: true });
  await runFfmpeg({ ...planAudio(file, outDir, inspection, limits, displayName), onProgress: (f) => options.onProgress?.(f * 0.9) });

  const pcmPath = path.join(dir, 'waveform.pcm');
  const wave = peaksOf(await fs.readFile(pcmPath));
  await fs.rm(pcmPath);
  await fs.writeFile(path.join(dir, 'waveform.json'), JSON.stringify(wave));
  await waveformPng(wave, path.join(dir, 'waveform.png'));

  const renditions: AudioRendition[] = [];
  for (const [name, codec, kbps] of [
    ['audio.m4a', 'aac', 128],
    ['audio.opus', 'opus', 96],
  ] as const) {
    const full = path.join(dir, name);
    const probed = await ffprobe(full, { timeoutMs: limits.toolTimeoutMs, displayName });
    renditions.push({ file: `audio/${name}`, codec, bitrateKbps: kbps, bytes: (await fs.stat(full)).size, durationSeconds: Number(probed.format.duration) || 0 });
  }
  return {
    durationSeconds: inspection.durationSeconds,
    sourceCodec: inspection.audio.codec,
    sampleRate: inspection.audio.sampleRate,
    channels: inspection.audio.channels,
    loudness: { targetLufs: LOUDNESS.integrated, truePeakDb: LOUDNESS.truePeak },
    renditions,
    waveform: { json: 'audio/waveform.json', png: 'audio/waveform.png', points: wave.length },
  };
}
