import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, bucketOrigin, parseConfig } from '@/lib/config';
import { S3ObjectStore } from '@/lib/storage/s3';
import { ROOT, runScript } from '../helpers/cli';

const S3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'di-san', S3_ENDPOINT: 'http://127.0.0.1:9000' };

describe('configuration', () => {
  it('runs on embedded defaults with no environment at all', () => {
    const config = parseConfig({});
    expect(config.storage).toMatchObject({ driver: 'local', root: path.resolve('data/store') });
    expect(config.siteUrl).toBe('http://localhost:3000');
  });

  it('uses Redis only when REDIS_URL is set, accepts only redis:// and rediss://, and never echoes the URL (it may hold a password)', () => {
    expect(parseConfig({}).redis).toBeUndefined();
    expect(parseConfig({ REDIS_URL: '' }).redis).toBeUndefined();
    expect(parseConfig({ REDIS_URL: 'redis://:s3cret@10.0.0.5:6379/2' }).redis).toEqual({ url: 'redis://:s3cret@10.0.0.5:6379/2' });
    expect(parseConfig({ REDIS_URL: 'rediss://cache.example.org:6380' }).redis).toEqual({ url: 'rediss://cache.example.org:6380' });
    // The web server transcodes too on one machine; with Redis, workers run apart unless asked.
    expect(parseConfig({}).media).toMatchObject({ webWorker: true, jobLeaseMs: 60_000 });
    expect(parseConfig({ REDIS_URL: 'redis://10.0.0.5' }).media.webWorker).toBe(false);
    expect(parseConfig({ REDIS_URL: 'redis://10.0.0.5', MEDIA_WEB_WORKER: 'true' }).media.webWorker).toBe(true);
    expect(parseConfig({ MEDIA_WEB_WORKER: 'no' }).media.webWorker).toBe(false);
    for (const bad of ['http://:s3cret@10.0.0.5:6379', 'localhost:6379', 'redis']) {
      expect(() => parseConfig({ REDIS_URL: bad })).toThrow(ConfigError);
      expect(() => parseConfig({ REDIS_URL: bad })).toThrow(/^Configuration error: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL$/);
    }
  });

  it('reads the S3 settings', () => {
    const config = parseConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'di-san', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_FORCE_PATH_STYLE: 'false' });
    expect(config.storage).toMatchObject({ driver: 's3', bucket: 'di-san', endpoint: 'http://127.0.0.1:9000', forcePathStyle: false, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect(config.storage).toMatchObject({ uploadStagingPrefix: 'uploads/' });
    expect(parseConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'di-san', UPLOAD_STAGING_PREFIX: 'tam/tus/' }).storage).toMatchObject({ uploadStagingPrefix: 'tam/tus/' });
  });

  it('delivers media from the bucket only when asked, with presigned URLs of five minutes and the origins pages must allow', () => {
    expect(parseConfig({}).delivery).toBeUndefined();
    expect(parseConfig(S3).delivery).toBeUndefined();
    expect(parseConfig({ ...S3, MEDIA_DELIVERY: 'server' }).delivery).toBeUndefined();
    // No CDN: everything presigned, the bucket stays private; path-style URLs point at the endpoint itself.
    expect(parseConfig({ ...S3, MEDIA_DELIVERY: 'bucket' }).delivery).toEqual({ signedUrlSeconds: 300, origins: ['http://127.0.0.1:9000'] });
    // A CDN base is kept as a folder (ending in /) and its origin allowed beside the bucket's.
    expect(parseConfig({ ...S3, MEDIA_DELIVERY: 'bucket', MEDIA_BASE_URL: 'https://cdn.example.org/di-san' }).delivery).toEqual({
      publicBaseUrl: 'https://cdn.example.org/di-san/',
      signedUrlSeconds: 300,
      origins: ['https://cdn.example.org', 'http://127.0.0.1:9000'],
    });
    expect(parseConfig({ ...S3, MEDIA_DELIVERY: 'bucket', MEDIA_BASE_URL: 'http://127.0.0.1:9000/di-san/' }).delivery?.origins).toEqual(['http://127.0.0.1:9000']);
  });

  it.each([
    ['path style, own endpoint', { S3_ENDPOINT: 'http://minio.internal:9000', S3_FORCE_PATH_STYLE: 'true' }],
    ['virtual-hosted style, own endpoint', { S3_ENDPOINT: 'https://s3.example.org', S3_FORCE_PATH_STYLE: 'false' }],
    ['AWS, virtual-hosted', { S3_REGION: 'ap-southeast-1', S3_FORCE_PATH_STYLE: 'false' }],
    ['AWS, path style', { S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true' }],
    ['AWS, a dotted bucket name (no subdomain over https)', { S3_BUCKET: 'media.di-san', S3_REGION: 'ap-southeast-1', S3_FORCE_PATH_STYLE: 'false' }],
    ['a dotted bucket name over http', { S3_BUCKET: 'media.di-san', S3_ENDPOINT: 'http://s3.internal:9000', S3_FORCE_PATH_STYLE: 'false' }],
  ])('the allowed bucket origin is the one the SDK presigns for (%s)', async (_, env) => {
    const config = parseConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'di-san', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', MEDIA_DELIVERY: 'bucket', ...env });
    const storage = config.storage as Extract<typeof config.storage, { driver: 's3' }>;
    // Signing is local: no request leaves the process.
    const url = await new S3ObjectStore(storage).signedGetUrl('derivatives/x/0123456789abcdef/video/download.mp4', { expiresInSeconds: 60 });
    expect(config.delivery?.origins).toEqual([new URL(url).origin]);
    expect(bucketOrigin(storage)).toBe(new URL(url).origin);
  });

  it.each([
    [{ STORAGE_DRIVER: 'ftp' }, 'STORAGE_DRIVER'],
    [{ STORAGE_DRIVER: 's3' }, 'S3_BUCKET'],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'UPPER' }, 'S3_BUCKET'],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'ok-bucket', S3_ACCESS_KEY_ID: 'only-one' }, 'S3_SECRET_ACCESS_KEY'],
    [{ S3_ENDPOINT: 'not a url' }, 'S3_ENDPOINT'],
    // Upload staging: a folder-like prefix, never inside the OCFL root or the archive's other folders.
    [{ UPLOAD_STAGING_PREFIX: 'records/tus/' }, 'UPLOAD_STAGING_PREFIX'],
    [{ UPLOAD_STAGING_PREFIX: 'system/' }, 'UPLOAD_STAGING_PREFIX'],
    [{ UPLOAD_STAGING_PREFIX: 'uploads' }, 'UPLOAD_STAGING_PREFIX'],
    [{ UPLOAD_STAGING_PREFIX: '../uploads/' }, 'UPLOAD_STAGING_PREFIX'],
    [{ UPLOAD_STAGING_PREFIX: '/uploads/' }, 'UPLOAD_STAGING_PREFIX'],
    [{ PORT: '99999' }, 'PORT'],
    [{ SITE_URL: 'localhost' }, 'SITE_URL'],
    [{ MEDIA_DELIVERY: 'cdn' }, 'MEDIA_DELIVERY'],
    [{ MEDIA_DELIVERY: 'bucket' }, 'MEDIA_DELIVERY'],
    [{ ...S3, MEDIA_BASE_URL: 'https://cdn.example.org/' }, 'MEDIA_BASE_URL'],
    [{ ...S3, MEDIA_DELIVERY: 'bucket', MEDIA_BASE_URL: 'cdn.example.org' }, 'MEDIA_BASE_URL'],
    [{ ...S3, MEDIA_DELIVERY: 'bucket', MEDIA_BASE_URL: 'ftp://cdn.example.org/' }, 'MEDIA_BASE_URL'],
    [{ ...S3, MEDIA_DELIVERY: 'bucket', MEDIA_BASE_URL: 'https://cdn.example.org/?sig=1' }, 'MEDIA_BASE_URL'],
  ])('names the bad variable in one message: %j', (env, variable) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^Configuration error: ${variable} `));
  });

  it('never echoes a secret in the message', () => {
    expect(() => parseConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_SECRET_ACCESS_KEY: 'hunter2' })).toThrow(/^(?!.*hunter2)/s);
  });

  it('stops the command line at start with that message', async () => {
    const result = await runScript('scripts/archive.ts', ['list'], { STORAGE_DRIVER: 'dropbox', DATA_DIR: '/tmp/unused' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Configuration error: STORAGE_DRIVER /);
  });

  it('is the only module that reads process.env', () => {
    const hits = execFileSync('grep', ['-rlE', 'process\\.env', 'app', 'lib', 'scripts', '--include=*.ts', '--include=*.tsx'], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(hits).toEqual(['lib/config.ts']);
  });
});
