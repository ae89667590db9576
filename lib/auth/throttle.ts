/**
 * Login throttling per account and per address: after five failures in a
 * row, each further attempt must wait, twice as long each time (1 s, 2 s,
 * 4 s … up to 15 minutes). A success clears the account's count. Kept in
 * memory: a restart forgives, which is acceptable for a slowing measure.
 */
const FREE_FAILURES = 5;
const MAX_DELAY_MS = 15 * 60 * 1000;

interface Entry {
  failures: number;
  blockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds the caller must still wait before trying this account from this address (0: go ahead). */
  waitFor(account: string, address: string): number {
    const now = this.now();
    return Math.max(0, ...[`user:${account}`, `addr:${address}`].map((k) => (this.entries.get(k)?.blockedUntil ?? 0) - now));
  }

  recordFailure(account: string, address: string): void {
    for (const key of [`user:${account}`, `addr:${address}`]) {
      const entry = this.entries.get(key) ?? { failures: 0, blockedUntil: 0 };
      entry.failures++;
      if (entry.failures >= FREE_FAILURES) entry.blockedUntil = this.now() + Math.min(MAX_DELAY_MS, 1000 * 2 ** (entry.failures - FREE_FAILURES));
      this.entries.set(key, entry);
    }
  }

  recordSuccess(account: string): void {
    this.entries.delete(`user:${account}`);
  }
}
