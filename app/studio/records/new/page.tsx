import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { editorMap, editorVocab } from '@/lib/studio/editor-vocab';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { RecordEditor } from '../record-editor';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Hồ sơ mới', robots: { index: false } };

export default async function NewRecordPage() {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/records/new');
  if (!mayPerform(viewer, 'create')) return <p>Tài khoản của bạn không tạo được hồ sơ. / Your account cannot create records.</p>;
  return (
    <div className="max-w-3xl">
      <h1 className="mb-4 text-2xl font-semibold">Hồ sơ mới</h1>
      <RecordEditor initial={{ 'access.level': ['public'], 'heldIn.calendar': ['lunar'], 'rights.uri': ['http://rightsstatements.org/vocab/InC-EDU/1.0/'], languages: ['vie'] }} vocab={editorVocab(getArchive().vocab)} map={editorMap(getArchive().vocab, getArchive().config.map)} />
    </div>
  );
}
