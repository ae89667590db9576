/**
 * Where derivatives live and what the manifest says about them.
 *
 * Keys depend only on (record id, media digest): derivatives/<id>/<first 16
 * hex of the SHA-512>/…, so deriving the same original again writes the same
 * keys (idempotent), an unchanged original keeps its derivatives across new
 * record versions, and a changed one gets a new folder. The manifest is
 * written LAST: until it exists, whatever a job uploaded is invisible, so a
 * crash or a refusal never leaves a half-made set that pages could show.
 */
import { NotFoundError, getBuffer, type ObjectStore } from '../storage';
import type { MediaEntry } from '../records/schema';
import type { AudioDerivatives } from '../media/audio';
import type { CaptionDerivatives } from '../media/captions';
import type { ImageDerivatives } from '../media/image';
import type { PdfDerivatives } from '../media/pdf';
import type { VideoDerivatives } from '../media/video';

/**
 * Bump when derivatives change (new widths, codecs, settings): jobs are keyed
 * by it, so `derive --all` remakes everything made by an older pipeline.
 */
export const PIPELINE_VERSION = 3;
export const MANIFEST_FILE = 'manifest.json';

export function digestPrefix(digest: string): string {
  return digest.slice(0, 16);
}

/** derivatives/<recordId>/<first 16 hex of the digest> (no trailing slash). */
export function derivativePrefix(recordId: string, digest: string): string {
  return `derivatives/${recordId}/${digestPrefix(digest)}`;
}

export function manifestKey(recordId: string, digest: string): string {
  return `${derivativePrefix(recordId, digest)}/${MANIFEST_FILE}`;
}

export interface DerivativeFile {
  /** Relative to the derivative prefix, e.g. video/hls/master.m3u8. */
  path: string;
  bytes: number;
}

export interface ManifestBase {
  manifestVersion: 1;
  pipelineVersion: number;
  recordId: string;
  /** The original these derivatives were made from. */
  source: { path: string; digest: string; size: number; mime: string };
  createdAt: string;
  /** Every object written under the prefix (besides the manifest). */
  files: DerivativeFile[];
}

/** What one kind of original yields. */
export type ManifestBody =
  | { kind: 'image'; image: ImageDerivatives }
  | { kind: 'video'; video: VideoDerivatives }
  | { kind: 'audio'; audio: AudioDerivatives }
  | { kind: 'document'; pdf: PdfDerivatives }
  | { kind: 'caption'; caption: CaptionDerivatives };

export type DerivativeManifest = ManifestBase & ManifestBody;

export type DerivativeKind = DerivativeManifest['kind'];

/**
 * The manifest of one original's derivatives, or undefined when none have
 * been made yet (or are being made). Pages and the API read derivatives only
 * through this: a key it does not list should not be linked.
 */
export async function readDerivativeManifest(
  store: ObjectStore,
  recordId: string,
  media: Pick<MediaEntry, 'digest'>,
): Promise<DerivativeManifest | undefined> {
  let raw: Buffer;
  try {
    raw = await getBuffer(store, manifestKey(recordId, media.digest));
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const parsed = JSON.parse(raw.toString('utf8')) as Partial<DerivativeManifest>;
  // A manifest for another original sharing the 16-hex prefix would be a (2^-64) collision: treat as absent.
  if (parsed.manifestVersion !== 1 || parsed.source?.digest !== media.digest) return undefined;
  return parsed as DerivativeManifest;
}

/** Absolute store key of a file a manifest lists. */
export function derivativeKey(manifest: Pick<DerivativeManifest, 'recordId' | 'source'>, file: string): string {
  return `${derivativePrefix(manifest.recordId, manifest.source.digest)}/${file}`;
}
