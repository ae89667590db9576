/** Home: search, the communities, festivals of this lunar month, featured records, latest documents, coverage. */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { RecordCard } from '@/app/_components/record-card';
import { SearchForm } from '@/app/_components/search-form';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { ANONYMOUS } from '@/lib/access/policy';
import { currentLunarMonth, thisMonthFacetValues } from '@/lib/records/festival-calendar';
import { typeLabel } from '@/lib/catalog/labels';
import { RECORD_TYPES, type HeritageRecord } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { currentCoverage } from '@/lib/server/coverage';
import { getSearchIndex } from '@/lib/server/search';
import { thumbnailOf } from '@/lib/server/thumbnails';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: { absolute: t('meta.title') }, alternates: alternatesFor(getArchive().config.siteUrl, locale, '') };
}

/** Featured records fetched to choose from: enough to mix communities and types, few enough to read at once. */
const FEATURED_POOL = 24;

/** A mix: the first record of each community and type first, the others after (each part in the order given). */
function mixed(records: HeritageRecord[]): HeritageRecord[] {
  const seen = new Set<string>();
  const first: HeritageRecord[] = [];
  const rest: HeritageRecord[] = [];
  for (const record of records) {
    const key = `${record.ethnicGroups[0] ?? ''}|${record.type}`;
    (seen.has(key) ? rest : first).push(record);
    seen.add(key);
  }
  return [...first, ...rest];
}

