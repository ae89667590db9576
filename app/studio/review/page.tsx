/**
 * "Chờ duyệt": the submissions this reviewer may publish or return, oldest
 * first, 50 a page, with counts per community. The page is one list query of
 * the search index (access, filter, order and counts decided in the engine)
 * and one inventory read per submission shown; the selection is
 * lib/workflow/review.ts (reviewQueuePage), so this page only lays it out.
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { groupName, typeLabel } from '@/lib/catalog/labels';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { getSearchIndex } from '@/lib/server/search';
import { formatDateTime } from '@/lib/studio/words';
import { QUEUE_PAGE_SIZE, queueNeedsMembership, reviewQueuePage, reviews } from '@/lib/workflow/review';
import { pageNumber, pageSpan, studioText as t } from '../text';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Chờ duyệt', robots: { index: false } };

/** The filter value for records of no community (vocabulary ids are lower-case words, so this cannot collide). */
const NONE = '_';

type SearchParams = { community?: string; cursor?: string; p?: string };

function reviewHref(community: string | undefined, cursor?: string, page?: number): string {
  const search = new URLSearchParams();
  if (community) search.set('community', community);
  if (cursor) search.set('cursor', cursor);
  if (cursor && page && page > 1) search.set('p', String(page));
  const text = search.toString();
  return text ? `/studio/review?${text}` : '/studio/review';
}

export default async function ReviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/review');
  const { community: asked, cursor: rawCursor, p } = await searchParams;
  const community = typeof asked === 'string' && asked ? asked : undefined;
  const cursor = typeof rawCursor === 'string' && rawCursor && rawCursor.length <= 8000 ? rawCursor : undefined;
  const page = pageNumber(p, cursor !== undefined);
  const { records, vocab } = getArchive();
  const mayReview = reviews(viewer);
  const queue = await reviewQueuePage({ index: await getSearchIndex(), records }, viewer, { community: community === NONE ? null : community, ...(cursor ? { cursor } : {}) });
  const shown = queue.submissions;
  const communityName = (id: string | undefined) => (id === undefined ? 'Không thuộc cộng đồng nào' : groupName(vocab, id, 'vi'));
  return (
    <div className="min-w-0 max-w-3xl">
      <p className="text-sm">
        <Link href="/studio" className="inline-flex min-h-11 items-center underline">
          ← Studio
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        Chờ duyệt <span className="text-ink/60">({queue.total})</span>
      </h1>
      {!mayReview && <p className="mt-3 text-sm">Chỉ người duyệt và quản trị viên duyệt hồ sơ. Hồ sơ bạn đã gửi nằm trong danh sách ở trang Studio.</p>}
      {queueNeedsMembership(viewer) && (
        <p className="mt-3 rounded border-l-4 border-turmeric bg-white p-3 text-sm" role="note" data-testid="membership-note">
          Tài khoản của bạn chưa thuộc cộng đồng nào, nên danh sách chỉ có hồ sơ không giới hạn theo cộng đồng. Hồ sơ chỉ dành cho một cộng đồng (nghi lễ, tri thức thiêng…) chỉ
          thành viên của cộng đồng đó mới duyệt được. Nếu bạn duyệt cho một cộng đồng, hãy nhờ quản trị viên thêm bạn vào cộng đồng đó.
        </p>
      )}
      {queue.byCommunity.length > 0 && (
        <nav aria-label="Theo cộng đồng" className="mt-4">
          <ul className="flex flex-wrap gap-2 text-sm" data-testid="review-counts">
            <li>
              <CountLink href="/studio/review" current={!community} label="Tất cả" count={queue.total} />
            </li>
            {queue.byCommunity.map((c) => (
              <li key={c.community ?? NONE}>
                <CountLink href={reviewHref(c.community ?? NONE)} current={community === (c.community ?? NONE)} label={communityName(c.community)} count={c.count} />
              </li>
            ))}
          </ul>
        </nav>
      )}
      {mayReview && shown.length === 0 && <p className="mt-6 text-sm">Không có hồ sơ nào chờ bạn duyệt.</p>}
      {mayReview && shown.length > 0 && (queue.next || cursor) && (
        <p className="mt-4 text-sm text-ink/70" data-testid="review-showing">
          {t('pager.showing', pageSpan(page, QUEUE_PAGE_SIZE, shown.length, queue.matching))}
        </p>
      )}
      <ol className="mt-4 grid gap-3" data-testid="review-queue">
        {shown.map(({ stored, submittedAt, submittedBy }) => {
          const { record } = stored;
          return (
            <li key={record.id} className="min-w-0 rounded border border-ink/10 bg-white p-3 text-sm">
              <Link href={`/studio/records/${record.id}`} className="inline-flex min-h-11 items-center font-semibold underline wrap-anywhere">
                {record.title.vi}
              </Link>
              <p className="text-ink/70">
                {typeLabel(vocab, record.type, 'vi')}
                {record.ethnicGroups.length > 0 && ` · ${record.ethnicGroups.map((g) => groupName(vocab, g, 'vi')).join(', ')}`}
                {record.access.level === 'community' && ` · chỉ cộng đồng ${record.access.communities.map((c) => groupName(vocab, c, 'vi')).join(', ')} xem được`}
                {record.access.level === 'registered' && ' · người dùng đã đăng nhập'}
                {record.access.level === 'public' && <strong className="text-madder"> · công khai cho mọi người khi công bố</strong>}
              </p>
              <p className="text-ink/70">
                Gửi {submittedBy && <>bởi {submittedBy} </>}lúc <time dateTime={submittedAt}>{formatDateTime(submittedAt)}</time> · phiên bản {stored.head}
              </p>
            </li>
          );
        })}
      </ol>
      {(cursor || queue.next) && (
        <nav aria-label={t('pager.label')} className="mt-4 flex flex-wrap gap-4 text-sm" data-testid="review-pager">
          {cursor && (
            <Link href={reviewHref(community)} className="inline-flex min-h-11 items-center underline">
              {t('pager.first')}
            </Link>
          )}
          {queue.next && (
            <Link href={reviewHref(community, queue.next, page + 1)} rel="next" className="inline-flex min-h-11 items-center underline">
              {t('pager.next')}
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

function CountLink({ href, current, label, count }: { href: string; current: boolean; label: string; count: number }) {
  return (
    <Link href={href} aria-current={current ? 'page' : undefined} className={`inline-flex min-h-11 items-center gap-2 rounded-full border px-3 ${current ? 'border-ink bg-ink text-bone' : 'border-ink/30'}`}>
      {label} <span className="font-semibold tabular-nums">{count}</span>
    </Link>
  );
}
