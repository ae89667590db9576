/**
 * Sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure in
 * production); the store keeps only its SHA-256 (system/sessions/<hash>.json),
 * so a copy of the bucket cannot be used to sign in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError, getJson, type ObjectStore } from '../storage';

export const SESSION_COOKIE = 'disan_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const Session = z.object({ username: z.string(), createdAt: z.iso.datetime(), expiresAt: z.iso.datetime(), address: z.string().optional() });
export type Session = z.infer<typeof Session>;

function keyOf(token: string): string {
  return `system/sessions/${createHash('sha256').update(token).digest('hex')}.json`;
}

export class SessionStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(username: string, address?: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = Session.parse({ username, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(), address });
    await this.store.putIfAbsent(keyOf(token), JSON.stringify(session), { contentType: 'application/json' });
    return { token, session };
  }

  async get(token: string | undefined): Promise<Session | undefined> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    try {
      const session = Session.parse(await getJson(this.store, keyOf(token)));
      if (new Date(session.expiresAt) <= this.now()) {
        await this.store.delete(keyOf(token));
        return undefined;
      }
      return session;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) await this.store.delete(keyOf(token));
  }
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
