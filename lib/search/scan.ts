/**
 * The embedded engine's one pass over matching rows: access, filters and geo
 * decided per row over the in-memory columns (columns.ts), facet values
 * counted, and the best `keep` rows kept by the sort. Nothing the viewer may
 * not see is counted, because the access check is part of the same pass.
 */
import { viewerAccessTokens } from '../access/policy';
import type { Columns } from './columns';
import { haversineKm } from './text';
import { FACETS, type SearchQuery } from './types';

/** What a query admits, as lookups over the interned column values. */
export interface Scope {
  /** By access-token id: 1 when the viewer holds the token. */
  allowed: Uint8Array;
  /** By facet-value id: the filter group the value belongs to, or -1. */
  valueGroup: Int8Array;
  groups: number;
  fullMask: number;
  /** A filter names only values no document has: nothing can match. */
  impossible: boolean;
  geo?: SearchQuery['geo'];
  /** Head-version time range, ms (inclusive): lists for harvesters. */
  modifiedFrom?: number;
  modifiedUntil?: number;
  /** Rows already delivered (a datestamp cursor's). */
  exclude?: Set<number>;
  /** The datestamp they were delivered at: an excluded row changed since (a later time) is listed again. */
  excludeAt?: number;
}

/** What a list adds to a query's scope (see EmbeddedSearchIndex.list). */
export interface ScopeExtras {
  /** Tokens granted on top of the viewer's (the tombstone token, for harvesters). */
  tokens?: string[];
  modifiedFrom?: number;
  modifiedUntil?: number;
  exclude?: Set<number>;
  excludeAt?: number;
}

export function scopeOf(c: Columns, query: Pick<SearchQuery, 'viewer' | 'filters' | 'geo'>, extras: ScopeExtras = {}): Scope {
  const allowed = new Uint8Array(c.accessTokens.names.length);
  for (const token of [...viewerAccessTokens(query.viewer), ...(extras.tokens ?? [])]) {
    const id = c.accessTokens.ids.get(token);
    if (id !== undefined) allowed[id] = 1;
  }
  // Filters: each facet with values is a group; a document must hit every group.
  const valueGroup = new Int8Array(c.values.names.length).fill(-1);
  let groups = 0;
  let impossible = false;
  for (const facet of FACETS) {
    const wanted = query.filters?.[facet];
    if (!wanted || wanted.length === 0) continue;
    let any = false;
    for (const value of wanted) {
      const id = c.values.ids.get(`${facet}\u0000${value}`);
      if (id !== undefined) {
        valueGroup[id] = groups;
        any = true;
      }
    }
    if (!any) impossible = true;
    groups++;
  }
  return {
    allowed,
    valueGroup,
    groups,
    fullMask: (1 << groups) - 1,
    impossible,
    ...(query.geo ? { geo: query.geo } : {}),
    ...(Number.isFinite(extras.modifiedFrom) ? { modifiedFrom: extras.modifiedFrom } : {}),
    ...(Number.isFinite(extras.modifiedUntil) ? { modifiedUntil: extras.modifiedUntil } : {}),
    ...(extras.exclude?.size ? { exclude: extras.exclude } : {}),
    ...(Number.isFinite(extras.excludeAt) ? { excludeAt: extras.excludeAt } : {}),
  };
}

/** Whether a row passes a list's time range and exclusions (no time: only an open range passes). */
function inRange(c: Columns, scope: Scope, rowid: number): boolean {
  const m = c.modified[rowid]!;
  // Excluded only at the datestamp it was delivered at: a record that changed during a harvest has a later one, and
  // must be met again (were it excluded by id alone, its new version would be lost when this page is the last).
  if (scope.exclude?.has(rowid) && !(scope.excludeAt !== undefined && m > scope.excludeAt)) return false;
  if (scope.modifiedFrom !== undefined && !(m >= scope.modifiedFrom)) return false;
  return scope.modifiedUntil === undefined || m <= scope.modifiedUntil;
}

/** Whether one row is in scope (the pass below inlines the same checks: it runs per hit on 100,000 rows). */
export function admits(c: Columns, scope: Scope, rowid: number): boolean {
  if (scope.impossible || rowid >= c.size) return false;
  const s = c.start[rowid]!;
  if (s < 0) return false;
  const ac = c.accessCount[rowid]!;
  let visible = false;
  for (let k = s; k < s + ac && !visible; k++) visible = scope.allowed[c.flat[k]!] === 1;
  if (!visible) return false;
  if (scope.groups) {
    let mask = 0;
    for (let k = s + ac; k < s + ac + c.valueCount[rowid]!; k++) {
      const g = scope.valueGroup[c.flat[k]!]!;
      if (g >= 0) mask |= 1 << g;
    }
    if (mask !== scope.fullMask) return false;
  }
  const geo = scope.geo;
  if (geo && !(haversineKm(geo.lat, geo.lon, c.lat[rowid]!, c.lon[rowid]!) <= geo.km)) return false;
  return !ranged(scope) || inRange(c, scope, rowid);
}

