'use server';
/**
 * Server actions of the record editor. proxy.ts and requireActor refuse any
 * that do not come from our own pages; records are read through the
 * viewer-scoped reader, and the workflow checks who may do what.
 */
import { redirect } from 'next/navigation';
import { readVisible } from '@/lib/access/reader';
import { RecordConflictError, RecordValidationError, SlugTakenError } from '@/lib/records/errors';
import { bilingual } from '@/lib/http/errors';
import { RecordBody } from '@/lib/records/schema';
import { accessProblem, fieldFor, validateRecordForm, type FormErrors, type RowMap } from '@/lib/studio/record-form';
import { getArchive } from '@/lib/server/archive';
import { getWorkflow, requireActor } from '@/lib/server/workflow';
import { ForbiddenError, TransitionError, type Actor, type Transition } from '@/lib/workflow/transitions';

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

function explain(error: unknown, rows: RowMap = { places: [], people: [] }): Pick<EditorState, 'errors' | 'message'> {
  if (error instanceof RecordConflictError) return { message: bilingual(error.text) };
  if (error instanceof SlugTakenError) return { errors: { slug: error.text.vi } };
  if (error instanceof ForbiddenError || error instanceof TransitionError) return { message: error.message };
  if (error instanceof RecordValidationError) return { errors: Object.fromEntries(error.issues.map((i) => [fieldFor(i.path ? i.path.split('.') : [], rows), i.message])) };
  throw error;
}

/** The stored version an edit form was made from, as a body: the fields the form does not show are kept from it. */
async function formBase(id: string, version: number, actor: Actor): Promise<RecordBody | string> {
  // Permission follows the head (readVisible); the body comes from the version the form was made from.
  const read = Number.isInteger(version) ? await readVisible(getArchive().records, actor.viewer, id, 'edit', version) : undefined;
  if (!read?.ok) return 'Không sửa được hồ sơ này (không tìm thấy hoặc bạn không có quyền). / This record cannot be edited.';
  return RecordBody.parse(read.stored.record);
}

export async function saveRecord(previous: EditorState, form: FormData): Promise<EditorState> {
  const actor = await requireActor();
  const attempt = (previous.attempt ?? 0) + 1;
  const values = valuesOf(form);
  const id = String(form.get('id') ?? '');
  const expectedVersion = Number(form.get('version'));
  const base = id ? await formBase(id, expectedVersion, actor) : undefined;
  if (typeof base === 'string') return { message: base, values, attempt };
  const result = validateRecordForm(form, getArchive().vocab, 'vi', base);
  const errors = result.ok ? accessProblem(actor.viewer, result.body) : result.errors;
  if (!result.ok || errors) return { errors, values, attempt, message: 'Hồ sơ chưa lưu: hãy sửa các ô được đánh dấu dưới đây. / Not saved: please correct the marked fields.' };
  let savedId: string;
  try {
    const saved = id ? await getWorkflow().edit(actor, id, { expectedVersion, body: result.body }) : await getWorkflow().create(actor, { body: result.body });
    savedId = saved.record.id;
  } catch (error) {
    return { ...explain(error, result.rows), values, attempt };
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
  try {
    const read = await readVisible(getArchive().records, actor.viewer, id, 'edit');
    if (!read.ok) redirect(`/studio/records/${id}?error=${encodeURIComponent('Bạn không sửa được hồ sơ này / You may not edit this record')}`);
    const current = read.stored;
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
