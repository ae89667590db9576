/**
 * Sign-in throttling (OWASP's "login endpoint" scheme, with
 * rate-limiter-flexible's counters, which decay on their own):
 *
 * - per account *and* address: 5 failures within an hour block that pair for
 *   15 minutes, and a success clears the pair. A guesser elsewhere cannot lock
 *   a person out of their own account, and one person's typos never block a
 *   colleague signing in from the same office.
 * - per address: 50 failures within an hour (across any accounts) block the
 *   address for an hour: the brake on someone trying many accounts.
 *
 * Kept in memory by default: a restart forgives, which is acceptable for a
 * slowing measure. With REDIS_URL the counters are in Redis
 * (lib/http/rate-limit.ts), so every web process enforces the same limits.
 */
import { RateLimiterRes } from 'rate-limiter-flexible';
import { memoryLimiters, type Limiter, type LimiterFactory } from '../http/rate-limit';

export interface ThrottleLimits {
  /** Failures of one account from one address before that pair waits. */
  pairFailures: number;
  pairWindowSeconds: number;
  pairBlockSeconds: number;
  /** Failures from one address, any accounts, before the address waits. */
  addressFailures: number;
  addressWindowSeconds: number;
  addressBlockSeconds: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  pairFailures: 5,
  pairWindowSeconds: 60 * 60,
  pairBlockSeconds: 15 * 60,
  addressFailures: 50,
  addressWindowSeconds: 60 * 60,
  addressBlockSeconds: 60 * 60,
};

function pairKey(account: string, address: string): string {
  return `${address}|${account}`;
}

export class LoginThrottle {
  private readonly pair: Limiter;
  private readonly address: Limiter;

  /** `limiters`: where the counters live (memory by default; lib/http/rate-limit.ts limitersFor(config)). */
  constructor(limits: ThrottleLimits = DEFAULT_LIMITS, limiters: LimiterFactory = memoryLimiters) {
    // A limiter blocks when a consumption goes *over* its points: with N − 1 points, the Nth failure blocks.
    this.pair = limiters({ keyPrefix: 'login-pair', points: limits.pairFailures - 1, duration: limits.pairWindowSeconds, blockDuration: limits.pairBlockSeconds });
    this.address = limiters({ keyPrefix: 'login-address', points: limits.addressFailures - 1, duration: limits.addressWindowSeconds, blockDuration: limits.addressBlockSeconds });
  }

  /** Milliseconds the caller must still wait before trying this account from this address (0: go ahead). */
  async waitFor(account: string, address: string): Promise<number> {
    const [pair, byAddress] = await Promise.all([this.pair.get(pairKey(account, address)), this.address.get(address)]);
    return Math.max(0, blockedFor(pair, this.pair.points), blockedFor(byAddress, this.address.points));
  }

  async recordFailure(account: string, address: string): Promise<void> {
    await Promise.all([spend(this.pair, pairKey(account, address)), spend(this.address, address)]);
  }

  /** A success forgives this account's failures from this address (the address's own count decays with time). */
  async recordSuccess(account: string, address: string): Promise<void> {
    await this.pair.delete(pairKey(account, address));
  }
}

function blockedFor(state: RateLimiterRes | null, points: number): number {
  return state && state.consumedPoints > points ? state.msBeforeNext : 0;
}

/** Counts one failure; going over the limit is expressed by the rejection, which is exactly what we want to record. */
async function spend(limiter: Limiter, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
  }
}

/** "12 giây", "3 phút": how long to wait, in words a person reads. */
export function waitInWords(ms: number, lang: 'vi' | 'en'): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return lang === 'vi' ? `${seconds} giây` : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return lang === 'vi' ? `${minutes} phút` : `${minutes} minutes`;
}
