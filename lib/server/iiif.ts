import 'server-only';
import { yieldsCanvas } from '../iiif/presentation';
import { readDerivativeManifest, type DerivativeManifest } from '../derivatives/manifest';
import type { HeritageRecord } from '../records/schema';
import { getArchive } from './archive';

/** The derivative manifests of a record's originals, by media path (those not derived yet are absent). */
export async function derivativesOf(record: HeritageRecord): Promise<Map<string, DerivativeManifest>> {
  const { store } = getArchive();
  const found = new Map<string, DerivativeManifest>();
  for (const media of record.media) {
    const manifest = await readDerivativeManifest(store, record.id, media);
    if (manifest) found.set(media.path, manifest);
  }
  return found;
}

/**
 * Whether the record's manifest has at least one canvas: some original of it
 * has been derived into an image, a sound, a video or page images. Stops at
 * the first one, so a collection costs about one read per member. Records
 * without (no media, not derived yet, only captions or text) have no
 * manifest and are left out of collections.
 */
export async function hasCanvas(record: HeritageRecord): Promise<boolean> {
  const { store } = getArchive();
  for (const media of record.media) {
    if (media.kind === 'caption' || media.kind === 'transcript' || media.kind === 'other') continue;
    const manifest = await readDerivativeManifest(store, record.id, media);
    if (manifest && yieldsCanvas(manifest)) return true;
  }
  return false;
}
