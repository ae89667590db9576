/**
 * What the public list pages (home, types, communities, library, map,
 * calendar) ask the index: numbered pages that are the engine's own pages,
 * and calendar months named as the index names them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { CALENDAR_RECORD_TYPES, MONTH_UNKNOWN, monthFacetValue, thisMonthFacetValues } from '@/lib/records/festival-calendar';
import { RECORD_TYPES } from '@/lib/records/schema';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { demoRecords, demoSynonyms, vocab } from '../contract/search.contract';

vi.mock('server-only', () => ({}));
const { listPage, pageNumber } = await import('@/app/_components/list-page');

const records = demoRecords();
const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-public-lists-'));
const index = EmbeddedSearchIndex.open({ dir, synonyms: demoSynonyms });
await index.upsert(records.map((r) => toSearchDocument(r, vocab)));
afterAll(async () => {
  await index.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Midnight at the start of a day in Hà Nội (UTC+7). */
const hanoi = (iso: string) => new Date(`${iso}T00:00:00+07:00`);

describe('numbered pages of a list', () => {
  it('reads the page number from the URL, 1 for anything else', () => {
    expect(pageNumber('3')).toBe(3);
    expect(pageNumber(['2', '5'])).toBe(2);
    for (const bad of [undefined, '', '0', '-1', '1.5', 'abc', '1e400']) expect(pageNumber(bad), String(bad)).toBe(1);
  });

  it('gives, page by page, exactly what walking the engine cursor gives, with the page count', async () => {
    const query = { viewer: ANONYMOUS, filters: { type: RECORD_TYPES.filter((t) => t !== 'document') }, sort: 'title' as const };
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await index.list({ ...query, limit: 5, ...(cursor ? { cursor } : {}) });
      walked.push(...page.entries.map((e) => e.id));
      cursor = page.next;
    } while (cursor);
    const first = await listPage(index, query, 1, 5);
    expect(first.pages).toBe(Math.ceil(first.total / 5));
    expect(first.total).toBe(walked.length);
    expect(walked.length).toBeGreaterThan(10);
    const numbered: string[] = [];
    for (let page = 1; page <= first.pages; page++) numbered.push(...(await listPage(index, query, page, 5)).entries.map((e) => e.id));
    expect(numbered).toEqual(walked);
    const past = await listPage(index, query, first.pages + 1, 5);
    expect(past.entries).toEqual([]);
  });

  it('has one empty page for an empty list', async () => {
    const none = await listPage(index, { viewer: ANONYMOUS, filters: { ethnicGroup: ['no-such-community'] } }, 1);
    expect(none).toMatchObject({ total: 0, page: 1, pages: 1, entries: [] });
  });
});

describe('calendar months as the index names them', () => {
  it('names a month the way a record held in it is indexed, and a record without a month as unknown', () => {
    const held = records.find((r) => r.heldIn)!;
    const doc = toSearchDocument(held, vocab);
    for (const month of held.heldIn!.months) expect(doc.facets.month).toContain(monthFacetValue(held.heldIn!.calendar, month));
    const unheld = records.find((r) => !r.heldIn && CALENDAR_RECORD_TYPES.includes(r.type))!;
    expect(toSearchDocument(unheld, vocab).facets.month).toEqual([MONTH_UNKNOWN]);
  });

  it('asks for this lunar month and this solar month: each record in its own calendar', () => {
    // 20 March 2026 is in lunar month 2; 1 August 2025 in the leap 6th lunar month, counted as the 6th.
    expect(thisMonthFacetValues(hanoi('2026-03-20'))).toEqual(['lunar-2', 'solar-3']);
    expect(thisMonthFacetValues(hanoi('2025-08-01'))).toEqual(['lunar-6', 'solar-8']);
  });

  it('lists the festivals and rituals of unknown month, as the calendar page asks', async () => {
    const expected = records.filter((r) => r.status === 'published' && r.access.level === 'public' && !r.heldIn && CALENDAR_RECORD_TYPES.includes(r.type));
    const listed = await index.list({ viewer: ANONYMOUS, filters: { type: [...CALENDAR_RECORD_TYPES], month: [MONTH_UNKNOWN] }, limit: 100 });
    expect(listed.entries.map((e) => e.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(listed.total).toBeGreaterThan(0);
  });
});
