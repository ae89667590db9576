/**
 * Coverage of the province's inventory of festivals and customs: which
 * elements are preserved as records and which are published, overall and
 * by community, district and type, against the province's targets
 * (80% preserved by 2023, 100% by 2025).
 *
 * Counts are per inventory element, never per record: an element preserved
 * only in a restricted record counts as preserved (for staff) without
 * revealing the record.
 *
 * Two ways to the same figures:
 *   - coverageFromIndex: aggregations of the search index (the element facet
 *     of a few list queries, counted in the engine). Every request uses this:
 *     it costs the same at 40 records and at 100,000.
 *   - computeCoverage: from records read out of storage, the truth the index
 *     is rebuilt from. Only the explicit *audit* (an admin's `?audit=1`,
 *     tests) reads every record; it shows where the index disagrees.
 *
 * Two audiences: staff figures count every record the archive keeps
 * (restricted and unpublished ones too); public figures count only records
 * whose access level is public (a draft of a public record counts as
 * recorded, a community-restricted or sign-in-only record not at all).
 * An element is published, for both, when a record of it is open to everyone.
 */
import { ANONYMOUS, maySeeRecord, type Viewer } from '../access/policy';
import type { Facet, SearchIndex } from '../search/types';
import type { HeritageRecord, RecordStatus } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';

export type ElementState = 'not-recorded' | 'recorded' | 'published';

/** Staff: every record kept, restricted included. Public: records of public access level only. */
export type CoverageAudience = 'staff' | 'public';

export interface CoverageFigures {
  total: number;
  recorded: number;
  published: number;
  /** Share of elements preserved as at least one record (recorded or published), in percent. */
  preservedPercent: number;
  publishedPercent: number;
}

export interface Coverage {
  overall: CoverageFigures;
  byCommunity: Record<string, CoverageFigures>;
  byDistrict: Record<string, CoverageFigures>;
  byType: Record<string, CoverageFigures>;
  elements: { id: string; name: { vi: string; en: string }; type: string; state: ElementState; ethnicGroups: string[]; districts: string[] }[];
  targets: { year: number; preservedPercent: number }[];
}

export const PROVINCE_TARGETS = [
  { year: 2023, preservedPercent: 80 },
  { year: 2025, preservedPercent: 100 },
];

/** Statuses whose records preserve an element (a withdrawn record no longer does). */
const PRESERVING: RecordStatus[] = ['draft', 'submitted', 'published'];

function figures(states: ElementState[]): CoverageFigures {
  const published = states.filter((s) => s === 'published').length;
  const recorded = states.filter((s) => s === 'recorded').length;
  const pct = (n: number) => (states.length ? Math.round((1000 * n) / states.length) / 10 : 0);
  return { total: states.length, recorded, published, preservedPercent: pct(recorded + published), publishedPercent: pct(published) };
}

/** The figures of the inventory, given the state of each element that has records (the rest are not recorded). */
export function coverageOf(vocab: Pick<Vocabularies, 'inventory'>, stateOf: ReadonlyMap<string, ElementState>): Coverage {
  const elements = vocab.inventory.map((e) => ({
    id: e.id,
    name: e.name,
    type: e.type,
    state: stateOf.get(e.id) ?? ('not-recorded' as const),
    ethnicGroups: e.ethnicGroups,
    districts: e.districts,
  }));
  const group = (keysOf: (e: (typeof elements)[number]) => string[]) => {
    const buckets: Record<string, ElementState[]> = {};
    for (const e of elements) for (const key of keysOf(e)) (buckets[key] ??= []).push(e.state);
    return Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, figures(v)]));
  };
  return {
    overall: figures(elements.map((e) => e.state)),
    byCommunity: group((e) => e.ethnicGroups),
    byDistrict: group((e) => e.districts),
    byType: group((e) => [e.type]),
    elements,
    targets: PROVINCE_TARGETS,
  };
}

/** Coverage from records read out of storage (the audit; staff by default, as the studio always counted). */
export function computeCoverage(vocab: Pick<Vocabularies, 'inventory'>, records: HeritageRecord[], audience: CoverageAudience = 'staff'): Coverage {
  const stateOf = new Map<string, ElementState>();
  for (const record of records) {
    if (!record.inventoryElement || !PRESERVING.includes(record.status)) continue;
    if (audience === 'public' && record.access.level !== 'public') continue;
    const state: ElementState = maySeeRecord(ANONYMOUS, record) ? 'published' : 'recorded';
    if (stateOf.get(record.inventoryElement) !== 'published') stateOf.set(record.inventoryElement, state);
  }
  return coverageOf(vocab, stateOf);
}

/**
 * The viewer the staff figures are counted as: the archive's keeper, who passes every protocol (an admin's
 * access tokens). Only per-element aggregates leave this module, never a record.
 */
const KEEPER: Viewer = { kind: 'user', id: 'coverage', roles: ['admin'], communities: [] };

/**
 * Elements per query: a facet count lists every value of the elements asked for, well under any engine's
 * cap on facet values (Meilisearch's maxValuesPerFacet), however long the inventory grows.
 */
const ELEMENTS_PER_QUERY = 100;

/**
 * Coverage from the search index: per chunk of the inventory, two aggregations counted in the engine (no record
 * is read): the elements of records preserved (status draft, submitted or published; for the public, of public
 * access level), and the elements of records open to everyone (the anonymous viewer's list).
 */
export async function coverageFromIndex(index: Pick<SearchIndex, 'list'>, vocab: Pick<Vocabularies, 'inventory'>, audience: CoverageAudience): Promise<Coverage> {
  const ids = vocab.inventory.map((e) => e.id);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += ELEMENTS_PER_QUERY) chunks.push(ids.slice(i, i + ELEMENTS_PER_QUERY));
  const facets: Facet[] = ['element'];
  const answers = await Promise.all(
    chunks.map((element) =>
      Promise.all([
        index.list({ viewer: KEEPER, filters: { element, status: PRESERVING, ...(audience === 'public' ? { accessLevel: ['public'] } : {}) }, facets, limit: 0 }),
        index.list({ viewer: ANONYMOUS, filters: { element }, facets, limit: 0 }),
      ]),
    ),
  );
  const stateOf = new Map<string, ElementState>();
  for (const [preserved] of answers) for (const { value, count } of preserved.facets.element ?? []) if (count > 0) stateOf.set(value, 'recorded');
  for (const [, open] of answers) for (const { value, count } of open.facets.element ?? []) if (count > 0) stateOf.set(value, 'published');
  return coverageOf(vocab, stateOf);
}

/** Elements whose state differs between two computations (the audit: index against storage). */
export function coverageDifferences(index: Coverage, storage: Coverage): { id: string; name: { vi: string; en: string }; index: ElementState; storage: ElementState }[] {
  const fromIndex = new Map(index.elements.map((e) => [e.id, e.state]));
  return storage.elements.filter((e) => fromIndex.get(e.id) !== e.state).map((e) => ({ id: e.id, name: e.name, index: fromIndex.get(e.id) ?? 'not-recorded', storage: e.state }));
}
