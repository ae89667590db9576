import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMedia } from '@/lib/derivatives/derive';
import { widthsFor } from '@/lib/media/image';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import { derivativeKey } from '@/lib/derivatives/manifest';
import { getBuffer } from '@/lib/storage';
import { makeGpsPhoto } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

let n = 0;
async function derive(name: string, body: Buffer, contentType: string) {
  const stored = await archive.records.create({ body: sampleBody({ slug: `img-${++n}` }), files: [{ name, body, contentType, kind: 'image' }], user: operator });
  const media = stored.record.media[0]!;
  const result = await deriveMedia({ store: archive.store, records: archive.records, limits: DEFAULT_LIMITS }, stored.record.id, media);
  return { id: stored.record.id, media, ...result };
}

describe('image derivatives', () => {
  it('widths: standard steps below the source, never upscaled', () => {
    expect(widthsFor(300)).toEqual([300]);
    expect(widthsFor(900)).toEqual([320, 720, 900]);
    expect(widthsFor(5000)).toEqual([320, 720, 1280, 2048]);
  });

  it('applies EXIF orientation, makes AVIF/WebP/JPEG widths, a square thumbnail and IIIF tiles, and strips GPS from every public file', async () => {
    const file = path.join(archive.dir, 'gps.jpg');
    await makeGpsPhoto(file);
    const original = await fs.readFile(file);
    const meta = await sharp(original).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([450, 300, 6]); // stored sideways
    // The original carries a GPS IFD (tag 0x8825 points at it, in either byte order).
    expect(meta.exif!.includes(Buffer.from([0x88, 0x25])) || meta.exif!.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const { id, manifest } = await derive('gps.jpg', original, 'image/jpeg');
    expect(manifest.kind).toBe('image');
    if (manifest.kind !== 'image') return;
    // Upright: 300 wide, 450 high.
    expect([manifest.image.width, manifest.image.height]).toEqual([300, 450]);
    expect(manifest.image.renditions.map((r) => `${r.file} ${r.width}x${r.height}`)).toEqual(['image/w300.avif 300x450', 'image/w300.jpg 300x450', 'image/w300.webp 300x450']);
    expect(manifest.image.thumbnail).toMatchObject({ width: 300, height: 300 });

    const jpeg = await getBuffer(archive.store, derivativeKey(manifest, 'image/w300.jpg'));
    // The red band is at the top once upright.
    const { data } = await sharp(jpeg).extract({ left: 150, top: 10, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(60);

    const info = JSON.parse((await getBuffer(archive.store, derivativeKey(manifest, 'image/iiif/info.json'))).toString()) as Record<string, unknown>;
    expect(info).toMatchObject({ type: 'ImageService3', profile: 'level0', width: 300, height: 450 });

    // Every image file under the prefix: no EXIF/XMP at all (so no GPS), and no libvips property dump.
    const keys = await archive.keys(`derivatives/${id}/`);
    expect(keys.some((k) => k.endsWith('vips-properties.xml'))).toBe(false);
    const images = keys.filter((k) => /\.(jpg|webp|avif)$/.test(k));
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const key of images) {
      const m = await sharp(await getBuffer(archive.store, key)).metadata();
      expect(m.exif, key).toBeUndefined();
      expect(m.xmp, key).toBeUndefined();
      expect(m.orientation ?? 1, key).toBe(1);
    }
    // Every key the manifest lists exists, and the manifest lists every key.
    expect(manifest.files.map((f) => `derivatives/${id}/${manifest.source.digest.slice(0, 16)}/${f.path}`).sort()).toEqual(keys.filter((k) => !k.endsWith('manifest.json')));
    // The original is untouched.
    const { body } = await archive.records.openFile(id, 'files/gps.jpg');
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(original)).toBe(true);
  });

  it('16-bit PNG with alpha, CMYK JPEG and TIFF become 8-bit sRGB derivatives; alpha kept in WebP/AVIF, flattened in JPEG', async () => {
    const base = sharp({ create: { width: 900, height: 600, channels: 4, background: { r: 40, g: 120, b: 200, alpha: 0.5 } } });
    const png16 = await base.clone().toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const cmyk = await base.clone().flatten().toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const tiff = await base.clone().flatten().tiff().toBuffer();

    for (const [name, body, type, alpha] of [
      ['deep.png', png16, 'image/png', true],
      ['print.jpg', cmyk, 'image/jpeg', false],
      ['scan.tif', tiff, 'image/tiff', false],
    ] as const) {
      const { manifest } = await derive(name, body, type);
      if (manifest.kind !== 'image') throw new Error('not an image');
      expect(manifest.image.renditions.map((r) => r.width)).toEqual([320, 320, 320, 720, 720, 720, 900, 900, 900]);
      const jpg = await sharp(await getBuffer(archive.store, derivativeKey(manifest, 'image/w720.jpg'))).metadata();
      expect([jpg.width, jpg.height, jpg.space, jpg.depth, jpg.channels], name).toEqual([720, 480, 'srgb', 'uchar', 3]);
      const webp = await sharp(await getBuffer(archive.store, derivativeKey(manifest, 'image/w720.webp'))).metadata();
      expect(webp.hasAlpha, name).toBe(alpha);
    }
  });
});
