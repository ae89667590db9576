/** Coverage of the inventory computed from every record in storage (restricted ones count, anonymously). */
import 'server-only';
import { computeCoverage, type Coverage } from '../records/coverage';
import { loadInventory } from '../records/inventory-store';
import type { HeritageRecord } from '../records/schema';
import { getArchive } from './archive';

export async function currentCoverage(): Promise<Coverage> {
  const { records, vocab, store } = getArchive();
  const inventory = await loadInventory(store, vocab);
  const all: HeritageRecord[] = [];
  for await (const id of records.ids()) {
    const stored = await records.get(id).catch(() => undefined);
    if (stored) all.push(stored.record);
  }
  return computeCoverage({ ...vocab, inventory }, all);
}
