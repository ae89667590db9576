/** Every public record of one type (festivals, crafts, music…), by title, a numbered page at a time (`?page=2`) from the index. */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { listPage, pageNumber } from '@/app/_components/list-page';
import { Pager } from '@/app/_components/pager';
import { RecordGrid } from '@/app/_components/record-grid';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { redirect } from '@/lib/i18n/navigation';
import { alternatesFor } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { typeLabel } from '@/lib/catalog/labels';
import { RECORD_TYPES, type RecordType } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale; type: string }>; searchParams: Promise<{ page?: string | string[] }> };

const isType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, type } = await params;
  if (!isType(type)) return {};
  return { title: typeLabel(getArchive().vocab, type, locale), alternates: alternatesFor(getArchive().config.siteUrl, locale, `/types/${type}`) };
}

export default async function TypePage({ params, searchParams }: Props) {
  const { locale, type } = await params;
  setRequestLocale(locale);
  if (!isType(type)) notFound();
  if (type === 'document') redirect({ href: '/library', locale });
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab } = getArchive();
  const list = await listPage(await getSearchIndex(), { viewer: ANONYMOUS, filters: { type: [type] }, sort: 'title' }, pageNumber((await searchParams).page));
  if (list.page > list.pages) notFound();
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
      {list.total === 0 ? (
        <p className="mt-6 text-ink/80">{t('lists.empty')}</p>
      ) : (
        <>
          <p className="mt-4 text-sm text-ink/80">{t('home.recordCount', { count: list.total })}</p>
          <RecordGrid records={list.entries.map((e) => e.record)} locale={locale} vocab={vocab} />
        </>
      )}
      <Pager page={list.page} pages={list.pages} hrefFor={(p) => (p > 1 ? `/types/${type}?page=${p}` : `/types/${type}`)} locale={locale} />
    </div>
  );
}
