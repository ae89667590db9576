import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { viewerOf } from '@/lib/auth/users';
import { groupName, typeLabel } from '@/lib/catalog/labels';
import type { RecordStatus } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { currentUser } from '@/lib/server/auth';
import { getSearchIndex } from '@/lib/server/search';
import { ROLE_WORDS, STATUS_WORDS, formatDay } from '@/lib/studio/words';
import { pendingReturn, reviews } from '@/lib/workflow/review';
import { STUDIO_PAGE_SIZE, studioList, studioListHref, studioListParams } from './record-list';
import { ReturnBanner } from './review/return-note';
import { pageNumber, pageSpan, studioText as t } from './text';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Studio', robots: { index: false } };

/** Links and buttons of the studio are at least 44 px tall (thumbs, in the field). */
const NAV_LINK = 'inline-flex min-h-11 items-center text-sm underline';

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The records the viewer may see, recently changed first, 50 a page, filtered by status, community, text and
 * "awaiting my review": one page of the search index's list (./record-list.ts), never a scan of the store.
 */
export default async function StudioPage({ searchParams }: { searchParams?: Promise<SearchParams> } = {}) {
  const user = await currentUser();
  if (!user) redirect('/studio/login');
  const viewer = viewerOf(user);
  const { records, vocab } = getArchive();
  const search = (await searchParams) ?? {};
  const params = studioListParams(search);
  const page = pageNumber(search.p, params.cursor !== undefined);
  const list = await studioList({ index: await getSearchIndex(), records }, viewer, params);
  const counts = list.statusCounts;
  // The badge counts the queue the review page shows (same filter, same engine), so the two agree.
  const mayReview = reviews(viewer);
  const waiting = list.waiting;
  const filtered = Boolean(params.q || params.status || params.community || params.awaiting);
  const communityName = (id: string) => groupName(vocab, id, 'vi');
  const communities = [...new Set([...vocab.ethnicGroups.map((g) => g.id), ...list.communityCounts.map((c) => c.value)])];
  const countOf = (id: string) => list.communityCounts.find((c) => c.value === id)?.count ?? 0;
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
      <dl className="mt-4 flex flex-wrap gap-6 text-sm" aria-label={t('list.countsLabel')} data-testid="status-counts">
        {(Object.entries(STATUS_WORDS) as [RecordStatus, string][]).map(([s, label]) => (
          <div key={s}>
            <dt className="text-ink/60">{label}</dt>
            <dd className="text-xl font-semibold">
              <Link
                href={studioListHref(params, { status: params.status === s ? undefined : s, awaiting: undefined })}
                aria-current={params.status === s ? 'true' : undefined}
                className={`inline-flex min-h-11 min-w-11 items-center ${params.status === s ? 'underline' : 'no-underline hover:underline'}`}
              >
                {counts[s]}
              </Link>
            </dd>
          </div>
        ))}
      </dl>
      <form method="get" action="/studio" className="mt-4 flex flex-wrap items-end gap-3 text-sm" aria-label={t('list.filters')} data-testid="studio-filters">
        <label className="grid min-w-0 flex-1 basis-48 gap-1">
          <span className="text-ink/70">{t('list.q')}</span>
          <input type="search" name="q" defaultValue={params.q ?? ''} className="min-h-11 w-full rounded border border-ink/30 bg-white px-2" />
        </label>
        <label className="grid min-w-0 gap-1">
          <span className="text-ink/70">{t('list.status')}</span>
          <select name="status" defaultValue={params.status ?? ''} className="min-h-11 max-w-full rounded border border-ink/30 bg-white px-2">
            <option value="">{t('list.anyStatus')}</option>
            {(Object.entries(STATUS_WORDS) as [RecordStatus, string][]).map(([s, label]) => (
              <option key={s} value={s}>
                {label} ({counts[s]})
              </option>
            ))}
          </select>
        </label>
        <label className="grid min-w-0 gap-1">
          <span className="text-ink/70">{t('list.community')}</span>
          <select name="community" defaultValue={params.community ?? ''} className="min-h-11 max-w-full rounded border border-ink/30 bg-white px-2">
            <option value="">{t('list.anyCommunity')}</option>
            {communities.map((id) => (
              <option key={id} value={id}>
                {t('list.communityOption', { name: communityName(id), count: countOf(id) })}
              </option>
            ))}
          </select>
        </label>
        {mayReview && (
          <label className="inline-flex min-h-11 items-center gap-2">
            <input type="checkbox" name="awaiting" value="me" defaultChecked={params.awaiting} className="h-5 w-5" />
            {t('list.awaiting')}
          </label>
        )}
        <button className="min-h-11 rounded bg-ink px-4 font-semibold text-bone">{t('list.apply')}</button>
        {filtered && (
          <Link href="/studio" className="inline-flex min-h-11 items-center underline">
            {t('list.clear')}
          </Link>
        )}
      </form>
      {list.rows.length > 0 && (
        <p className="mt-4 text-sm text-ink/70" data-testid="studio-showing">
          {t('pager.showing', pageSpan(page, STUDIO_PAGE_SIZE, list.rows.length, list.total))}
        </p>
      )}
      <table className="mt-6 w-full text-sm">
        <thead>
          <tr className="text-left text-ink/60">
            <th className="py-1 font-normal">Hồ sơ</th>
            <th className="py-1 font-normal">Trạng thái</th>
            <th className="py-1 font-normal hidden sm:table-cell">Cập nhật</th>
          </tr>
        </thead>
        <tbody>
          {list.rows.map((stored) => {
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
      {list.rows.length === 0 && <p className="mt-4 text-sm">{t('list.empty')}</p>}
      {(params.cursor || list.next) && (
        <nav aria-label={t('pager.label')} className="mt-4 flex flex-wrap gap-4 text-sm" data-testid="studio-pager">
          {params.cursor && (
            <Link href={studioListHref(params, {})} className="inline-flex min-h-11 items-center underline">
              {t('pager.first')}
            </Link>
          )}
          {list.next && (
            <Link href={studioListHref(params, { cursor: list.next, p: String(page + 1) })} rel="next" className="inline-flex min-h-11 items-center underline">
              {t('pager.next')}
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
