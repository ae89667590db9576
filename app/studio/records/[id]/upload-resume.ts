/**
 * Unfinished uploads, remembered across reloads and closed browsers.
 *
 * tus-js-client keeps, in localStorage, the server address of every upload it
 * started, under "tus::<fingerprint>::<n>" with the upload's metadata (which
 * names the record). A browser cannot reopen a file by itself, so resuming
 * needs the person to pick the same file again; its fingerprint then finds
 * the stored address and the upload goes on from what the server has.
 */
import type { PreviousUpload, UrlStorage } from 'tus-js-client';

/** What identifies a picked file without reading it. */
export type FileIdentity = { name: string; type: string; size: number; lastModified: number };

/**
 * The record belongs in the fingerprint: tus's default one (name, type, size,
 * date) would resume the same video picked for another record into the first
 * one. Parts are URI-encoded so no fingerprint contains "::", the separator
 * of tus's storage keys.
 */
export function fingerprintOf(recordId: string, file: FileIdentity): string {
  return ['disan', recordId, file.name.normalize('NFC'), file.type, file.size, file.lastModified].map((p) => encodeURIComponent(String(p))).join('|');
}

export interface Unfinished {
  /** The storage key of the newest entry for this file. */
  key: string;
  fingerprint: string;
  name: string;
  size: number;
  uploadUrl: string;
  created: Date;
  /** Older entries for the same file, to forget along with it. */
  staleKeys: string[];
}

/** "tus::<fingerprint>::<n>" → fingerprint, when it is one of ours (only those can be matched to a picked file). */
function fingerprintOfKey(key: string): string | undefined {
  const match = /^tus::(disan\|.*)::[^:]*$/.exec(key);
  return match?.[1];
}

/**
 * The unfinished uploads of one record, newest first, one per file: the same
 * file may have been started twice (say in two tabs); the newest is resumed.
 */
export function unfinishedOf(recordId: string, entries: readonly PreviousUpload[]): Unfinished[] {
  const byFile = new Map<string, Unfinished>();
  const sorted = entries
    .filter((e) => e.metadata?.recordId === recordId && e.uploadUrl && fingerprintOfKey(e.urlStorageKey))
    .map((e) => ({ e, created: new Date(e.creationTime) }))
    .sort((a, b) => (b.created.getTime() || 0) - (a.created.getTime() || 0));
  for (const { e, created } of sorted) {
    const fingerprint = fingerprintOfKey(e.urlStorageKey)!;
    const known = byFile.get(fingerprint);
    if (known) {
      known.staleKeys.push(e.urlStorageKey);
      continue;
    }
    byFile.set(fingerprint, { key: e.urlStorageKey, fingerprint, name: e.metadata.filename ?? '', size: e.size ?? 0, uploadUrl: e.uploadUrl!, created, staleKeys: [] });
  }
  return [...byFile.values()];
}

/** Forgets stored entries (the upload finished, was refused, or was discarded). Storage errors do not matter here. */
export async function forget(storage: UrlStorage, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((k) => storage.removeUpload(k).catch(() => undefined)));
}

/** Forgets every stored entry pointing at one upload address (after a refusal, the server has dropped it). */
export async function forgetUrl(storage: UrlStorage, fingerprint: string, uploadUrl: string | null): Promise<void> {
  if (!uploadUrl) return;
  const entries = await storage.findUploadsByFingerprint(fingerprint).catch(() => [] as PreviousUpload[]);
  await forget(
    storage,
    entries.filter((e) => e.uploadUrl === uploadUrl).map((e) => e.urlStorageKey),
  );
}

/**
 * How much of an unfinished upload the server holds (a tus HEAD request), or
 * 'gone' when it no longer has it (finished, refused or expired after a
 * week), or undefined when that cannot be told now (offline).
 */
export async function serverOffset(uploadUrl: string): Promise<number | 'gone' | undefined> {
  try {
    const response = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, cache: 'no-store', credentials: 'same-origin' });
    if (response.status === 404 || response.status === 410) return 'gone';
    const offset = Number(response.headers.get('Upload-Offset'));
    return response.ok && Number.isFinite(offset) ? offset : undefined;
  } catch {
    return undefined;
  }
}
