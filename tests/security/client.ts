/**
 * HTTP as an attacker sends it: plain fetch against the started server, with
 * full control of Origin, Referer, cookies and forwarding headers, and no
 * redirects followed (a 303 to sign-in is an answer to assert on).
 */
import { inject } from 'vitest';
import { ACCOUNTS, PASSWORD, type AccountName } from './accounts';

export const baseUrl = inject('securityBaseUrl');
export const dataDir = inject('securityDataDir');

export interface AttackOptions {
  method?: string;
  /** A session cookie from signIn(), or none (anonymous). */
  session?: string;
  /** 'same' (our origin, the default for non-GET), 'none' (no Origin and no Referer) or a foreign origin. */
  origin?: 'same' | 'none' | string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

export function attack(pathOrUrl: string, options: AttackOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers = new Headers(options.headers);
  const origin = options.origin ?? (method === 'GET' || method === 'HEAD' ? 'none' : 'same');
  if (origin === 'same') headers.set('origin', baseUrl);
  else if (origin !== 'none') headers.set('origin', origin);
  if (options.session) headers.set('cookie', options.session);
  return fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${baseUrl}${pathOrUrl}`, { method, headers, body: options.body, redirect: 'manual' });
}

const sessions = new Map<string, string>();

/** Signs in as one of the test accounts through the real sign-in form endpoint; returns the cookie to send. */
export async function signIn(account: AccountName): Promise<string> {
  const cached = sessions.get(account);
  if (cached) return cached;
  const form = new URLSearchParams({ username: ACCOUNTS[account].username, password: PASSWORD, next: '/studio' });
  // Each account signs in from its own address, so throttling one test's failures never blocks another.
  const response = await attack('/api/auth/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !cookie?.startsWith('disan_session=') || cookie === 'disan_session=') {
    throw new Error(`sign-in as ${account} failed: HTTP ${response.status} ${await response.text()}`);
  }
  sessions.set(account, cookie);
  return cookie;
}

/** The id of a demo record by its slug, read through the archive CLI's JSON (staff view of the store). */
export async function idOfSlug(slug: string): Promise<string> {
  const { runArchiveCli } = await import('../helpers/cli');
  const result = await runArchiveCli(['show', slug, '--json'], dataDir);
  if (result.code !== 0) throw new Error(`no demo record ${slug}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { record: { id: string } }).record.id;
}