export default async function HomePage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab } = getArchive();
  const index = await getSearchIndex();
  const viewer = ANONYMOUS;
  const heritageTypes = RECORD_TYPES.filter((type) => type !== 'document');
  const now = new Date();
  const lunar = currentLunarMonth(now);
  // Each list asks the index for what it shows (a count, a few records); nothing reads the whole archive.
  const [heritage, documents, thisMonth, featuredPool, coverage] = await Promise.all([
    // Figures, communities and types present: counts only.
    index.list({ viewer, filters: { type: heritageTypes }, facets: ['ethnicGroup', 'type'], limit: 0 }),
    // Latest documents, newest issued first (their count is the library's size).
    index.list({ viewer, filters: { type: ['document'] }, sort: 'date-desc', limit: 4 }),
    // Held this month, each record by its own calendar (a leap month counts as its namesake).
    index.list({ viewer, filters: { month: thisMonthFacetValues(now) }, sort: 'title', limit: 6 }),
    // Featured by the editors; a few more than shown, to mix communities and types.
    index.list({ viewer, filters: { type: heritageTypes, featured: ['true'] }, sort: 'title', limit: FEATURED_POOL }),
    currentCoverage(),
  ]);
  const count = (facet: 'ethnicGroup' | 'type', value: string) => heritage.facets[facet]?.find((c) => c.value === value)?.count ?? 0;
  const featured = mixed(featuredPool.entries.map((e) => e.record)).slice(0, 6);
  const thumbnails = new Map(await Promise.all(featured.map(async (r) => [r.id, await thumbnailOf(r)] as const)));
  const typesPresent = RECORD_TYPES.filter((type) => (type === 'document' ? documents.total > 0 : count('type', type) > 0));
  const percent = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  return (
    <div className="grid gap-10">
      <section aria-labelledby="home-title">
        <h1 id="home-title" className="text-2xl sm:text-3xl font-semibold leading-tight font-serif">
          {t('home.title')}
        </h1>
        <p className="mt-2 max-w-prose text-ink/85">{t('home.intro')}</p>
        <SearchForm locale={locale} id="home-q" className="mt-4 max-w-xl" />
        <dl className="mt-5 flex flex-wrap gap-x-8 gap-y-3 text-sm">
          <div>
            <dt className="text-ink/75">{t('home.stats.records')}</dt>
            <dd className="text-2xl font-semibold" data-testid="record-count">{heritage.total}</dd>
          </div>
          <div>
            <dt className="text-ink/75">{t('home.stats.documents')}</dt>
            <dd className="text-2xl font-semibold">{documents.total}</dd>
          </div>
          <div>
            <dt className="text-ink/75">{t('home.stats.communities')}</dt>
            <dd className="text-2xl font-semibold">{vocab.ethnicGroups.length}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="communities">
        <h2 id="communities" className="text-xl font-semibold">{t('home.communities')}</h2>
        <ul className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-4">
          {vocab.ethnicGroups.map((group) => (
            <li key={group.id}>
              <Link href={`/communities/${group.id}`} className="block h-full rounded-lg border border-ink/15 bg-white p-4 hover:border-madder">
                <span className="block text-lg font-semibold">{locale === 'en' ? (group.name.en ?? group.name.vi) : group.name.vi}</span>
                <span className="block text-sm text-ink/75">
                  {t('home.recordCount', { count: count('ethnicGroup', group.id) })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="this-month">
        <h2 id="this-month" className="text-xl font-semibold">{t('home.thisMonth', { month: lunar.month })}</h2>
        {thisMonth.entries.length === 0 ? (
          <p className="mt-2 text-ink/80">{t('home.thisMonthNone')}</p>
        ) : (
          <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {thisMonth.entries.map(({ record }) => (
              <li key={record.id}>
                <RecordCard record={record} locale={locale} vocab={vocab} />
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-sm">
          <Link href="/calendar" className="underline text-madder">{t('home.toCalendar')}</Link>
        </p>
      </section>

      <section aria-labelledby="featured">
        <h2 id="featured" className="text-xl font-semibold">{t('home.featured')}</h2>
        <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {featured.map((record) => (
            <li key={record.id}>
              <RecordCard record={record} locale={locale} vocab={vocab} thumbnail={thumbnails.get(record.id)} />
            </li>
          ))}
        </ul>
        <nav aria-label={t('home.byType')} className="mt-4 flex flex-wrap gap-2">
          {typesPresent.map((type) => (
            <Link key={type} href={`/types/${type}`} className="rounded-full border border-ink/30 px-3 py-1 text-sm hover:border-ink">
              {typeLabel(vocab, type, locale)}
            </Link>
          ))}
        </nav>
      </section>

      <section aria-labelledby="latest-documents">
        <h2 id="latest-documents" className="text-xl font-semibold">{t('home.latestDocuments')}</h2>
        <ul className="mt-3 divide-y divide-ink/10 rounded-lg border border-ink/15 bg-white">
          {documents.entries.map(({ record }) => (
            <li key={record.id} className="p-3">
              <Link href={`/records/${record.id}/${record.slug}`} className="font-semibold hover:underline">
                {record.document?.number}
              </Link>{' '}
              <span className="text-sm text-ink/80">
                {locale === 'en' ? (record.title.en ?? record.title.vi) : record.title.vi}
              </span>
            </li>
          ))}
        </ul>
        <p className="mt-3 text-sm">
          <Link href="/library" className="underline text-madder">{t('home.toLibrary')}</Link>
        </p>
      </section>

      <section aria-labelledby="coverage">
        <h2 id="coverage" className="text-xl font-semibold">{t('home.coverage')}</h2>
        <p className="mt-1 max-w-prose text-sm text-ink/80">{t('home.coverageIntro', { total: coverage.overall.total })}</p>
        <dl className="mt-3 grid gap-4 sm:grid-cols-2">
          {(
            [
              ['preserved', coverage.overall.preservedPercent],
              ['published', coverage.overall.publishedPercent],
            ] as const
          ).map(([key, value]) => (
            <div key={key} className="rounded-lg border border-ink/15 bg-white p-4">
              <dt className="text-sm text-ink/80">{t(`home.${key}`)}</dt>
              <dd>
                <span className="text-2xl font-semibold">{percent.format(value)}%</span>
                <span className="mt-2 block h-2 rounded bg-ink/10" aria-hidden="true">
                  <span className="block h-2 rounded bg-moss" style={{ width: `${Math.min(100, value)}%` }} />
                </span>
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
