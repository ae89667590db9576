/**
 * "Related records" for a record page: the few records that share the most
 * with it. Plain weighted overlap, no learning: a curator can read why two
 * records are shown together.
 *
 * Documents (laws, decrees, plans) are related differently: to other
 * documents by kind, issuer and subject, and to heritage records only
 * through subjects. They list every ethnic group a policy applies to, so
 * relating them by community would tie each decree to every festival.
 *
 * Candidates are taken as given: the caller passes only records the viewer
 * may see. On a record page they come from relatedFromIndex: a few small
 * list queries of the search index, one per thing two records can share
 * (inventory element, community, place, subjects, type…), each asked for
 * what the viewer may see and a dozen records at most, merged and scored
 * here. The cost is the same at 40 records and at 100,000.
 */
import type { Viewer } from '../access/policy';
import type { Facet, SearchIndex } from '../search/types';
import { RECORD_TYPES, type HeritageRecord } from '../records/schema';

/** Why weights differ: the same inventory element is the same heritage; a shared community matters more than a shared subject. */
const WEIGHTS = {
  inventoryElement: 6,
  ethnicGroup: 3,
  subject: 2,
  type: 2,
  district: 1,
  documentKind: 2,
  documentIssuer: 2,
} as const;

function shared<T>(a: readonly T[], b: readonly T[]): number {
  const set = new Set(a);
  return new Set(b.filter((x) => set.has(x))).size;
}

const districts = (r: HeritageRecord) => r.places.map((p) => p.district);

/** How much two records have in common; 0 means unrelated. */
export function relatedness(a: HeritageRecord, b: HeritageRecord): number {
  const subjects = shared(a.subjects, b.subjects) * WEIGHTS.subject;
  if (a.document && b.document) {
    return (
      subjects +
      (a.document.kind === b.document.kind ? WEIGHTS.documentKind : 0) +
      (a.document.issuer.vi === b.document.issuer.vi ? WEIGHTS.documentIssuer : 0)
    );
  }
  if (a.document || b.document) return subjects;
  return (
    subjects +
    (a.inventoryElement && a.inventoryElement === b.inventoryElement ? WEIGHTS.inventoryElement : 0) +
    shared(a.ethnicGroups, b.ethnicGroups) * WEIGHTS.ethnicGroup +
    (a.type === b.type ? WEIGHTS.type : 0) +
    shared(districts(a), districts(b)) * WEIGHTS.district
  );
}

const collator = new Intl.Collator('vi');

/** The `limit` records most related to `target`, best first; ties by Vietnamese title, then id, so the list is stable. */
export function relatedRecords(target: HeritageRecord, candidates: readonly HeritageRecord[], limit = 4): HeritageRecord[] {
  const seen = new Set<string>([target.id]);
  const scored: { record: HeritageRecord; score: number }[] = [];
  for (const record of candidates) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const score = relatedness(target, record);
    if (score > 0) scored.push({ record, score });
  }
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      collator.compare(a.record.title.vi, b.record.title.vi) ||
      (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0),
  );
  return scored.slice(0, Math.max(0, limit)).map((s) => s.record);
}

/** Candidates per similarity query: enough to fill four cards from each angle, few enough to cost nothing. */
export const CANDIDATES_PER_QUERY = 12;

type Filters = Partial<Record<Facet, string[]>>;

const HERITAGE_TYPES = RECORD_TYPES.filter((t) => t !== 'document');

/**
 * The list queries whose answers hold the records most related to `target`: each names one thing the scoring
 * above rewards (the strongest first). Heritage records ask among heritage records (documents list every
 * community, and would fill the community and place queries); documents ask among documents by kind and issuer,
 * and among everything by subject.
 */
export function similarityFilters(target: HeritageRecord): Filters[] {
  const queries: Filters[] = [];
  const subjects = [...new Set(target.subjects)];
  if (target.document) {
    queries.push({ type: ['document'], documentKind: [target.document.kind], issuer: [target.document.issuer.vi] });
    queries.push({ type: ['document'], documentKind: [target.document.kind] });
    queries.push({ type: ['document'], issuer: [target.document.issuer.vi] });
    if (subjects.length) queries.push({ subject: subjects });
    return queries;
  }
  const heritage = { type: HERITAGE_TYPES as string[] };
  const groups = [...new Set(target.ethnicGroups)];
  const districts = [...new Set(target.places.map((p) => p.district))];
  if (target.inventoryElement) queries.push({ ...heritage, element: [target.inventoryElement] });
  if (groups.length) queries.push({ type: [target.type], ethnicGroup: groups });
  if (groups.length) queries.push({ ...heritage, ethnicGroup: groups });
  if (districts.length) queries.push({ ...heritage, district: districts });
  if (subjects.length) queries.push({ subject: subjects });
  queries.push({ type: [target.type] });
  return queries;
}

/**
 * The `limit` records most related to `target` that the viewer may see: the candidates of similarityFilters'
 * queries (each answered by the engine for this viewer, as the public may read them), scored by relatedness.
 */
export async function relatedFromIndex(index: Pick<SearchIndex, 'list'>, viewer: Viewer, target: HeritageRecord, limit = 4): Promise<HeritageRecord[]> {
  if (limit <= 0) return [];
  const pages = await Promise.all(
    similarityFilters(target).map((filters) => index.list({ viewer, filters, sort: 'published-desc', limit: CANDIDATES_PER_QUERY + 1 })),
  );
  const candidates = pages.flatMap((page) => page.entries.filter((e) => !e.deleted && e.id !== target.id).map((e) => e.record));
  return relatedRecords(target, candidates, limit);
}
