/**
 * A community: who they are, where they live, and their public records, by
 * type: a few of each type on the community's page, every one of a type on
 * its own numbered pages (`?type=festival&page=2`). Lists and counts come
 * from the index, so the page costs the same whatever the archive's size.
 */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { listPage, pageNumber } from '@/app/_components/list-page';
import { Localized } from '@/app/_components/localized';
import { Pager } from '@/app/_components/pager';
import { RecordGrid } from '@/app/_components/record-grid';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { districtName, typeLabel } from '@/lib/catalog/labels';
import { RECORD_TYPES, type RecordType } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale; group: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Records of each type shown on the community's page; the rest are a link away. */
const PREVIEW = 4;
const HERITAGE_TYPES = RECORD_TYPES.filter((type) => type !== 'document');

function findGroup(id: string) {
  return getArchive().vocab.ethnicGroups.find((g) => g.id === id);
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
const isHeritageType = (value: string | undefined): value is RecordType => value !== undefined && (HERITAGE_TYPES as string[]).includes(value);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, group: id } = await params;
  const group = findGroup(id);
  if (!group) return {};
  return {
    title: pick(group.name, locale).text,
    description: pick(group.description, locale).text.slice(0, 200),
    alternates: alternatesFor(getArchive().config.siteUrl, locale, `/communities/${group.id}`),
  };
}

export default async function CommunityPage({ params, searchParams }: Props) {
  const { locale, group: id } = await params;
  setRequestLocale(locale);
  const group = findGroup(id);
  if (!group) notFound();
  const query = await searchParams;
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab } = getArchive();
  const index = await getSearchIndex();
  const viewer = ANONYMOUS;
  const theirs = (types: RecordType[]) => ({ ethnicGroup: [group.id], type: types });
  const counts = await index.list({ viewer, filters: theirs(HERITAGE_TYPES), facets: ['type'], limit: 0 });
  const countOf = (type: RecordType) => counts.facets.type?.find((c) => c.value === type)?.count ?? 0;
  const present = HERITAGE_TYPES.filter((type) => countOf(type) > 0);
  const typeHref = (type: RecordType, page = 1) => `/communities/${group.id}?type=${type}${page > 1 ? `&page=${page}` : ''}`;

  const requested = one(query.type);
  const only = isHeritageType(requested) ? requested : undefined;
  const page = pageNumber(query.page);
  // One type, a page at a time; otherwise a few records of each type present.
  const full = only ? await listPage(index, { viewer, filters: theirs([only]), sort: 'title' }, page) : undefined;
  if (full && page > full.pages) notFound();
  const previews = only
    ? []
    : await Promise.all(present.map(async (type) => ({ type, list: await index.list({ viewer, filters: theirs([type]), sort: 'title', limit: PREVIEW }) })));

  return (
    <div>
      <p className="text-sm">
        <Link href="/communities" className="underline text-madder">{t('communities.all')}</Link>
      </p>
      <h1 className="mt-1 font-serif text-2xl sm:text-3xl font-semibold">{pick(group.name, locale).text}</h1>
      {group.otherNames.length > 0 && <p className="text-sm text-ink/80">{t('communities.otherNames', { names: group.otherNames.join(', ') })}</p>}
      <Localized value={group.description} locale={locale} as="p" className="mt-3 max-w-prose leading-relaxed" />
      <p className="mt-2 text-sm text-ink/80">
        {t('communities.districts', { districts: group.districts.map((d) => districtName(vocab, d, locale)).join(', ') })}
      </p>
      <p className="mt-2 text-sm">
        <Link href={`/search?community=${group.id}`} className="underline">{t('communities.searchWithin')}</Link>
        {' · '}
        <a href={`/iiif/collection/${group.id}`} className="underline">IIIF</a>
      </p>

      {only && full ? (
        <section aria-labelledby={`type-${only}`} className="mt-8">
          <p className="text-sm">
            <Link href={`/communities/${group.id}`} className="underline text-madder">{t('communities.allTypes')}</Link>
          </p>
          <h2 id={`type-${only}`} className="mt-1 text-xl font-semibold">
            {typeLabel(vocab, only, locale)}
          </h2>
          <p className="text-sm text-ink/80">{t('home.recordCount', { count: full.total })}</p>
          {full.entries.length === 0 ? (
            <p className="mt-4 text-ink/80">{t('lists.empty')}</p>
          ) : (
            <RecordGrid records={full.entries.map((e) => e.record)} locale={locale} vocab={vocab} />
          )}
          <Pager page={full.page} pages={full.pages} hrefFor={(p) => typeHref(only, p)} locale={locale} />
        </section>
      ) : previews.length === 0 ? (
        <p className="mt-4 text-ink/80">{t('lists.empty')}</p>
      ) : (
        previews.map(({ type, list }) => (
          <section key={type} aria-labelledby={`type-${type}`} className="mt-8">
            <h2 id={`type-${type}`} className="text-xl font-semibold">
              {typeLabel(vocab, type, locale)}
            </h2>
            <RecordGrid records={list.entries.map((e) => e.record)} locale={locale} vocab={vocab} />
            {list.total > list.entries.length && (
              <p className="mt-3 text-sm">
                <Link href={typeHref(type)} className="inline-block py-1 underline text-madder">{t('lists.seeAll', { count: list.total })}</Link>
              </p>
            )}
          </section>
        ))
      )}
    </div>
  );
}
