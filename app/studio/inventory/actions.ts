'use server';
import { redirect } from 'next/navigation';
import { ZodError } from 'zod';
import { mayPerform } from '@/lib/access/policy';
import { removeInventoryElement, saveInventoryElement } from '@/lib/records/inventory-store';
import { AuditLog } from '@/lib/workflow/audit';
import { getArchive } from '@/lib/server/archive';
import { requireActor } from '@/lib/server/workflow';

const list = (form: FormData, name: string) => form.getAll(name).map(String).filter(Boolean);
const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim() || undefined;

export async function saveElement(form: FormData): Promise<void> {
  const actor = await requireActor();
  if (!mayPerform(actor.viewer, 'edit-inventory')) redirect('/studio/inventory?error=forbidden');
  const { store, vocab } = getArchive();
  const id = text(form, 'id');
  try {
    await saveInventoryElement(store, vocab, {
      id: id ?? '',
      name: { vi: text(form, 'name.vi') ?? '', en: text(form, 'name.en') ?? '' },
      type: text(form, 'type') as never,
      ethnicGroups: list(form, 'ethnicGroups'),
      districts: list(form, 'districts'),
      nationalListing: text(form, 'nationalListing'),
    });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    redirect(`/studio/inventory?error=${encodeURIComponent(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))}`);
  }
  await new AuditLog(store).append({ actor: actor.name, action: 'inventory-save', address: actor.address, detail: { element: id } });
  redirect('/studio/inventory?saved=1');
}

export async function removeElement(form: FormData): Promise<void> {
  const actor = await requireActor();
  if (!mayPerform(actor.viewer, 'edit-inventory')) redirect('/studio/inventory?error=forbidden');
  const { store, vocab } = getArchive();
  const id = String(form.get('id'));
  await removeInventoryElement(store, vocab, id);
  await new AuditLog(store).append({ actor: actor.name, action: 'inventory-remove', address: actor.address, detail: { element: id } });
  redirect('/studio/inventory?saved=1');
}
