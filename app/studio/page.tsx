import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { viewerOf } from '@/lib/auth/users';
import { listVisibleRecords } from '@/lib/records/catalog';
import { groupName, typeLabel } from '@/lib/records/labels';
import { RECORD_STATUSES } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { currentUser } from '@/lib/server/auth';
import { ROLE_WORDS, STATUS_WORDS, formatDay } from '@/lib/studio/words';
import { pendingReturn, reviewQueue, reviews } from '@/lib/workflow/review';
import { ReturnBanner } from './review/return-note';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Studio', robots: { index: false } };

/** Links and buttons of the studio are at least 44 px tall (thumbs, in the field). */
const NAV_LINK = 'inline-flex min-h-11 items-center text-sm underline';

export default async function StudioPage() {
  const user = await currentUser();
  if (!user) redirect('/studio/login');
  const viewer = viewerOf(user);
  const { records, vocab } = getArchive();
  const visible = (await listVisibleRecords(records, viewer)).sort((a, b) => (a.modified < b.modified ? 1 : -1));
  const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, visible.filter((r) => r.record.status === s).length]));
  // The queue is the one the review page shows (same list, same decision), so the badge and the page agree.
  const mayReview = reviews(viewer);
  const waiting = mayReview ? reviewQueue(viewer, visible).submissions.length : 0;
  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold">Studio</h1>
        <form method="post" action="/api/auth/logout">
          <button className={NAV_LINK}>Đăng xuất</button>
        </form>
      </div>
      <p className="mt-1 text-sm text-ink/70" data-testid="studio-user">
        {user.displayName} · {user.roles.map((r) => ROLE_WORDS[r] ?? r).join(', ')}
        {user.communities.length > 0 && ` · cộng đồng ${user.communities.map((c) => groupName(vocab, c, 'vi')).join(', ')}`}
      </p>
      <p className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-1">
        {/* Offered only to those who may create records: researchers read and cite, they do not describe. */}
        {mayPerform(viewer, 'create') && (
          <Link href="/studio/records/new" className="inline-flex min-h-11 items-center rounded bg-ink px-4 py-2 text-sm font-semibold text-bone">
            + Hồ sơ mới
          </Link>
        )}
        {mayReview && (
          <Link href="/studio/review" className={NAV_LINK} data-testid="review-link">
            Chờ duyệt
            <span className={`ml-1 rounded-full px-2 text-xs font-semibold no-underline ${waiting > 0 ? 'bg-madder text-bone' : 'bg-ink/10'}`} aria-label={`${waiting} hồ sơ`}>
              {waiting}
            </span>
          </Link>
        )}
        <Link href="/studio/import" className={NAV_LINK}>
          Nhập hàng loạt
        </Link>
        <Link href="/studio/coverage" className={NAV_LINK}>
          Mức độ bao phủ
        </Link>
        {user.roles.includes('admin') && (
          <>
            <Link href="/studio/audit" className={NAV_LINK}>
              Nhật ký
            </Link>
            <Link href="/studio/inventory" className={NAV_LINK}>
              Danh mục
            </Link>
          </>
        )}
      </p>
      <dl className="mt-4 flex flex-wrap gap-6 text-sm">
        {Object.entries(STATUS_WORDS).map(([s, label]) => (
          <div key={s}>
            <dt className="text-ink/60">{label}</dt>
            <dd className="text-xl font-semibold">{counts[s]}</dd>
          </div>
        ))}
      </dl>
      <table className="mt-6 w-full text-sm">
        <thead>
          <tr className="text-left text-ink/60">
            <th className="py-1 font-normal">Hồ sơ</th>
            <th className="py-1 font-normal">Trạng thái</th>
            <th className="py-1 font-normal hidden sm:table-cell">Cập nhật</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((stored) => {
            const { record, modified, head } = stored;
            const returned = pendingReturn(stored);
            return (
              <tr key={record.id} className="border-t border-ink/10 align-top">
                <td className="min-w-0 py-2 wrap-anywhere">
                  <Link href={`/studio/records/${record.id}`} className="inline-flex min-h-11 items-center underline">
                    {record.title.vi}
                  </Link>
                  <span className="block text-xs text-ink/60">
                    {typeLabel(vocab, record.type, 'vi')} · v{head}
                    {record.access.level !== 'public' &&
                      ` · ${record.access.level === 'community' ? `chỉ cộng đồng ${record.access.communities.map((c) => groupName(vocab, c, 'vi')).join(', ')}` : 'người dùng đã đăng ký'}`}
                    {mayPerform(viewer, 'edit', record) ? ' · có thể sửa' : ''}
                  </span>
                  {returned && <ReturnBanner note={returned} compact />}
                </td>
                <td className="py-2 pl-2">{STATUS_WORDS[record.status]}</td>
                <td className="hidden py-2 pl-2 sm:table-cell">
                  <time dateTime={modified}>{formatDay(modified)}</time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
