/**
 * The long-video part of `npm run bench:media -- --long-video`: one original
 * derived through the real job queue (SQLite under a temporary DATA_DIR, as
 * on one machine) by `npm run worker` processes, first one, then two,
 * encoded rendition by rendition as every video over 5 minutes is.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { openArchive } from '../../lib/archive';
import { parseConfig } from '../../lib/config';
import { listJobs, readDerivativeManifest } from '../../lib/jobs';
import { ROOT, startWorkerProcess } from '../../tests/helpers/cli';

/** `npm run worker -- --until-idle` as its own process on the archive in dataDir, one job at a time; resolves when it exits. */
async function workerProcess(dataDir: string): Promise<void> {
  // childEnv passes PATH and HOME only: a REDIS_URL of ours must not send the worker to another queue.
  // MEDIA_RESUMABLE_VIDEO_S=1: whatever its length (--long-video=SECONDS), the video goes rendition by rendition, the path measured here.
  const worker = startWorkerProcess({ DATA_DIR: dataDir, MEDIA_WORKERS: '1', MEDIA_RESUMABLE_VIDEO_S: '1' }, ['--until-idle']);
  const { code } = await worker.exited;
  if (code !== 0) throw new Error(`worker exited ${code}: ${worker.output()}`);
}

/**
 * The long video through the job queue: a record per run (same original,
 * so the same work), its job queued by the commit as in production, then
 * `workers` worker processes started together; timed until all have exited.
 */
export async function longVideoRuns(dir: string, file: string, longSeconds: number, timed: (label: string, work: () => Promise<unknown>) => Promise<number>): Promise<void> {
  const dataDir = path.join(dir, 'long-archive');
  const archive = openArchive(parseConfig({ DATA_DIR: dataDir, CONTENT_DIR: path.join(ROOT, 'content') }));
  try {
    const body = await fs.readFile(file);
    for (const workers of [1, 2]) {
      const stored = await archive.records.create({
        body: {
          slug: `bench-long-video-${workers}`, type: 'festival', title: { vi: 'Thử video dài' }, description: { vi: 'Bản ghi thử hiệu năng.' },
          ethnicGroups: ['co-tu'], places: [{ district: 'nam-giang' }], rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
          access: { level: 'public', communities: [] }, status: 'draft',
        },
        files: [{ name: 'long.mp4', body, contentType: 'video/mp4', kind: 'video' }],
        user: { name: 'bench' },
      });
      const { id, media } = { id: stored.record.id, media: stored.record.media[0]! };
      const queued = await listJobs(archive.jobs().queue, { recordId: id });
      if (queued.length !== 1) throw new Error(`expected one queued job, found ${queued.length}`);
      const seconds = await timed(`${workers} worker${workers > 1 ? 's' : ''} (npm run worker)`, () => Promise.all(Array.from({ length: workers }, () => workerProcess(dataDir))));
      const manifest = await readDerivativeManifest(archive.store, id, media);
      if (manifest?.kind !== 'video') throw new Error(`the long video was not derived: ${JSON.stringify(await listJobs(archive.jobs().queue, { recordId: id }))}`);
      console.log(`  long_video workers=${workers} seconds=${seconds.toFixed(1)} realtime=${(longSeconds / seconds).toFixed(2)} renditions=${manifest.video.renditions.map((r) => r.name).join(',')}`);
    }
  } finally {
    await archive.close();
  }
}
