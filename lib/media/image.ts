/**
 * Photo and scan derivatives with sharp: responsive widths in AVIF, WebP and
 * JPEG (never upscaled), a square thumbnail and IIIF Image API 3 level-0
 * tiles for deep zoom.
 *
 * The original is decoded ONCE, with EXIF orientation applied and converted
 * to 8-bit sRGB (so 16-bit, CMYK and TIFF inputs all become the same kind of
 * pixels), into memory; every output is cut from those pixels. Outputs carry
 * no metadata at all: sharp writes none unless asked, so EXIF (GPS and other
 * location tags, camera serials), XMP and IPTC never reach a public file.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { MediaRefusedError } from './errors';
import type { MediaLimits } from './limits';

// libvips threads per image; the default here is 1 (see toolchain notes).
sharp.concurrency(os.availableParallelism());

// 720 rather than 640: a 360–412 px phone at DPR 1.75–2 needs 630–720 px, and 640 fell just short, sending it the 1280.
export const IMAGE_WIDTHS = [320, 720, 1280, 2048] as const;
export const IMAGE_FORMATS = ['avif', 'webp', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const THUMBNAIL_SIZE = 400;
export const TILE_SIZE = 512;
/** Placeholder base of info.json "id": the IIIF route replaces it with the public URL when serving. */
export const IIIF_ID_PLACEHOLDER = 'https://iiif.invalid';

const EXT: Record<ImageFormat, string> = { avif: 'avif', webp: 'webp', jpeg: 'jpg' };

export interface ImageRendition {
  /** Path relative to the derivative folder, e.g. image/w640.webp. */
  file: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
}

export interface ImageDerivatives {
  /** Upright size of the original (orientation applied). */
  width: number;
  height: number;
  hasAlpha: boolean;
  renditions: ImageRendition[];
  thumbnail: ImageRendition;
  iiif: { info: string; tileSize: number; width: number; height: number };
}

/** The widths to make for a source width: the standard ones below it, and the source width itself when it is smaller than the largest. */
export function widthsFor(sourceWidth: number): number[] {
  const below = IMAGE_WIDTHS.filter((w) => w < sourceWidth);
  const top = IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1]!;
  return sourceWidth <= top ? [...below, sourceWidth] : below;
}

/** Encoder settings, shared with the benchmark's bare-sharp run so both do the same work. AVIF effort 2: default effort is ~10× slower. */
export function encode(image: Sharp, format: ImageFormat, hasAlpha: boolean): Sharp {
  switch (format) {
    case 'avif':
      // Quality 45: 14% smaller than 50 at the phone sizes, where the first picture is the page's LCP on slow lines.
      // Colour at half resolution (4:2:0), as in the JPEG and WebP renditions: sharp's default 4:4:4 costs 5% more
      // bytes and a slower decode on a cheap phone for colour detail the eye does not see in a photo.
      return image.avif({ quality: 45, effort: 2, chromaSubsampling: '4:2:0' });
    case 'webp':
      return image.webp({ quality: 75, effort: 3 });
    case 'jpeg':
      // JPEG has no alpha: lay transparent pixels on white rather than black.
      return (hasAlpha ? image.flatten({ background: '#ffffff' }) : image).jpeg({ quality: 80, progressive: true, mozjpeg: false });
  }
}

export interface ImageOptions {
  displayName: string;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
}

/** Writes every image derivative of `file` under outDir/image/. */
export async function makeImageDerivatives(file: string, outDir: string, options: ImageOptions): Promise<ImageDerivatives> {
  const dir = path.join(outDir, 'image');
  await fs.mkdir(dir, { recursive: true });
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    pixels = await sharp(file, { limitInputPixels: options.limits.maxImagePixels, failOn: 'error' })
      .autoOrient()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    // limitInputPixels and truncated/corrupt data both end here: never a half-made set.
    throw new MediaRefusedError(options.displayName, 'an image that cannot be decoded', (error as Error).message);
  }
  const { width, height, channels } = pixels.info;
  const hasAlpha = channels === 4 || channels === 2;
  const source = () => sharp(pixels.data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 }, limitInputPixels: false });

  const tasks: Array<() => Promise<ImageRendition | void>> = [];
  for (const w of widthsFor(width)) {
    for (const format of IMAGE_FORMATS) {
      tasks.push(async () => {
        const rel = `image/w${w}.${EXT[format]}`;
        const info = await encode(source().resize({ width: w, withoutEnlargement: true }), format, hasAlpha).toFile(path.join(outDir, rel));
        return { file: rel, format, width: info.width, height: info.height, bytes: info.size };
      });
    }
  }
  let thumbnail: ImageRendition | undefined;
  tasks.push(async () => {
    const rel = 'image/thumb.jpg';
    const side = Math.min(THUMBNAIL_SIZE, width, height);
    const info = await encode(source().resize({ width: side, height: side, fit: 'cover', position: 'attention' }), 'jpeg', hasAlpha).toFile(path.join(outDir, rel));
    thumbnail = { file: rel, format: 'jpeg', width: info.width, height: info.height, bytes: info.size };
  });
  tasks.push(async () => {
    const base = hasAlpha ? source().flatten({ background: '#ffffff' }) : source();
    await base.jpeg({ quality: 80 }).tile({ size: TILE_SIZE, layout: 'iiif3', id: IIIF_ID_PLACEHOLDER }).toFile(path.join(dir, 'iiif'));
    // libvips leaves a dump of the image's properties beside the tiles: not public, never uploaded.
    await fs.rm(path.join(dir, 'vips-properties.xml'), { force: true });
    await fs.rm(path.join(dir, 'iiif', 'vips-properties.xml'), { force: true });
  });

  // Four at a time: libuv's default thread pool size, so nothing waits on a busy pool.
  const renditions: ImageRendition[] = [];
  let done = 0;
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) {
        const made = await task();
        if (made) renditions.push(made);
        options.onProgress?.(++done / tasks.length);
      }
    }),
  );
  renditions.sort((a, b) => a.width - b.width || a.format.localeCompare(b.format));
  return { width, height, hasAlpha, renditions, thumbnail: thumbnail!, iiif: { info: 'image/iiif/info.json', tileSize: TILE_SIZE, width, height } };
}
