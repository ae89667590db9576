import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { readVisible } from '@/lib/access/reader';
import { editorMap, editorVocab } from '@/lib/studio/editor-vocab';
import { recordToValues } from '@/lib/studio/record-form';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { RecordEditor } from '../../record-editor';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sửa hồ sơ', robots: { index: false } };

export default async function EditRecordPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect(`/studio/login?next=/studio/records/${id}/edit`);
  const read = await readVisible(getArchive().records, viewer, id);
  if (!read.ok) notFound();
  const { stored } = read;
  if (!mayPerform(viewer, 'edit', stored.record)) redirect(`/studio/records/${id}?error=${encodeURIComponent('Bạn không sửa được hồ sơ ở trạng thái này / You cannot edit this record now')}`);
  return (
    <div className="max-w-3xl">
      <h1 className="mb-4 text-2xl font-semibold">Sửa: {stored.record.title.vi}</h1>
      {/* The form shows this version; on save, the fields it does not show are kept from this same version. */}
      <RecordEditor id={id} version={stored.head} initial={recordToValues(stored.record)} vocab={editorVocab(getArchive().vocab)} map={editorMap(getArchive().vocab, getArchive().config.map)} />
    </div>
  );
}
