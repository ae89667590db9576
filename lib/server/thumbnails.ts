/** The small picture that stands for a record in lists and cards, from its derivatives. */
import 'server-only';
import { readDerivativeManifest } from '../media/manifest';
import type { HeritageRecord, MediaEntry } from '../records/schema';
import { getArchive } from './archive';

export interface Thumbnail {
  src: string;
  srcSet: string;
  width: number;
  height: number;
}

export function derivativeUrl(recordId: string, media: Pick<MediaEntry, 'digest'>, file: string): string {
  return `/api/derivatives/${recordId}/${media.digest.slice(0, 16)}/${file}`;
}

/** The poster image (or first image, or a video's poster frame), as ≤ 720 px WebP; undefined when nothing is derived yet. */
export async function thumbnailOf(record: HeritageRecord): Promise<Thumbnail | undefined> {
  const { store } = getArchive();
  const candidates = [
    ...record.media.filter((m) => m.path === record.poster),
    ...record.media.filter((m) => m.kind === 'image' && m.path !== record.poster),
    ...record.media.filter((m) => m.kind === 'video'),
  ];
  for (const media of candidates) {
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
  const images = [...record.media.filter((m) => m.path === record.poster), ...record.media.filter((m) => m.kind === 'image' && m.path !== record.poster)];
  for (const media of images) {
    const manifest = await readDerivativeManifest(store, record.id, media);
    if (manifest?.kind !== 'image') continue;
    const jpeg = manifest.image.renditions.filter((r) => r.format === 'jpeg').sort((a, b) => Math.abs(a.width - 1280) - Math.abs(b.width - 1280))[0];
    if (jpeg) return { url: derivativeUrl(record.id, media, jpeg.file), width: jpeg.width, height: jpeg.height };
  }
  return undefined;
}
