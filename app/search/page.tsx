import type { Metadata } from 'next';
import Link from 'next/link';
import type { Segment } from '@/lib/search';
import { FACET_PARAMS, PUBLIC_FACETS, queryFromParams, searchHref, toggleFacet, type SearchParams } from '@/lib/search/url';
import { districtName, groupName, typeLabel } from '@/lib/records/labels';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ searchParams }: { searchParams: Promise<SearchParams> }): Promise<Metadata> {
  const { q } = await searchParams;
  return { title: q ? `Tìm “${String(q).slice(0, 60)}”` : 'Tìm kiếm', robots: { index: false } };
}

const FACET_TITLES: Record<string, string> = { ethnicGroup: 'Cộng đồng', type: 'Loại', district: 'Huyện (cũ)', decade: 'Thập niên', language: 'Ngôn ngữ', mediaKind: 'Tư liệu' };
const MEDIA: Record<string, string> = { image: 'Ảnh', audio: 'Ghi âm', video: 'Video', document: 'Văn bản', caption: 'Phụ đề', transcript: 'Bản ghi lời' };
const SORTS = [
  ['relevance', 'Phù hợp nhất'],
  ['date-desc', 'Mới nhất'],
  ['date-asc', 'Cũ nhất'],
  ['title', 'Theo tên'],
] as const;

function Highlight({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.hit ? (
          <mark key={i} className="bg-turmeric/40 text-ink">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

export default async function SearchPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { vocab } = getArchive();
  const query = queryFromParams(params);
  const result = await (await getSearchIndex()).search({ ...query, viewer: await currentViewer(), locale: 'vi' });
  const label = (facet: string, value: string) =>
    facet === 'ethnicGroup' ? groupName(vocab, value, 'vi') : facet === 'type' ? typeLabel(vocab, value, 'vi') : facet === 'district' ? districtName(vocab, value, 'vi') : facet === 'mediaKind' ? (MEDIA[value] ?? value) : value;
  const chips = PUBLIC_FACETS.flatMap((facet) => (query.filters?.[facet] ?? []).map((value) => ({ facet, value })));
  const pages = Math.ceil(result.total / result.pageSize);

  return (
    <div>
      <form action="/search" method="get" role="search" className="flex gap-2">
        <label htmlFor="q" className="sr-only">
          Tìm kiếm
        </label>
        <input id="q" name="q" type="search" defaultValue={query.q} placeholder="vd. le hoi dam trau, chiêng, Katu…" className="min-w-0 flex-1 rounded border border-ink/30 bg-white px-3 py-2 text-base" />
        {chips.map(({ facet, value }) => (
          <input key={`${facet}-${value}`} type="hidden" name={FACET_PARAMS[facet]} value={value} />
        ))}
        <button className="rounded bg-ink px-4 py-2 font-semibold text-bone">Tìm</button>
      </form>

      {chips.length > 0 && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label="Bộ lọc đang dùng">
          {chips.map(({ facet, value }) => (
            <li key={`${facet}-${value}`}>
              <Link href={toggleFacet(params, FACET_PARAMS[facet], value)} className="inline-flex items-center gap-1 rounded-full bg-ink px-3 py-1 text-sm text-bone" aria-label={`Bỏ lọc ${label(facet, value)}`}>
                {label(facet, value)} <span aria-hidden="true">×</span>
              </Link>
            </li>
          ))}
          <li>
            <Link href={searchHref({ q: query.q }, {})} className="text-sm underline">
              Bỏ tất cả
            </Link>
          </li>
        </ul>
      )}

      <div className="mt-4 flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm text-ink/70" data-testid="search-total">
          {result.total} kết quả{query.q ? ` cho “${query.q}”` : ''}
        </p>
        <nav aria-label="Sắp xếp" className="flex gap-3 text-sm">
          {SORTS.map(([value, text]) => (
            <Link key={value} href={searchHref(params, { sort: value === 'relevance' ? undefined : value })} aria-current={(query.sort ?? 'relevance') === value ? 'true' : undefined} className="aria-[current=true]:font-semibold aria-[current=true]:underline">
              {text}
            </Link>
          ))}
        </nav>
      </div>

      <div className="mt-4 grid gap-6 md:grid-cols-[14rem_1fr]">
        <aside aria-label="Lọc kết quả" className="order-2 md:order-1">
          {PUBLIC_FACETS.map((facet) => {
            const counts = result.facets[facet] ?? [];
            if (counts.length === 0) return null;
            return (
              <section key={facet} className="mb-4">
                <h2 className="text-sm font-semibold">{FACET_TITLES[facet]}</h2>
                <ul className="mt-1 text-sm">
                  {counts.slice(0, 10).map((c) => {
                    const active = query.filters?.[facet]?.includes(c.value);
                    return (
                      <li key={c.value}>
                        <Link href={toggleFacet(params, FACET_PARAMS[facet], c.value)} className={active ? 'font-semibold underline' : 'hover:underline'}>
                          {label(facet, c.value)} <span className="text-ink/50">({c.count})</span>
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </aside>

        <section className="order-1 md:order-2" aria-label="Kết quả">
          {result.hits.length === 0 ? (
            <div className="rounded border border-ink/15 bg-white p-4 text-sm" data-testid="search-empty">
              <p className="font-semibold">Không tìm thấy hồ sơ nào.</p>
              <ul className="mt-2 list-disc pl-5">
                <li>Gõ không dấu cũng được: “le hoi”, “chieng”, “det tho cam”.</li>
                {chips.length > 0 && (
                  <li>
                    <Link href={searchHref({ q: query.q }, {})} className="underline">
                      Bỏ các bộ lọc
                    </Link>{' '}
                    để tìm rộng hơn.
                  </li>
                )}
                <li>
                  Xem theo cộng đồng:{' '}
                  {vocab.ethnicGroups.map((g, i) => (
                    <span key={g.id}>
                      {i > 0 && ', '}
                      <Link href={`/search?community=${g.id}`} className="underline">
                        {g.name.vi}
                      </Link>
                    </span>
                  ))}
                </li>
              </ul>
            </div>
          ) : (
            <ol className="grid gap-4" data-testid="search-results">
              {result.hits.map((hit) => (
                <li key={hit.id} className="rounded border border-ink/15 bg-white p-4">
                  <p className="text-xs uppercase tracking-wide text-madder">{typeLabel(vocab, hit.type, 'vi')}</p>
                  <h2 className="text-lg font-semibold leading-snug">
                    <Link href={`/records/${hit.id}/${hit.slug}`} className="hover:underline">
                      <Highlight segments={hit.titleHighlight} />
                    </Link>
                  </h2>
                  {hit.snippet.length > 0 && (
                    <p className="mt-1 text-sm text-ink/80">
                      <Highlight segments={hit.snippet} />
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )}
          {pages > 1 && (
            <nav aria-label="Trang" className="mt-6 flex flex-wrap gap-2 text-sm">
              {Array.from({ length: Math.min(pages, 10) }, (_, i) => i + 1).map((p) => (
                <Link key={p} href={searchHref(params, { page: p === 1 ? undefined : String(p) })} aria-current={p === result.page ? 'page' : undefined} className="rounded border border-ink/30 px-3 py-1 aria-[current=page]:bg-ink aria-[current=page]:text-bone">
                  {p}
                </Link>
              ))}
            </nav>
          )}
        </section>
      </div>
    </div>
  );
}
