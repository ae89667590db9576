/**
 * Video derivatives: an HLS ladder of H.264/AAC renditions with aligned
 * keyframes, an MP4 for download, a poster frame and a thumbnail sprite with
 * its WebVTT track.
 *
 * One ffmpeg run decodes the source once and feeds every rendition and the
 * sprite (split filter); the top rendition is encoded once and written both
 * as HLS and as the download MP4 (tee muxer). A video longer than
 * RESUMABLE_VIDEO_SECONDS is encoded one rendition per run instead, each kept
 * as soon as it is done (RenditionStaging), so a job cut short 50 minutes
 * into a festival recording resumes from its finished renditions.
 *
 * Frames are resampled to a constant rate first, so variable-frame-rate
 * phone footage gets keyframes at exactly the same instants in every
 * rendition (a keyframe every 2 s, scene-cut keyframes off) and segments
 * line up for bitrate switching, whether the renditions come from one run
 * or from several.
 *
 * The plan (planVideo) is pure data, so the benchmark can run the very same
 * ffmpeg arguments bare and compare.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ffmpegArgs, ffprobe, runFfmpeg, type FfmpegRun } from './ffmpeg';
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

/**
 * Videos longer than this are encoded rendition by rendition, each kept
 * (RenditionStaging) as soon as it is finished, so a job cut short resumes
 * after the last finished rendition. Shorter ones keep the single decode-once
 * run, which is faster: the source is decoded once instead of once per rung.
 */
export const RESUMABLE_VIDEO_SECONDS = 300;

/** One ffmpeg run of a video encoded rendition by rendition, and what it writes. */
export interface RenditionPart {
  /** The rung it makes, e.g. 720p. */
  name: string;
  /** `<name>-<hash of its ffmpeg arguments>`: the same input and plan give the same key on any machine. */
  key: string;
  run: FfmpegRun;
  /** What it writes, relative to outDir: its HLS folder (ending in '/'), and for the top rung the MP4 and sprite too. */
  outputs: string[];
}

export interface VideoPlan {
  rungs: Rung[];
  fps: number;
  sprite: SpritePlan;
  posterAt: number;
  /** Every run in order (the poster last): decode-once plus poster, or one per rung plus poster. */
  runs: FfmpegRun[];
  /** Present when encoded rendition by rendition: the runs but the poster, smallest rung first. */
  parts?: RenditionPart[];
}

/**
 * Every ffmpeg run that makes the derivatives of one video, writing under
 * outDir/video/. `byRendition` gives one run per rung instead of one for all
 * (the same encoder settings, so the same HLS: each run resamples to the same
 * constant rate, so keyframes still fall on the same instants).
 */
