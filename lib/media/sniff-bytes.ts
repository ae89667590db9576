/**
 * What a file really is, from its first bytes (never its name or the
 * browser's claim): binary formats through file-type's magic numbers, and the
 * text formats the archive accepts (WebVTT, SRT, plain UTF-8 text) by content.
 *
 * The archive keeps field recordings, scans and their captions, never a
 * document a browser would run on the archive's origin: SVG, HTML, XHTML,
 * XML (XSLT can script) and JavaScript are named for what they are and given
 * the kind 'other', which every caller (tus uploads, bulk import, the media
 * pipeline) refuses, whatever the file is called.
 *
 * Pure on purpose: no Node imports, so the studio's uploader runs the very
 * same decision in the browser before sending a byte (lib/media/sniff.ts adds
 * only the reading of a file on disk). file-type is imported through its
 * browser-safe entry, whose fileTypeFromBuffer is the one its Node entry
 * re-exports.
 */
import { fileTypeFromBuffer } from 'file-type/core';
import type { MediaKind } from './kinds';
import { contentTypeFromName, DEFAULT_CONTENT_TYPE } from '../storage/content-type';

export interface SniffedType {
  mime: string;
  ext: string;
  kind: MediaKind;
}

/**
 * How much of the start of a file the decision reads. Server and browser must
 * read the same amount: a text with a control byte at 10 KB is binary to one
 * that reads 64 KB and text to one that reads 4 KB.
 */
export const HEAD_BYTES = 64 * 1024;

/** An XML prolog, comments and a doctype may precede the <svg> element. */
const SVG_START = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/i;

/**
 * Types a browser renders as an active document when it opens them (scripts,
 * event handlers, links to other files, XSLT): never kept, never served inline.
 */
const BROWSER_EXECUTABLE = /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|application\/xml|text\/xml|text\/xsl|application\/xslt\+xml|(?:application|text)\/(?:x-)?(?:java|ecma)script|application\/x-shockwave-flash|message\/rfc822|multipart\/related)$|\+xml$/;

export function isBrowserExecutable(mime: string): boolean {
  return BROWSER_EXECUTABLE.test(mime.split(';')[0]!.trim().toLowerCase());
}

/** File names a browser or the desktop would open as a page, drawing or script, whatever the bytes are. */
const EXECUTABLE_NAME = /\.(?:svgz?|x?html?|xht|shtml|mht(?:ml)?|xml|xslt?|[cm]?js|hta|swf)$/i;

function kindOf(mime: string): MediaKind {
  if (isBrowserExecutable(mime)) return 'other';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime === 'application/pdf') return 'document';
  if (mime === 'text/vtt' || mime === 'application/x-subrip') return 'caption';
  if (mime.startsWith('text/')) return 'transcript';
  return 'other';
}

const SVG: SniffedType = { mime: 'image/svg+xml', ext: 'svg', kind: 'other' };
const HTML: SniffedType = { mime: 'text/html', ext: 'html', kind: 'other' };
const XML: SniffedType = { mime: 'application/xml', ext: 'xml', kind: 'other' };

/** Leading whitespace and comments, which browsers skip before deciding a text is markup. */
const LEADING_NOISE = /^(?:\s|<!--[\s\S]*?-->)*/;

/**
 * The tags with which WHATWG MIME sniffing (§7.1) decides a text is HTML, and
 * a few more that only ever start a page or a drawing.
 */
const HTML_START = /^(?:<!DOCTYPE\s+html|<!--|<(?:html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|math|object|embed|img|meta|link|form|template|frameset|base)(?=[\s>/]))/i;

/** XML in any dress: a prolog or processing instruction, a doctype, or a root element declaring a namespace. */
const XML_START = /^(?:<\?xml|<!DOCTYPE|<[A-Za-z_][\w:.-]*\s[^>]*\bxmlns(?::[\w.-]+)?\s*=)/i;

/** SVG, HTML or XML: markup a browser would render as a page or drawing (and run its scripts). */
function markupOf(text: string): SniffedType | undefined {
  const start = text.replace(LEADING_NOISE, '');
  if (SVG_START.test(start)) return SVG;
  if (HTML_START.test(start)) return HTML;
  // XHTML is XML too: refused the same way, so it need not be told apart.
  if (XML_START.test(start)) return XML;
  return undefined;
}

/**
 * The type of a file from its first bytes (at most HEAD_BYTES of them; a
 * shorter head is the whole file). Containers that hold sound only are still
 * reported by file-type as video/*; the caller may refine with ffprobe.
 */
export async function sniffBuffer(head: Uint8Array): Promise<SniffedType | undefined> {
  const found = await fileTypeFromBuffer(head);
  const text = () => new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
  // file-type calls any <?xml …> file application/xml: an SVG or XHTML page among them must still be named.
  if (found?.mime === 'application/xml') return markupOf(text()) ?? XML;
  if (found) {
    // file-type names MP4 audio "audio/mp4" only for .m4a brands; keep what it says.
    return { mime: found.mime, ext: found.ext, kind: kindOf(found.mime) };
  }
  // Text formats that must be named for what they are, so every caller refuses them: markup
  // (scripts, external references) and playlists (they point ffmpeg at other files).
  const markup = markupOf(text());
  if (markup) return markup;
  return sniffText(head, text());
}

/** Plain text formats: playlists (refused), captions, and transcripts. */
function sniffText(head: Uint8Array, text: string): SniffedType | undefined {
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
  // A name alone can make a desktop or a careless server open the file as a page: refuse it whatever the bytes.
  const executable = EXECUTABLE_NAME.exec(name);
  if (executable) return `named ${executable[0].toLowerCase()}, a type a web browser runs as a page or script (its content is ${sniffed.mime})`;
  const claimed = contentTypeFromName(name);
  if (claimed === DEFAULT_CONTENT_TYPE) return undefined;
  const claimedKind = kindOf(claimed.split(';')[0]!);
  // MP4/WebM/Ogg containers hold audio or video: ffprobe decides which, not the name.
  const av = (k: MediaKind) => k === 'audio' || k === 'video';
  if (claimedKind === sniffed.kind || (av(claimedKind) && av(sniffed.kind))) return undefined;
  if ((claimedKind === 'caption' || claimedKind === 'transcript') && (sniffed.kind === 'caption' || sniffed.kind === 'transcript')) return undefined;
  return `named like ${claimed.split(';')[0]} but its content is ${sniffed.mime}`;
}

/** Why an upload is not kept, in Vietnamese and English (the upload server answers "vi / en"). */
export interface Refusal {
  vi: string;
  en: string;
}

/**
 * The upload's verdict on a finished file, as lib/uploads/tus.ts decides it
 * (415 with these words), so the browser can give it before sending: unknown
 * content is not kept; a name and content that disagree say so (more useful
 * than "not kept" for an SVG named .jpg); SVG, HTML, XML and playlists are
 * never originals. undefined: the file is one the archive keeps.
 */
export function uploadRefusal(name: string, sniffed: SniffedType | undefined): Refusal | undefined {
  const notKept = { vi: `${name}: không phải loại tệp kho lưu trữ nhận`, en: `${name}: not a kind of file the archive keeps (photo, audio, video, PDF, captions or text)` };
  if (!sniffed) return notKept;
  const mismatch = nameContentMismatch(name, sniffed);
  if (mismatch) return { vi: `${name}: tên và nội dung tệp không khớp`, en: `${name}: ${mismatch}` };
  if (sniffed.kind === 'other') return notKept;
  return undefined;
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
