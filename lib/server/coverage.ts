/** Coverage of the inventory computed from every record in storage (restricted ones count, anonymously). */
import 'server-only';
import { listAllRecords } from '../records/catalog';
import { computeCoverage, type Coverage } from '../records/coverage';
import { loadInventory } from '../records/inventory-store';
import type { HeritageRecord } from '../records/schema';
import { getArchive } from './archive';

/** Coverage of the given records (all of them, restricted included), or of everything in storage. */
export async function currentCoverage(all?: HeritageRecord[]): Promise<Coverage> {
  const { records, vocab, store } = getArchive();
  const inventory = await loadInventory(store, vocab);
  return computeCoverage({ ...vocab, inventory }, all ?? (await listAllRecords(records)).map((s) => s.record));
}
