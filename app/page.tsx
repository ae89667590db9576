import Link from 'next/link';
import { ANONYMOUS } from '@/lib/access/policy';
import { listVisibleRecords } from '@/lib/records/catalog';
import { districtName, groupName, typeLabel } from '@/lib/records/labels';
import { RECORD_TYPES } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<{ type?: string; group?: string }> }) {
  const { type, group } = await searchParams;
  const { records: repository, vocab } = getArchive();
  const all = await listVisibleRecords(repository, ANONYMOUS);
  const shown = all
    .filter((s) => !type || s.record.type === type)
    .filter((s) => !group || s.record.ethnicGroups.includes(group))
    .sort((a, b) => a.record.title.vi.localeCompare(b.record.title.vi, 'vi'));
  const typesPresent = RECORD_TYPES.filter((t) => all.some((s) => s.record.type === t));
  const documents = all.filter((s) => s.record.type === 'document').length;
  const chip = (active: boolean) =>
    `inline-block rounded-full border px-3 py-1 text-sm ${active ? 'bg-ink text-bone border-ink' : 'border-ink/30 hover:border-ink'}`;

  return (
    <div>
      <section className="mb-6">
        <h1 className="text-2xl sm:text-3xl font-semibold leading-tight">Di sản văn hóa các dân tộc thiểu số Quảng Nam</h1>
        <p className="mt-2 text-ink/80 max-w-prose">
          Lễ hội, nghi lễ, phong tục, nghề thủ công, âm nhạc và văn học truyền miệng của người Cơ Tu, Xơ Đăng, Giẻ Triêng và Co, cùng
          thư viện văn bản về công tác dân tộc.
        </p>
        <p className="mt-1 text-ink/60 text-sm max-w-prose" lang="en">
          Festivals, rituals, customs, crafts, music and oral traditions of the Cơ Tu, Xơ Đăng, Giẻ Triêng and Co communities, and an
          e-library of ethnic-affairs documents.
        </p>
        <form action="/search" method="get" role="search" className="mt-4 flex max-w-xl gap-2">
          <label htmlFor="home-q" className="sr-only">
            Tìm trong kho di sản
          </label>
          <input id="home-q" name="q" type="search" placeholder="Tìm: le hoi dam trau, chiêng, Katu…" className="min-w-0 flex-1 rounded border border-ink/30 bg-white px-3 py-2 text-base" />
          <button className="rounded bg-ink px-4 py-2 font-semibold text-bone">Tìm</button>
        </form>
        <dl className="mt-4 flex flex-wrap gap-6 text-sm">
          <div>
            <dt className="text-ink/60">Hồ sơ đã công bố</dt>
            <dd className="text-2xl font-semibold" data-testid="record-count">{all.length}</dd>
          </div>
          <div>
            <dt className="text-ink/60">Cộng đồng</dt>
            <dd className="text-2xl font-semibold">{vocab.ethnicGroups.length}</dd>
          </div>
          <div>
            <dt className="text-ink/60">Văn bản</dt>
            <dd className="text-2xl font-semibold">{documents}</dd>
          </div>
        </dl>
      </section>

      <nav aria-label="Lọc theo loại" className="mb-3 flex flex-wrap gap-2">
        <Link href="/" className={chip(!type && !group)}>
          Tất cả
        </Link>
        {typesPresent.map((t) => (
          <Link key={t} href={`/?type=${t}`} className={chip(type === t)}>
            {typeLabel(vocab, t, 'vi')}
          </Link>
        ))}
      </nav>
      <nav aria-label="Lọc theo cộng đồng" className="mb-6 flex flex-wrap gap-2">
        {vocab.ethnicGroups.map((g) => (
          <Link key={g.id} href={`/?group=${g.id}`} className={chip(group === g.id)}>
            {g.name.vi}
          </Link>
        ))}
      </nav>

      {shown.length === 0 ? (
        <p className="text-ink/70">
          Chưa có hồ sơ nào ở mục này. <Link href="/" className="underline">Xem tất cả</Link>
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2" data-testid="record-list">
          {shown.map(({ record }) => (
            <li key={record.id} className="rounded-lg border border-ink/15 bg-white p-4 shadow-sm">
              <p className="text-xs uppercase tracking-wide text-madder">
                {typeLabel(vocab, record.type, 'vi')}
                {record.ethnicGroups.length > 0 && ` · ${record.ethnicGroups.map((g) => groupName(vocab, g, 'vi')).join(', ')}`}
              </p>
              <h2 className="mt-1 text-lg font-semibold leading-snug">
                <Link href={`/records/${record.id}/${record.slug}`} className="hover:underline">
                  {record.title.vi}
                </Link>
              </h2>
              {record.title.en && (
                <p className="text-sm text-ink/60" lang="en">
                  {record.title.en}
                </p>
              )}
              <p className="mt-2 text-sm text-ink/80 line-clamp-3">{record.description.vi}</p>
              {record.places[0] && <p className="mt-2 text-xs text-ink/60">{districtName(vocab, record.places[0].district, 'vi')}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
