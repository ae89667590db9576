/**
 * What a file really is, from its bytes (never its name or the browser's
 * claim): binary formats through file-type's magic numbers, and the text
 * formats the archive accepts (WebVTT, SRT, plain UTF-8 text) by content.
 */
import { fileTypeFromBuffer } from 'file-type';
import fs from 'node:fs/promises';
import type { MediaKind } from '../records/schema';
import { contentTypeFromName, DEFAULT_CONTENT_TYPE } from '../storage/content-type';

export interface SniffedType {
  mime: string;
  ext: string;
  kind: MediaKind;
}

const HEAD_BYTES = 64 * 1024;

/** An XML prolog, comments and a doctype may precede the <svg> element. */
const SVG_START = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/i;

function kindOf(mime: string): MediaKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime === 'application/pdf') return 'document';
  if (mime === 'text/vtt' || mime === 'application/x-subrip') return 'caption';
  if (mime.startsWith('text/')) return 'transcript';
  return 'other';
}

/** Containers that hold sound only are still reported by file-type as video/*; the caller may refine with ffprobe. */
export async function sniffBuffer(head: Uint8Array): Promise<SniffedType | undefined> {
  const found = await fileTypeFromBuffer(head);
  // file-type calls any <?xml …> file application/xml: an SVG among them must still be named.
  if (found?.mime === 'application/xml' && SVG_START.test(new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, ''))) {
    return { mime: 'image/svg+xml', ext: 'svg', kind: 'image' };
  }
  if (found) {
    // file-type names MP4 audio "audio/mp4" only for .m4a brands; keep what it says.
    return { mime: found.mime, ext: found.ext, kind: kindOf(found.mime) };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
  // Text formats that must be named for what they are, so the media pipeline can refuse them
  // by name: SVG (scripts, external references) and playlists (they point ffmpeg at other files).
  if (SVG_START.test(text)) return { mime: 'image/svg+xml', ext: 'svg', kind: 'image' };
  if (/^#EXTM3U/.test(text.trimStart())) return { mime: 'application/vnd.apple.mpegurl', ext: 'm3u8', kind: 'other' };
  if (/^ffconcat version/i.test(text.trimStart())) return { mime: 'text/x-ffconcat', ext: 'ffconcat', kind: 'other' };
  if (/^WEBVTT(?:[ \t].*)?(?:\r?\n|$)/.test(text)) return { mime: 'text/vtt', ext: 'vtt', kind: 'caption' };
  if (/^\d+\r?\n\d{2}:\d{2}:\d{2}[,.]\d{3} --> \d{2}:\d{2}:\d{2}[,.]\d{3}/.test(text)) return { mime: 'application/x-subrip', ext: 'srt', kind: 'caption' };
  if (isUtf8Text(head, head.length >= HEAD_BYTES)) return { mime: 'text/plain', ext: 'txt', kind: 'transcript' };
  return undefined;
}

/**
 * When a file's name promises one kind of media and its bytes are another
 * (photo.jpg that is really text), a sentence saying so; undefined when they agree.
 */
export function nameContentMismatch(name: string, sniffed: SniffedType): string | undefined {
  const claimed = contentTypeFromName(name);
  if (claimed === DEFAULT_CONTENT_TYPE) return undefined;
  const claimedKind = kindOf(claimed.split(';')[0]!);
  // MP4/WebM/Ogg containers hold audio or video: ffprobe decides which, not the name.
  const av = (k: MediaKind) => k === 'audio' || k === 'video';
  if (claimedKind === sniffed.kind || (av(claimedKind) && av(sniffed.kind))) return undefined;
  if ((claimedKind === 'caption' || claimedKind === 'transcript') && (sniffed.kind === 'caption' || sniffed.kind === 'transcript')) return undefined;
  return `named like ${claimed.split(';')[0]} but its content is ${sniffed.mime}`;
}

export async function sniffFile(file: string): Promise<SniffedType | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return sniffBuffer(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** truncated: the bytes are the head of a longer file, so a character may be cut at the end. */
function isUtf8Text(bytes: Uint8Array, truncated: boolean): boolean {
  if (bytes.length === 0) return false;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(truncated ? bytes.subarray(0, Math.max(0, bytes.length - 4)) : bytes);
    // Control characters other than tab and line breaks mean binary.
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000e-\u001f]/.test(text);
  } catch {
    return false;
  }
}
