/**
 * Finished renditions of a long video, kept in the object store between
 * attempts of its job, so that a job cut short (a worker killed, a machine
 * lost) resumes from them on whichever worker takes it next: the store is
 * the one thing every worker shares.
 *
 *   derivatives/<id>/<digest16>/.staging/<rung>-<plan hash>/<files>   the rendition's files
 *   derivatives/<id>/<digest16>/.staging/<rung>-<plan hash>.json      its marker: every file with size and SHA-256
 *
 * The key holds a hash of the rendition's ffmpeg arguments, so a changed
 * plan never reuses an old rendition. The marker is written only after every
 * file is stored, and on restore each file is checked against it: half a
 * rendition never passes for a finished one. The folder is under the
 * derivative prefix, so publishing (which prunes what the manifest does not
 * list) and discarding a failed job remove it with the rest; its name starts
 * with a dot, which the derivatives route never serves.
 *
 * At publish, a file the staging holds (saved or restored in this attempt)
 * is copied inside the store rather than uploaded a second time
 * (StoreStaging.kept): on S3 a server-side copy, where a long video's
 * renditions are most of its bytes.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DigestingStream } from '../records/digest';
import { NotFoundError, getBuffer, type ObjectStore } from '../storage';
import { contentTypeFromName } from '../storage/content-type';
import type { RenditionStaging } from '../media/video';
import { derivativePrefix } from './manifest';

export const STAGING_FOLDER = '.staging';

interface StagedFile {
  path: string;
  bytes: number;
  sha256: string;
}

interface StagedMarker {
  key: string;
  files: StagedFile[];
}

/** A marker's path stays inside the work folder whatever the marker says. */
const safeRelative = (rel: string) => typeof rel === 'string' && rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');

/** derivatives/<id>/<digest16>/.staging (no trailing slash). */
export function stagingPrefix(recordId: string, digest: string): string {
  return `${derivativePrefix(recordId, digest)}/${STAGING_FOLDER}`;
}

/** A file of the work folder that the store also holds, checked, under `key`. */
export interface StagedCopy {
  key: string;
  bytes: number;
  sha256: string;
}

export interface StoreStaging extends RenditionStaging {
  /** The work folder's files (relative paths) this attempt saved or restored, and where the store holds each. */
  readonly kept: ReadonlyMap<string, StagedCopy>;
}

export function storeStaging(store: ObjectStore, recordId: string, digest: string): StoreStaging {
  const prefix = stagingPrefix(recordId, digest);
  const markerKey = (key: string) => `${prefix}/${key}.json`;
  const fileKey = (key: string, rel: string) => `${prefix}/${key}/${rel}`;
  const kept = new Map<string, StagedCopy>();
  const remember = (key: string, files: StagedFile[]) => {
    for (const file of files) kept.set(file.path, { key: fileKey(key, file.path), bytes: file.bytes, sha256: file.sha256 });
  };
  return {
    kept,

    async save(key, outDir, files) {
      const staged: StagedFile[] = [];
      for (const rel of files) {
        // Measured as it is stored: the file (the top rendition's MP4 can be gigabytes) is read once, never held.
        const tap = new DigestingStream('sha256');
        const source = createReadStream(path.join(outDir, rel));
        source.once('error', (error) => tap.destroy(error));
        // Typed as it will be published: a copy keeps the type of its source.
        await store.put(fileKey(key, rel), source.pipe(tap), { contentType: contentTypeFromName(rel) });
        const { size, digest } = tap.result();
        staged.push({ path: rel, bytes: size, sha256: digest });
      }
      // Last: until the marker exists, the files above are not a finished rendition.
      const marker: StagedMarker = { key, files: staged };
      await store.put(markerKey(key), JSON.stringify(marker), { contentType: 'application/json' });
      remember(key, staged);
    },

    async restore(key, outDir) {
      let marker: StagedMarker;
      try {
        marker = JSON.parse((await getBuffer(store, markerKey(key))).toString('utf8')) as StagedMarker;
      } catch (error) {
        // No marker: the rendition was never finished. An unreadable one is as good as none.
        if (error instanceof NotFoundError || error instanceof SyntaxError) return false;
        throw error;
      }
      if (marker.key !== key || !Array.isArray(marker.files) || marker.files.length === 0) return false;
      for (const file of marker.files) {
        if (!safeRelative(file.path)) return false;
        const target = path.join(outDir, file.path);
        await fs.mkdir(path.dirname(target), { recursive: true });
        const tap = new DigestingStream('sha256');
        try {
          const { body } = await store.get(fileKey(key, file.path));
          await pipeline(body, tap, createWriteStream(target));
        } catch (error) {
          if (error instanceof NotFoundError) return false;
          throw error;
        }
        const found = tap.result();
        // A file changed or cut short since the marker was written: encode the rendition again rather than publish it.
        if (found.size !== file.bytes || found.digest !== file.sha256) return false;
      }
      remember(key, marker.files);
      return true;
    },
  };
}
