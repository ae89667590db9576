/**
 * Makes every derivative of one original: copy it out of the store into a
 * private temp folder (checking its SHA-512 on the way: a derivative of a
 * damaged original would be a lie), inspect it, run the tool for its kind,
 * upload the results under derivatives/<id>/<digest16>/, and write the
 * manifest last. Work happens in os.tmpdir(), never in the project folder
 * (Next's build would trip over HLS .ts segments).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DigestingStream, digestOfStream } from '../records/digest';
import type { RecordRepository } from '../records/repository';
import type { MediaEntry, MediaKind } from '../records/schema';
import { contentTypeFromName } from '../storage/content-type';
import { NotFoundError, type ObjectStore } from '../storage';
import { makeAudioDerivatives } from '../media/audio';
import { makeCaptionDerivatives } from '../media/captions';
import { MediaRefusedError } from '../media/errors';
import { makeImageDerivatives } from '../media/image';
import type { MediaLimits } from '../media/limits';
import { MANIFEST_FILE, PIPELINE_VERSION, derivativePrefix, manifestKey, readDerivativeManifest, type DerivativeFile, type DerivativeManifest, type ManifestBody } from './manifest';
import { makePdfDerivatives } from '../media/pdf';
import { inspectFile, type Inspection } from '../media/probe';
import { makeVideoDerivatives, type VideoOptions } from '../media/video';
import { storeStaging, type StagedCopy, type StoreStaging } from './staging';

/** Media kinds that get derivatives; transcripts (plain text) and "other" files are kept as they are. */
export const DERIVABLE_KINDS: ReadonlySet<MediaKind> = new Set(['image', 'audio', 'video', 'document', 'caption']);

export interface DeriveContext {
  store: ObjectStore;
  records: RecordRepository;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
  /** Long videos: the threshold, a report of each rendition kept or restored (tests also stop there, and count ffmpeg runs). */
  video?: Pick<VideoOptions, 'resumeAboveSeconds' | 'onRendition' | 'runFfmpeg'>;
}

export interface DeriveResult {
  manifest: DerivativeManifest;
  /** True when a manifest of this pipeline version already existed and nothing was redone. */
  skipped: boolean;
}

/** Declared and found kinds must belong to the same family; audio/video containers and caption/transcript text are interchangeable. */
function family(kind: MediaKind | Inspection['kind']): string {
  if (kind === 'audio' || kind === 'video') return 'av';
  if (kind === 'caption' || kind === 'transcript') return 'text';
  return kind;
}

/** Streams the original out of the store into `file`, verifying size and SHA-512 against the record. */
async function fetchOriginal(ctx: DeriveContext, recordId: string, media: MediaEntry, file: string): Promise<void> {
  const content = await ctx.records.openContent(recordId, media.digest);
  if (!content) throw new MediaRefusedError(media.path, 'no stored content with its digest', `record ${recordId} does not hold this original (removed or never committed)`);
  const tap = new DigestingStream();
  await pipeline(content.body, tap, createWriteStream(file));
  const { digest, size } = tap.result();
  if (digest !== media.digest || size !== media.size) {
    throw new MediaRefusedError(media.path, `${size} bytes with SHA-512 ${digest.slice(0, 16)}…`, `the stored original does not match its recorded digest ${media.digest.slice(0, 16)}… (run the fixity audit)`);
  }
}

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/**
 * Publishes the work folder's files under `prefix`, 8 at a time, each streamed (a top rendition can be
 * gigabytes). A file the staging already holds in the store, and that is still those bytes here, is copied
 * inside the store instead (on S3 a server-side copy): a long video's renditions are not uploaded twice.
 */
async function uploadAll(store: ObjectStore, prefix: string, dir: string, files: string[], staged: ReadonlyMap<string, StagedCopy>): Promise<DerivativeFile[]> {
  const queue = [...files];
  const uploaded: DerivativeFile[] = [];
  const publish = async (rel: string): Promise<number> => {
    const file = path.join(dir, rel);
    const key = `${prefix}/${rel}`;
    const contentType = contentTypeFromName(rel);
    const copy = staged.get(rel);
    if (copy && (await sameBytes(file, copy))) {
      const copied = await store.copy(copy.key, key);
      // A rendition staged before files were typed as they are published: upload it after all.
      if (copied.contentType === contentType) return copy.bytes;
    }
    const { size } = await fs.stat(file);
    await store.put(key, createReadStream(file), { contentType });
    return size;
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) uploaded.push({ path: rel, bytes: await publish(rel) });
    }),
  );
  return uploaded.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether a local file holds what the store's staged copy holds (read locally: far cheaper than an upload). */
