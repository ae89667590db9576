/**
 * The catalog contract: `SearchIndex.list`, the read model every page, feed,
 * sitemap, OAI-PMH response and API list answers from (issue #13). Run
 * against the embedded engine (catalog.embedded.test.ts) and Meilisearch
 * (catalog.meilisearch.test.ts).
 *
 * Fixtures: the 42 demo records (search.contract.ts) as the archive indexes
 * them, each with its head version's time (`modified`, distinct except three
 * that share one, to put a tie across page boundaries), and the published
 * ones at even positions (file order) with a publication time, newest first
 * in the reverse of that order (the rest stand for records published before
 * publication times were kept: they list last). Plus four
 * crafted records:
 *   - a public, published record since withdrawn: a tombstone for harvesters;
 *   - a community-restricted record since withdrawn: never a tombstone;
 *   - a community-restricted published record, published last of all;
 *   - a draft.
 * The crafted ones alone are held in the 12th lunar month, so a count of
 * `lunar-12` anywhere a visitor looks would be a leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWithheld } from '@/lib/access/consent';
import { ANONYMOUS, isStaffViewer, maySeeRecord, type Viewer } from '@/lib/access/policy';
import { recordIdFromSeed } from '@/lib/records/ids';
import { HeritageRecord } from '@/lib/records/schema';
import { dateNumber } from '@/lib/search/columns';
import { isTombstone, parsePlaceFacetValue, placeFacetValue, toSearchDocument } from '@/lib/search/document';
import { fold } from '@/lib/search/text';
import {
  BadCursorError,
  FACETS,
  STAFF_ONLY_FACETS,
  type Facet,
  type FacetCount,
  type ListEntry,
  type ListPage,
  type ListQuery,
  type SearchDocument,
  type SearchIndex,
} from '@/lib/search/types';
import { demoRecords, vocab, viewers } from './search.contract';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Head versions: the demo records an hour apart from here, in file order. */
const T0 = Date.UTC(2024, 0, 1);
/** Demo records (by file order, all public) that share one head-version time. */
const TIED = [12, 13, 14];
/** The name of the performer of the demo dance who did not consent (content/records/mua-tung-tung-da-da-co-tu.json). */
const UNCONSENTED = { slug: 'mua-tung-tung-da-da-co-tu', name: 'Nghệ nhân trong làng (demo)' };

const iso = (ms: number) => new Date(ms).toISOString();

export interface CatalogFixture {
  records: HeritageRecord[];
  docs: SearchDocument[];
  /** Head-version time of each record, by id (ms). */
  modified: Map<string, number>;
  crafted: { tombstone: HeritageRecord; withdrawnCommunity: HeritageRecord; community: HeritageRecord; draft: HeritageRecord };
}

/** The records and documents the catalog contract indexes. */
export function catalogFixture(): CatalogFixture {
  const modified = new Map<string, number>();
  const demo = demoRecords().map((r, i) => {
    const published = r.status === 'published' && i % 2 === 0;
    // Publication in the reverse of file order, so that "newest publication" and "latest change" disagree.
    const record = published ? HeritageRecord.parse({ ...r, publishedAt: iso(Date.UTC(2023, 0, 1) + (60 - i) * DAY) }) : r;
    modified.set(r.id, T0 + (TIED.includes(i) ? TIED[0]! + 1 : i + 1) * HOUR);
    return record;
  });
  const base = demo.find((r) => r.slug === 'le-cuoi-nguoi-ve')!;
  const craft = (seed: string, title: string, changes: Partial<HeritageRecord>, at: number): HeritageRecord => {
    const record = HeritageRecord.parse({
      ...base,
      id: recordIdFromSeed(`catalog-contract:${seed}`),
      slug: `catalog-${seed}`,
      title: { vi: title, en: title },
      alternativeTitles: [],
      heldIn: { calendar: 'lunar', months: [12] },
      featured: false,
      ...changes,
    });
    modified.set(record.id, at);
    return record;
  };
  const crafted = {
    tombstone: craft('tombstone', 'Bản ghi đã rút khỏi công chúng', { status: 'withdrawn', access: { level: 'public', communities: [] }, publishedAt: iso(Date.UTC(2023, 6, 1)) }, T0 + 100 * HOUR),
    withdrawnCommunity: craft(
      'withdrawn-community',
      'Nghi lễ riêng của làng đã rút',
      { status: 'withdrawn', access: { level: 'community', communities: ['co-tu'] }, ethnicGroups: ['co-tu'], publishedAt: iso(Date.UTC(2023, 6, 2)) },
      T0 + 101 * HOUR,
    ),
    community: craft(
      'community',
      'Nghi lễ riêng của làng Cơ Tu',
      { status: 'published', access: { level: 'community', communities: ['co-tu'] }, ethnicGroups: ['co-tu'], featured: true, publishedAt: iso(Date.UTC(2025, 0, 1)) },
      T0 + 102 * HOUR,
    ),
    draft: craft('draft', 'Bản nháp chưa duyệt', { status: 'draft', access: { level: 'public', communities: [] } }, T0 + 103 * HOUR),
  };
  const records = [...demo, ...Object.values(crafted)];
  const docs = records.map((r) => toSearchDocument(r, vocab, {}, { modified: iso(modified.get(r.id)!) }));
  return { records, docs, modified, crafted };
}

