/**
 * A long video is encoded rendition by rendition, and a job cut short
 * resumes from the renditions it had finished: they are kept in the object
 * store (shared by every worker), checked, and not encoded again. The
 * threshold is lowered to one second so that short generated clips count as
 * long; ffmpeg runs are counted through an injected runner that wraps the
 * real one, and, across two `npm run worker` processes, through their logs.
 * Timeouts are hang guards for a busy 2-core machine, not speed targets.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMedia, type DeriveContext } from '@/lib/derivatives/derive';
import { derivativePrefix, readDerivativeManifest } from '@/lib/derivatives/manifest';
import { stagingPrefix } from '@/lib/derivatives/staging';
import { parseConfig } from '@/lib/config';
import { DerivativeWorker, SqliteJobQueue, enqueueDerivativesFor, listJobs, type WorkerEvent } from '@/lib/jobs';
import { runFfmpeg, type FfmpegRun } from '@/lib/media/ffmpeg';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import type { MediaEntry } from '@/lib/records/schema';
import { getBuffer, type ObjectStore } from '@/lib/storage';
import { startWorkerProcess } from '../helpers/cli';
import { download, makeVideo, probe, run } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

let n = 0;
async function storeClip(seconds: number): Promise<{ id: string; media: MediaEntry }> {
  const src = path.join(archive.dir, `resume-${++n}.mp4`);
  await makeVideo(src, { width: 640, height: 360, seconds, audio: true });
  const stored = await archive.records.create({
    body: sampleBody({ slug: `resume-${n}` }),
    files: [{ name: `resume-${n}.mp4`, body: await fs.readFile(src), contentType: 'video/mp4', kind: 'video' }],
    user: operator,
  });
  return { id: stored.record.id, media: stored.record.media[0]! };
}

/** What an ffmpeg run makes: the rung whose playlist it writes, or the poster. */
function runTarget(r: FfmpegRun): string {
  const paths = r.outputs.map((o) => o.path).join(' ');
  return /hls\/(\w+)\/index\.m3u8/.exec(paths)?.[1] ?? (paths.includes('poster.jpg') ? 'poster' : paths);
}

/** The real ffmpeg runner, noting each run's target in `runs`. */
function countingRunner(runs: string[]): typeof runFfmpeg {
  return (r) => {
    runs.push(runTarget(r));
    return runFfmpeg(r);
  };
}

const ctx = (video: DeriveContext['video']): DeriveContext => ({ store: archive.store, records: archive.records, limits: DEFAULT_LIMITS, video });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Staged objects: relative to the staging folder, with their content digests. */
async function staged(id: string, media: MediaEntry): Promise<Map<string, string>> {
  const prefix = `${stagingPrefix(id, media.digest)}/`;
  const out = new Map<string, string>();
  for (const key of await archive.keys(prefix)) out.set(key.slice(prefix.length), sha(await getBuffer(archive.store, key)));
  return out;
}

/** The store, noting each put and copy ("put <key>", "copy <to key>") in `writes`. */
function noting(store: ObjectStore, writes: string[]): ObjectStore {
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'put') return (key: string, ...rest: unknown[]) => (writes.push(`put ${key}`), value.call(target, key, ...rest));
      if (name === 'copy') return (from: string, to: string) => (writes.push(`copy ${to}`), value.call(target, from, to));
      return value.bind(target);
    },
  });
}

function keyframeTimes(csv: string): number[] {
  return csv.split('\n').filter((l) => l.includes(',K')).map((l) => Number(l.split(',')[1]));
}

