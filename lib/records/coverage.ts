/**
 * Coverage of the province's inventory of festivals and customs: which
 * elements are preserved as records and which are published, overall and
 * by community, district and type, against the province's targets
 * (80% preserved by 2023, 100% by 2025).
 *
 * Counts are per inventory element, never per record: an element preserved
 * only in a restricted record counts as preserved without revealing the record.
 */
import { ANONYMOUS, maySeeRecord } from '../access/policy';
import type { HeritageRecord } from './schema';
import type { Vocabularies } from './vocabularies';

export type ElementState = 'not-recorded' | 'recorded' | 'published';

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

function figures(states: ElementState[]): CoverageFigures {
  const published = states.filter((s) => s === 'published').length;
  const recorded = states.filter((s) => s === 'recorded').length;
  const pct = (n: number) => (states.length ? Math.round((1000 * n) / states.length) / 10 : 0);
  return { total: states.length, recorded, published, preservedPercent: pct(recorded + published), publishedPercent: pct(published) };
}

export function computeCoverage(vocab: Vocabularies, records: HeritageRecord[]): Coverage {
  const stateOf = new Map<string, ElementState>();
  for (const record of records) {
    if (!record.inventoryElement || record.status === 'withdrawn') continue;
    const state: ElementState = maySeeRecord(ANONYMOUS, record) ? 'published' : 'recorded';
    if (stateOf.get(record.inventoryElement) !== 'published') stateOf.set(record.inventoryElement, state);
  }
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
