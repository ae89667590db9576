/**
 * Resumable uploads on several web processes sharing one S3 bucket: two
 * independent upload servers (two archives on the same bucket, as two web
 * processes would be) stage uploads in S3 (@tus/s3-store) under the staging
 * prefix. An upload begun on one is continued and finished on the other; the
 * original lands in the record with its SHA-512, the staging is left empty
 * and nothing of it ever shows under the OCFL root. Unfinished uploads past
 * their expiry are swept, and the sweep keeps to the staging prefix.
 *
 * S3 is s3rver with the multipart listing calls it lacks (tests/helpers/s3rver-multipart.mjs).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '@/lib/archive';
import { authServices, type AuthServices } from '@/lib/auth/login';
import { parseConfig } from '@/lib/config';
import { RecordRepository } from '@/lib/records/repository';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { openStore } from '@/lib/storage';
import { openStaging, type Staging } from '@/lib/uploads/staging';
import { createUploadServer } from '@/lib/uploads/tus';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import { officerWithRecord } from '../helpers/upload-officer';

const MiB = 1024 * 1024;
const STAGING = 'uploads/';

/** One web process: its own archive (own S3 clients, repository, auth) on the shared bucket, and its tus server. */
interface Process {
  base: string;
  archive: Archive;
  staging: Staging;
}

let s3: S3Server;
let client: S3Client;
let dataDir: string;
let cookie: string;
let recordId: string;
const servers: http.Server[] = [];

function configFor(name: string) {
  return parseConfig({
    DATA_DIR: path.join(dataDir, name),
    STORAGE_DRIVER: 's3',
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_PART_SIZE_MB: '5',
    UPLOAD_STAGING_PREFIX: STAGING,
    SITE_URL: 'http://127.0.0.1:1',
  });
}

async function startProcess(name: string, expiryMs?: number): Promise<Process & { auth: AuthServices }> {
  const config = configFor(name);
  const store = openStore(config);
  const archive: Archive = { config, store, records: new RecordRepository(store), vocab: loadVocabularies(path.join(ROOT, 'content')) };
  const auth = authServices(archive);
  const staging = openStaging(config, store, expiryMs);
  const tus = createUploadServer(archive, auth, new Workflow(archive.records, new AuditLog(store)), staging);
  const server = http.createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, archive, staging, auth };
}

async function keys(archive: Archive, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const item of archive.store.list(prefix)) out.push(item.key);
  return out;
}

async function multipartUploads(prefix = ''): Promise<string[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix || undefined }));
  return (out.Uploads ?? []).map((u) => u.Key!);
}

/** Staging keys that would have leaked into the OCFL root: tus metadata, tails, or an upload's id. */
async function stagingUnderRecords(archive: Archive, uploadId: string): Promise<string[]> {
  return (await keys(archive, 'records/')).filter((key) => /\.(info|part)$/.test(key) || key.includes(uploadId));
}

function tusHeaders(p: Process, extra: Record<string, string> = {}): Record<string, string> {
  return { 'tus-resumable': '1.0.0', cookie, origin: p.base, ...extra };
}

function metadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

async function createUpload(p: Process, bytes: Buffer, filename: string): Promise<string> {
  const sha512 = createHash('sha512').update(bytes).digest('hex');
  const response = await fetch(`${p.base}/api/uploads`, {
    method: 'POST',
    headers: tusHeaders(p, { 'upload-length': String(bytes.length), 'upload-metadata': metadata({ filename, recordId, sha512 }) }),
  });
  expect(response.status).toBe(201);
  return response.headers.get('location')!;
}

async function patch(p: Process, location: string, bytes: Buffer, offset: number): Promise<Response> {
  return fetch(new URL(location, p.base), {
    method: 'PATCH',
    headers: tusHeaders(p, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
    body: new Uint8Array(bytes),
  });
}

async function offsetOf(p: Process, location: string): Promise<Response> {
  return fetch(new URL(location, p.base), { method: 'HEAD', headers: tusHeaders(p) });
}

/** A WAV recording: a real header, then noise. */
function wav(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(44_100, 24);
  header.writeUInt32LE(88_200, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, randomBytes(dataBytes)]);
}

let first: Process;
let second: Process;

beforeAll(async () => {
  s3 = await startS3Server('disan-tus', { multipartListing: true });
  client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'disan-tus-s3-'));
  const a = await startProcess('a');
  first = a;
  second = await startProcess('b');
  // Accounts, sessions and records live in the bucket: made through one process, seen by the other.
  ({ cookie, recordId } = await officerWithRecord(a.archive, a.auth));
}, 60_000);

