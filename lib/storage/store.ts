/**
 * The object store: the one place where the archive's truth lives. Two
 * implementations (a local folder and S3-compatible buckets) pass the same
 * contract suite (tests/contract/object-store.contract.ts).
 */
import { ArchiveError, type ErrorKind } from '../errors';
import type { Readable } from 'node:stream';

export type Body = Buffer | Uint8Array | string | Readable;

export interface PutOptions {
  contentType?: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; omitted means to the end. */
  end?: number;
}

/** What a listing tells about an object (S3 listings carry no content type). */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
  /** Opaque version tag (S3 ETag, or size+mtime locally); changes when the object changes. */
  etag: string;
}

export interface ObjectInfo extends ListedObject {
  contentType: string;
}

export interface GetResult extends ObjectInfo {
  body: Readable;
  /** The range actually served, when one was asked for. */
  range?: { start: number; end: number };
}

export interface ListOptions {
  /** Objects per page fetched from the backend. */
  pageSize?: number;
  /** Start listing after this key (exclusive). */
  startAfter?: string;
}

export interface ObjectStore {
  /** Human-readable description for logs ("local:/srv/data/store", "s3:bucket"). */
  readonly description: string;
  /** Writes an object whole: readers see the old object or the new one, never a part. */
  put(key: string, body: Body, options?: PutOptions): Promise<ObjectInfo>;
  /** Like put, but fails with AlreadyExistsError if the key exists. */
  putIfAbsent(key: string, body: Body, options?: PutOptions): Promise<ObjectInfo>;
  /** Streams an object, or a byte range of it. NotFoundError if absent, RangeNotSatisfiableError for a bad range. */
  get(key: string, range?: ByteRange): Promise<GetResult>;
  /** Metadata, or undefined if absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with prefix, in key order, across all pages. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ListedObject>;
  /** Removes an object; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Server-side copy. NotFoundError if the source is absent. */
  copy(fromKey: string, toKey: string): Promise<ObjectInfo>;
  /**
   * Optional: a whole small object's bytes in the fewest round trips the
   * backend allows, without its metadata. NotFoundError if absent. Read
   * through getBuffer(), which falls back to get() where this is missing.
   */
  readBytes?(key: string): Promise<Buffer>;
  /**
   * Optional (S3 only): a URL from which anyone holding it may GET the
   * object (with Range) until it expires, without going through this
   * process. Issued only after the caller's access decision.
   */
  signedGetUrl?(key: string, options: SignedGetOptions): Promise<string>;
}

export interface SignedGetOptions {
  expiresInSeconds: number;
  /** Content-Type the bucket answers with, whatever is stored. */
  contentType?: string;
  /** Content-Disposition the bucket answers with (e.g. an attachment with the original's name). */
  contentDisposition?: string;
}

export class StoreError extends ArchiveError {
  constructor(message: string, readonly key?: string, kind: ErrorKind = { code: 'store-failed', status: 500 }) {
    super(message, kind);
  }
}
export class NotFoundError extends StoreError {
  constructor(message: string, key?: string) {
    super(message, key, { code: 'not-found', status: 404 });
  }
}
export class AlreadyExistsError extends StoreError {
  constructor(message: string, key?: string) {
    super(message, key, { code: 'already-exists', status: 409 });
  }
}
export class InvalidKeyError extends StoreError {
  constructor(message: string, key?: string) {
    super(message, key, { code: 'invalid-key', status: 400 });
  }
}
export class RangeNotSatisfiableError extends StoreError {
  constructor(message: string, key: string, readonly size: number) {
    super(message, key, { code: 'range-not-satisfiable', status: 416 });
  }
}

/** Reads a whole object into memory: for small objects (JSON) only. */
export async function getBuffer(store: ObjectStore, key: string): Promise<Buffer> {
  if (store.readBytes) return store.readBytes(key);
  const { body } = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function getJson(store: ObjectStore, key: string): Promise<unknown> {
  return JSON.parse((await getBuffer(store, key)).toString('utf8'));
}

/** Resolves an optional range against an object's size, as HTTP does. */
export function resolveRange(key: string, size: number, range: ByteRange | undefined): { start: number; end: number } | undefined {
  if (!range) return undefined;
  const { start } = range;
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (!Number.isInteger(start) || start < 0 || start >= size || end < start) {
    throw new RangeNotSatisfiableError(`range ${start}-${range.end ?? ''} is outside ${key} (${size} bytes)`, key, size);
  }
  return { start, end };
}
