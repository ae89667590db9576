/**
 * The embedded engine's cache of what FTS5 computed for a match expression:
 * its rowids, its bm25 ranks, its count in the titles. Searches follow a
 * Zipf curve (the same broad queries, "le hoi", "chieng", a community's
 * name, come again and again), and for a broad query FTS5 is the costly
 * part: at 100,000 records listing a common word's rows takes 5–10 ms and
 * scoring 8,000 titles 10–20 ms, against well under a millisecond to reuse
 * them. Callers keep only what was costly to compute.
 *
 * What is cached depends on the match alone, the same for every viewer:
 * access, filters and facets are applied to it per query, as to a fresh
 * match. The engine clears the cache on every change to the index (its own
 * writes, another process's, a swapped-in rebuild), so it never answers for
 * a version of the index that is gone.
 */
export class MatchCache {
  /** In least recently used order (a Map keeps insertion order). */
  private readonly entries = new Map<string, Int32Array | Float64Array>();
  private bytes = 0;

  constructor(private maxBytes = 16 * 1024 * 1024) {}

  /** Changes the room (the index grew or shrank), dropping the least recently used entries that no longer fit. */
  resize(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evict();
  }

  get<T extends Int32Array | Float64Array>(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value as T | undefined;
  }

  /** Whether the key is cached (without counting as a use). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: Int32Array | Float64Array): void {
    if (value.byteLength > this.maxBytes / 4) return;
    const previous = this.entries.get(key);
    if (previous) this.bytes -= previous.byteLength;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.bytes += value.byteLength;
    this.evict();
  }

  private evict(): void {
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
