/**
 * Object keys are validated before any backend sees them, so no key can
 * escape the store's folder on disk or mean different things on different
 * backends.
 */
import { InvalidKeyError } from './store';

/** S3's own limit; local file systems allow 255 bytes per segment. */
export const MAX_KEY_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;

export function assertValidKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw new InvalidKeyError(`invalid object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`, key);
}

/** Prefixes may be empty or end with '/', but otherwise follow the key rules. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const reason = keyProblem(trimmed);
  if (reason) throw new InvalidKeyError(`invalid prefix ${JSON.stringify(prefix.slice(0, 200))}: ${reason}`, prefix);
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes('\0')) return 'contains a NUL byte';
  if (key.includes('\\')) return 'contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains a control character';
  if (key.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(key)) return 'looks like a drive path';
  if (key !== key.normalize('NFC')) return 'is not in Unicode NFC form';
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}
