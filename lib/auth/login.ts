/**
 * The sign-in and sign-out endpoints as plain functions of a request, so
 * they are tested without a server. Forms post here; answers are redirects
 * for people and plain statuses for what must be refused.
 */
import type { Archive } from '../archive';
import { foreignOriginResponse, isSameOrigin } from './origin';
import { SESSION_COOKIE, SessionStore, clearedSessionCookie, sessionCookie } from './sessions';
import { clientAddress } from '../http/client-address';
import { limitersFor } from '../http/rate-limit';
import { DEFAULT_LIMITS, LoginThrottle } from './throttle';
import { UserStore } from './users';

export interface AuthServices {
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
}

export function authServices(archive: Archive): AuthServices {
  return { users: new UserStore(archive.store), sessions: new SessionStore(archive.store), throttle: new LoginThrottle(DEFAULT_LIMITS, limitersFor(archive.config)) };
}

export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** A relative redirect (RFC 9110 allows it): behind a proxy request.url may not carry the public host. */
function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  if (cookie) headers.set('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

/** Only paths inside the studio are followed after sign-in: never another site. */
function safeNext(value: FormDataEntryValue | null): string {
  return typeof value === 'string' && /^\/studio(\/[\w\-./%]*)?(\?[\w\-=&%]*)?$/.test(value) ? value : '/studio';
}

export async function handleLogin(archive: Archive, services: AuthServices, request: Request): Promise<Response> {
  if (!isSameOrigin(request, archive.config.siteUrl)) return foreignOriginResponse(archive.config.siteUrl);
  const form = await request.formData().catch(() => undefined);
  const username = String(form?.get('username') ?? '').trim().toLowerCase();
  const password = String(form?.get('password') ?? '');
  const next = safeNext(form?.get('next') ?? null);
  const address = clientAddress(request.headers, archive.config);
  const wait = await services.throttle.waitFor(username, address);
  if (wait > 0) {
    // Back to the form, which says in words how long to wait; Retry-After says it to machines.
    const seconds = Math.ceil(wait / 1000);
    const response = redirect(`/studio/login?error=throttled&wait=${seconds}&next=${encodeURIComponent(next)}`);
    response.headers.set('retry-after', String(seconds));
    return response;
  }
  const user = username && password ? await services.users.authenticate(username, password) : undefined;
  if (!user) {
    await services.throttle.recordFailure(username, address);
    return redirect(`/studio/login?error=invalid&next=${encodeURIComponent(next)}`);
  }
  await services.throttle.recordSuccess(username, address);
  const { token } = await services.sessions.create(user.username, address);
  return redirect(next, sessionCookie(token, archive.config.secureCookies));
}

export async function handleLogout(archive: Archive, services: AuthServices, request: Request): Promise<Response> {
  if (!isSameOrigin(request, archive.config.siteUrl)) return foreignOriginResponse(archive.config.siteUrl);
  await services.sessions.destroy(readCookie(request, SESSION_COOKIE));
  return redirect('/', clearedSessionCookie(archive.config.secureCookies));
}

/** The signed-in, active user of a request, if any. */
export async function userOf(services: AuthServices, token: string | undefined) {
  const session = await services.sessions.get(token);
  if (!session) return undefined;
  const user = await services.users.get(session.username);
  return user && !user.disabled ? user : undefined;
}
