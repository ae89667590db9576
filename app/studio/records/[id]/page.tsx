import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { mayPerform, type Viewer } from '@/lib/access/policy';
import { readVisible } from '@/lib/access/reader';
import { listJobs, type JobState } from '@/lib/jobs';
import { groupName } from '@/lib/catalog/labels';
import type { VersionSummary } from '@/lib/records/repository';
import type { HeritageRecord } from '@/lib/records/schema';
import type { Vocabularies } from '@/lib/records/vocabularies';
import { getArchive } from '@/lib/server/archive';
import { getDerivativeJobs } from '@/lib/server/jobs';
import { currentViewer } from '@/lib/server/auth';
import { JOB_STATE_WORDS, formatDateTime, statusWord, transitionWord, versionMessageWords } from '@/lib/studio/words';
import { diffRecord, recordValueWords } from '@/lib/studio/record-diff';
import { pendingReturn } from '@/lib/workflow/review';
import type { Transition } from '@/lib/workflow/transitions';
import { Changes } from '../../review/changes';
import { ReturnBanner } from '../../review/return-note';
import { AccessBanner } from '../access-banner';
import { RefreshWhileProcessing } from './refresh-while-processing';
import { arrangeMedia, changeStatus, restoreVersion } from '../actions';
import { Uploader } from './uploader';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Hồ sơ', robots: { index: false } };

/** The transitions in the order a record meets them; a return and a withdrawal say why. */
const TRANSITIONS: { id: Transition; comment?: boolean }[] = [{ id: 'submit' }, { id: 'publish' }, { id: 'return', comment: true }, { id: 'withdraw', comment: true }, { id: 'restore' }];

/** Every button and link of the page is at least 44 px tall: officers use it on phones, in the field. */
const BUTTON = 'inline-flex min-h-11 items-center rounded px-4 py-2 text-sm';
const SMALL_BUTTON = 'inline-flex min-h-11 min-w-11 items-center justify-center rounded border border-ink/30 px-2 text-sm';

