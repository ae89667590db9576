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
 * may see.
 */
import type { HeritageRecord } from './schema';

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
