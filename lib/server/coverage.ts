/**
 * Coverage of the inventory for the web server. Requests answer from the
 * search index's aggregations (lib/catalog/coverage.ts: coverageFromIndex),
 * at the same cost whatever the archive's size; the *audit* rebuilds the
 * figures from every record in storage (a whole-store scan: an admin's
 * explicit `?audit=1` only) and compares.
 */
import 'server-only';
import { listAllRecords } from '../catalog/catalog';
import { computeCoverage, coverageDifferences, coverageFromIndex, type Coverage, type CoverageAudience } from '../catalog/coverage';
import { loadInventory } from '../records/inventory-store';
import type { HeritageRecord } from '../records/schema';
import { getArchive } from './archive';
import { getSearchIndex } from './search';

export type { CoverageAudience } from '../catalog/coverage';

async function inventory() {
  const { vocab, store } = getArchive();
  return { ...vocab, inventory: await loadInventory(store, vocab) };
}

/**
 * Coverage from the search index, for the public (the default, the least revealing: records of public access
 * level only; the home page, the API) or for staff (every record kept, restricted included: the studio, which
 * asks for it by name). Passing records (a list already read) computes from them instead, as before; nothing
 * should read storage for this any more.
 */
export async function currentCoverage(source: CoverageAudience | HeritageRecord[] = 'public'): Promise<Coverage> {
  const vocab = await inventory();
  if (Array.isArray(source)) return computeCoverage(vocab, source);
  return coverageFromIndex(await getSearchIndex(), vocab, source);
}

export interface CoverageAudit {
  /** Rebuilt from every record in storage: the truth. */
  storage: Coverage;
  /** What requests show, from the index. */
  index: Coverage;
  /** Elements whose state the index has wrong (empty when it agrees; else `npm run reindex`). */
  differences: ReturnType<typeof coverageDifferences>;
  records: number;
}

/** The audit: coverage rebuilt from storage (reads every record) beside the index's, for staff. */
export async function auditCoverage(audience: CoverageAudience = 'staff'): Promise<CoverageAudit> {
  const vocab = await inventory();
  const all = (await listAllRecords(getArchive().records)).map((s) => s.record); // store-scan: the coverage audit an admin asks for (?audit=1)
  const storage = computeCoverage(vocab, all, audience);
  const index = await coverageFromIndex(await getSearchIndex(), vocab, audience);
  return { storage, index, differences: coverageDifferences(index, storage), records: all.length };
}