describe('long video: resumes by rendition', () => {
  it('a derive stopped after its first rendition resumes from it: that rendition is not encoded again, the published set plays, staging is gone', async () => {
    const { id, media } = await storeClip(8);
    const prefix = `${derivativePrefix(id, media.digest)}/`;

    // First attempt: dies right after the 240p rendition is kept, as a killed worker would.
    const firstRuns: string[] = [];
    await expect(
      deriveMedia(ctx({ resumeAboveSeconds: 1, runFfmpeg: countingRunner(firstRuns), onRendition: (name) => Promise.reject(new Error(`worker died after ${name}`)) }), id, media),
    ).rejects.toThrow('worker died after 240p');
    expect(firstRuns).toEqual(['240p']);
    expect(await readDerivativeManifest(archive.store, id, media)).toBeUndefined(); // nothing visible
    const kept = await staged(id, media);
    const names = [...kept.keys()];
    const marker = names.find((k) => /^240p-[0-9a-f]{16}\.json$/.test(k))!;
    expect(marker).toBeDefined();
    const folder = marker.replace(/\.json$/, '/');
    expect(names.filter((k) => k.startsWith(folder)).map((k) => k.slice(folder.length))).toEqual(expect.arrayContaining(['video/hls/240p/index.m3u8', 'video/hls/240p/seg-000.ts', 'video/hls/240p/seg-001.ts']));
    expect(names.some((k) => k.startsWith('360p'))).toBe(false);

    // Second attempt (any worker: the staging is in the store): only what was not finished is encoded.
    const secondRuns: string[] = [];
    const writes: string[] = [];
    const { manifest } = await deriveMedia({ ...ctx({ resumeAboveSeconds: 1, runFfmpeg: countingRunner(secondRuns) }), store: noting(archive.store, writes) }, id, media);
    expect(secondRuns).toEqual(['360p', 'poster']);
    // Both renditions, the one restored and the one kept in this attempt, are published by copies inside the store
    // (server-side on S3), not uploaded again; typed for playback as the rest.
    const published = (how: string) => writes.filter((w) => w.startsWith(`${how} ${prefix}video/hls/`) && !w.endsWith('master.m3u8')).map((w) => w.split('/hls/')[1]);
    expect(published('copy').sort()).toEqual(expect.arrayContaining(['240p/index.m3u8', '240p/seg-000.ts', '360p/index.m3u8', '360p/seg-000.ts']));
    expect(published('put')).toEqual([]);
    expect((await archive.store.head(`${prefix}video/hls/240p/seg-000.ts`))?.contentType).toBe('video/mp2t');
    expect((await archive.store.head(`${prefix}video/hls/240p/index.m3u8`))?.contentType).toBe('application/vnd.apple.mpegurl');
    if (manifest.kind !== 'video') throw new Error('not a video manifest');
    expect(manifest.video.renditions.map((r) => r.name)).toEqual(['240p', '360p']);
    expect(await archive.keys(`${stagingPrefix(id, media.digest)}/`)).toEqual([]); // staging removed on publish

    // The published 240p segments are the very bytes kept by the first attempt.
    for (const [rel, digest] of kept) {
      if (!rel.startsWith(folder)) continue;
      expect(sha(await getBuffer(archive.store, `${prefix}${rel.slice(folder.length)}`)), rel).toBe(digest);
    }

    // It plays: the master lists both renditions, each is H.264 + AAC, segments and keyframes line up (every 2 s).
    const dir = path.join(archive.dir, `out-${n}`);
    await download(archive.store, prefix, dir);
    const master = await fs.readFile(path.join(dir, 'video/hls/master.m3u8'), 'utf8');
    expect(master.match(/^\w+\/index\.m3u8$/gm)).toEqual(['240p/index.m3u8', '360p/index.m3u8']);
    const all = await probe(path.join(dir, 'video/hls/master.m3u8'));
    expect(all.streams.filter((s) => s.codec_type === 'video').map((s) => `${s.codec_name} ${s.width}x${s.height}`).sort()).toEqual(['h264 426x240', 'h264 640x360']);
    expect(all.streams.filter((s) => s.codec_type === 'audio').every((s) => s.codec_name === 'aac')).toBe(true);
    const playlists = await Promise.all(manifest.video.renditions.map((r) => fs.readFile(path.join(dir, r.playlist), 'utf8')));
    const extinf = (p: string) => p.match(/#EXTINF:[\d.]+/g);
    expect(extinf(playlists[0]!)).toEqual(extinf(playlists[1]!));
    const keys = await Promise.all(
      manifest.video.renditions.map(async (r) => keyframeTimes(await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time,flags', '-of', 'csv', path.join(dir, r.playlist)]))),
    );
    const relative = keys.map((k) => k.map((t) => Math.round((t - k[0]!) * 100) / 100));
    expect(relative[0]).toEqual([0, 2, 4, 6]);
    expect(relative[1]).toEqual(relative[0]);
    const mp4 = await probe(path.join(dir, 'video/download.mp4'));
    expect(mp4.streams.map((s) => `${s.codec_name} ${s.width ?? ''}x${s.height ?? ''}`)).toEqual(['h264 640x360', 'aac x']);

    // The same files as the single decode-once run makes of the same clip.
    const resumedKeys = await archive.keys(prefix);
    const onceRuns: string[] = [];
    await deriveMedia(ctx({ runFfmpeg: countingRunner(onceRuns) }), id, media, { force: true });
    expect(onceRuns).toHaveLength(2); // everything in one run, then the poster
    expect(await archive.keys(prefix)).toEqual(resumedKeys);
  }, 240_000);

  it('a kept rendition whose files do not match its marker is encoded again', async () => {
    const { id, media } = await storeClip(4);
    const die = () => Promise.reject(new Error('worker died'));
    await expect(deriveMedia(ctx({ resumeAboveSeconds: 1, onRendition: die }), id, media)).rejects.toThrow('worker died');
    const segment = [...(await staged(id, media)).keys()].find((k) => k.endsWith('/video/hls/240p/seg-000.ts'))!;
    await archive.store.put(`${stagingPrefix(id, media.digest)}/${segment}`, Buffer.from('not what was encoded'));

    const runs: string[] = [];
    const { manifest } = await deriveMedia(ctx({ resumeAboveSeconds: 1, runFfmpeg: countingRunner(runs) }), id, media);
    expect(runs).toEqual(['240p', '360p', 'poster']);
    expect(manifest.kind).toBe('video');
    const published = await getBuffer(archive.store, `${derivativePrefix(id, media.digest)}/video/hls/240p/seg-000.ts`);
    expect(published.toString()).not.toBe('not what was encoded');
    const dir = path.join(archive.dir, `out-${n}`);
    await download(archive.store, `${derivativePrefix(id, media.digest)}/`, dir);
    expect((await probe(path.join(dir, 'video/hls/240p/index.m3u8'))).streams.map((s) => `${s.codec_name} ${s.width ?? ''}x${s.height ?? ''}`)).toEqual(['h264 426x240', 'aac x']);
  }, 240_000);

  it('through the job queue: an attempt that fails after one rendition is retried and resumes from it', async () => {
    const { id, media } = await storeClip(4);
    const queue = new SqliteJobQueue(path.join(archive.dir, 'jobs', 'resume.sqlite'));
    await enqueueDerivativesFor(queue, id, { media: [media] }, { maxAttempts: 3 });
    const runs: string[] = [];
    let attempt = 0;
    const worker = new DerivativeWorker({
      queue,
      store: archive.store,
      records: archive.records,
      limits: DEFAULT_LIMITS,
      concurrency: 1,
      pollMs: 50,
      backoffBaseMs: 10,
      derive: (c, recordId, m) => {
        attempt++;
        const first = attempt === 1;
        return deriveMedia({ ...c, video: { resumeAboveSeconds: 1, runFfmpeg: countingRunner(runs), ...(first ? { onRendition: () => Promise.reject(new Error('worker died')) } : {}) } }, recordId, m);
      },
    });
    const events: WorkerEvent['type'][] = [];
    worker.on((e) => events.push(e.type));
    await worker.runUntilIdle();
    expect(events).toEqual(['started', 'retry', 'started', 'done']);
    expect(runs).toEqual(['240p', '360p', 'poster']); // 240p once, in the first attempt
    expect((await listJobs(queue, { recordId: id }))[0]).toMatchObject({ state: 'done', attempts: 2, progress: 100 });
    expect(await readDerivativeManifest(archive.store, id, media)).toMatchObject({ kind: 'video' });
    expect(await archive.keys(`${stagingPrefix(id, media.digest)}/`)).toEqual([]);
    await queue.close();
  }, 240_000);

  it('a worker process SIGKILLed after its first rendition: the next worker process restores it and encodes only the rest', async () => {
    const { id, media } = await storeClip(12);
    const queue = new SqliteJobQueue(parseConfig({ DATA_DIR: archive.dir }).media.jobsFile);
    await enqueueDerivativesFor(queue, id, { media: [media] }, { maxAttempts: 3 });
    // A 12 s clip counts as long here, as a festival recording would by default.
    const env = { DATA_DIR: archive.dir, MEDIA_WORKERS: '1', MEDIA_RESUMABLE_VIDEO_S: '1' };
    const staging = `${stagingPrefix(id, media.digest)}/`;

    const first = startWorkerProcess(env);
    const deadline = Date.now() + 90_000;
    // The worker logs a rendition once its marker is stored: kill it then, while it encodes the next.
    while (!first.output().includes('240p encoded and kept')) {
      if (Date.now() > deadline) throw new Error(`240p was never kept: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await readDerivativeManifest(archive.store, id, media)).toBeUndefined();
    expect((await archive.keys(staging)).some((k) => /\/240p-[0-9a-f]{16}\.json$/.test(k))).toBe(true);

    const second = startWorkerProcess(env, ['--until-idle']);
    expect((await second.exited).code, second.output()).toBe(0);
    expect(second.output()).toContain('240p restored from an earlier attempt');
    // Each rendition encoded once across both workers: what the first finished, the second restored.
    const encoded = (first.output() + second.output()).match(/\w+ encoded and kept/g);
    expect(encoded?.sort()).toEqual(['240p encoded and kept', '360p encoded and kept']);
    expect((await listJobs(queue, { recordId: id }))[0]).toMatchObject({ state: 'done', attempts: 2 });
    const manifest = await readDerivativeManifest(archive.store, id, media);
    expect(manifest?.kind === 'video' && manifest.video.renditions.map((r) => r.name)).toEqual(['240p', '360p']);
    expect(await archive.keys(staging)).toEqual([]);
    await queue.close();
  }, 240_000);
});
