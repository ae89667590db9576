/**
 * IIIF Image API 3.0, compliance level 0, on what the media pipeline makes
 * (lib/media/image.ts): libvips's static tiles and info.json, and the
 * responsive JPEG renditions.
 *
 * Level 0 requires the full image at size `max` (and any size that
 * info.json lists in `sizes`, or implies with `tiles`). libvips writes the
 * tiles of every scale factor, the smallest level being the whole image in
 * one tile (full/<w>,<h>/0/default.jpg), but no `max`. So:
 * - info.json lists as `sizes` exactly the full-image files the tile tree
 *   holds. Nothing else: OpenSeadragon takes a `sizes` list whose length
 *   matches the pyramid for the pyramid's own levels, and a rendition's
 *   width (720, 1280) there would make it ask for tiles that do not exist;
 * - `full/max/0/default.jpg` is the largest JPEG rendition: the whole
 *   image when it is at most 2048 px wide, else 2048 px wide, which
 *   info.json then says with `maxWidth` and `maxHeight` (so clients do not
 *   take `max` for the full resolution).
 */
import type { DerivativeManifest } from '../derivatives/manifest';

export type ImageManifest = Extract<DerivativeManifest, { kind: 'image' }>;

export interface Size {
  width: number;
  height: number;
}

const FULL_FILE = /^image\/iiif\/full\/(\d+),(\d+)\/0\/default\.jpg$/;
const FULL_REQUEST = /^full\/(?:max|(\d+),(\d+))\/0\/default\.jpg$/;

/** The full-region images the tile tree holds, smallest first. */
export function fullSizes(derived: ImageManifest): Size[] {
  return derived.files
    .map((f) => FULL_FILE.exec(f.path))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ width: Number(m[1]), height: Number(m[2]) }))
    .sort((a, b) => a.width - b.width);
}

/** The largest JPEG rendition: the image at size `max`. */
export function maxRendition(derived: ImageManifest): { file: string; width: number; height: number } | undefined {
  return derived.image.renditions.filter((r) => r.format === 'jpeg').sort((a, b) => b.width - a.width)[0];
}

/**
 * The info.json to serve: the pipeline's, with `id` this service's URL and,
 * when the derivative manifest is at hand, `sizes` and the limits of `max`.
 */
export function levelZeroInfo(info: Record<string, unknown>, serviceUrl: string, derived?: ImageManifest): Record<string, unknown> {
  const out: Record<string, unknown> = { ...info, id: serviceUrl };
  if (!derived) return out;
  const sizes = fullSizes(derived);
  if (sizes.length) out.sizes = sizes;
  const max = maxRendition(derived);
  const width = Number(info.width ?? derived.image.width);
  const height = Number(info.height ?? derived.image.height);
  if (max && (max.width < width || max.height < height)) {
    // Both: a maxWidth alone would make clients take maxHeight to be the same number.
    out.maxWidth = max.width;
    out.maxHeight = max.height;
  }
  return out;
}

/**
 * The derivative file (relative to the derivative folder) that answers a
 * full-image request the tile tree has no file for: `full/max`, and
 * `full/<w>,<h>` naming max's own size. Undefined: serve from the tile tree
 * (tiles, and the full sizes libvips wrote), where anything else is a 404.
 */
export function levelZeroImage(relative: string, derived: ImageManifest): string | undefined {
  const request = FULL_REQUEST.exec(relative);
  const max = request ? maxRendition(derived) : undefined;
  if (!request || !max) return undefined;
  if (request[1] === undefined) return max.file;
  const [width, height] = [Number(request[1]), Number(request[2])];
  if (fullSizes(derived).some((s) => s.width === width && s.height === height)) return undefined;
  return width === max.width && height === max.height ? max.file : undefined;
}
