/**
 * Where the site serves a record's media, and which rendition to hand out.
 * Paths are site-relative; the IIIF manifests and JSON-LD prefix SITE_URL.
 * Every path goes through an access-checking route. No server or browser
 * APIs here, so pages, unit tests and client code can share it.
 */
import type { ImageRendition } from '../media/image';
import type { MediaEntry } from '../records/schema';

const d16 = (digest: string) => digest.slice(0, 16);

/** A derivative file, through the access-checking derivatives route. */
export function derivativeUrl(recordId: string, media: Pick<MediaEntry, 'digest'>, file: string): string {
  return `/api/derivatives/${recordId}/${d16(media.digest)}/${file}`;
}

/** An original, through the access-checking files route (`?download` asks for an attachment). */
export function fileUrl(recordId: string, media: Pick<MediaEntry, 'path'>, download = false): string {
  return `/api/files/${recordId}/${media.path.split('/').map(encodeURIComponent).join('/')}${download ? '?download' : ''}`;
}

/** The IIIF Image API 3 (level 0) service of an image: its info.json, from which a viewer finds the tiles. */
export function iiifInfoUrl(recordId: string, media: Pick<MediaEntry, 'digest'>): string {
  return `/iiif/${recordId}/${d16(media.digest)}/info.json`;
}

/** The JPEG closest to `width` wide: the `src` of browsers that ignore srcset, and social cards. */
export function closestJpeg(renditions: readonly ImageRendition[], width = 1280): ImageRendition | undefined {
  return renditions.filter((r) => r.format === 'jpeg').sort((a, b) => Math.abs(a.width - width) - Math.abs(b.width - width) || b.width - a.width)[0];
}

/** The widest JPEG: where the zoom link goes when JavaScript is off. */
export function largestJpeg(renditions: readonly ImageRendition[]): ImageRendition | undefined {
  return renditions.filter((r) => r.format === 'jpeg').sort((a, b) => b.width - a.width)[0];
}
