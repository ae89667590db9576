import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { viewerOf } from '@/lib/auth/users';
import { listVisibleRecords } from '@/lib/records/catalog';
import { typeLabel } from '@/lib/records/labels';
import { getArchive } from '@/lib/server/archive';
import { currentUser } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Studio', robots: { index: false } };

const STATUS: Record<string, string> = { draft: 'Bản nháp', submitted: 'Chờ duyệt', published: 'Đã công bố', withdrawn: 'Đã rút' };
const ROLE: Record<string, string> = { admin: 'quản trị', reviewer: 'người duyệt', officer: 'cán bộ văn hóa', researcher: 'nhà nghiên cứu' };

export default async function StudioPage() {
  const user = await currentUser();
  if (!user) redirect('/studio/login');
  const viewer = viewerOf(user);
  const { records, vocab } = getArchive();
  const visible = (await listVisibleRecords(records, viewer)).sort((a, b) => (a.modified < b.modified ? 1 : -1));
  const counts = Object.fromEntries(Object.keys(STATUS).map((s) => [s, visible.filter((r) => r.record.status === s).length]));
  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold">Studio</h1>
        <form method="post" action="/api/auth/logout">
          <button className="text-sm underline">Đăng xuất</button>
        </form>
      </div>
      <p className="mt-1 text-sm text-ink/70" data-testid="studio-user">
        {user.displayName} · {user.roles.map((r) => ROLE[r] ?? r).join(', ')}
        {user.communities.length > 0 && ` · cộng đồng ${user.communities.join(', ')}`}
      </p>
      <p className="mt-4">
        {/* Offered only to those who may create records: researchers read and cite, they do not describe. */}
        {mayPerform(viewer, 'create') && (
          <Link href="/studio/records/new" className="mr-4 inline-flex min-h-11 items-center rounded bg-ink px-4 py-2 text-sm font-semibold text-bone">
            + Hồ sơ mới
          </Link>
        )}
        <Link href="/studio/import" className="text-sm underline">
          Nhập hàng loạt
        </Link>
        <Link href="/studio/coverage" className="ml-4 text-sm underline">
          Mức độ bao phủ
        </Link>
        {user.roles.includes('admin') && (
          <>
            <Link href="/studio/audit" className="ml-4 text-sm underline">
              Nhật ký
            </Link>
            <Link href="/studio/inventory" className="ml-4 text-sm underline">
              Danh mục
            </Link>
          </>
        )}
      </p>
      <dl className="mt-4 flex flex-wrap gap-6 text-sm">
        {Object.entries(STATUS).map(([s, label]) => (
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
          {visible.map(({ record, modified, head }) => (
            <tr key={record.id} className="border-t border-ink/10">
              <td className="py-2">
                <Link href={`/studio/records/${record.id}`} className="underline">
                  {record.title.vi}
                </Link>
                <span className="block text-xs text-ink/60">
                  {typeLabel(vocab, record.type, 'vi')} · v{head}
                  {record.access.level !== 'public' && ` · ${record.access.level === 'community' ? `chỉ cộng đồng ${record.access.communities.join(', ')}` : 'người dùng đã đăng ký'}`}
                  {mayPerform(viewer, 'edit', record) ? ' · có thể sửa' : ''}
                </span>
              </td>
              <td className="py-2">{STATUS[record.status]}</td>
              <td className="py-2 hidden sm:table-cell">{modified.slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