export default async function StudioRecordPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ error?: string; done?: string; saved?: string }> }) {
  const { id } = await params;
  const { error, done, saved } = await searchParams;
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect(`/studio/login?next=/studio/records/${id}`);
  const { records, vocab } = getArchive();
  const read = await readVisible(records, viewer, id);
  if (!read.ok) notFound();
  const { stored } = read;
  const { record } = stored;
  // Earlier versions may hold text removed before publication: staff only (the same decision as the BagIt download).
  const mayReadHistory = mayPerform(viewer, 'view-history', record);
  const mayEdit = mayPerform(viewer, 'edit', record);
  const jobs = mayReadHistory ? (await listJobs(getDerivativeJobs().queue, { recordId: id })).filter((j) => record.media.some((m) => m.path === j.mediaPath && m.digest === j.digest)) : [];
  const history = mayReadHistory ? await versionHistory(id, stored.versions, viewer, vocab) : [];
  const returned = pendingReturn(stored);
  return (
    <div className="min-w-0 max-w-3xl">
      <p className="text-sm">
        <Link href="/studio" className="inline-flex min-h-11 items-center underline">
          ← Studio
        </Link>
      </p>
      <h1 className="text-2xl font-semibold wrap-anywhere">{record.title.vi}</h1>
      <p className="text-sm text-ink/70" data-testid="record-status">
        {statusWord(record.status)} · phiên bản {stored.head} · mã {record.id}
      </p>
      <div className="mt-3">
        <AccessBanner level={record.access.level} testId="record-access" published={record.status === 'published'} />
        {record.access.level === 'community' && (
          <p className="mt-1 text-sm text-ink/70">Cộng đồng được xem: {record.access.communities.map((c) => groupName(vocab, c, 'vi')).join(', ')}</p>
        )}
      </div>
      {returned && <ReturnBanner note={returned} />}
      {(saved || done) && <p className="mt-3 rounded border-l-4 border-moss bg-white p-3 text-sm" role="status">Đã lưu. / Saved.</p>}
      {error && <p className="mt-3 rounded border-l-4 border-madder bg-white p-3 text-sm break-words" role="alert">{error}</p>}
      <div className="mt-4 flex flex-wrap gap-3">
        {mayEdit && (
          <Link href={`/studio/records/${id}/edit`} className={`${BUTTON} border border-ink`}>
            Sửa hồ sơ
          </Link>
        )}
        <Link href={`/records/${id}/${record.slug}`} className={`${BUTTON} border border-ink/30`}>
          Xem trang hồ sơ
        </Link>
        {mayReadHistory && (
          <a href={`/studio/records/${id}/bag.zip`} className={`${BUTTON} border border-ink/30`} download>
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
              <label className="grid min-w-0 flex-1 gap-1 text-sm">
                {t.id === 'return' ? 'Nhận xét (cần sửa gì)' : 'Lý do'}
                <input name="comment" required={t.id === 'return'} className="min-h-11 w-full min-w-0 rounded border border-ink/30 bg-white px-3 py-2" />
              </label>
            )}
            <button className={`${BUTTON} bg-ink font-semibold text-bone`}>{transitionWord(t.id)}</button>
          </form>
        ))}
      </div>
      {mayEdit && (
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
            {record.media.map((m, i) => {
              const name = m.path.slice('files/'.length);
              return (
                <li key={m.path} className="grid gap-1 border-b border-ink/10 pb-2">
                  {/* Field recordings often carry long camera file names: they wrap rather than widen the page. */}
                  <span className="min-w-0 break-all">
                    {name} · {m.type} · {Math.ceil(m.size / 1024)} KB
                    {m.language && ` · ${m.language}`}
                    {m.of && ` · của ${m.of.slice('files/'.length)}`}
                    {record.poster === m.path && <strong> · ảnh đại diện</strong>}
                  </span>
                  {/* The full digest is what an archivist compares with a fixity report; folded, so the list stays short on a phone. */}
                  <details className="min-w-0 text-xs text-ink/60">
                    <summary className="min-h-11 cursor-pointer py-3.5">SHA-512 {m.digest.slice(0, 12)}…</summary>
                    <code className="block break-all">{m.digest}</code>
                  </details>
                  {mayEdit && (
                    <form action={arrangeMedia} className="flex flex-wrap gap-2">
                      <input type="hidden" name="id" value={id} />
                      <input type="hidden" name="version" value={stored.head} />
                      <input type="hidden" name="path" value={m.path} />
                      {i > 0 && <button name="op" value="up" className={SMALL_BUTTON} aria-label={`Đưa ${name} lên`}>↑</button>}
                      {i < record.media.length - 1 && <button name="op" value="down" className={SMALL_BUTTON} aria-label={`Đưa ${name} xuống`}>↓</button>}
                      {m.kind === 'image' && record.poster !== m.path && <button name="op" value="poster" className={SMALL_BUTTON}>Đặt làm ảnh đại diện</button>}
                      <button name="op" value="remove" className={`${SMALL_BUTTON} text-madder`} aria-label={`Bỏ ${name}`}>Bỏ</button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {jobs.length > 0 && (
        <section className="mt-6" aria-label="Xử lý tư liệu">
          <h2 className="text-lg font-semibold">Xử lý tư liệu (ảnh cỡ nhỏ, video, âm thanh)</h2>
          <ul className="mt-2 grid gap-1 text-sm" data-testid="job-list">
            {jobs.map((j) => (
              <li key={j.id} className="min-w-0 wrap-anywhere">
                {j.mediaPath.slice('files/'.length)}: <JobLine job={j} />
              </li>
            ))}
          </ul>
          {jobs.some((j) => j.state === 'queued' || j.state === 'running') && <RefreshWhileProcessing />}
        </section>
      )}
      {mayReadHistory && (
        <section className="mt-8" aria-labelledby="history-heading">
          <h2 id="history-heading" className="text-lg font-semibold">
            Lịch sử phiên bản
          </h2>
          <ol className="mt-2 grid gap-3 text-sm" data-testid="version-history">
            {history.map((v) => (
              <li key={v.number} className="min-w-0 rounded border border-ink/10 bg-white p-3">
                <p className="break-words">
                  <strong>v{v.number}</strong> · <time dateTime={v.created}>{formatDateTime(v.created)}</time> · {v.user?.name} · {versionMessageWords(v.message)}
                </p>
                <Changes changes={v.changes} />
                {v.number < stored.head && mayEdit && (
                  <form action={restoreVersion} className="mt-2">
                    <input type="hidden" name="id" value={id} />
                    <input type="hidden" name="version" value={stored.head} />
                    <input type="hidden" name="from" value={v.number} />
                    <button className="inline-flex min-h-11 items-center text-sm underline">Khôi phục nội dung phiên bản này</button>
                  </form>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

/** A job's state in words, with the time that matters to the officer: when it failed, finished, or will try again. */
function JobLine({ job }: { job: JobState }) {
  switch (job.state) {
    case 'done':
      return <>{JOB_STATE_WORDS.done}{job.finishedAt && ` lúc ${formatDateTime(job.finishedAt)}`}</>;
    case 'failed':
      return (
        <span className="text-madder">
          {JOB_STATE_WORDS.failed}
          {job.finishedAt && ` lúc ${formatDateTime(job.finishedAt)}`} – {job.error}
        </span>
      );
    case 'running':
      return <>{`${JOB_STATE_WORDS.running} ${job.progress}%`}</>;
    case 'queued':
      return (
        <>
          {JOB_STATE_WORDS.queued}
          {job.attempts > 0 && ` (thử lại, lần ${job.attempts + 1}/${job.maxAttempts}${job.retryAt ? `, lúc ${formatDateTime(job.retryAt)}` : ''})`}
        </>
      );
  }
}

/**
 * Every version, newest first, with what it changed since the one before.
 * Versions are read through the viewer-scoped reader like the head, each
 * once, and diffed in words from the vocabularies.
 */
async function versionHistory(id: string, versions: VersionSummary[], viewer: Viewer, vocab: Vocabularies) {
  const { records } = getArchive();
  const words = recordValueWords(vocab);
  const byNumber = new Map<number, HeritageRecord>();
  await Promise.all(
    versions.map(async (v) => {
      const read = await readVisible(records, viewer, id, 'view-history', v.number);
      if (read.ok) byNumber.set(v.number, read.stored.record);
    }),
  );
  return versions
    .map((v) => {
      const before = byNumber.get(v.number - 1);
      const after = byNumber.get(v.number);
      return { ...v, changes: before && after ? diffRecord(before, after, words) : [] };
    })
    .reverse();
}
