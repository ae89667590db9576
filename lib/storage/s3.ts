/**
 * Object store on any S3-compatible service (AWS S3, MinIO, Ceph RGW,
 * Garage). Streams go through lib-storage's multipart Upload, which holds at
 * most queueSize parts in memory, so memory stays flat whatever the size.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { assertValidKey, assertValidPrefix } from './keys';
import {
  AlreadyExistsError,
  NotFoundError,
  RangeNotSatisfiableError,
  type Body,
  type ByteRange,
  type GetResult,
  type ListedObject,
  type ListOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type SignedGetOptions,
} from './store';
import { DEFAULT_CONTENT_TYPE } from './content-type';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** Multipart part size in bytes (S3 minimum 5 MiB). */
  partSizeBytes?: number;
}

/** CopyObject's limit; larger objects are copied by streaming through a multipart upload. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const DEFAULT_PAGE_SIZE = 1000;

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 || (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound'));
}

/** 412 Precondition Failed, or 409 when a concurrent conditional write won. */
function isConditionFailure(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || (status === 409 && error instanceof S3ServiceException && error.name === 'ConditionalRequestConflict');
}

function parseTotalSize(contentRange: string | undefined): number | undefined {
  const match = contentRange?.match(/\/(\d+)$/);
  return match ? Number(match[1]) : undefined;
}

export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;

  constructor(options: S3StoreOptions, client?: S3Client) {
    this.bucket = options.bucket;
    this.partSize = options.partSizeBytes ?? 8 * 1024 * 1024;
    this.description = `s3:${options.endpoint ?? 'aws'}/${options.bucket}`;
    this.client =
      client ??
      new S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        // Checksums on every request are not understood by every S3-compatible server.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private async write(key: string, body: Body, options: PutOptions, ifAbsent: boolean): Promise<ObjectInfo> {
    assertValidKey(key);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const condition = ifAbsent ? { IfNoneMatch: '*' } : {};
    try {
      if (body instanceof Readable) {
        const upload = new Upload({
          client: this.client,
          params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ...condition },
          partSize: this.partSize,
          queueSize: 2,
          leavePartsOnError: false,
        });
        await upload.done();
      } else {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, ...condition }));
      }
    } catch (error) {
      if (ifAbsent && isConditionFailure(error)) throw new AlreadyExistsError(`object already exists: ${key}`, key);
      throw error;
    }
    const info = await this.head(key);
    if (!info) throw new NotFoundError(`object vanished right after it was written: ${key}`, key);
    return info;
  }

  put(key: string, body: Body, options: PutOptions = {}): Promise<ObjectInfo> {
    return this.write(key, body, options, false);
  }

  async putIfAbsent(key: string, body: Body, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    // If-None-Match makes this atomic on AWS S3, MinIO and Ceph; the HEAD first
    // keeps it correct (though racy) on servers that ignore the condition.
    if (await this.head(key)) {
      if (body instanceof Readable) body.destroy();
      throw new AlreadyExistsError(`object already exists: ${key}`, key);
    }
    return this.write(key, body, options, true);
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    assertValidKey(key);
    if (range && (!Number.isInteger(range.start) || range.start < 0 || (range.end !== undefined && range.end < range.start))) {
      const size = (await this.head(key))?.size ?? 0;
      throw new RangeNotSatisfiableError(`range ${range.start}-${range.end ?? ''} is not valid for ${key}`, key, size);
    }
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined }),
      );
      const body = out.Body as Readable;
      const size = parseTotalSize(out.ContentRange) ?? out.ContentLength ?? 0;
      const served = out.ContentRange?.match(/bytes (\d+)-(\d+)\//);
      return {
        key,
        size,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
        lastModified: out.LastModified ?? new Date(0),
        etag: out.ETag ?? '',
        body,
        range: range && served ? { start: Number(served[1]), end: Number(served[2]) } : undefined,
      };
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`no such object: ${key}`, key);
      if (statusOf(error) === 416) {
        const size = (await this.head(key))?.size ?? 0;
        throw new RangeNotSatisfiableError(`range ${range?.start}-${range?.end ?? ''} is outside ${key} (${size} bytes)`, key, size);
      }
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
        lastModified: out.LastModified ?? new Date(0),
        etag: out.ETag ?? '',
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix || undefined,
          MaxKeys: options.pageSize ?? DEFAULT_PAGE_SIZE,
          StartAfter: continuationToken ? undefined : options.startAfter,
          ContinuationToken: continuationToken,
        }),
      );
      for (const item of out.Contents ?? []) {
        if (!item.Key) continue;
        yield { key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0), etag: item.ETag ?? '' };
      }
      continuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  /** Signed locally (no request to the server); the response-* overrides are part of the signature, so the holder cannot change them. */
  signedGetUrl(key: string, options: SignedGetOptions): Promise<string> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async copy(fromKey: string, toKey: string): Promise<ObjectInfo> {
    assertValidKey(fromKey);
    assertValidKey(toKey);
    const source = await this.head(fromKey);
    if (!source) throw new NotFoundError(`no such object: ${fromKey}`, fromKey);
    if (source.size > MAX_SINGLE_COPY_BYTES) {
      const { body } = await this.get(fromKey);
      return this.put(toKey, body, { contentType: source.contentType });
    }
    const copySource = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: copySource }));
    const info = await this.head(toKey);
    if (!info) throw new NotFoundError(`copy target vanished: ${toKey}`, toKey);
    return info;
  }
}