export function planVideo(input: string, outDir: string, inspection: VideoInspection, limits: MediaLimits, displayName: string, options: { byRendition?: boolean } = {}): VideoPlan {
  const { video, audio, durationSeconds } = inspection;
  const rungs = ladderFor(video.width, video.height);
  const fps = Math.min(MAX_FPS, Math.round(video.fps) || 25);
  const gop = Math.max(1, Math.round(fps * KEYFRAME_SECONDS));
  const sprite = spriteFor(durationSeconds, video.width, video.height);
  const dir = path.join(outDir, 'video');
  const resample = `[0:v]fps=${fps},format=yuv420p`;
  const scale = (r: Rung, from: string, to: string) => `[${from}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1[${to}]`;
  const spriteFilter = `[sp]fps=1/${sprite.interval},scale=${sprite.tileWidth}:${sprite.tileHeight},tile=${sprite.columns}x${sprite.rows}[sprite]`;
  const spriteOutput = { path: path.join(dir, 'sprite.jpg'), options: ['-map', '[sprite]', '-frames:v', '1', '-update', '1', '-q:v', '5'] };

  const hlsOptions = (rung: Rung) => ({
    time: SEGMENT_SECONDS,
    segments: path.join(dir, 'hls', rung.name, 'seg-%03d.ts'),
    playlist: path.join(dir, 'hls', rung.name, 'index.m3u8'),
  });
  const rungOutput = (rung: Rung, label: string, top: boolean) => {
    const hls = hlsOptions(rung);
    const options = [
      '-map', `[${label}]`,
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
  };

  const top = rungs[rungs.length - 1]!;
  const posterAt = Math.min(durationSeconds * 0.25, 5);
  const common = { input, inputFormat: inspection.format, timeoutMs: limits.toolTimeoutMs, displayName };
  const encode = (complexFilter: string, outputs: FfmpegRun['outputs']): FfmpegRun => ({ ...common, inputOptions: ['-t', String(limits.maxDurationSeconds)], complexFilter, outputs, durationSeconds });
  const poster: FfmpegRun = {
    ...common,
    inputOptions: ['-ss', posterAt.toFixed(3)],
    outputs: [{ path: path.join(dir, 'poster.jpg'), options: ['-map', '0:v:0', '-frames:v', '1', '-update', '1', '-vf', `scale=${top.width}:${top.height},setsar=1`, '-q:v', '3'] }],
  };
  const base = { rungs, fps, sprite, posterAt };

  if (options.byRendition) {
    const parts = rungs.map((rung, i): RenditionPart => {
      const isTop = i === rungs.length - 1;
      // The top rung's run also feeds the sprite, so no run decodes the source just for thumbnails.
      const run = isTop
        ? encode([`${resample},split=2[s0][sp]`, scale(rung, 's0', 'v0'), spriteFilter].join(';'), [rungOutput(rung, 'v0', true), spriteOutput])
        : encode(`${resample}[s0];${scale(rung, 's0', 'v0')}`, [rungOutput(rung, 'v0', false)]);
      return { name: rung.name, key: `${rung.name}-${planHash(run, input, outDir)}`, run, outputs: [`video/hls/${rung.name}/`, ...(isTop ? ['video/download.mp4', 'video/sprite.jpg'] : [])] };
    });
    return { ...base, runs: [...parts.map((p) => p.run), poster], parts };
  }

  // One run decodes the source once and feeds every rendition and the sprite.
  const labels = rungs.map((_, i) => `s${i}`);
  const filter = [
    `${resample},split=${rungs.length + 1}${labels.map((l) => `[${l}]`).join('')}[sp]`,
    ...rungs.map((r, i) => scale(r, `s${i}`, `v${i}`)),
    spriteFilter,
  ].join(';');
  const outputs = rungs.map((rung, i) => rungOutput(rung, `v${i}`, i === rungs.length - 1));
  outputs.push(spriteOutput);
  return { ...base, runs: [encode(filter, outputs), poster] };
}

/** A short hash of a run's arguments, with this machine's work folder taken out: what makes a staged rendition reusable. */
function planHash(run: FfmpegRun, input: string, outDir: string): string {
  const args = ffmpegArgs(run).map((a) => a.split(input).join('<input>').split(outDir).join('<out>'));
  return createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16);
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

/**
 * Where the finished renditions of a long video are kept between attempts of
 * its job (lib/derivatives/staging.ts keeps them in the object store, so an
 * attempt on another machine finds them too).
 */
export interface RenditionStaging {
  /** Puts a part kept by an earlier attempt back under outDir; false when none was kept or it does not check out. */
  restore(key: string, outDir: string): Promise<boolean>;
  /** Keeps a finished part's files (relative to outDir); it counts as kept only once every file is stored. */
  save(key: string, outDir: string, files: string[]): Promise<void>;
}

export interface VideoOptions {
  displayName: string;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
  /** Videos longer than this are encoded rendition by rendition (default RESUMABLE_VIDEO_SECONDS). */
  resumeAboveSeconds?: number;
  /** Where renditions are kept between attempts; without it a long video is still encoded one rung at a time, but nothing is kept. */
  staging?: RenditionStaging;
  /** Called when a rendition was encoded and kept, or restored from an earlier attempt (the worker logs it; tests stop a job there, as a dying worker would). */
  onRendition?: (name: string, how: 'kept' | 'restored') => void | Promise<void>;
  /** The ffmpeg runner (tests wrap it to count runs). */
  runFfmpeg?: typeof runFfmpeg;
}

/** Files under outDir that a part wrote, relative to outDir, sorted. */
async function partFiles(outDir: string, part: RenditionPart): Promise<string[]> {
  const files: string[] = [];
  for (const output of part.outputs) {
    if (!output.endsWith('/')) {
      files.push(output);
      continue;
    }
    for (const name of await fs.readdir(path.join(outDir, output))) files.push(`${output}${name}`);
  }
  return files.sort();
}

/**
 * The renditions one by one, smallest first; each is kept as soon as it is
 * finished, and one kept by an earlier attempt (on any machine) is restored
 * instead of encoded again.
 */
async function encodeByRendition(parts: RenditionPart[], rungs: Rung[], outDir: string, options: VideoOptions): Promise<void> {
  const run = options.runFfmpeg ?? runFfmpeg;
  // Progress by pixels: the 1080p run is most of the work.
  const weights = rungs.map((r) => r.width * r.height);
  const total = weights.reduce((a, b) => a + b, 0);
  let done = 0;
  for (const [i, part] of parts.entries()) {
    const share = weights[i]! / total;
    if (await options.staging?.restore(part.key, outDir)) {
      await options.onRendition?.(part.name, 'restored');
    } else {
      // What a failed restore or an earlier run left here must not mix with the new segments.
      await fs.rm(path.join(outDir, 'video', 'hls', part.name), { recursive: true, force: true });
      await fs.mkdir(path.join(outDir, 'video', 'hls', part.name), { recursive: true });
      await run({ ...part.run, onProgress: (f) => options.onProgress?.((done + f * share) * 0.9) });
      if (options.staging) {
        await options.staging.save(part.key, outDir, await partFiles(outDir, part));
        await options.onRendition?.(part.name, 'kept');
      }
    }
    done += share;
    options.onProgress?.(done * 0.9);
  }
}

export async function makeVideoDerivatives(file: string, outDir: string, inspection: VideoInspection, options: VideoOptions): Promise<VideoDerivatives> {
  const { limits, displayName } = options;
  const run = options.runFfmpeg ?? runFfmpeg;
  const byRendition = inspection.durationSeconds > (options.resumeAboveSeconds ?? RESUMABLE_VIDEO_SECONDS);
  const plan = planVideo(file, outDir, inspection, limits, displayName, { byRendition });
  const dir = path.join(outDir, 'video');
  for (const rung of plan.rungs) await fs.mkdir(path.join(dir, 'hls', rung.name), { recursive: true });
  const poster = plan.runs[plan.runs.length - 1]!;
  if (plan.parts) await encodeByRendition(plan.parts, plan.rungs, outDir, options);
  else await run({ ...plan.runs[0]!, onProgress: (f) => options.onProgress?.(f * 0.9) });
  await run(poster);

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