async function sameBytes(file: string, copy: StagedCopy): Promise<boolean> {
  const { size, digest } = await digestOfStream(createReadStream(file), 'sha256');
  return size === copy.bytes && digest === copy.sha256;
}

const WORK_PREFIX = 'disan-derive-';

/**
 * Removes work folders of derive runs whose process is gone (a SIGKILLed
 * worker cannot clean up after itself). Folders are named by pid, so live
 * workers' folders are left alone.
 */
export async function cleanAbandonedWorkDirs(): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(os.tmpdir()).catch(() => [] as string[])) {
    const m = new RegExp(`^${WORK_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // alive
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    await fs.rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Removes objects under the prefix that the current manifest does not list (left by an older pipeline or a failed attempt). */
export async function pruneDerivatives(store: ObjectStore, recordId: string, digest: string, keep: ReadonlySet<string>): Promise<number> {
  const prefix = `${derivativePrefix(recordId, digest)}/`;
  let removed = 0;
  for await (const item of store.list(prefix)) {
    const rel = item.key.slice(prefix.length);
    if (rel === MANIFEST_FILE || keep.has(rel)) continue;
    await store.delete(item.key);
    removed++;
  }
  return removed;
}

/** Makes (or, when already made by this pipeline version, finds) the derivatives of one original. */
export async function deriveMedia(ctx: DeriveContext, recordId: string, media: MediaEntry, options: { force?: boolean } = {}): Promise<DeriveResult> {
  const existing = await readDerivativeManifest(ctx.store, recordId, media);
  if (existing && existing.pipelineVersion === PIPELINE_VERSION && !options.force) return { manifest: existing, skipped: true };

  const work = await fs.mkdtemp(path.join(os.tmpdir(), `${WORK_PREFIX}${process.pid}-`));
  try {
    const ext = path.extname(media.path).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 8);
    const input = path.join(work, `original${ext}`);
    const outDir = path.join(work, 'out');
    await fs.mkdir(outDir);
    await fetchOriginal(ctx, recordId, media, input);
    ctx.onProgress?.(0.05);

    const common = { displayName: media.path, limits: ctx.limits };
    const inspection = await inspectFile(input, common);
    if (family(media.kind) !== family(inspection.kind)) {
      throw new MediaRefusedError(media.path, `${inspection.kind} content (${inspection.mime})`, `the record lists it as ${media.kind}`);
    }
    const progress = (f: number) => ctx.onProgress?.(0.05 + f * 0.85);
    const opts = { ...common, onProgress: progress };
    let body: ManifestBody;
    let staging: StoreStaging | undefined;
    switch (inspection.kind) {
      case 'image':
        body = { kind: 'image', image: await makeImageDerivatives(input, outDir, opts) };
        break;
      case 'video':
        // A long video keeps each finished rendition in the store (./staging.ts): another attempt, on any worker, resumes from them.
        staging = storeStaging(ctx.store, recordId, media.digest);
        body = { kind: 'video', video: await makeVideoDerivatives(input, outDir, inspection, { ...opts, ...ctx.video, staging }) };
        break;
      case 'audio':
        body = { kind: 'audio', audio: await makeAudioDerivatives(input, outDir, inspection, opts) };
        break;
      case 'document':
        body = { kind: 'document', pdf: await makePdfDerivatives(input, outDir, opts) };
        break;
      case 'caption':
        body = { kind: 'caption', caption: await makeCaptionDerivatives(input, outDir, inspection.format, media.path) };
        break;
    }

    const prefix = derivativePrefix(recordId, media.digest);
    const files = await uploadAll(ctx.store, prefix, outDir, await walk(outDir), staging?.kept ?? new Map());
    ctx.onProgress?.(0.97);
    const manifest: DerivativeManifest = {
      manifestVersion: 1,
      pipelineVersion: PIPELINE_VERSION,
      recordId,
      source: { path: media.path, digest: media.digest, size: media.size, mime: inspection.mime },
      createdAt: new Date().toISOString(),
      files,
      ...body,
    };
    // The commit point: from here on pages see the new set.
    await ctx.store.put(manifestKey(recordId, media.digest), JSON.stringify(manifest, null, 1), { contentType: 'application/json' });
    // Also removes a long video's staged renditions (.staging/): the manifest does not list them.
    await pruneDerivatives(ctx.store, recordId, media.digest, new Set(files.map((f) => f.path)));
    ctx.onProgress?.(1);
    return { manifest, skipped: false };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Removes everything under a prefix that has no manifest: what a permanently failed job uploaded. */
export async function discardUnpublished(store: ObjectStore, recordId: string, digest: string): Promise<void> {
  if (await store.head(manifestKey(recordId, digest)).catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))) return;
  for await (const item of store.list(`${derivativePrefix(recordId, digest)}/`)) await store.delete(item.key);
}
