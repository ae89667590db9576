import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { readVisible } from '@/lib/access/reader';
import { listJobs } from '@/lib/jobs';
import { getArchive } from '@/lib/server/archive';
import { getDerivativeJobs } from '@/lib/server/jobs';
import { currentViewer } from '@/lib/server/auth';
import { diffRecords, type Transition } from '@/lib/workflow/transitions';
import { arrangeMedia, changeStatus, restoreVersion } from '../actions';
import { Uploader } from './uploader';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Hồ sơ', robots: { index: false } };

const STATUS: Record<string, string> = { draft: 'Bản nháp', submitted: 'Chờ duyệt', published: 'Đã công bố', withdrawn: 'Đã rút' };
const TRANSITIONS: { id: Transition; label: string; comment?: boolean }[] = [
  { id: 'submit', label: 'Gửi duyệt' },
  { id: 'publish', label: 'Công bố' },
  { id: 'return', label: 'Trả lại để sửa', comment: true },
  { id: 'withdraw', label: 'Rút hồ sơ', comment: true },
  { id: 'restore', label: 'Khôi phục công bố' },
];

export default async function StudioRecordPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ error?: string; done?: string; saved?: string }> }) {
  const { id } = await params;
  const { error, done, saved } = await searchParams;
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect(`/studio/login?next=/studio/records/${id}`);
  const { records } = getArchive();
  const read = await readVisible(records, viewer, id);
  if (!read.ok) notFound();
  const { stored } = read;
  const { record } = stored;
  // Earlier versions may hold text removed before publication: staff only (the same decision as the BagIt download).
  const mayReadHistory = mayPerform(viewer, 'view-history', record);
  const jobs = mayReadHistory ? listJobs(getDerivativeJobs().queue, { recordId: id }).filter((j) => record.media.some((m) => m.path === j.mediaPath && m.digest === j.digest)) : [];
  const history = mayReadHistory
    ? await Promise.all(
        stored.versions.map(async (v) => {
          const before = v.number > 1 ? (await records.get(id, v.number - 1))?.record : undefined;
          const after = (await records.get(id, v.number))!.record;
          return { ...v, changes: before ? diffRecords(before, after) : [] };
        }),
      )
    : [];
  return (
    <div className="max-w-3xl">
      <p className="text-sm">
        <Link href="/studio" className="underline">
          ← Studio
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold">{record.title.vi}</h1>
      <p className="text-sm text-ink/70" data-testid="record-status">
        {STATUS[record.status]} · phiên bản {stored.head} · mã {record.id}
      </p>
      {(saved || done) && <p className="mt-3 rounded border-l-4 border-moss bg-white p-3 text-sm" role="status">Đã lưu. / Saved.</p>}
      {error && <p className="mt-3 rounded border-l-4 border-madder bg-white p-3 text-sm" role="alert">{error}</p>}
      <div className="mt-4 flex flex-wrap gap-3">
        {mayPerform(viewer, 'edit', record) && (
          <Link href={`/studio/records/${id}/edit`} className="rounded border border-ink px-4 py-2 text-sm">
            Sửa hồ sơ
          </Link>
        )}
        <Link href={`/records/${id}/${record.slug}`} className="rounded border border-ink/30 px-4 py-2 text-sm">
          Xem trang hồ sơ
        </Link>
        {mayReadHistory && (
          <a href={`/studio/records/${id}/bag.zip`} className="rounded border border-ink/30 px-4 py-2 text-sm" download>
            Tải gói BagIt
          </a>
        )}
      </div>
      <div className="mt-4 grid gap-3">
        {TRANSITIONS.filter((t) => mayPerform(viewer, t.id, record)).map((t) => (
          <form key={t.id} action={changeStatus} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="id" value={id} />
            <input type="hidden" name="version" value={stored.head} />
            <input type="hidden" name="transition" value={t.id} />
            {t.comment && (
              <label className="grid gap-1 text-sm">
                Nhận xét
                <input name="comment" required={t.id === 'return'} className="rounded border border-ink/30 bg-white px-3 py-2" />
              </label>
            )}
            <button className="rounded bg-ink px-4 py-2 text-sm font-semibold text-bone">{t.label}</button>
          </form>
        ))}
      </div>
      {mayPerform(viewer, 'edit', record) && (
        <Uploader
          recordId={id}
          maxBytes={getArchive().config.uploadMaxBytes}
          timedMedia={record.media.filter((m) => m.kind === 'video' || m.kind === 'audio').map((m) => m.path.slice('files/'.length))}
        />
      )}
      {record.media.length > 0 && (
        <section className="mt-6">
          <h2 className="text-lg font-semibold">Tệp gốc</h2>
          <ul className="mt-2 grid gap-2 text-sm" data-testid="media-list">
            {record.media.map((m, i) => (
              <li key={m.path} className="flex flex-wrap items-center gap-2 border-b border-ink/10 pb-2">
                <span className="min-w-0 flex-1">
                  {m.path.slice('files/'.length)} · {m.type} · {Math.ceil(m.size / 1024)} KB · SHA-512 {m.digest.slice(0, 12)}…
                  {m.language && ` · ${m.language}`}
                  {m.of && ` · của ${m.of.slice('files/'.length)}`}
                  {record.poster === m.path && <strong> · ảnh đại diện</strong>}
                </span>
                {mayPerform(viewer, 'edit', record) && (
                  <form action={arrangeMedia} className="flex gap-1">
                    <input type="hidden" name="id" value={id} />
                    <input type="hidden" name="version" value={stored.head} />
                    <input type="hidden" name="path" value={m.path} />
                    {i > 0 && <button name="op" value="up" className="rounded border px-2" aria-label={`Đưa ${m.path.slice(6)} lên`}>↑</button>}
                    {i < record.media.length - 1 && <button name="op" value="down" className="rounded border px-2" aria-label={`Đưa ${m.path.slice(6)} xuống`}>↓</button>}
                    {m.kind === 'image' && record.poster !== m.path && <button name="op" value="poster" className="rounded border px-2">Đặt làm ảnh đại diện</button>}
                    <button name="op" value="remove" className="rounded border px-2 text-madder">Bỏ</button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {jobs.length > 0 && (
        <section className="mt-6" aria-label="Xử lý tư liệu">
          <h2 className="text-lg font-semibold">Xử lý tư liệu (ảnh cỡ nhỏ, video, âm thanh)</h2>
          <ul className="mt-2 grid gap-1 text-sm" data-testid="job-list">
            {jobs.map((j) => (
              <li key={j.id}>
                {j.mediaPath.slice('files/'.length)}:{' '}
                {j.state === 'done' ? 'xong' : j.state === 'failed' ? <span className="text-madder">lỗi – {j.error}</span> : j.state === 'running' ? `đang xử lý ${j.progress}%` : `đang chờ${j.attempts > 0 ? ` (thử lại, lần ${j.attempts + 1}/${j.maxAttempts})` : ''}`}
              </li>
            ))}
          </ul>
          {jobs.some((j) => j.state === 'queued' || j.state === 'running') && <meta httpEquiv="refresh" content="5" />}
        </section>
      )}
      {mayReadHistory && <h2 className="mt-8 text-lg font-semibold">Lịch sử phiên bản</h2>}
      <ol className="mt-2 grid gap-3 text-sm" data-testid="version-history">
        {history.reverse().map((v) => (
          <li key={v.number} className="rounded border border-ink/10 bg-white p-3">
            <p>
              <strong>v{v.number}</strong> · {v.created.slice(0, 16).replace('T', ' ')} · {v.user?.name} · {v.message}
            </p>
            {v.changes.length > 0 && (
              <ul className="mt-1 list-disc pl-5 text-xs text-ink/70">
                {v.changes.slice(0, 12).map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            )}
            {v.number < stored.head && mayPerform(viewer, 'edit', record) && (
              <form action={restoreVersion} className="mt-2">
                <input type="hidden" name="id" value={id} />
                <input type="hidden" name="version" value={stored.head} />
                <input type="hidden" name="from" value={v.number} />
                <button className="text-xs underline">Khôi phục nội dung phiên bản này</button>
              </form>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
