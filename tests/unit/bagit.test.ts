import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportBag } from '@/lib/interop/bagit';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeEach(async () => {
  archive = await tempArchive();
});
afterEach(async () => archive.cleanup());

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** Checks a bag the way a BagIt validator does: every manifest line against the file, and every payload file listed. */
async function validateBag(dir: string): Promise<{ payload: string[] }> {
  expect(await fs.readFile(path.join(dir, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  const manifest = (await fs.readFile(path.join(dir, 'manifest-sha512.txt'), 'utf8')).trim().split('\n');
  const listed: string[] = [];
  let bytes = 0;
  for (const line of manifest) {
    const [, digest, file] = /^([0-9a-f]{128}) {2}(.+)$/.exec(line)!;
    const content = await fs.readFile(path.join(dir, decodeURIComponent(file!)));
    expect(sha512(content), file).toBe(digest);
    listed.push(file!);
    bytes += content.length;
  }
  const walk = async (d: string): Promise<string[]> =>
    (await fs.readdir(d, { withFileTypes: true })).flatMap((e) => (e.isDirectory() ? [] : [path.relative(dir, path.join(d, e.name))])).concat(
      ...(await Promise.all((await fs.readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => walk(path.join(d, e.name))))),
    );
  expect((await walk(path.join(dir, 'data'))).sort()).toEqual(listed.map((f) => decodeURIComponent(f)).sort());
  const info = await fs.readFile(path.join(dir, 'bag-info.txt'), 'utf8');
  expect(info).toContain(`Payload-Oxum: ${bytes}.${listed.length}`);
  for (const line of (await fs.readFile(path.join(dir, 'tagmanifest-sha512.txt'), 'utf8')).trim().split('\n')) {
    const [, digest, file] = /^([0-9a-f]{128}) {2}(.+)$/.exec(line)!;
    expect(sha512(await fs.readFile(path.join(dir, file!))), file).toBe(digest);
  }
  return { payload: listed };
}

describe('BagIt export', () => {
  it('writes a valid BagIt 1.0 bag whose manifest digests match the files and the archive', async () => {
    const photo = randomBytes(30_000);
    const { record } = await archive.records.create({
      body: sampleBody(),
      files: [
        { name: 'Ảnh lễ hội.jpg', body: photo, contentType: 'image/jpeg', kind: 'image' },
        { name: 'phụ đề.vtt', body: 'WEBVTT\n\n00:00.000 --> 00:01.000\nXin chào\n', contentType: 'text/vtt', kind: 'caption', language: 'vie' },
      ],
      user: operator,
    });
    const target = path.join(archive.dir, 'bags', record.id);
    const result = await exportBag(archive.records, record.id, target, { extraTagFiles: { 'metadata/dublin-core.xml': '<dc/>' } });
    expect(result.files).toBe(3);
    const { payload } = await validateBag(target);
    expect(payload.map(decodeURIComponent).sort()).toEqual(['data/files/phụ đề.vtt', 'data/files/Ảnh lễ hội.jpg', 'data/record.json']);
    expect((await fs.readFile(path.join(target, 'data/files/Ảnh lễ hội.jpg'))).equals(photo)).toBe(true);
    expect(await fs.readFile(path.join(target, 'bag-info.txt'), 'utf8')).toContain(`External-Identifier: ${record.id}`);
    const manifest = await fs.readFile(path.join(target, 'manifest-sha512.txt'), 'utf8');
    expect(manifest).toContain(`${sha512(photo)}  data/files/Ảnh lễ hội.jpg`);
  });

  it('refuses to write into a folder that is not empty, and leaves no half bag when the data is damaged', async () => {
    const { record } = await archive.records.create({ body: sampleBody(), files: [{ name: 'a.jpg', body: randomBytes(100), contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const occupied = path.join(archive.dir, 'occupied');
    await fs.mkdir(occupied);
    await fs.writeFile(path.join(occupied, 'x'), 'x');
    await expect(exportBag(archive.records, record.id, occupied)).rejects.toThrow(/not empty/);
    await fs.writeFile(path.join(archive.dir, 'store', 'records', record.id, 'v1', 'content', 'files', 'a.jpg'), 'tampered');
    const target = path.join(archive.dir, 'bag2');
    await expect(exportBag(archive.records, record.id, target)).rejects.toThrow(/does not match its recorded digest/);
    expect(await fs.readdir(archive.dir)).not.toContain('bag2');
  });
});

describe('BagIt zip download', () => {
  it('zips the bag under one top folder, every payload file intact', async () => {
    const { bagZip } = await import('@/lib/interop/bag-zip');
    const { loadVocabularies } = await import('@/lib/records/vocabularies');
    const photo = randomBytes(5000);
    const { record } = await archive.records.create({ body: sampleBody(), files: [{ name: 'a.jpg', body: photo, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const stream = await bagZip(archive.records, record.id, { vocab: loadVocabularies(path.join(import.meta.dirname, '../../content')), siteUrl: 'https://x.org' });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const zipFile = path.join(archive.dir, 'bag.zip');
    await fs.writeFile(zipFile, Buffer.concat(chunks));
    // Read it back with an independent zip reader (Python's zipfile).
    const listing = JSON.parse(
      execFileSync('python3', ['-c', 'import zipfile,sys,json,hashlib; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: hashlib.sha512(z.read(n)).hexdigest() for n in z.namelist()}))', zipFile]).toString(),
    ) as Record<string, string>;
    const top = `${record.id}-v1`;
    expect(Object.keys(listing).sort()).toEqual(
      ['bag-info.txt', 'bagit.txt', 'data/files/a.jpg', 'data/record.json', 'manifest-sha512.txt', 'metadata/dublin-core.xml', 'tagmanifest-sha512.txt'].map((f) => `${top}/${f}`).sort(),
    );
    expect(listing[`${top}/data/files/a.jpg`]).toBe(sha512(photo));
  });
});
