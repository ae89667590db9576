'use server';
import { redirect } from 'next/navigation';
import { runImport, stageImport } from '@/lib/studio/bulk-import';
import { getArchive } from '@/lib/server/archive';
import { requireActor } from '@/lib/server/workflow';

/** Stages the CSV and zip, then shows the dry run. */
export async function checkImport(form: FormData): Promise<void> {
  const actor = await requireActor();
  const csv = form.get('csv');
  const zip = form.get('zip');
  if (!(csv instanceof File) || csv.size === 0) redirect('/studio/import?error=csv');
  let id: string;
  try {
    id = await stageImport(getArchive(), csv, zip instanceof File ? zip : undefined);
    await runImport(getArchive(), actor, id, true);
  } catch (error) {
    redirect(`/studio/import?error=${encodeURIComponent((error as Error).message.slice(0, 200))}`);
  }
  redirect(`/studio/import/${id}`);
}

/** Runs the checked import for real, from the same staged files. */
export async function confirmImport(form: FormData): Promise<void> {
  const actor = await requireActor();
  const id = String(form.get('id'));
  await runImport(getArchive(), actor, id, false);
  redirect(`/studio/import/${id}`);
}
