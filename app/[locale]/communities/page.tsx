/** The communities whose heritage the archive keeps. */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Localized } from '@/app/_components/localized';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { RECORD_TYPES } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('nav.communities'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/communities') };
}

export default async function CommunitiesPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab } = getArchive();
  // Heritage records per community (documents have the library): counts from the index, no record read.
  const { facets } = await (await getSearchIndex()).list({
    viewer: ANONYMOUS,
    filters: { type: RECORD_TYPES.filter((type) => type !== 'document') },
    facets: ['ethnicGroup'],
    limit: 0,
  });
  const count = (group: string) => facets.ethnicGroup?.find((c) => c.value === group)?.count ?? 0;
  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('nav.communities')}</h1>
      <ul className="mt-4 grid gap-4 sm:grid-cols-2">
        {vocab.ethnicGroups.map((group) => (
          <li key={group.id} className="rounded-lg border border-ink/15 bg-white p-4">
            <h2 className="text-xl font-semibold">
              <Link href={`/communities/${group.id}`} className="hover:underline">{pick(group.name, locale).text}</Link>
            </h2>
            <p className="text-sm text-ink/80">{t('home.recordCount', { count: count(group.id) })}</p>
            <Localized value={group.description} locale={locale} as="p" className="mt-2 line-clamp-4 text-sm" />
          </li>
        ))}
      </ul>
    </div>
  );
}
