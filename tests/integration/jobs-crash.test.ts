/**
 * SIGKILLs `scripts/worker.ts` in the middle of a video job, restarts it, and
 * checks that the job completes with exactly the keys an uninterrupted run
 * writes, that jobs already done were not redone, and that nothing was
 * visible (no manifest) while the job was unfinished.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';
import { SqliteJobQueue, enqueueDerivativesFor, listJobs, mediaLimits } from '@/lib/jobs';
import { deriveMedia } from '@/lib/derivatives/derive';
import { readDerivativeManifest } from '@/lib/derivatives/manifest';
import { startWorkerProcess } from '../helpers/cli';
import { makeVideo } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

function startWorker(args: string[] = []) {
  // One job at a time.
  return startWorkerProcess({ DATA_DIR: archive.dir, MEDIA_WORKERS: '1' }, args);
}

describe('worker crash', () => {
  it('a SIGKILLed worker’s job is resumed by the next worker and ends with the same output keys', async () => {
    const config = parseConfig({ DATA_DIR: archive.dir });
    const clip = path.join(archive.dir, 'long.mp4');
    await makeVideo(clip, { width: 640, height: 360, seconds: 24, audio: true });
    const stored = await archive.records.create({
      body: sampleBody({ slug: 'crash-video' }),
      files: [
        { name: 'a.jpg', body: await sharp({ create: { width: 500, height: 400, channels: 3, background: '#446688' } }).jpeg().toBuffer(), contentType: 'image/jpeg', kind: 'image' },
        { name: 'long.mp4', body: await fs.readFile(clip), contentType: 'video/mp4', kind: 'video' },
      ],
      user: operator,
    });
    const id = stored.record.id;
    const [photo, video] = stored.record.media as [(typeof stored.record.media)[0], (typeof stored.record.media)[0]];
    const queue = new SqliteJobQueue(config.media.jobsFile);
    await enqueueDerivativesFor(queue, id, stored.record, { maxAttempts: 3 });
    const videoJob = async () => (await listJobs(queue, { recordId: id })).find((j) => j.mediaPath === 'files/long.mp4')!;

    // First worker: killed once the video job is well under way.
    const first = startWorker();
    const deadline = Date.now() + 60_000;
    for (let job = await videoJob(); !(job.state === 'running' && job.progress >= 15); job = await videoJob()) {
      if (Date.now() > deadline) throw new Error(`video job never got going: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await videoJob()).toMatchObject({ state: 'running', attempts: 1 }); // the lease of a dead process
    expect(await readDerivativeManifest(archive.store, id, video)).toBeUndefined(); // nothing visible yet
    const photoDone = (await listJobs(queue, { recordId: id })).find((j) => j.mediaPath === 'files/a.jpg')!;
    expect(photoDone.state).toBe('done');

    // Second worker resumes and exits when idle.
    const second = startWorker(['--until-idle']);
    const result = await second.exited;
    expect(result.code, second.output()).toBe(0);
    expect(await videoJob()).toMatchObject({ state: 'done', attempts: 2, progress: 100 });
    expect((await listJobs(queue, { recordId: id })).find((j) => j.mediaPath === 'files/a.jpg')).toMatchObject({ attempts: 1 }); // not redone
    const manifest = await readDerivativeManifest(archive.store, id, video);
    expect(manifest?.kind).toBe('video');
    const prefix = `derivatives/${id}/${video.digest.slice(0, 16)}/`;
    const resumedKeys = await archive.keys(prefix);

    // An uninterrupted run writes exactly the same keys.
    await deriveMedia({ store: archive.store, records: archive.records, limits: mediaLimits(config) }, id, video, { force: true });
    expect(await archive.keys(prefix)).toEqual(resumedKeys);
    expect(resumedKeys).toEqual(expect.arrayContaining([`${prefix}manifest.json`, `${prefix}video/hls/master.m3u8`, `${prefix}video/download.mp4`]));
    expect(await readDerivativeManifest(archive.store, id, photo)).toMatchObject({ kind: 'image' });
    await queue.close();
    // Two transcodes of a 24 s clip: a hang guard generous enough for a busy 2-core machine, not a speed target.
  }, 180_000);
});
