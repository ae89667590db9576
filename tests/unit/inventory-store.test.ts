import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadInventory, removeInventoryElement, saveInventoryElement } from '@/lib/records/inventory-store';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
let temp: TempArchive;
beforeEach(async () => {
  temp = await tempArchive();
});
afterEach(async () => temp.cleanup());

describe('editable inventory', () => {
  it('starts from content/, keeps edits in the store, and never loses the previous list', async () => {
    expect(await loadInventory(temp.store, vocab)).toEqual(vocab.inventory);
    const element = { id: 'le-cung-rung-thu-nghiem', name: { vi: 'Lễ cúng rừng', en: 'Forest offering' }, type: 'ritual' as const, ethnicGroups: ['co-tu'] };
    const added = await saveInventoryElement(temp.store, vocab, element);
    expect(added).toHaveLength(vocab.inventory.length + 1);
    expect(await loadInventory(temp.store, vocab)).toEqual(added);
    const renamed = await saveInventoryElement(temp.store, vocab, { ...element, name: { vi: 'Lễ cúng rừng thiêng', en: 'Sacred forest offering' } });
    expect(renamed).toHaveLength(added.length);
    const removed = await removeInventoryElement(temp.store, vocab, vocab.inventory[0]!.id);
    expect(removed.some((e) => e.id === vocab.inventory[0]!.id)).toBe(false);
    expect((await temp.keys('system/inventory-history/')).length).toBe(3);
    await expect(saveInventoryElement(temp.store, vocab, { ...element, id: 'Bad Id' })).rejects.toThrow();
  });
});
