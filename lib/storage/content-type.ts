/** Content type guessed from a key's extension, for objects stored without one. */
const BY_EXTENSION: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeFromName(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot < name.lastIndexOf('/')) return DEFAULT_CONTENT_TYPE;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/**
 * The type the local store reports for an object without a metadata file:
 * the name's type, and plain text for OCFL's own small text files (the
 * `0=…` declarations and `.sha512` sidecars). Every commit writes those, and
 * a type the name does not imply costs the local store an extra fsynced
 * metadata file per object. Storage only: uploads judge names with
 * contentTypeFromName.
 */
export function impliedContentType(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name.startsWith('0=') || name.endsWith('.sha512')) return 'text/plain';
  return contentTypeFromName(key);
}
