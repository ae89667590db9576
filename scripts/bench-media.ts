/**
 * Media pipeline benchmark: `npm run bench:media`.
 *
 * Generates a 60 s 1080p video with sound, a 10-minute audio file and a
 * 24-megapixel photo, then times, in the same run, (a) the pipeline deriving
 * each from a record in a temporary archive (copy out of the store with its
 * digest checked, inspection, tools, upload, manifest) and (b) the bare tools
 * making the same outputs: ffmpeg with the very same arguments, and sharp
 * called directly once per output. Ratios are pipeline / raw; realtime is
 * media seconds per wall-clock second of the pipeline.
 *
 * With `--long-video` it also generates a 10-minute 1080p video with sound
 * and derives it through the real job queue (SQLite, as on one machine),
 * taken by `npm run worker` processes: first one worker, then two (each
 * deriving its own record of the same original). A video that long is
 * encoded rendition by rendition (lib/media/video.ts); a job is still one
 * original, so the second worker can only take other jobs: the two figures
 * show what a second worker adds to one long video (nothing, today), and
 * the per-rendition cost next to the 60 s decode-once figure.
 *
 * Everything happens in a temporary folder that is removed at the end.
 * Last line:
 *   bench:media image_ratio=<x> video_ratio=<x> video_realtime=<x> audio_realtime=<x>
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { longVideoRuns } from './bench/long-video';
import { planAudio } from '../lib/media/audio';
import { deriveMedia } from '../lib/derivatives/derive';
import { ffmpegArgs, type FfmpegRun } from '../lib/media/ffmpeg';
import { IIIF_ID_PLACEHOLDER, IMAGE_FORMATS, THUMBNAIL_SIZE, TILE_SIZE, encode, widthsFor } from '../lib/media/image';
import { DEFAULT_LIMITS } from '../lib/media/limits';
import { inspectFile } from '../lib/media/probe';
import { planVideo } from '../lib/media/video';
import { RecordRepository } from '../lib/records/repository';
import type { MediaKind } from '../lib/records/schema';
import { LocalObjectStore } from '../lib/storage/local';

const VIDEO_SECONDS = 60;
const AUDIO_SECONDS = 600;
const PHOTO = { width: 6000, height: 4000 }; // 24 MP
const LONG_VIDEO_SECONDS = 600;

function exec(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (error, _o, stderr) => (error ? reject(new Error(`${cmd}: ${stderr}`)) : resolve())));
}

function ffmpegBare(run: FfmpegRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-loglevel', 'error', ...ffmpegArgs(run)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
}

async function timed(label: string, work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`  ${label.padEnd(34)} ${seconds.toFixed(2)} s`);
  return seconds;
}

async function main(): Promise<void> {
  // `--long-video=SECONDS` changes its length (still rendition by rendition: a loaded machine, a quick check).
  const longArg = process.argv.find((a) => a === '--long-video' || a.startsWith('--long-video='));
  const longSeconds = longArg?.includes('=') ? Number(longArg.split('=')[1]) : LONG_VIDEO_SECONDS;
  if (!(longSeconds > 0)) throw new Error(`--long-video=SECONDS needs a positive number, not ${longArg}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'disan-bench-media-'));
  try {
    const src = (name: string) => path.join(dir, name);
    console.log(`bench:media on ${os.availableParallelism()} cores, ffmpeg + sharp ${sharp.versions.sharp}; work in ${dir}`);
    console.log('generating inputs…');
    await exec('ffmpeg', [
      '-nostdin', '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=30:d=${VIDEO_SECONDS}`,
      '-f', 'lavfi', '-i', `sine=f=330:d=${VIDEO_SECONDS}`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest', src('video.mp4'),
    ]);
    await exec('ffmpeg', [
      '-nostdin', '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `sine=f=220:d=${AUDIO_SECONDS}:sample_rate=48000`, '-f', 'lavfi', '-i', `anoisesrc=d=${AUDIO_SECONDS}:c=pink:a=0.05:r=48000`,
      '-filter_complex', '[0:a][1:a]amix=inputs=2,volume=0.5', '-ac', '2', '-c:a', 'aac', '-b:a', '192k', src('audio.m4a'),
    ]);
    await sharp({ create: { ...PHOTO, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .blur(2)
      .jpeg({ quality: 90 })
      .toFile(src('photo.jpg'));

    const store = new LocalObjectStore({ root: path.join(dir, 'store'), tmpDir: path.join(dir, 'tmp') });
    const records = new RecordRepository(store);
    const add = async (name: string, contentType: string, kind: MediaKind) => {
      const stored = await records.create({
        body: {
          slug: `bench-${kind}`, type: 'festival', title: { vi: `Thử ${kind}` }, description: { vi: 'Bản ghi thử hiệu năng.' },
          ethnicGroups: ['co-tu'], places: [{ district: 'nam-giang' }], rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
          access: { level: 'public', communities: [] }, status: 'draft',
        },
        files: [{ name, body: await fs.readFile(src(name)), contentType, kind }],
        user: { name: 'bench' },
      });
      return { id: stored.record.id, media: stored.record.media[0]! };
    };
    const ctx = { store, records, limits: DEFAULT_LIMITS };
    const opts = { displayName: 'bench', limits: DEFAULT_LIMITS };

    // ---- image
    console.log(`photo ${PHOTO.width}×${PHOTO.height}:`);
    const photo = await add('photo.jpg', 'image/jpeg', 'image');
    const rawImage = await timed('raw sharp (one call per output)', async () => {
      const out = src('raw-image');
      await fs.mkdir(out, { recursive: true });
      const meta = await sharp(src('photo.jpg')).autoOrient().metadata();
      const tasks: Array<() => Promise<unknown>> = [];
      for (const w of widthsFor(meta.autoOrient?.width ?? meta.width!)) {
        for (const f of IMAGE_FORMATS) tasks.push(() => encode(sharp(src('photo.jpg')).autoOrient().resize({ width: w }), f, false).toFile(path.join(out, `w${w}.${f}`)));
      }
      tasks.push(() => sharp(src('photo.jpg')).autoOrient().resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'cover', position: 'attention' }).jpeg({ quality: 80, progressive: true }).toFile(path.join(out, 'thumb.jpg')));
      tasks.push(() => sharp(src('photo.jpg')).autoOrient().jpeg({ quality: 80 }).tile({ size: TILE_SIZE, layout: 'iiif3', id: IIIF_ID_PLACEHOLDER }).toFile(path.join(out, 'iiif')));
      // The same four-at-a-time the pipeline uses (libuv's thread pool size).
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let t = tasks.shift(); t; t = tasks.shift()) await t();
      }));
    });
    const pipeImage = await timed('pipeline (derive job)', () => deriveMedia(ctx, photo.id, photo.media));

    // ---- video
    console.log(`video 1920×1080, ${VIDEO_SECONDS} s:`);
    const video = await add('video.mp4', 'video/mp4', 'video');
    const rawVideo = await timed('raw ffmpeg (same arguments)', async () => {
      const inspection = await inspectFile(src('video.mp4'), opts);
      if (inspection.kind !== 'video') throw new Error('not a video');
      const out = src('raw-video');
      const plan = planVideo(src('video.mp4'), out, inspection, DEFAULT_LIMITS, 'bench');
      for (const r of plan.rungs) await fs.mkdir(path.join(out, 'video', 'hls', r.name), { recursive: true });
      for (const run of plan.runs) await ffmpegBare(run);
    });
    const pipeVideo = await timed('pipeline (derive job)', () => deriveMedia(ctx, video.id, video.media));

    // ---- audio
    console.log(`audio, ${AUDIO_SECONDS} s:`);
    const audio = await add('audio.m4a', 'audio/mp4', 'audio');
    const rawAudio = await timed('raw ffmpeg (same arguments)', async () => {
      const inspection = await inspectFile(src('audio.m4a'), opts);
      if (inspection.kind !== 'audio') throw new Error('not audio');
      const out = src('raw-audio');
      await fs.mkdir(path.join(out, 'audio'), { recursive: true });
      await ffmpegBare(planAudio(src('audio.m4a'), out, inspection, DEFAULT_LIMITS, 'bench'));
    });
    const pipeAudio = await timed('pipeline (derive job)', () => deriveMedia(ctx, audio.id, audio.media));
    console.log(`  audio ratio (pipeline/raw)         ${(pipeAudio / rawAudio).toFixed(2)}`);

    if (longArg) {
      console.log(`long video 1920×1080, ${longSeconds} s, through the job queue, rendition by rendition:`);
      await timed('generating it', () =>
        exec('ffmpeg', [
          '-nostdin', '-y', '-loglevel', 'error',
          '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=30:d=${longSeconds}`,
          '-f', 'lavfi', '-i', `sine=f=330:d=${longSeconds}`,
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest', src('long.mp4'),
        ]),
      );
      await longVideoRuns(dir, src('long.mp4'), longSeconds, timed);
    }

    const f = (x: number) => x.toFixed(2);
    console.log(
      `bench:media image_ratio=${f(pipeImage / rawImage)} video_ratio=${f(pipeVideo / rawVideo)} video_realtime=${f(VIDEO_SECONDS / pipeVideo)} audio_realtime=${f(AUDIO_SECONDS / pipeAudio)}`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
