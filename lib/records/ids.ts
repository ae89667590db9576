/**
 * Record identifiers: 8 characters of Crockford base32 (40 random bits).
 * An id is claimed once in the store (system/ids/<id>) and that claim is
 * never removed, so an id is never reused even after a record is deleted.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode40(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes.subarray(0, 5)) value = (value << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

export function newRecordId(): string {
  return encode40(randomBytes(5));
}

/** A stable id derived from a seed (demo content and imports keyed by slug), so re-running is idempotent. */
export function recordIdFromSeed(seed: string): string {
  return encode40(createHash('sha256').update(seed).digest());
}
