import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { SearchForm } from '@/app/_components/search-form';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import type { Segment } from '@/lib/search';
import { FACET_PARAMS, PUBLIC_FACETS, queryFromParams, searchHref, toggleFacet, type SearchParams } from '@/lib/search/url';
import { districtName, groupName, typeLabel } from '@/lib/catalog/labels';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { locale } = await params;
  const { q } = await searchParams;
  const t = await getTranslations({ locale, namespace: 'site' });
  return {
    title: q ? t('search.titleFor', { q: String(q).slice(0, 60) }) : t('search.title'),
    robots: { index: false },
    alternates: alternatesFor(getArchive().config.siteUrl, locale, '/search'),
  };
}

const SORTS = ['relevance', 'date-desc', 'date-asc', 'title'] as const;

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

export default async function SearchPage({ params: routeParams, searchParams }: Props) {
  const { locale } = await routeParams;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const params = await searchParams;
  const { vocab } = getArchive();
  const query = queryFromParams(params);
  const result = await (await getSearchIndex()).search({ ...query, viewer: await currentViewer(), locale });
  const label = (facet: string, value: string) =>
    facet === 'ethnicGroup'
      ? groupName(vocab, value, locale)
      : facet === 'type'
        ? typeLabel(vocab, value, locale)
        : facet === 'district'
          ? districtName(vocab, value, locale)
          : facet === 'mediaKind' && t.has(`media.${value}` as 'media.image')
            ? t(`media.${value}` as 'media.image')
            : facet === 'language' && t.has(`languages.${value}` as 'languages.vie')
              ? t(`languages.${value}` as 'languages.vie')
              : value;
  const chips = PUBLIC_FACETS.flatMap((facet) => (query.filters?.[facet] ?? []).map((value) => ({ facet, value })));
  const pages = Math.ceil(result.total / result.pageSize);

  return (
    <div>
      <h1 className="sr-only">{t('search.title')}</h1>
      <SearchForm locale={locale} id="q" defaultValue={query.q} hidden={chips.map(({ facet, value }) => ({ name: FACET_PARAMS[facet], value }))} />

      {chips.length > 0 && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label={t('search.activeFilters')}>
          {chips.map(({ facet, value }) => (
            <li key={`${facet}-${value}`}>
              <Link href={toggleFacet(params, FACET_PARAMS[facet], value)} className="inline-flex items-center gap-1 rounded-full bg-ink px-3 py-1 text-sm text-bone" aria-label={t('search.removeFilter', { filter: label(facet, value) })}>
                {label(facet, value)} <span aria-hidden="true">×</span>
              </Link>
            </li>
          ))}
          <li>
            <Link href={searchHref({ q: query.q }, {})} className="text-sm underline">
              {t('search.clearAll')}
            </Link>
          </li>
        </ul>
      )}

      <div className="mt-4 flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm text-ink/70" data-testid="search-total">
          {query.q ? t('search.totalFor', { count: result.total, q: query.q }) : t('search.total', { count: result.total })}
        </p>
        <nav aria-label={t('search.sort')} className="flex gap-3 text-sm">
          {SORTS.map((value) => (
            <Link key={value} href={searchHref(params, { sort: value === 'relevance' ? undefined : value })} aria-current={(query.sort ?? 'relevance') === value ? 'true' : undefined} className="inline-block py-1 aria-[current=true]:font-semibold aria-[current=true]:underline">
              {t(`search.sorts.${value}`)}
            </Link>
          ))}
        </nav>
      </div>

      {result.didYouMean && (
        // The engine's correction of a typo (only ever words of records this viewer may see): one click runs it, filters kept.
        <p className="mt-2" data-testid="search-did-you-mean">
          {t.rich('search.didYouMean', {
            q: result.didYouMean,
            link: (chunks) => (
              <Link href={searchHref(params, { q: result.didYouMean })} className="inline-block py-1 font-semibold underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}

      <div className="mt-4 grid gap-6 md:grid-cols-[14rem_1fr]">
        <aside aria-label={t('search.filters')} className="order-2 md:order-1">
          {PUBLIC_FACETS.map((facet) => {
            const counts = result.facets[facet] ?? [];
            if (counts.length === 0) return null;
            return (
              <section key={facet} className="mb-4">
                <h2 className="text-sm font-semibold">{t(`search.facets.${facet}`)}</h2>
                <ul className="mt-1 text-sm">
                  {counts.slice(0, 10).map((c) => {
                    const active = query.filters?.[facet]?.includes(c.value);
                    return (
                      <li key={c.value}>
                        <Link href={toggleFacet(params, FACET_PARAMS[facet], c.value)} className={`inline-block py-1 ${active ? 'font-semibold underline' : 'hover:underline'}`}>
                          {label(facet, c.value)} <span className="text-ink/75">({c.count})</span>
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </aside>

        <section className="order-1 md:order-2" aria-label={t('search.results')}>
          {result.hits.length === 0 ? (
            <div className="rounded border border-ink/15 bg-white p-4 text-sm" data-testid="search-empty">
              <p className="font-semibold">{t('search.empty.title')}</p>
              <ul className="mt-2 list-disc pl-5">
                <li>{t('search.empty.accents')}</li>
                {chips.length > 0 && (
                  <li>
                    <Link href={searchHref({ q: query.q }, {})} className="underline">
                      {t('search.empty.dropFilters')}
                    </Link>
                  </li>
                )}
                <li>
                  {t('search.empty.byCommunity')}{' '}
                  {vocab.ethnicGroups.map((g, i) => (
                    <span key={g.id}>
                      {i > 0 && ', '}
                      <Link href={`/communities/${g.id}`} className="underline">
                        {pick(g.name, locale).text}
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
                  <p className="text-xs uppercase tracking-wide text-madder">{typeLabel(vocab, hit.type, locale)}</p>
                  <h2 className="text-lg font-semibold leading-snug">
                    <Link href={`/records/${hit.id}/${hit.slug}`} className="hover:underline" lang={locale === 'en' && !hit.title.en ? 'vi' : undefined}>
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
            <nav aria-label={t('search.pages')} className="mt-6 flex flex-wrap gap-2 text-sm">
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
