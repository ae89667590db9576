/** Passwords: argon2id (OWASP's first choice), through the Rust binding. */
import { hash, verify } from '@node-rs/argon2';

/** Algorithm 2 is argon2id in @node-rs/argon2's enum. */
const ARGON2ID = 2;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // a damaged hash never lets anyone in
  }
}
