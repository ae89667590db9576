/** A community: who they are, where they live, and every public record about them, by type. */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Localized } from '@/app/_components/localized';
import { RecordsByType } from '@/app/_components/record-grid';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { districtName } from '@/lib/records/labels';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale; group: string }> };

function findGroup(id: string) {
  return getArchive().vocab.ethnicGroups.find((g) => g.id === id);
}

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

export default async function CommunityPage({ params }: Props) {
  const { locale, group: id } = await params;
  setRequestLocale(locale);
  const group = findGroup(id);
  if (!group) notFound();
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab, records } = getArchive();
  const visible = (await listVisibleRecords(records, ANONYMOUS)).map((s) => s.record);
  const theirs = visible.filter((r) => r.ethnicGroups.includes(group.id) && r.type !== 'document');
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
      <RecordsByType records={theirs} locale={locale} vocab={vocab} />
    </div>
  );
}
