/**
 * Who is on the other end of a request. A client can write any
 * X-Forwarded-For it likes, so forwarding headers are believed only from the
 * reverse proxies named by TRUST_PROXY; everyone else is known by the socket's
 * peer address. The web server (scripts/serve.ts) resolves the address once
 * per request and hands it to the app in a header whose name only this
 * process knows; rate limits, sign-in throttling and the audit log read it
 * here and nowhere else.
 */
import { isIP } from 'node:net';
import type { Config } from '../config';

/** What an address reads as when no trustworthy one is known (a plain `next start`). */
export const UNKNOWN_ADDRESS = 'unknown';

/** ::ffff:127.0.0.1 (IPv4 on an IPv6 socket) is 127.0.0.1. */
function normalise(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}

export function isTrustedProxy(address: string | undefined, trusted: readonly string[]): boolean {
  if (!address) return false;
  const peer = normalise(address);
  return trusted.some((t) => (t === 'loopback' ? isLoopback(peer) : normalise(t) === peer));
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy;
 * then the right-most forwarded address that is not itself a trusted proxy
 * (each proxy appends the address it saw, so the entries left of the last
 * untrusted one may be forged by the client).
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: readonly string[]): string {
  if (!peer) return UNKNOWN_ADDRESS;
  if (!isTrustedProxy(peer, trusted)) return normalise(peer);
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map(normalise)
    .filter((a) => isIP(a) !== 0);
  for (let i = chain.length - 1; i >= 0; i--) if (!isTrustedProxy(chain[i], trusted)) return chain[i]!;
  return chain[0] ?? normalise(peer);
}

/** The client address of a request inside the app, as the web server resolved it. */
export function clientAddress(headers: Pick<Headers, 'get'>, config: Pick<Config, 'clientAddressHeader'>): string {
  const value = config.clientAddressHeader ? headers.get(config.clientAddressHeader) : null;
  return value && isIP(value) !== 0 ? value : UNKNOWN_ADDRESS;
}
