/**
 * Shared behaviour of the JSON API: RFC 9457 problem responses, ETags with
 * conditional GET, per-client rate limiting (429 + Retry-After; counted in
 * Redis, shared by every web process, when REDIS_URL is set) and CORS.
 */
import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { clientAddress } from '../http/client-address';
import { limitersFor, type Limiter } from '../http/rate-limit';
import { matchesEtag } from '../http/serve-object';

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, Retry-After, Link' };

export function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): Response {
  const body = { type: `https://disan.example.org/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, status, ...(detail ? { detail } : {}), ...extra };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...CORS } });
}

/** A JSON (or other) body with a strong ETag over its bytes; answers 304 when the client already has it. */
export function withEtag(request: Request, body: string, contentType = 'application/json; charset=utf-8', cacheControl = 'public, max-age=60'): Response {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { 'content-type': contentType, etag, 'cache-control': cacheControl, vary: 'Accept-Encoding', ...CORS };
  if (matchesEtag(request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers });
}

export function json(request: Request, value: unknown, cacheControl?: string): Response {
  return withEtag(request, JSON.stringify(value), 'application/json; charset=utf-8', cacheControl);
}

let limiter: { points: number; redis: string | undefined; instance: Limiter } | undefined;

/** Undefined when the request may go on; a 429 problem with Retry-After when the client is over its limit. */
export async function rateLimit(request: Request, config: Pick<Config, 'apiRateLimitPerMinute' | 'clientAddressHeader' | 'redis'>): Promise<Response | undefined> {
  const perMinute = config.apiRateLimitPerMinute;
  if (!limiter || limiter.points !== perMinute || limiter.redis !== config.redis?.url) {
    limiter = { points: perMinute, redis: config.redis?.url, instance: limitersFor(config)({ keyPrefix: 'api', points: perMinute, duration: 60 }) };
  }
  const { instance } = limiter;
  try {
    // The address the server resolved (lib/http/client-address.ts), never a client-written X-Forwarded-For.
    await instance.consume(clientAddress(request.headers, config));
    return undefined;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    const response = problem(429, 'Too Many Requests', `More than ${perMinute} requests a minute; try again in ${retryAfter} s.`);
    response.headers.set('retry-after', String(retryAfter));
    return response;
  }
}