/** Every page of a list, following `next` (page sizes in turn from `limits`). */
export async function walk(index: SearchIndex, query: Omit<ListQuery, 'cursor' | 'limit'>, limits: number[], between?: (page: ListPage, n: number) => Promise<void>) {
  const entries: ListEntry[] = [];
  const pages: ListPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await index.list({ ...query, limit: limits[pages.length % limits.length]!, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    entries.push(...page.entries);
    cursor = page.next;
    if (between) await between(page, pages.length);
    if (pages.length > 500) throw new Error('the walk does not end');
  } while (cursor);
  return { entries, pages, ids: entries.map((e) => e.id) };
}

const sorted = (ids: string[]) => [...ids].sort();

/** Runs the contract against an engine. `open` returns an index (emptied here). */
export function catalogContract(name: string, open: () => Promise<SearchIndex>, options: { skip?: string } = {}): void {
  const suite = options.skip ? describe.skip : describe;
  if (options.skip) console.warn(`catalog contract on ${name} skipped: ${options.skip}`);

  suite(`catalog contract: ${name}`, () => {
    let index: SearchIndex;
    const { records, docs, modified, crafted } = catalogFixture();
    const byId = new Map(records.map((r) => [r.id, r]));
    const docOf = new Map(docs.map((d) => [d.id, d]));
    const bySlug = (slug: string) => records.find((r) => r.slug === slug)!;
    const visibleTo = (viewer: Viewer) => records.filter((r) => maySeeRecord(viewer, r));
    const idsVisibleTo = (viewer: Viewer, keep: (r: HeritageRecord) => boolean = () => true) => sorted(visibleTo(viewer).filter(keep).map((r) => r.id));
    /** What a harvester (with tombstones) may list: what it may see, and tombstones. */
    const harvestable = (viewer: Viewer) => records.filter((r) => maySeeRecord(viewer, r) || (isTombstone(r) && !maySeeRecord(ANONYMOUS, r)));
    const hasFacet = (facet: Facet, value: string) => (r: HeritageRecord) => docOf.get(r.id)!.facets[facet]?.includes(value) ?? false;
    /** The facet counts a viewer should get: over what they may see (and the filter admits), in the contract's order. */
    const expectedFacets = (viewer: Viewer, facets: readonly Facet[], keep: (r: HeritageRecord) => boolean = () => true) => {
      const out: Partial<Record<Facet, FacetCount[]>> = {};
      for (const facet of facets) {
        if (STAFF_ONLY_FACETS.includes(facet) && !isStaffViewer(viewer)) continue;
        const counts = new Map<string, number>();
        for (const r of visibleTo(viewer).filter(keep)) for (const v of docOf.get(r.id)!.facets[facet] ?? []) counts.set(v, (counts.get(v) ?? 0) + 1);
        out[facet] = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      }
      return out;
    };
    const all = (viewer: Viewer, query: Partial<ListQuery> = {}) => index.list({ viewer, limit: 1000, ...query });

    beforeAll(async () => {
      index = await open();
      await index.clear();
      await index.upsert(docs);
    });
    afterAll(async () => {
      await index?.close();
    });

    it('has the fixtures the cases need', () => {
      expect(records.length).toBe(46);
      expect(isTombstone(crafted.tombstone)).toBe(true);
      expect(docOf.get(crafted.tombstone.id)!.tombstone).toBe(true);
      expect(docOf.get(crafted.withdrawnCommunity.id)!.tombstone).toBeUndefined();
      expect(visibleTo(ANONYMOUS).filter((r) => !r.publishedAt).length).toBeGreaterThan(5);
      expect(bySlug(UNCONSENTED.slug).people.find((p) => p.name === UNCONSENTED.name)?.consent.given).toBe(false);
    });

    describe('access: lists, totals and facets hold only what the viewer may see', () => {
      it('never lists, counts or facets a restricted, draft or withdrawn record for a visitor', async () => {
        const page = await all(ANONYMOUS, { facets: [...FACETS] });
        const expected = idsVisibleTo(ANONYMOUS);
        expect(sorted(page.entries.map((e) => e.id))).toEqual(expected);
        expect(page.total).toBe(expected.length);
        for (const hidden of [crafted.tombstone, crafted.withdrawnCommunity, crafted.community, crafted.draft, bySlug('truyen-co-xo-dang'), bySlug('ke-hoach-5538-kh-ubnd-quang-nam'), bySlug('le-bo-ma-teng-ping-co-tu'), bySlug('dan-lat-co')]) {
          expect(page.entries.map((e) => e.id), hidden.slug).not.toContain(hidden.id);
        }
        expect(page.entries.every((e) => !e.deleted)).toBe(true);
        expect(page.facets).toEqual(expectedFacets(ANONYMOUS, FACETS));
        // Only restricted records are held in the 12th lunar month: no visitor learns that it has any.
        expect(page.facets.month!.map((f) => f.value)).not.toContain('lunar-12');
        expect(page.facets.type!.reduce((n, f) => n + f.count, 0)).toBe(page.total);
      });

      it('drops the staff-only facets for everyone but staff', async () => {
        for (const viewer of [viewers.anonymous, viewers.registered, viewers.coTuMember]) {
          const page = await index.list({ viewer, limit: 0, facets: ['accessLevel', 'status', 'type'] });
          expect(Object.keys(page.facets).sort()).toEqual(['type']);
        }
        const staff = await index.list({ viewer: viewers.admin, limit: 0, facets: ['accessLevel', 'status'] });
        expect(staff.facets.status!.map((f) => f.value).sort()).toEqual(['draft', 'published', 'submitted', 'withdrawn']);
        expect(staff.facets.accessLevel!.map((f) => f.value).sort()).toEqual(['community', 'public', 'registered']);
      });

      it("shows a community member their community's records, and signed-in users the registered ones", async () => {
        for (const viewer of [viewers.coTuMember, viewers.registered]) {
          const page = await all(viewer, { facets: ['ethnicGroup', 'month', 'featured'] });
          expect(sorted(page.entries.map((e) => e.id))).toEqual(idsVisibleTo(viewer));
          expect(page.total).toBe(visibleTo(viewer).length);
          expect(page.facets).toEqual(expectedFacets(viewer, ['ethnicGroup', 'month', 'featured']));
        }
        const member = (await all(viewers.coTuMember)).entries.map((e) => e.id);
        expect(member).toContain(crafted.community.id);
        expect(member).toContain(bySlug('le-bo-ma-teng-ping-co-tu').id);
        // Withdrawn is work in progress: staff only, even within the community.
        expect(member).not.toContain(crafted.withdrawnCommunity.id);
        expect((await all(viewers.registered)).entries.map((e) => e.id)).not.toContain(crafted.community.id);
      });

      it('shows staff drafts and withdrawn records, within community protocol', async () => {
        for (const viewer of [viewers.officer, viewers.admin]) {
          const page = await all(viewer, { facets: ['status', 'month'] });
          expect(sorted(page.entries.map((e) => e.id))).toEqual(idsVisibleTo(viewer));
          expect(page.facets).toEqual(expectedFacets(viewer, ['status', 'month']));
        }
        const officer = (await all(viewers.officer)).entries.map((e) => e.id);
        expect(officer).toEqual(expect.arrayContaining([crafted.draft.id, crafted.tombstone.id]));
        expect(officer).not.toContain(crafted.withdrawnCommunity.id);
        expect((await all(viewers.admin)).total).toBe(records.length);
        // Staff list a withdrawn record as what it is to them, not as a deletion.
        expect((await all(viewers.officer)).entries.every((e) => !e.deleted)).toBe(true);
      });

      it('gives the public copy of a record: a name without consent is not in it', async () => {
        const dance = bySlug(UNCONSENTED.slug);
        for (const viewer of [viewers.anonymous, viewers.coTuMember, viewers.admin]) {
          const entry = (await all(viewer)).entries.find((e) => e.id === dance.id)!;
          expect(entry.record.title.vi).toBe(dance.title.vi);
          expect(JSON.stringify(entry.record)).not.toContain(UNCONSENTED.name);
          expect(entry.record.people.filter(isWithheld)).toHaveLength(1);
          // The people who consented keep their names.
          expect(entry.record.people.map((p) => p.name)).toContain(dance.people.find((p) => p.consent.given)!.name);
        }
      });
    });

    describe('filters', () => {
      it('ORs values within a facet and ANDs facets', async () => {
        const filters = { type: ['festival', 'ritual'], ethnicGroup: ['co-tu'] };
        const keep = (r: HeritageRecord) => ['festival', 'ritual'].includes(r.type) && r.ethnicGroups.includes('co-tu');
        for (const viewer of [viewers.anonymous, viewers.coTuMember]) {
          const page = await all(viewer, { filters, facets: ['type'] });
          expect(sorted(page.entries.map((e) => e.id))).toEqual(idsVisibleTo(viewer, keep));
          expect(page.total).toBe(idsVisibleTo(viewer, keep).length);
          expect(page.facets).toEqual(expectedFacets(viewer, ['type'], keep));
        }
        expect((await all(ANONYMOUS, { filters: { district: ['no-such-district'] } })).total).toBe(0);
        expect((await all(ANONYMOUS, { filters: { type: ['festival'], district: ['no-such-district'] } })).entries).toEqual([]);
      });

      it('filters on every value of every facet a visitor is shown, counting the same', async () => {
        const shown = (await index.list({ viewer: ANONYMOUS, limit: 0, facets: [...FACETS] })).facets;
        for (const facet of FACETS.filter((f) => !STAFF_ONLY_FACETS.includes(f))) {
          // The demo records carry no media (mediaKind has no values); every other facet has some.
          if (facet !== 'mediaKind') expect(shown[facet]!.length, facet).toBeGreaterThan(0);
          for (const { value, count } of shown[facet]!) {
            const page = await all(ANONYMOUS, { filters: { [facet]: [value] } });
            expect(sorted(page.entries.map((e) => e.id)), `${facet}=${value}`).toEqual(idsVisibleTo(ANONYMOUS, hasFacet(facet, value)));
            expect(page.total, `${facet}=${value}`).toBe(count);
          }
        }
      });

      it('lists a festival calendar month, a document kind, an issue year, featured records, a subject and an inventory element', async () => {
        const ids = async (filters: ListQuery['filters'], viewer: Viewer = ANONYMOUS) => sorted((await all(viewer, { filters })).entries.map((e) => e.id));
        expect(await ids({ month: ['lunar-10'] })).toEqual([bySlug('le-mung-lua-moi-co-tu').id]);
        expect(await ids({ month: ['solar-8', 'solar-7'] })).toEqual(sorted([bySlug('le-hoi-cong-chieng-bac-tra-my-2022').id, bySlug('le-hoi-que-tra-my-2023').id]));
        expect(await ids({ month: ['lunar-12'] })).toEqual([]);
        expect(await ids({ month: ['lunar-12'] }, viewers.coTuMember)).toEqual([crafted.community.id]);
        expect(await ids({ documentKind: ['quyet-dinh'] })).toEqual(idsVisibleTo(ANONYMOUS, (r) => r.document?.kind === 'quyet-dinh'));
        expect((await ids({ documentKind: ['quyet-dinh'] })).length).toBeGreaterThanOrEqual(8);
        expect(await ids({ type: ['document'], year: ['2020'] })).toEqual(idsVisibleTo(ANONYMOUS, (r) => r.type === 'document' && r.document!.issuedOn.startsWith('2020')));
        expect((await ids({ type: ['document'], year: ['2020'] })).length).toBe(3);
        expect(await ids({ featured: ['true'] })).toEqual(idsVisibleTo(ANONYMOUS, (r) => r.featured));
        expect(await ids({ featured: ['true'] }, viewers.coTuMember)).toContain(crafted.community.id);
        expect(await ids({ subject: ['chieng-cong'] })).toEqual(idsVisibleTo(ANONYMOUS, (r) => r.subjects.includes('chieng-cong')));
        expect(await ids({ element: ['co-tu-le-dam-trau'] })).toEqual([bySlug('le-hoi-dam-trau-co-tu').id]);
        const issuer = bySlug('quyet-dinh-2026-qd-ttg').document!.issuer.vi;
        expect(await ids({ issuer: [issuer] })).toEqual(idsVisibleTo(ANONYMOUS, (r) => r.document?.issuer.vi === issuer));
      });

      it("gives places as map points: each value parses to a point and a place, and lists that place's records", async () => {
        const places = (await index.list({ viewer: ANONYMOUS, limit: 0, facets: ['place'] })).facets.place!;
        expect(places.length).toBeGreaterThan(5);
        for (const { value, count } of places) {
          const parsed = parsePlaceFacetValue(value);
          expect(parsed, value).toBeDefined();
          expect(vocab.districts.map((d) => d.id)).toContain(parsed!.place.district);
          expect(Math.abs(parsed!.lat - 15.5)).toBeLessThan(1.5);
          expect(Math.abs(parsed!.lon - 108)).toBeLessThan(1.5);
          const page = await all(ANONYMOUS, { filters: { place: [value] } });
          expect(page.total).toBe(count);
          for (const e of page.entries) expect(byId.get(e.id)!.places.map((p) => placeFacetValue(vocab, p))).toContain(value);
        }
        // Lễ cưới người Ve: a commune (with its Vietnamese name) in Nam Giang.
        const ve = bySlug('le-cuoi-nguoi-ve');
        const veValue = placeFacetValue(vocab, ve.places[0]!)!;
        expect(places.map((p) => p.value)).toContain(veValue);
        expect(parsePlaceFacetValue(veValue)!.place).toMatchObject({ district: ve.places[0]!.district, commune: ve.places[0]!.commune });
      });

      it('narrows by text, within filters and access', async () => {
        const everything = (await all(ANONYMOUS)).entries.map((e) => e.id);
        const gongs = await all(ANONYMOUS, { q: 'cồng chiêng', facets: ['type'] });
        expect(gongs.entries.map((e) => e.id)).toContain(bySlug('chieng-cong-co-tu').id);
        expect(gongs.total).toBe(gongs.entries.length);
        expect(gongs.total).toBeLessThan(everything.length);
        for (const id of gongs.entries.map((e) => e.id)) expect(everything).toContain(id);
        expect(gongs.facets.type!.reduce((n, f) => n + f.count, 0)).toBe(gongs.total);
        const coGongs = await all(ANONYMOUS, { q: 'cong chieng', filters: { ethnicGroup: ['co'] } });
        expect(coGongs.entries.map((e) => e.id)).toContain(bySlug('chieng-cong-co').id);
        expect(coGongs.entries.every((e) => byId.get(e.id)!.ethnicGroups.includes('co'))).toBe(true);
        // The text of records the viewer may not see finds nothing.
        for (const hidden of [crafted.community, crafted.draft, crafted.tombstone]) {
          expect((await all(ANONYMOUS, { q: hidden.title.vi })).entries.map((e) => e.id)).not.toContain(hidden.id);
        }
        expect((await all(viewers.coTuMember, { q: crafted.community.title.vi })).entries.map((e) => e.id)).toContain(crafted.community.id);
      });
    });

    describe('sort orders', () => {
      it('lists newest publication first by default, records without a publication time last', async () => {
        for (const viewer of [viewers.anonymous, viewers.coTuMember]) {
          const entries = (await all(viewer)).entries;
          const published = entries.map((e) => byId.get(e.id)!.publishedAt);
          const known = published.filter((p) => p !== undefined);
          expect(known.length).toBeGreaterThan(5);
          expect(published.slice(0, known.length)).toEqual([...known].sort().reverse());
          expect(published.slice(known.length).every((p) => p === undefined)).toBe(true);
          expect((await index.list({ viewer, sort: 'published-desc', limit: 1000 })).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
        }
        expect((await all(viewers.coTuMember)).entries[0]!.id).toBe(crafted.community.id);
      });

      it('lists by head version, latest or earliest first, with the time on each entry', async () => {
        const desc = (await all(ANONYMOUS, { sort: 'modified-desc' })).entries;
        const asc = (await all(ANONYMOUS, { sort: 'modified-asc' })).entries;
        for (const entries of [desc, asc]) {
          expect(sorted(entries.map((e) => e.id))).toEqual(idsVisibleTo(ANONYMOUS));
          for (const e of entries) expect(e.modified).toBe(iso(modified.get(e.id)!));
        }
        const times = (entries: ListEntry[]) => entries.map((e) => Date.parse(e.modified!));
        expect(times(desc)).toEqual([...times(desc)].sort((a, b) => b - a));
        expect(times(asc)).toEqual([...times(asc)].sort((a, b) => a - b));
        expect(desc[0]!.id).toBe(visibleTo(ANONYMOUS).reduce((a, b) => (modified.get(b.id)! > modified.get(a.id)! ? b : a)).id);
      });

      it('lists by title (Vietnamese folded) and by date, newest first, undated last', async () => {
        const titles = (await all(ANONYMOUS, { sort: 'title' })).entries.map((e) => fold(e.record.title.vi));
        expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const dates = (await all(ANONYMOUS, { sort: 'date-desc' })).entries.map((e) => dateNumber(e.record.recordedOn ?? e.record.document?.issuedOn));
        const dated = dates.filter((d) => !Number.isNaN(d));
        expect(dates.slice(0, dated.length)).toEqual([...dated].sort((a, b) => b - a));
        expect(dates.slice(dated.length).every((d) => Number.isNaN(d))).toBe(true);
        const festivals = (await all(ANONYMOUS, { sort: 'date-desc', filters: { type: ['festival'] } })).entries;
        expect(festivals[0]!.record.recordedOn! >= festivals[festivals.length - 1]!.record.recordedOn!).toBe(true);
      });
    });

    describe('pages and cursors', () => {
      it('walks every page with `next`: each visible record once, in order, with a stable total', async () => {
        for (const sort of ['published-desc', 'modified-desc', 'modified-asc', 'title', 'date-desc', 'date-asc'] as const) {
          const whole = (await all(ANONYMOUS, { sort })).entries.map((e) => e.id);
          for (const limits of [[7], [1], [5, 3, 10]]) {
            const { ids, pages } = await walk(index, { viewer: ANONYMOUS, sort }, limits);
            expect(ids, `${sort} by ${limits.join(',')}`).toEqual(whole);
            expect(new Set(pages.map((p) => p.total)), `${sort} by ${limits.join(',')}`).toEqual(new Set([whole.length]));
            expect(pages.at(-1)!.next).toBeUndefined();
            expect(pages.slice(0, -1).every((p) => p.next && p.entries.length > 0)).toBe(true);
          }
        }
      });

      it('walks a filtered, faceted list the same way, for a member', async () => {
        const query = { viewer: viewers.coTuMember, filters: { ethnicGroup: ['co-tu'] }, facets: ['type' as const] };
        const whole = await all(viewers.coTuMember, query);
        const { ids, pages } = await walk(index, query, [4]);
        expect(ids).toEqual(whole.entries.map((e) => e.id));
        expect(ids).toContain(crafted.community.id);
        for (const p of pages) {
          expect(p.total).toBe(whole.total);
          expect(p.facets).toEqual(whole.facets);
        }
      });

      it('gives counts and facets only for limit 0', async () => {
        const page = await index.list({ viewer: ANONYMOUS, limit: 0, facets: ['ethnicGroup'] });
        expect(page.entries).toEqual([]);
        expect(page.next).toBeUndefined();
        expect(page.total).toBe(visibleTo(ANONYMOUS).length);
        expect(page.facets).toEqual(expectedFacets(ANONYMOUS, ['ethnicGroup']));
        expect((await index.list({ viewer: ANONYMOUS, limit: 0, filters: { featured: ['true'] } })).total).toBe(visibleTo(ANONYMOUS).filter((r) => r.featured).length);
      });

      it('refuses a cursor made for another query, or not made by us', async () => {
        const first = await index.list({ viewer: ANONYMOUS, limit: 5, filters: { type: ['festival'] } });
        const harvest = await index.list({ viewer: ANONYMOUS, limit: 5, sort: 'modified-asc', tombstones: true });
        expect(first.next).toBeDefined();
        expect(harvest.next).toBeDefined();
        const refused = [
          { viewer: ANONYMOUS, limit: 5, filters: { type: ['music'] }, cursor: first.next! },
          { viewer: ANONYMOUS, limit: 5, filters: { type: ['festival'] }, q: 'le hoi', cursor: first.next! },
          { viewer: ANONYMOUS, limit: 5, filters: { type: ['festival'] }, sort: 'title' as const, cursor: first.next! },
          { viewer: ANONYMOUS, limit: 5, sort: 'modified-asc' as const, cursor: harvest.next! },
          { viewer: ANONYMOUS, limit: 5, sort: 'modified-asc' as const, tombstones: true, modified: { from: iso(T0) }, cursor: harvest.next! },
          { viewer: ANONYMOUS, limit: 5, cursor: 'not a cursor!' },
          { viewer: ANONYMOUS, limit: 5, cursor: 'eyJoIjoieCIsIm8iOjUsIm4iOjV9' },
          { viewer: ANONYMOUS, limit: 5, cursor: Buffer.from('{"h":').toString('base64url') },
        ];
        for (const query of refused) await expect(index.list(query), JSON.stringify(query)).rejects.toBeInstanceOf(BadCursorError);
        // The same query takes it (limits may differ from page to page).
        expect((await index.list({ viewer: ANONYMOUS, limit: 2, filters: { type: ['festival'] }, cursor: first.next! })).entries.length).toBeGreaterThan(0);
      });
    });

    describe('the same list asked again', () => {
      it('answers the same, whatever the caller did with the first answer', async () => {
        const first = await all(ANONYMOUS, { sort: 'title', facets: ['type'] });
        const expected = structuredClone(first);
        first.entries[0]!.record.title.vi = 'đã bị sửa';
        first.entries.pop();
        first.facets.type!.length = 0;
        expect(await all(ANONYMOUS, { sort: 'title', facets: ['type'] })).toEqual(expected);
      });

      it('answers with what changed since it was last asked', async () => {
        const target = visibleTo(ANONYMOUS).find((r) => !isTombstone(r))!;
        const titleIn = async () => (await all(ANONYMOUS, { sort: 'title' })).entries.find((e) => e.id === target.id)?.record.title.vi;
        expect(await titleIn()).toBe(target.title.vi);
        try {
          await index.upsert([toSearchDocument({ ...target, title: { ...target.title, vi: 'Tên mới sau khi sửa' } }, vocab)]);
          expect(await titleIn()).toBe('Tên mới sau khi sửa');
          await index.remove([target.id]);
          expect(await titleIn()).toBeUndefined();
        } finally {
          await index.upsert([docOf.get(target.id)!]);
        }
        expect(await titleIn()).toBe(target.title.vi);
      });
    });

    describe('harvesting (OAI-PMH): by datestamp, with tombstones', () => {
      const harvest = (viewer: Viewer, extra: Partial<ListQuery> = {}) => ({ viewer, sort: 'modified-asc' as const, tombstones: true, ...extra });

      it('lists a withdrawn public record as deleted, and never a withdrawn restricted one', async () => {
        const { entries, pages } = await walk(index, harvest(ANONYMOUS), [6]);
        expect(sorted(entries.map((e) => e.id))).toEqual(sorted(harvestable(ANONYMOUS).map((r) => r.id)));
        const tombstone = entries.find((e) => e.id === crafted.tombstone.id)!;
        expect(tombstone.deleted).toBe(true);
        expect(tombstone.modified).toBe(iso(modified.get(crafted.tombstone.id)!));
        expect(entries.filter((e) => e.deleted).map((e) => e.id)).toEqual([crafted.tombstone.id]);
        for (const never of [crafted.withdrawnCommunity, crafted.draft, crafted.community, bySlug('truyen-co-xo-dang')]) expect(entries.map((e) => e.id)).not.toContain(never.id);
        expect(new Set(pages.map((p) => p.total))).toEqual(new Set([harvestable(ANONYMOUS).length]));
        // Without `tombstones`, a withdrawn record is not listed at all; a member's harvest never shows the withdrawn community record.
        expect((await all(ANONYMOUS, { sort: 'modified-asc' })).entries.map((e) => e.id)).not.toContain(crafted.tombstone.id);
        const member = (await walk(index, harvest(viewers.coTuMember), [10])).entries;
        expect(member.map((e) => e.id)).toContain(crafted.community.id);
        expect(member.map((e) => e.id)).not.toContain(crafted.withdrawnCommunity.id);
        expect(member.find((e) => e.id === crafted.tombstone.id)!.deleted).toBe(true);
      });

      it('keeps to a from/until range, both ends included', async () => {
        const from = modified.get(bySlug('chieng-cong-co').id)!;
        const until = modified.get(crafted.withdrawnCommunity.id)!;
        const inRange = (r: HeritageRecord) => modified.get(r.id)! >= from && modified.get(r.id)! <= until;
        const expected = harvestable(ANONYMOUS).filter(inRange);
        expect(expected.map((r) => r.id)).toContain(bySlug('chieng-cong-co').id);
        expect(expected.map((r) => r.id)).toContain(crafted.tombstone.id);
        for (const limits of [[1000], [4]]) {
          const { entries, pages } = await walk(index, harvest(ANONYMOUS, { modified: { from: iso(from), until: iso(until) } }), limits);
          expect(sorted(entries.map((e) => e.id))).toEqual(sorted(expected.map((r) => r.id)));
          expect(pages[0]!.total).toBe(expected.length);
          expect(entries.map((e) => Date.parse(e.modified!))).toEqual(expected.map((r) => modified.get(r.id)!).sort((a, b) => a - b));
        }
        // The last millisecond counts: a range that ends just before a record's time leaves it out.
        const before = await walk(index, harvest(ANONYMOUS, { modified: { from: iso(from + 1), until: iso(modified.get(crafted.tombstone.id)! - 1) } }), [1000]);
        expect(before.entries.map((e) => e.id)).not.toContain(bySlug('chieng-cong-co').id);
        expect(before.entries.map((e) => e.id)).not.toContain(crafted.tombstone.id);
        const only = await index.list({ ...harvest(ANONYMOUS, { modified: { from: iso(modified.get(crafted.tombstone.id)!), until: iso(modified.get(crafted.tombstone.id)!) } }), limit: 10 });
        expect(only.entries.map((e) => [e.id, e.deleted])).toEqual([[crafted.tombstone.id, true]]);
        expect(only.next).toBeUndefined();
      });

      it('delivers records that share a datestamp across a page boundary once each', async () => {
        const tied = docs.filter((d) => d.modified === iso(T0 + (TIED[0]! + 1) * HOUR)).map((d) => d.id);
        expect(tied.filter((id) => maySeeRecord(ANONYMOUS, byId.get(id)!))).toHaveLength(3);
        for (const limit of [1, 2, 3, 4, 5]) {
          const { ids, pages } = await walk(index, harvest(ANONYMOUS), [limit]);
          expect(sorted(ids), `limit ${limit}`).toEqual(sorted(harvestable(ANONYMOUS).map((r) => r.id)));
          expect(new Set(ids).size).toBe(ids.length);
          expect(new Set(pages.map((p) => p.total)), `limit ${limit}`).toEqual(new Set([ids.length]));
        }
      });

      // The next page after the change may be the last (here with a large page), or one of several.
      it.each([[[5]], [[5, 1000]]])('neither skips nor loses a record changed during a harvest: it comes again later in the walk (pages of %j)', async (limits) => {
        const latest = Math.max(...modified.values());
        const changed: string[] = [];
        try {
          const { entries } = await walk(index, harvest(ANONYMOUS), limits, async (page, n) => {
            if (n !== 1) return;
            // The last record of this page (the one the cursor stands on) and one not delivered yet both change.
            const delivered = page.entries.at(-1)!.id;
            const pending = visibleTo(ANONYMOUS).find((r) => !page.entries.some((e) => e.id === r.id) && modified.get(r.id)! < latest)!.id;
            changed.push(delivered, pending);
            await index.upsert(changed.map((id, k) => toSearchDocument(byId.get(id)!, vocab, {}, { modified: iso(latest + (k + 1) * HOUR) })));
          });
          const ids = entries.map((e) => e.id);
          const [delivered, pending] = changed as [string, string];
          expect(sorted([...new Set(ids)])).toEqual(sorted(harvestable(ANONYMOUS).map((r) => r.id)));
          // The changed records come last, in the order they changed, at their new datestamps.
          expect(entries.slice(-2).map((e) => [e.id, e.modified])).toEqual([
            [delivered, iso(latest + HOUR)],
            [pending, iso(latest + 2 * HOUR)],
          ]);
          expect(ids.filter((id) => id === delivered)).toHaveLength(2);
          expect(ids.filter((id) => id === pending)).toHaveLength(1);
          expect(ids.length).toBe(harvestable(ANONYMOUS).length + 1);
        } finally {
          await index.upsert(docs.filter((d) => changed.includes(d.id)));
        }
        // Put back as they were.
        expect((await all(ANONYMOUS, { sort: 'modified-desc' })).entries[0]!.modified).not.toBe(iso(latest + 2 * HOUR));
      });
    });
  });
}
