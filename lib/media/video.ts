/**
 * Video derivatives: an HLS ladder of H.264/AAC renditions with aligned
 * keyframes, an MP4 for download, a poster frame and a thumbnail sprite with
 * its WebVTT track.
 *
 * One ffmpeg run decodes the source once and feeds every rendition and the
 * sprite (split filter); the top rendition is encoded once and written both
 * as HLS and as the download MP4 (tee muxer). Frames are resampled to a
 * constant rate first, so variable-frame-rate phone footage gets keyframes
 * at exactly the same instants in every rendition (a keyframe every 2 s,
 * scene-cut keyframes off) and segments line up for bitrate switching.
 *
 * The plan (planVideo) is pure data, so the benchmark can run the very same
 * ffmpeg arguments bare and compare.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ffprobe, runFfmpeg, type FfmpegRun } from './ffmpeg';
import type { MediaLimits } from './limits';
import type { Inspection } from './probe';

type VideoInspection = Extract<Inspection, { kind: 'video' }>;

/** The ladder, by the short side of the picture (so vertical video gets the same steps). */
export const LADDER = [
  { name: '240p', short: 240, videoKbps: 400, audioKbps: 64 },
  { name: '360p', short: 360, videoKbps: 800, audioKbps: 96 },
  { name: '720p', short: 720, videoKbps: 2800, audioKbps: 128 },
  { name: '1080p', short: 1080, videoKbps: 5000, audioKbps: 128 },
] as const;

export const SEGMENT_SECONDS = 4;
export const KEYFRAME_SECONDS = 2;
export const MAX_FPS = 30;
const SPRITE_WIDTH = 160;
const SPRITE_COLUMNS = 10;
const SPRITE_MAX_THUMBS = 100;

export interface Rung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** The renditions for a source size: every rung whose short side fits (never upscaled); a small source gets one rung at its own size. */
export function ladderFor(width: number, height: number): Rung[] {
  const short = Math.min(width, height);
  const portrait = height > width;
  const size = (s: number) => {
    const long = even(((portrait ? height : width) * s) / short);
    return portrait ? { width: even(s), height: long } : { width: long, height: even(s) };
  };
  const fitting = LADDER.filter((r) => r.short <= short).map((r) => ({ ...r, ...size(r.short) }));
  if (fitting.length) return fitting;
  const first = LADDER[0];
  return [{ ...first, name: `${even(short)}p`, width: even(width), height: even(height) }];
}

