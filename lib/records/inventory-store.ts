/**
 * The province's inventory of festivals and customs. It starts as
 * content/inventory.json; once an admin edits it, the edited list lives in
 * the store (system/inventory.json), so it is backed up with the archive,
 * and every earlier list is kept (system/inventory-history/<time>.json).
 */
import { z } from 'zod';
import { NotFoundError, getJson, type ObjectStore } from '../storage';
import { InventoryElement, type Vocabularies } from './vocabularies';

const KEY = 'system/inventory.json';
const Inventory = z.array(InventoryElement);

export async function loadInventory(store: ObjectStore, vocab: Vocabularies): Promise<InventoryElement[]> {
  try {
    return Inventory.parse(await getJson(store, KEY));
  } catch (error) {
    if (error instanceof NotFoundError) return vocab.inventory;
    throw error;
  }
}

/** Adds an element or replaces the one with the same id. */
export async function saveInventoryElement(store: ObjectStore, vocab: Vocabularies, element: z.input<typeof InventoryElement>): Promise<InventoryElement[]> {
  const parsed = InventoryElement.parse(element);
  const current = await loadInventory(store, vocab);
  const next = current.some((e) => e.id === parsed.id) ? current.map((e) => (e.id === parsed.id ? parsed : e)) : [...current, parsed];
  await write(store, current, next);
  return next;
}

export async function removeInventoryElement(store: ObjectStore, vocab: Vocabularies, id: string): Promise<InventoryElement[]> {
  const current = await loadInventory(store, vocab);
  const next = current.filter((e) => e.id !== id);
  await write(store, current, next);
  return next;
}

async function write(store: ObjectStore, previous: InventoryElement[], next: InventoryElement[]): Promise<void> {
  // The list being replaced is kept first: an edit never loses the previous inventory.
  await store.putIfAbsent(`system/inventory-history/${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify(previous, null, 2), { contentType: 'application/json' });
  await store.put(KEY, JSON.stringify(next, null, 2), { contentType: 'application/json' });
}
