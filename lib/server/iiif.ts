import 'server-only';
import { readDerivativeManifest, type DerivativeManifest } from '../media/manifest';
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
