'use server';
import { redirect } from 'next/navigation';
import { ImportRefused, runImport, stageImport } from '@/lib/studio/bulk-import';
import { getArchive } from '@/lib/server/archive';
import { requireActor } from '@/lib/server/workflow';

/**
 * What the person reads when an import cannot go on: our refusals as they
 * are (Vietnamese / English, no server path); anything else is our fault,
 * logged here and shown in general words, never its message or stack.
 */
function shownError(error: unknown): string {
  if (error instanceof ImportRefused) return error.message;
  console.error('studio import failed', error);
  return 'Không nhập được do lỗi máy chủ; hãy thử lại sau / The import failed on the server; try again later';
}

/** Stages the CSV and zip (the permission is checked before anything is written), then shows the dry run. */
export async function checkImport(form: FormData): Promise<void> {
  const actor = await requireActor();
  const csv = form.get('csv');
  const zip = form.get('zip');
  if (!(csv instanceof File) || csv.size === 0) redirect('/studio/import?error=csv');
  let id: string;
  try {
    id = await stageImport(getArchive(), actor, csv, zip instanceof File ? zip : undefined);
    await runImport(getArchive(), actor, id, true);
  } catch (error) {
    redirect(`/studio/import?error=${encodeURIComponent(shownError(error).slice(0, 300))}`);
  }
  redirect(`/studio/import/${id}`);
}

/** Runs the checked import for real, from the same staged files (only the person who staged them may). */
export async function confirmImport(form: FormData): Promise<void> {
  const actor = await requireActor();
  const id = String(form.get('id'));
  try {
    await runImport(getArchive(), actor, id, false);
  } catch (error) {
    redirect(`/studio/import?error=${encodeURIComponent(shownError(error).slice(0, 300))}`);
  }
  redirect(`/studio/import/${id}`);
}
