import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@/lib/config';
import { ROOT, runScript } from '../helpers/cli';

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
