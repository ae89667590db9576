/**
 * s3rver with the three multipart calls it lacks and @tus/s3-store needs:
 * ListParts, AbortMultipartUpload and ListMultipartUploads. No S3 server on
 * npm that runs on Node 20 has them (s3rver 3.7, @20minutes/s3rver 4,
 * fauxqs: see README, "Running on several machines"), so they are answered
 * here from s3rver's own on-disk multipart state (its `uploads` folder: one
 * folder per upload id with the key, and each part with its MD5), while every
 * other call is s3rver's. Same arguments as s3rver's command line that
 * tests/helpers/s3-server.ts uses: -d dir -a address -p port --configure-bucket name.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const S3rver = createRequire(import.meta.url)('s3rver');

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const directory = arg('-d');
const bucket = arg('--configure-bucket');

const server = new S3rver({ directory, address: arg('-a'), port: Number(arg('-p')), vhostBuckets: false, silent: true, configureBuckets: [{ name: bucket }] });
const uploadsDir = (name) => server.store.getResourcePath(name, undefined, 'uploads');

function noSuchUpload(ctx, uploadId) {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>`;
}

/** An upload of s3rver's: its key, when it began, and its parts in order (number, size, MD5). */
async function readUpload(name, uploadId) {
  if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
  const dir = path.join(uploadsDir(name), uploadId);
  const key = await fs.readFile(path.join(dir, 'key'), 'utf8').catch(() => undefined);
  if (key === undefined) return undefined;
  const initiated = (await fs.stat(path.join(dir, 'key'))).mtime;
  const parts = [];
  for (const entry of await fs.readdir(dir)) {
    if (!/^\d+$/.test(entry)) continue;
    const file = path.join(dir, entry);
    const md5 = await fs.readFile(`${file}.md5`, 'utf8').catch(() => undefined);
    if (md5 === undefined) continue; // a part still being written
    const stat = await fs.stat(file);
    parts.push({ PartNumber: Number(entry), LastModified: stat.mtime.toISOString(), ETag: JSON.stringify(md5), Size: stat.size });
  }
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  return { dir, key, initiated, parts };
}

async function multipartCalls(ctx, next) {
  const [name, ...rest] = ctx.path.slice(1).split('/');
  const key = rest.map(decodeURIComponent).join('/');
  const { uploadId } = ctx.query;
  if (ctx.method === 'GET' && key && uploadId && !ctx.query.partNumber) {
    const upload = await readUpload(name, uploadId);
    if (!upload || upload.key !== key) return noSuchUpload(ctx, uploadId);
    ctx.body = {
      ListPartsResult: { Bucket: name, Key: key, UploadId: uploadId, MaxParts: 10000, IsTruncated: false, Part: upload.parts },
    };
    return;
  }
  if (ctx.method === 'DELETE' && key && uploadId) {
    const upload = await readUpload(name, uploadId);
    if (!upload || upload.key !== key) return noSuchUpload(ctx, uploadId);
    await fs.rm(upload.dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && !key && 'uploads' in ctx.query) {
    const prefix = ctx.query.prefix ?? '';
    const ids = await fs.readdir(uploadsDir(name)).catch(() => []);
    const uploads = [];
    for (const id of ids) {
      const upload = await readUpload(name, id);
      if (upload?.key.startsWith(prefix)) uploads.push({ Key: upload.key, UploadId: id, Initiated: upload.initiated.toISOString() });
    }
    uploads.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
    ctx.body = { ListMultipartUploadsResult: { Bucket: name, Prefix: prefix, MaxUploads: 1000, IsTruncated: false, Upload: uploads } };
    return;
  }
  return next();
}

// Just before s3rver's router (its last middleware): after its XML encoder, which turns these bodies into XML.
server.middleware.splice(server.middleware.length - 1, 0, multipartCalls);
const { port } = await server.run();
console.log(`S3rver listening on 127.0.0.1:${port}`);