function ranged(scope: Scope): boolean {
  return scope.modifiedFrom !== undefined || scope.modifiedUntil !== undefined || scope.exclude !== undefined;
}

/** Whether any of the rows is in scope (stops at the first). */
export function anyInScope(c: Columns, scope: Scope, rowids: Int32Array): boolean {
  for (let i = 0; i < rowids.length; i++) if (admits(c, scope, rowids[i]!)) return true;
  return false;
}

export interface ScanResult {
  /** Rows in scope. */
  total: number;
  /** By facet-value id. */
  counts: Int32Array;
  /** The best `keep` rows, in order. */
  best: number[];
}

/** One pass over `rowids`. */
export function scan(c: Columns, rowids: Int32Array, scope: Scope, keep: number, better: (a: number, b: number) => number): ScanResult {
  const counts = new Int32Array(c.values.names.length);
  const top = new TopK(keep, better);
  let total = 0;
  const { start, flat, accessCount, valueCount } = c;
  const { allowed, valueGroup, groups, fullMask, geo } = scope;
  const range = ranged(scope);
  if (!scope.impossible) {
    for (let i = 0; i < rowids.length; i++) {
      const rowid = rowids[i]!;
      if (rowid >= c.size) continue;
      const s = start[rowid]!;
      if (s < 0) continue;
      const ac = accessCount[rowid]!;
      let visible = false;
      for (let k = s; k < s + ac; k++) {
        if (allowed[flat[k]!]) {
          visible = true;
          break;
        }
      }
      if (!visible) continue;
      const vs = s + ac;
      const ve = vs + valueCount[rowid]!;
      if (groups) {
        let mask = 0;
        for (let k = vs; k < ve; k++) {
          const g = valueGroup[flat[k]!]!;
          if (g >= 0) mask |= 1 << g;
        }
        if (mask !== fullMask) continue;
      }
      if (geo && !(haversineKm(geo.lat, geo.lon, c.lat[rowid]!, c.lon[rowid]!) <= geo.km)) continue;
      if (range && !inRange(c, scope, rowid)) continue;
      total++;
      for (let k = vs; k < ve; k++) counts[flat[k]!]!++;
      top.push(rowid);
    }
  }
  return { total, counts, best: top.sorted() };
}

/** Keeps the best k items by a comparator (a bounded max-heap of the worst kept item). */
export class TopK {
  private readonly heap: number[] = [];
  constructor(
    private readonly k: number,
    private readonly better: (a: number, b: number) => number,
  ) {}
  push(item: number): void {
    if (this.k <= 0) return;
    const h = this.heap;
    if (h.length < this.k) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.better(h[parent]!, h[i]!) >= 0) break;
        [h[parent], h[i]] = [h[i]!, h[parent]!];
        i = parent;
      }
    } else if (this.better(item, h[0]!) < 0) {
      h[0] = item;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < h.length && this.better(h[l]!, h[worst]!) > 0) worst = l;
        if (r < h.length && this.better(h[r]!, h[worst]!) > 0) worst = r;
        if (worst === i) break;
        [h[worst], h[i]] = [h[i]!, h[worst]!];
        i = worst;
      }
    }
  }
  sorted(): number[] {
    return [...this.heap].sort(this.better);
  }
}

/** Negative when rowid a sorts before rowid b. Ties fall back to date, then title, then rowid, so pages are stable. */
export function comparator(sort: NonNullable<SearchQuery['sort']>, c: Columns, ranks?: Float64Array) {
  const byTitle = (a: number, b: number) => {
    const ta = c.title[a]!;
    const tb = c.title[b]!;
    return ta < tb ? -1 : ta > tb ? 1 : a - b;
  };
  const byDate = (dir: 1 | -1) => (a: number, b: number) => {
    const da = c.date[a]!;
    const db = c.date[b]!;
    if (Number.isNaN(da) !== Number.isNaN(db)) return Number.isNaN(da) ? 1 : -1; // undated last
    return da !== db && !Number.isNaN(da) ? dir * (da - db) : byTitle(a, b);
  };
  const newest = byDate(-1);
  /** By a time column, known times first; ties by date then title. */
  const byTime = (column: Float64Array, dir: 1 | -1) => (a: number, b: number) => {
    const ta = column[a]!;
    const tb = column[b]!;
    if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    return ta !== tb && !Number.isNaN(ta) ? dir * (ta - tb) : newest(a, b);
  };
  switch (sort) {
    case 'published-desc':
      return byTime(c.published, -1);
    case 'modified-desc':
      return byTime(c.modified, -1);
    case 'modified-asc':
      return byTime(c.modified, 1);
    case 'title':
      return byTitle;
    case 'date-asc':
      return byDate(1);
    case 'date-desc':
      return newest;
    case 'relevance':
      // Unscored hits (rank 0) follow every scored one: bm25 ranks are negative.
      return ranks ? (a: number, b: number) => ranks[a]! - ranks[b]! || newest(a, b) : newest;
  }
}
