import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { editorMap, editorVocab } from '@/lib/studio/editor-vocab';
import { newRecordValues } from '@/lib/studio/record-form';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { RecordEditor } from '../record-editor';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Hồ sơ mới', robots: { index: false } };

export default async function NewRecordPage() {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/records/new');
  if (!mayPerform(viewer, 'create')) return <p>Tài khoản của bạn không tạo được hồ sơ. / Your account cannot create records.</p>;
  const { vocab, config } = getArchive();
  return (
    <div className="max-w-3xl">
      <h1 className="mb-4 text-2xl font-semibold">Hồ sơ mới</h1>
      {/* Starts at the most protective access this officer may give; making it public is their explicit choice. */}
      <RecordEditor initial={newRecordValues(viewer)} vocab={editorVocab(vocab)} map={editorMap(vocab, config.map)} />
    </div>
  );
}
