/** Accounts, sessions, sign-in throttling and origin checks, through the real endpoint functions. */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Archive } from '@/lib/archive';
import { authServices, handleLogin, handleLogout, readCookie, userOf, type AuthServices } from '@/lib/auth/login';
import { SESSION_COOKIE } from '@/lib/auth/sessions';
import { UserExistsError } from '@/lib/auth/users';
import { parseConfig } from '@/lib/config';
import { getBuffer } from '@/lib/storage';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT, runScript } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';

const SITE = 'http://127.0.0.1:3000';
/** The header in which scripts/serve.ts hands the app the client's address. */
const ADDRESS_HEADER = `x-disan-client-${'0'.repeat(32)}`;
let temp: TempArchive;
let archive: Archive;
let auth: AuthServices;

beforeEach(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE, DISAN_CLIENT_ADDRESS_HEADER: ADDRESS_HEADER }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
  auth = authServices(archive);
  await auth.users.create({ username: 'y-nhi', displayName: 'Y Nhi', roles: ['officer'], communities: ['co-tu'], password: 'mat-khau-rat-dai' });
});
afterEach(async () => temp.cleanup());

function loginRequest(fields: Record<string, string>, headers: Record<string, string> = { origin: SITE }): Request {
  return new Request(`${SITE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', [ADDRESS_HEADER]: '198.51.100.7', ...headers }, body: new URLSearchParams(fields) });
}

describe('accounts and sign-in', () => {
  it('stores argon2id hashes in the archive, never the password', async () => {
    const raw = (await getBuffer(temp.store, 'system/users/y-nhi.json')).toString();
    expect(raw).toContain('$argon2id$');
    expect(raw).not.toContain('mat-khau-rat-dai');
    await expect(auth.users.create({ username: 'Y-Nhi', displayName: 'x', roles: ['officer'], password: 'another-long-one' })).rejects.toBeInstanceOf(UserExistsError);
    await expect(auth.users.create({ username: 'short', displayName: 'x', roles: ['officer'], password: 'short' })).rejects.toThrow(/at least 10/);
  });

  it('signs in with a HttpOnly SameSite session cookie and signs out', async () => {
    const response = await handleLogin(archive, auth, loginRequest({ username: 'Y-Nhi', password: 'mat-khau-rat-dai', next: '/studio' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/studio');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^disan_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(cookie).not.toContain('Secure'); // the site is plain http: browsers would drop a Secure cookie
    const token = cookie.split(';')[0]!.split('=')[1]!;
    expect((await userOf(auth, token))?.username).toBe('y-nhi');
    const out = await handleLogout(archive, auth, new Request(`${SITE}/api/auth/logout`, { method: 'POST', headers: { origin: SITE, cookie: `${SESSION_COOKIE}=${token}` } }));
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await userOf(auth, token)).toBeUndefined();
    expect(readCookie(new Request(SITE, { headers: { cookie: `a=1; ${SESSION_COOKIE}=abc` } }), SESSION_COOKIE)).toBe('abc');
  });

  it('marks the cookie Secure when the site is served over https, whatever NODE_ENV says', async () => {
    const https = { ...archive, config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: 'https://disan.example.org', NODE_ENV: 'development' }) };
    const secure = await handleLogin(https, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai' }, { origin: 'https://disan.example.org' }));
    expect(secure.headers.get('set-cookie')).toContain('; Secure');
    const plainProduction = { ...archive, config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE, NODE_ENV: 'production' }) };
    const plain = await handleLogin(plainProduction, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai' }));
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });

  it('refuses a sign-in or sign-out from a foreign origin, or with no origin at all', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { referer: 'https://evil.example/form' }, {}] as Record<string, string>[]) {
      const response = await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai' }, headers));
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const out = await handleLogout(archive, auth, new Request(`${SITE}/api/auth/logout`, { method: 'POST', headers: { origin: 'https://evil.example' } }));
    expect(out.status).toBe(403);
  });

  it('never follows a next= link off the studio', async () => {
    const response = await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai', next: 'https://evil.example/' }));
    expect(response.headers.get('location')).toBe('/studio');
  });

  it('makes the account wait after five wrong passwords from one address, and says how long', async () => {
    for (let i = 0; i < 4; i++) {
      const wrong = await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: `sai-${i}-mat-khau` }));
      expect(wrong.status).toBe(303);
      expect(wrong.headers.get('location')).toContain('error=invalid');
    }
    await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: 'sai-cuoi-mat-khau' }));
    const slowed = await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai' }));
    expect(slowed.status).toBe(303);
    expect(slowed.headers.get('location')).toMatch(/error=throttled&wait=\d+/);
    expect(slowed.headers.get('set-cookie')).toBeNull();
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
  });

  it('refuses disabled accounts', async () => {
    await auth.users.setDisabled('y-nhi', true);
    const response = await handleLogin(archive, auth, loginRequest({ username: 'y-nhi', password: 'mat-khau-rat-dai' }));
    expect(response.headers.get('location')).toContain('error=invalid');
  });

  it('creates the first admin and resets a password from the command line', async () => {
    const created = await runScript('scripts/user.ts', ['create', 'quan-tri', '--role', 'admin', '--name', 'Quản trị'], { DATA_DIR: temp.dir });
    expect(created.code).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout)![1]!;
    expect((await auth.users.authenticate('quan-tri', password))?.roles).toEqual(['admin']);
    const reset = await runScript('scripts/user.ts', ['reset', 'quan-tri'], { DATA_DIR: temp.dir });
    const fresh = /new password: (\S+)/.exec(reset.stdout)![1]!;
    expect(await auth.users.authenticate('quan-tri', password)).toBeUndefined();
    expect(await auth.users.authenticate('quan-tri', fresh)).toBeDefined();
  }, 30_000);
});
