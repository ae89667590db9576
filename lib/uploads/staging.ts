/**
 * Where resumable uploads wait until they are complete. On one machine: a
 * folder under DATA_DIR (@tus/file-store). With S3 storage: the archive's
 * bucket under UPLOAD_STAGING_PREFIX (@tus/s3-store), so that every web
 * process sees every upload and a PATCH may land on any of them. Either way
 * the bytes of a finished upload are streamed from here into the archive,
 * never held whole in memory, and then dropped.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ListMultipartUploadsCommandInput } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import { S3Store, type Options as S3StoreOptions } from '@tus/s3-store';
import type { DataStore, KvStore, ServerOptions } from '@tus/server';
import type { Config } from '../config';
import { HEAD_BYTES, sniffBuffer, sniffFile, type SniffedType } from '../media/sniff';
import { RangeNotSatisfiableError, type ObjectStore } from '../storage/store';

/** An unfinished upload is refused (410) and swept a week after it began. */
export const UPLOAD_EXPIRY_MS = 7 * 24 * 3600 * 1000;

/** Upload ids as @tus/server makes them: 16 random bytes in hex. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export interface Staging {
  datastore: DataStore;
  /** With S3: upload ids carry the staging prefix, upload URLs only the random part. */
  naming?: Pick<ServerOptions, 'namingFunction' | 'generateUrl' | 'getFileIdFromRequest'>;
  /** What a finished upload really is, from its first bytes. */
  sniff(id: string): Promise<SniffedType | undefined>;
  /** A finished upload's bytes, streamed. */
  open(id: string): Promise<Readable>;
  /** Drops a finished upload (its bytes and its tus metadata). */
  drop(id: string): Promise<void>;
  /** Removes unfinished uploads past their expiry, and anything a crash left behind; returns how many objects or files went. */
  sweep(): Promise<number>;
}

export function openStaging(config: Config, store: ObjectStore, expiryMs = UPLOAD_EXPIRY_MS): Staging {
  return config.storage.driver === 's3' ? s3Staging(config.storage, store, expiryMs) : folderStaging(config.uploadDir, expiryMs);
}

function folderStaging(directory: string, expiryMs: number): Staging {
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: expiryMs });
  const file = (id: string) => path.join(directory, id);
  return {
    datastore,
    sniff: (id) => sniffFile(file(id)),
    open: async (id) => createReadStream(file(id)),
    async drop(id) {
      await fs.rm(file(id), { force: true });
      await fs.rm(`${file(id)}.json`, { force: true });
    },
    sweep: () => datastore.deleteExpired(),
  };
}

/**
 * @tus/s3-store keeps upload metadata in a per-process cache. Several processes share the staging, so one
 * process's copy could go stale (a length declared later, on another process): read it from S3 every time.
 */
const noCache: KvStore<never> = { get: async () => undefined, set: async () => {}, delete: async () => {} };

/** @tus/s3-store, kept inside the staging prefix of a bucket it shares with the archive. */
class PrefixedS3Store extends S3Store {
  constructor(options: S3StoreOptions, prefix: string) {
    super(options);
    // deleteExpired() lists every multipart upload of the bucket and, for each, deletes `<key>.info` and
    // `<key>.part`: the archive's own multipart writes (records/...) share the bucket, so list only the staging.
    const list = this.client.listMultipartUploads.bind(this.client) as (input: ListMultipartUploadsCommandInput) => unknown;
    this.client.listMultipartUploads = ((input: ListMultipartUploadsCommandInput) => list({ ...input, Prefix: prefix })) as typeof this.client.listMultipartUploads;
  }

  /** A client's DELETE: the store's remove() leaves the unsent tail (`.part`) behind. */
  override async remove(id: string): Promise<void> {
    await super.remove(id);
    await this.deleteIncompletePart(id);
  }
}

function s3Staging(storage: Extract<Config['storage'], { driver: 's3' }>, store: ObjectStore, expiryMs: number): Staging {
  const prefix = storage.uploadStagingPrefix;
  const datastore = new PrefixedS3Store(
    {
      partSize: storage.partSizeBytes,
      // Object tags only serve bucket lifecycle rules; the sweep below does that work, and not every S3 server keeps tags.
      useTags: false,
      cache: noCache,
      expirationPeriodInMilliseconds: expiryMs,
      s3ClientConfig: {
        bucket: storage.bucket,
        region: storage.region,
        endpoint: storage.endpoint,
        forcePathStyle: storage.forcePathStyle,
        credentials: storage.credentials,
        // As lib/storage/s3.ts: checksums on every request are not understood by every S3-compatible server.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
    },
    prefix,
  );
  return {
    datastore,
    naming: {
      namingFunction: () => `${prefix}${randomBytes(16).toString('hex')}`,
      generateUrl: (_request, { path: base, id }) => `${base}/${id.slice(prefix.length)}`,
      // Only an id of our own shape names an upload: nothing in a URL can reach outside the staging prefix.
      getFileIdFromRequest: (_request, last) => (last && UPLOAD_ID.test(last) ? `${prefix}${last}` : undefined),
    },
    async sniff(id) {
      try {
        const { body } = await store.get(id, { start: 0, end: HEAD_BYTES - 1 });
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk as Buffer);
        return sniffBuffer(Buffer.concat(chunks));
      } catch (error) {
        // An empty upload has no first byte to ask for.
        if (error instanceof RangeNotSatisfiableError) return sniffBuffer(Buffer.alloc(0));
        throw error;
      }
    },
    open: async (id) => (await store.get(id)).body,
    async drop(id) {
      // The finished object, its tus metadata, and an unsent tail if a client ever left one.
      for (const key of [id, `${id}.info`, `${id}.part`]) await store.delete(key);
    },
    async sweep() {
      let removed = await datastore.deleteExpired();
      // A process that died between finishing an upload and dropping it leaves a whole object behind;
      // nothing in staging outlives the expiry of an upload, so what is older than that is left over.
      const cutoff = Date.now() - expiryMs;
      for await (const item of store.list(prefix)) {
        if (item.lastModified.getTime() >= cutoff) continue;
        await store.delete(item.key);
        removed++;
      }
      return removed;
    },
  };
}
