/**
 * List cursors, the same for both engines. Opaque to callers (base64url JSON)
 * and bound to the query they were made for, so a cursor pasted onto another
 * query is refused rather than silently paging something else.
 *
 * Two kinds:
 *   - by position (every order but modified-asc): how many entries came before;
 *   - by datestamp (modified-asc, OAI-PMH harvesting): the last datestamp
 *     delivered and the ids delivered at exactly that datestamp. A harvest
 *     resumed this way neither skips nor repeats a record when others change
 *     meanwhile (a changed record moves to the end, where it is met again).
 */
import { createHash } from 'node:crypto';
import { BadCursorError, type ListQuery } from './types';

export type ListCursor =
  | { kind: 'position'; offset: number; delivered: number }
  | { kind: 'datestamp'; after: number; seen: string[]; delivered: number };

interface Wire {
  /** Query fingerprint. */
  h: string;
  o?: number;
  m?: number;
  s?: string[];
  n: number;
}

/** What a cursor must agree with: everything that decides which records, in which order. */
function fingerprint(query: ListQuery): string {
  const filters = Object.entries(query.filters ?? {})
    .filter(([, values]) => values && values.length)
    .map(([facet, values]) => [facet, [...values!].sort()])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  const basis = JSON.stringify([query.q ?? '', filters, query.geo ?? null, query.sort ?? 'published-desc', query.modified ?? null, !!query.tombstones]);
  return createHash('sha256').update(basis).digest('base64url').slice(0, 16);
}

export function encodeCursor(query: ListQuery, cursor: ListCursor): string {
  const wire: Wire =
    cursor.kind === 'position'
      ? { h: fingerprint(query), o: cursor.offset, n: cursor.delivered }
      : { h: fingerprint(query), m: cursor.after, s: cursor.seen, n: cursor.delivered };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

/** The query's cursor, or undefined for the first page; BadCursorError when it is not one of ours for this query. */
export function decodeCursor(query: ListQuery): ListCursor | undefined {
  if (query.cursor === undefined) return undefined;
  let wire: Wire;
  try {
    if (!/^[A-Za-z0-9_-]{1,8000}$/.test(query.cursor)) throw new BadCursorError();
    wire = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as Wire;
  } catch {
    throw new BadCursorError();
  }
  if (!wire || typeof wire !== 'object' || wire.h !== fingerprint(query) || !Number.isSafeInteger(wire.n) || wire.n < 0) throw new BadCursorError();
  const byDatestamp = (query.sort ?? 'published-desc') === 'modified-asc';
  if (byDatestamp) {
    if (!Number.isFinite(wire.m) || !Array.isArray(wire.s) || wire.s.length > 10_000 || !wire.s.every((id) => typeof id === 'string')) throw new BadCursorError();
    return { kind: 'datestamp', after: wire.m!, seen: wire.s, delivered: wire.n };
  }
  if (!Number.isSafeInteger(wire.o) || wire.o! < 0) throw new BadCursorError();
  return { kind: 'position', offset: wire.o!, delivered: wire.n };
}

/** Milliseconds since the epoch of an ISO 8601 time, or NaN. */
export function timeMs(iso: string | undefined): number {
  return iso ? Date.parse(iso) : Number.NaN;
}

/**
 * The cursor after a page. `page` are the ids and datestamps delivered, in order; `more` whether entries follow.
 * By datestamp, the ids already delivered at the last datestamp carry over when the page ends on the same one.
 */
export function nextCursor(
  query: ListQuery,
  previous: ListCursor | undefined,
  page: { id: string; modifiedMs: number }[],
  more: boolean,
): string | undefined {
  if (!more || page.length === 0) return undefined;
  const delivered = (previous?.delivered ?? 0) + page.length;
  if ((query.sort ?? 'published-desc') !== 'modified-asc') {
    const offset = (previous?.kind === 'position' ? previous.offset : 0) + page.length;
    return encodeCursor(query, { kind: 'position', offset, delivered });
  }
  const after = page[page.length - 1]!.modifiedMs;
  const carried = previous?.kind === 'datestamp' && previous.after === after ? previous.seen : [];
  const seen = [...carried, ...page.filter((e) => e.modifiedMs === after).map((e) => e.id)];
  return encodeCursor(query, { kind: 'datestamp', after, seen, delivered });
}
