/** Every public record of one type (festivals, crafts, music…), by community. */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { RecordGrid } from '@/app/_components/record-grid';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { redirect } from '@/lib/i18n/navigation';
import { alternatesFor } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { typeLabel } from '@/lib/records/labels';
import { RECORD_TYPES, type RecordType } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale; type: string }> };

const isType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, type } = await params;
  if (!isType(type)) return {};
  return { title: typeLabel(getArchive().vocab, type, locale), alternates: alternatesFor(getArchive().config.siteUrl, locale, `/types/${type}`) };
}

export default async function TypePage({ params }: Props) {
  const { locale, type } = await params;
  setRequestLocale(locale);
  if (!isType(type)) notFound();
  if (type === 'document') redirect({ href: '/library', locale });
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab, records } = getArchive();
  const ofType = (await listVisibleRecords(records, ANONYMOUS))
    .map((s) => s.record)
    .filter((r) => r.type === type)
    .sort((a, b) => a.title.vi.localeCompare(b.title.vi, 'vi'));
  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{typeLabel(vocab, type, locale)}</h1>
      <nav aria-label={t('home.byType')} className="mt-3 flex flex-wrap gap-2 text-sm">
        {RECORD_TYPES.filter((x) => x !== 'document').map((x) => (
          <Link key={x} href={`/types/${x}`} aria-current={x === type ? 'page' : undefined} className="rounded-full border border-ink/30 px-3 py-1 aria-[current=page]:bg-ink aria-[current=page]:text-bone">
            {typeLabel(vocab, x, locale)}
          </Link>
        ))}
      </nav>
      {ofType.length === 0 ? <p className="mt-6 text-ink/80">{t('lists.empty')}</p> : <RecordGrid records={ofType} locale={locale} vocab={vocab} />}
    </div>
  );
}
