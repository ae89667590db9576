/** The small picture that stands for a record in lists and cards, from its derivatives. */
import 'server-only';
import { closestJpeg, derivativeUrl } from '../derivatives/delivery';
import { readDerivativeManifest } from '../derivatives/manifest';
import type { HeritageRecord, MediaEntry } from '../records/schema';
import { getArchive } from './archive';

export interface Thumbnail {
  src: string;
  srcSet: string;
  width: number;
  height: number;
}

/** The record's images, its chosen poster first. */
function picturesOf(record: HeritageRecord): MediaEntry[] {
  return [...record.media.filter((m) => m.path === record.poster), ...record.media.filter((m) => m.kind === 'image' && m.path !== record.poster)];
}

/** The poster image (or first image, or a video's poster frame), as ≤ 720 px WebP; undefined when nothing is derived yet. */
export async function thumbnailOf(record: HeritageRecord): Promise<Thumbnail | undefined> {
  const { store } = getArchive();
  for (const media of [...picturesOf(record), ...record.media.filter((m) => m.kind === 'video')]) {
    const manifest = await readDerivativeManifest(store, record.id, media);
    if (manifest?.kind === 'image') {
      const webp = manifest.image.renditions.filter((r) => r.format === 'webp' && r.width <= 720);
      const first = webp[0] ?? manifest.image.thumbnail;
      return {
        src: derivativeUrl(record.id, media, first.file),
        srcSet: webp.map((r) => `${derivativeUrl(record.id, media, r.file)} ${r.width}w`).join(', '),
        width: first.width,
        height: first.height,
      };
    }
    if (manifest?.kind === 'video') {
      const { poster } = manifest.video;
      return { src: derivativeUrl(record.id, media, poster.file), srcSet: '', width: poster.width, height: poster.height };
    }
  }
  return undefined;
}

/** A JPEG about 1280 px wide for Open Graph cards (social sites do not read AVIF/WebP reliably). */
export async function socialImageOf(record: HeritageRecord): Promise<{ url: string; width: number; height: number } | undefined> {
  const { store } = getArchive();
  for (const media of picturesOf(record)) {
    const manifest = await readDerivativeManifest(store, record.id, media);
    if (manifest?.kind !== 'image') continue;
    const jpeg = closestJpeg(manifest.image.renditions);
    if (jpeg) return { url: derivativeUrl(record.id, media, jpeg.file), width: jpeg.width, height: jpeg.height };
  }
  return undefined;
}
