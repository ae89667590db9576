/**
 * Timed GETs for `npm run bench:pages`: one keep-alive connection, the
 * browser's Accept-Encoding, no redirects followed.
 *
 * Time to first byte is taken at the first byte of the body (not at the
 * headers), so a page that flushes its headers early and then streams the
 * slow part is not measured as fast; the time to the last byte is kept too.
 */
import http from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';

export interface Sample {
  status: number;
  /** Request sent → first body byte (headers time when the body is empty), ms. */
  ttfbMs: number;
  /** Request sent → last body byte, ms. */
  totalMs: number;
  /** Body bytes as sent (compressed when the server compressed). */
  bytes: number;
  /** Set when the request failed or timed out; the times are then the time until it did. */
  error?: string;
  location?: string;
  /** The decoded body, only when asked for. */
  body?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function closeConnections(): void {
  agent.destroy();
}

export function timedGet(url: string, options: { headers?: Record<string, string>; timeoutMs: number; keepBody?: boolean }): Promise<Sample> {
  return new Promise((resolve) => {
    const started = performance.now();
    let firstByte: number | undefined;
    let headersAt: number | undefined;
    let bytes = 0;
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (sample: Omit<Sample, 'ttfbMs' | 'totalMs' | 'bytes'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const now = performance.now();
      resolve({ ...sample, ttfbMs: (firstByte ?? headersAt ?? now) - started, totalMs: now - started, bytes });
    };
    const request = http.get(url, { agent, headers: { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html,application/xhtml+xml,application/xml,application/json;q=0.9,*/*;q=0.8', ...options.headers } }, (response) => {
      headersAt = performance.now();
      response.on('data', (chunk: Buffer) => {
        firstByte ??= performance.now();
        bytes += chunk.length;
        if (options.keepBody) chunks.push(chunk);
      });
      response.on('end', () => {
        let body: string | undefined;
        if (options.keepBody) {
          const raw = Buffer.concat(chunks);
          const encoding = response.headers['content-encoding'];
          body = (encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw).toString('utf8');
        }
        finish({ status: response.statusCode ?? 0, location: response.headers.location, body });
      });
      response.on('error', (error) => finish({ status: response.statusCode ?? 0, error: error.message }));
    });
    request.on('error', (error) => finish({ status: 0, error: error.message }));
    const timer = setTimeout(() => {
      finish({ status: 0, error: `no complete answer within ${options.timeoutMs / 1000} s` });
      request.destroy();
    }, options.timeoutMs);
  });
}

/** Nearest-rank percentile (p in 0–100) of the values: with 5 samples, p50 is the 3rd and p95 the 5th. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Signs in through the sign-in form's endpoint (a same-origin form post, as
 * the studio's login page makes) and returns the Cookie header to send.
 */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(new URL('/api/auth/login', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, next: '/studio' }).toString(),
  });
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => /=./.test(c));
  if (response.status >= 400 || cookies.length === 0) {
    throw new Error(`signing in as ${username} failed: HTTP ${response.status}${response.headers.get('location') ? ` → ${response.headers.get('location')}` : ''}, no session cookie`);
  }
  return cookies.join('; ');
}