export interface SpritePlan {
  interval: number;
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

export function spriteFor(durationSeconds: number, width: number, height: number): SpritePlan {
  const interval = Math.max(1, Math.ceil(durationSeconds / SPRITE_MAX_THUMBS));
  const count = Math.max(1, Math.ceil(durationSeconds / interval));
  const tileWidth = Math.min(SPRITE_WIDTH, even(width));
  const tileHeight = even((height * tileWidth) / width);
  // One spare cell: the fps filter may emit one frame more than the cues need.
  const columns = Math.min(SPRITE_COLUMNS, count + 1);
  return { interval, count, columns, rows: Math.ceil((count + 1) / columns), tileWidth, tileHeight };
}

export interface VideoPlan {
  rungs: Rung[];
  fps: number;
  sprite: SpritePlan;
  posterAt: number;
  runs: FfmpegRun[];
}

/** Every ffmpeg run that makes the derivatives of one video, writing under outDir/video/. */
export function planVideo(input: string, outDir: string, inspection: VideoInspection, limits: MediaLimits, displayName: string): VideoPlan {
  const { video, audio, durationSeconds } = inspection;
  const rungs = ladderFor(video.width, video.height);
  const fps = Math.min(MAX_FPS, Math.round(video.fps) || 25);
  const gop = Math.max(1, Math.round(fps * KEYFRAME_SECONDS));
  const sprite = spriteFor(durationSeconds, video.width, video.height);
  const dir = path.join(outDir, 'video');
  const labels = rungs.map((_, i) => `s${i}`);
  const filter = [
    `[0:v]fps=${fps},format=yuv420p,split=${rungs.length + 1}${labels.map((l) => `[${l}]`).join('')}[sp]`,
    ...rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1[v${i}]`),
    `[sp]fps=1/${sprite.interval},scale=${sprite.tileWidth}:${sprite.tileHeight},tile=${sprite.columns}x${sprite.rows}[sprite]`,
  ].join(';');

  const hlsOptions = (rung: Rung) => ({
    time: SEGMENT_SECONDS,
    segments: path.join(dir, 'hls', rung.name, 'seg-%03d.ts'),
    playlist: path.join(dir, 'hls', rung.name, 'index.m3u8'),
  });
  const outputs = rungs.map((rung, i) => {
    const hls = hlsOptions(rung);
    const top = i === rungs.length - 1;
    const options = [
      '-map', `[v${i}]`,
      ...(audio ? ['-map', '0:a:0'] : []),
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-crf', '23',
      '-maxrate', `${rung.videoKbps}k`, '-bufsize', `${rung.videoKbps * 2}k`,
      '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
      ...(audio ? ['-c:a', 'aac', '-b:a', `${rung.audioKbps}k`, ...(audio.channels > 2 ? ['-ac', '2'] : [])] : []),
      '-map_metadata', '-1', '-map_chapters', '-1',
    ];
    if (!top) {
      return {
        path: hls.playlist,
        options: [...options, '-f', 'hls', '-hls_time', String(hls.time), '-hls_playlist_type', 'vod', '-hls_flags', 'independent_segments', '-hls_segment_filename', hls.segments],
      };
    }
    // The top rendition, encoded once, goes to HLS and to the download MP4.
    const tee =
      `[f=hls:hls_time=${hls.time}:hls_playlist_type=vod:hls_flags=independent_segments:hls_segment_filename=${hls.segments}]${hls.playlist}` +
      `|[f=mp4:movflags=+faststart]${path.join(dir, 'download.mp4')}`;
    return { path: tee, options: [...options, '-flags', '+global_header', '-f', 'tee'] };
  });
  outputs.push({ path: path.join(dir, 'sprite.jpg'), options: ['-map', '[sprite]', '-frames:v', '1', '-update', '1', '-q:v', '5'] });

  const top = rungs[rungs.length - 1]!;
  const posterAt = Math.min(durationSeconds * 0.25, 5);
  const common = { input, inputFormat: inspection.format, timeoutMs: limits.toolTimeoutMs, displayName };
  return {
    rungs,
    fps,
    sprite,
    posterAt,
    runs: [
      { ...common, inputOptions: ['-t', String(limits.maxDurationSeconds)], complexFilter: filter, outputs, durationSeconds },
      {
        ...common,
        inputOptions: ['-ss', posterAt.toFixed(3)],
        outputs: [{ path: path.join(dir, 'poster.jpg'), options: ['-map', '0:v:0', '-frames:v', '1', '-update', '1', '-vf', `scale=${top.width}:${top.height},setsar=1`, '-q:v', '3'] }],
      },
    ],
  };
}

export interface VideoRendition {
  name: string;
  width: number;
  height: number;
  /** Peak and average bits per second, measured from the segments (as HLS asks). */
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  playlist: string;
  segments: number;
}

export interface VideoDerivatives {
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
  vfr: boolean;
  hasAudio: boolean;
  sourceCodecs: { video: string; audio?: string };
  master: string;
  renditions: VideoRendition[];
  download: { file: string; bytes: number; width: number; height: number; codecs: string };
  poster: { file: string; width: number; height: number };
  sprite: { image: string; vtt: string; interval: number; tileWidth: number; tileHeight: number; columns: number; count: number };
}

const PROFILE_IDC: Record<string, string> = { High: '6400', Main: '4d40', Baseline: '42e0', 'Constrained Baseline': '42e0' };

/** RFC 6381 codec string of an H.264/AAC file, from ffprobe: what the master playlist's CODECS names. */
async function codecString(file: string, limits: MediaLimits, displayName: string): Promise<string> {
  const data = await ffprobe(file, { timeoutMs: limits.toolTimeoutMs, displayName });
  const parts: string[] = [];
  const v = data.streams.find((s) => s.codec_type === 'video');
  if (v) parts.push(`avc1.${PROFILE_IDC[v.profile ?? 'High'] ?? '6400'}${(v.level ?? 30).toString(16).padStart(2, '0')}`);
  if (data.streams.some((s) => s.codec_type === 'audio')) parts.push('mp4a.40.2');
  return parts.join(',');
}

async function measureRendition(dir: string): Promise<{ bandwidth: number; average: number; segments: number }> {
  const playlist = await fs.readFile(path.join(dir, 'index.m3u8'), 'utf8');
  const lines = playlist.split('\n');
  let peak = 0;
  let bits = 0;
  let seconds = 0;
  let segments = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
    if (!m) continue;
    const name = lines[i + 1]!.trim();
    const bytes = (await fs.stat(path.join(dir, name))).size;
    const d = Math.max(Number(m[1]), 0.5);
    peak = Math.max(peak, (bytes * 8) / d);
    bits += bytes * 8;
    seconds += Number(m[1]);
    segments++;
  }
  return { bandwidth: Math.ceil(peak), average: Math.ceil(bits / Math.max(seconds, 0.001)), segments };
}

function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(Math.floor((ms % 60_000) / 1000))}.${pad(ms % 1000, 3)}`;
}

/** The WebVTT thumbnail track: one cue per sprite cell, pointing at it with a media fragment. */
export function spriteVtt(sprite: SpritePlan, durationSeconds: number, image = 'sprite.jpg'): string {
  const cues: string[] = [];
  for (let k = 0; k < sprite.count; k++) {
    const start = k * sprite.interval;
    const end = Math.min((k + 1) * sprite.interval, durationSeconds);
    const x = (k % sprite.columns) * sprite.tileWidth;
    const y = Math.floor(k / sprite.columns) * sprite.tileHeight;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}\n${image}#xywh=${x},${y},${sprite.tileWidth},${sprite.tileHeight}`);
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

export interface VideoOptions {
  displayName: string;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
}

export async function makeVideoDerivatives(file: string, outDir: string, inspection: VideoInspection, options: VideoOptions): Promise<VideoDerivatives> {
  const { limits, displayName } = options;
  const plan = planVideo(file, outDir, inspection, limits, displayName);
  const dir = path.join(outDir, 'video');
  for (const rung of plan.rungs) await fs.mkdir(path.join(dir, 'hls', rung.name), { recursive: true });
  const [main, poster] = plan.runs as [FfmpegRun, FfmpegRun];
  await runFfmpeg({ ...main, onProgress: (f) => options.onProgress?.(f * 0.9) });
  await runFfmpeg(poster);

  const renditions: VideoRendition[] = [];
  for (const rung of plan.rungs) {
    const rungDir = path.join(dir, 'hls', rung.name);
    const measured = await measureRendition(rungDir);
    renditions.push({
      name: rung.name,
      width: rung.width,
      height: rung.height,
      bandwidth: measured.bandwidth,
      averageBandwidth: measured.average,
      codecs: await codecString(path.join(rungDir, 'seg-000.ts'), limits, displayName),
      playlist: `video/hls/${rung.name}/index.m3u8`,
      segments: measured.segments,
    });
  }
  // Smallest first: players start with the first variant, and the first rendition should be small on 3G.
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...renditions.flatMap((r) => [
      `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},RESOLUTION=${r.width}x${r.height},FRAME-RATE=${plan.fps.toFixed(3)},CODECS="${r.codecs}"`,
      `${r.name}/index.m3u8`,
    ]),
    '',
  ].join('\n');
  await fs.writeFile(path.join(dir, 'hls', 'master.m3u8'), master);
  await fs.writeFile(path.join(dir, 'sprite.vtt'), spriteVtt(plan.sprite, inspection.durationSeconds));
  options.onProgress?.(0.97);

  const top = plan.rungs[plan.rungs.length - 1]!;
  const downloadPath = path.join(dir, 'download.mp4');
  return {
    width: inspection.video.width,
    height: inspection.video.height,
    durationSeconds: inspection.durationSeconds,
    fps: plan.fps,
    vfr: inspection.video.vfr,
    hasAudio: Boolean(inspection.audio),
    sourceCodecs: { video: inspection.video.codec, ...(inspection.audio ? { audio: inspection.audio.codec } : {}) },
    master: 'video/hls/master.m3u8',
    renditions,
    download: {
      file: 'video/download.mp4',
      bytes: (await fs.stat(downloadPath)).size,
      width: top.width,
      height: top.height,
      codecs: await codecString(downloadPath, limits, displayName),
    },
    poster: { file: 'video/poster.jpg', width: top.width, height: top.height },
    sprite: { image: 'video/sprite.jpg', vtt: 'video/sprite.vtt', ...plan.sprite },
  };
}
