/**
 * Starts s3rver (a real S3 server process) on 127.0.0.1 with a fresh bucket,
 * for the S3 contract tests. Runs under --openssl-legacy-provider because
 * s3rver encrypts ListObjectsV2 continuation tokens with DES.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface S3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * `multipartListing`: s3rver plus the ListParts, AbortMultipartUpload and ListMultipartUploads calls it lacks
 * (s3rver-multipart.mjs), which @tus/s3-store needs to resume and sweep uploads.
 */
export async function startS3Server(bucket = 'disan-test', { multipartListing = false } = {}): Promise<S3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const bin = multipartListing
    ? fileURLToPath(new URL('./s3rver-multipart.mjs', import.meta.url))
    : path.join(path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', bucket, '--no-vhost-buckets'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on [^\s:]+:(\d+)/i) ?? output.match(/127\.0\.0\.1:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${output}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