afterAll(async () => {
  for (const server of servers) server.close();
  client?.destroy();
  await s3?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('resumable uploads staged in S3, across web processes', () => {
  it('continues on a second process an upload begun on the first, and ingests it from S3 with its SHA-512', async () => {
    // Over two parts: the first process sends one whole 5 MiB part and leaves a tail (`.part`) that the second must pick up.
    const recording = wav(12 * MiB);
    const cut = 7 * MiB;
    const location = await createUpload(first, recording, 'tiếng chiêng.wav');
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const uploadId = location.split('/').pop()!;

    const sent = await patch(first, location, recording.subarray(0, cut), 0);
    expect(sent.status).toBe(204);
    expect(Number(sent.headers.get('upload-offset'))).toBe(cut);
    // Half-way: everything of the upload is in the staging prefix, nothing of it in the OCFL root.
    expect((await keys(first.archive, STAGING)).sort()).toEqual([`${STAGING}${uploadId}.info`, `${STAGING}${uploadId}.part`]);
    expect(await multipartUploads()).toEqual([`${STAGING}${uploadId}`]);
    expect(await stagingUnderRecords(first.archive, uploadId)).toEqual([]);

    // The other process knows how far it got, takes the rest, and finishes it.
    const head = await offsetOf(second, location);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('upload-offset'))).toBe(cut);
    const finished = await patch(second, location, recording.subarray(cut), cut);
    expect(finished.status).toBe(204);
    expect(Number(finished.headers.get('upload-offset'))).toBe(recording.length);
    expect(finished.headers.get('x-record-version')).toBe('2');

    // Read back through the first process's own repository: the same bucket.
    const stored = await first.archive.records.require(recordId);
    const media = stored.record.media.find((m) => m.path === 'files/tiếng chiêng.wav');
    expect(media).toMatchObject({ kind: 'audio', size: recording.length, digest: createHash('sha512').update(recording).digest('hex') });
    expect(stored.versions.at(-1)?.message).toBe('Tải lên tiếng chiêng.wav');
    const { body } = await first.archive.store.get(`records/${recordId}/v2/content/files/tiếng chiêng.wav`);
    const hash = createHash('sha512');
    for await (const chunk of body) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(media?.digest);

    // The staging is empty, no multipart upload is left open, and the OCFL root never saw the upload.
    expect(await keys(first.archive, STAGING)).toEqual([]);
    expect(await multipartUploads()).toEqual([]);
    expect(await stagingUnderRecords(first.archive, uploadId)).toEqual([]);
    // A finished upload reads like one that does not exist, on either process.
    expect((await offsetOf(first, location)).status).toBe(404);
    expect((await offsetOf(second, location)).status).toBe(404);
  }, 120_000);

  it('refuses an upload URL that does not name one of its ids, so no request reaches outside the staging prefix', async () => {
    for (const id of ['..%2Frecords%2Fx', 'records', `${'a'.repeat(32)}.info`, 'A'.repeat(32)]) {
      expect((await offsetOf(first, `/api/uploads/${id}`)).status).toBe(404);
    }
  });

  it('lets its owner cancel an upload on another process than the one it began on, leaving nothing in staging', async () => {
    // One whole part in the multipart upload, and a tail (`.part`) beside it.
    const recording = wav(8 * MiB);
    const partial = await createUpload(first, recording, 'huy.wav');
    expect((await patch(first, partial, recording.subarray(0, 6 * MiB), 0)).status).toBe(204);
    expect(await keys(first.archive, STAGING)).toHaveLength(2);
    const cancelled = await fetch(new URL(partial, second.base), { method: 'DELETE', headers: tusHeaders(second) });
    expect(cancelled.status).toBe(204);
    expect(await keys(first.archive, STAGING)).toEqual([]);
    expect(await multipartUploads()).toEqual([]);
    expect((await offsetOf(second, partial)).status).toBe(404);
  }, 60_000);

  it('sweeps unfinished uploads past their expiry, and only the staging prefix', async () => {
    const expiring = await startProcess('expiring-a', 1000);
    const sweeper = await startProcess('expiring-b', 1000);
    const recording = wav(6 * MiB);
    const location = await createUpload(expiring, recording, 'bo-do.wav');
    expect((await patch(expiring, location, recording.subarray(0, 6 * MiB), 0)).status).toBe(204);
    expect(await keys(expiring.archive, STAGING)).toHaveLength(2); // .info and the 1 MiB tail; 5 MiB sit in the multipart upload

    // The archive's own multipart writes share the bucket: an abandoned one under records/, beside an original that
    // happens to end in .info, is none of the sweep's business. And a finished upload a crash left behind is.
    const original = `records/${recordId}/v9/content/files/ghi-am.wav`;
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: original }));
    await expiring.archive.store.put(`${original}.info`, 'an original, not tus metadata');
    await expiring.archive.store.put(`${STAGING}${'0'.repeat(32)}`, 'left by a crash after completion');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect((await offsetOf(expiring, location)).status).toBe(410);
    expect(await sweeper.staging.sweep()).toBe(3);
    expect(await keys(expiring.archive, STAGING)).toEqual([]);
    expect(await multipartUploads(STAGING)).toEqual([]);
    expect(await multipartUploads()).toEqual([original]);
    expect(await expiring.archive.store.head(`${original}.info`)).toBeDefined();
    expect((await offsetOf(expiring, location)).status).toBe(404);
    await client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: original, UploadId }));
    await expiring.archive.store.delete(`${original}.info`);
  }, 60_000);
});
