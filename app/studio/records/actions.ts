'use server';
/**
 * Server actions of the record editor. Next.js checks that actions come from
 * the site's own origin; the workflow checks who may do what.
 */
import { redirect } from 'next/navigation';
import { RecordConflictError, RecordValidationError, SlugTakenError } from '@/lib/records/errors';
import { validateRecordForm, type FormErrors } from '@/lib/studio/record-form';
import { getArchive } from '@/lib/server/archive';
import { getWorkflow, requireActor } from '@/lib/server/workflow';
import { ForbiddenError, TransitionError, type Transition } from '@/lib/workflow/transitions';

export interface EditorState {
  errors?: FormErrors;
  message?: string;
  /** What was submitted, so a form with errors keeps the person's work. */
  values?: Record<string, string[]>;
  attempt?: number;
}

function valuesOf(form: FormData): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [key, value] of form.entries()) if (typeof value === 'string' && !key.startsWith('$')) (values[key] ??= []).push(value);
  return values;
}

function explain(error: unknown): Pick<EditorState, 'errors' | 'message'> {
  if (error instanceof RecordConflictError) return { message: 'Hồ sơ vừa được người khác sửa. Hãy tải lại trang và sửa lại. / Someone changed this record meanwhile: reload and edit again.' };
  if (error instanceof SlugTakenError) return { errors: { slug: `Đường dẫn này đã được hồ sơ ${error.ownerId} dùng` } };
  if (error instanceof ForbiddenError || error instanceof TransitionError) return { message: error.message };
  if (error instanceof RecordValidationError) return { errors: Object.fromEntries(error.issues.map((i) => [i.path || 'form', i.message])) };
  throw error;
}

export async function saveRecord(previous: EditorState, form: FormData): Promise<EditorState> {
  const actor = await requireActor();
  const attempt = (previous.attempt ?? 0) + 1;
  const values = valuesOf(form);
  const result = validateRecordForm(form, getArchive().vocab, 'vi');
  if (!result.ok) return { errors: result.errors, values, attempt, message: 'Hồ sơ chưa lưu: hãy sửa các ô được đánh dấu. / Not saved: please correct the marked fields.' };
  const id = String(form.get('id') ?? '');
  let savedId: string;
  try {
    const saved = id
      ? await getWorkflow().edit(actor, id, { expectedVersion: Number(form.get('version')), body: result.body })
      : await getWorkflow().create(actor, { body: result.body });
    savedId = saved.record.id;
  } catch (error) {
    return { ...explain(error), values, attempt };
  }
  redirect(`/studio/records/${savedId}?saved=1`);
}

export async function changeStatus(form: FormData): Promise<void> {
  const actor = await requireActor();
  const id = String(form.get('id'));
  const transition = String(form.get('transition')) as Transition;
  try {
    await getWorkflow().transition(actor, id, transition, Number(form.get('version')), String(form.get('comment') ?? '') || undefined);
  } catch (error) {
    const { message } = explain(error);
    redirect(`/studio/records/${id}?error=${encodeURIComponent(message ?? 'error')}`);
  }
  redirect(`/studio/records/${id}?done=${transition}`);
}

export async function restoreVersion(form: FormData): Promise<void> {
  const actor = await requireActor();
  const id = String(form.get('id'));
  try {
    await getWorkflow().restoreVersion(actor, id, Number(form.get('from')), Number(form.get('version')));
  } catch (error) {
    const { message } = explain(error);
    redirect(`/studio/records/${id}?error=${encodeURIComponent(message ?? 'error')}`);
  }
  redirect(`/studio/records/${id}?done=restore-version`);
}

/** Moves a file up or down, sets the poster, or removes a file from the next version (earlier versions keep it). */
export async function arrangeMedia(form: FormData): Promise<void> {
  const actor = await requireActor();
  const id = String(form.get('id'));
  const path = String(form.get('path'));
  const op = String(form.get('op'));
  const { records } = getArchive();
  try {
    const current = await records.require(id);
    const order = current.record.media.map((m) => m.path);
    const at = order.indexOf(path);
    const input: Parameters<ReturnType<typeof getWorkflow>['edit']>[2] = { expectedVersion: Number(form.get('version')) };
    if (op === 'up' || op === 'down') {
      const to = op === 'up' ? at - 1 : at + 1;
      if (at < 0 || to < 0 || to >= order.length) redirect(`/studio/records/${id}`);
      [order[at], order[to]] = [order[to]!, order[at]!];
      input.mediaOrder = order;
      input.message = `Sắp xếp lại tệp (${path.slice('files/'.length)})`;
    } else if (op === 'poster') {
      input.poster = path;
      input.message = `Ảnh đại diện: ${path.slice('files/'.length)}`;
    } else if (op === 'remove') {
      input.removeFiles = [path, ...current.record.media.filter((m) => m.of === path).map((m) => m.path)];
      if (current.record.poster === path) input.poster = null;
      input.message = `Bỏ tệp ${path.slice('files/'.length)} khỏi phiên bản mới`;
    }
    await getWorkflow().edit(actor, id, input);
  } catch (error) {
    if (error instanceof Error && 'digest' in error) throw error; // Next's redirect signal
    const { message, errors } = explain(error);
    redirect(`/studio/records/${id}?error=${encodeURIComponent(message ?? Object.values(errors ?? {}).join('; '))}`);
  }
  redirect(`/studio/records/${id}?saved=1`);
}
