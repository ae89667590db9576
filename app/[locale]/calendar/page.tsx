/**
 * The festival calendar, by lunar month (as most rites are reckoned) or by solar month; the view is in the URL.
 * Festivals and rituals without a month are listed below it. Each month shows its count and first records, from the
 * index's month facet; a month with more has its own numbered list (`?month=3`, `?month=unknown`).
 */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { FestivalCalendar, type MonthRecords } from '@/app/_components/calendar/festival-calendar';
import { listPage, pageNumber } from '@/app/_components/list-page';
import { Localized } from '@/app/_components/localized';
import { Pager } from '@/app/_components/pager';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor, recordPath } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { CALENDAR_RECORD_TYPES, MONTH_UNKNOWN, MONTHS, monthFacetValue, type CalendarKind } from '@/lib/records/festival-calendar';
import type { Facet } from '@/lib/search/types';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<{ view?: string | string[]; month?: string | string[]; page?: string | string[] }> };

/** Records shown in a month's card, and under "month not known"; more are a link away. */
const PER_MONTH = 4;
const UNKNOWN_SHOWN = 12;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('calendarPage.title'), description: t('calendarPage.intro'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/calendar') };
}

/** The filter of a month's records in a calendar, or of the festivals and rituals that give no month. */
function monthFilter(view: CalendarKind, month: number | 'unknown'): Partial<Record<Facet, string[]>> {
  return month === 'unknown' ? { type: [...CALENDAR_RECORD_TYPES], month: [MONTH_UNKNOWN] } : { month: [monthFacetValue(view, month)] };
}

function focusOf(value: string | string[] | undefined): number | 'unknown' | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === 'unknown') return 'unknown';
  const month = Number(raw);
  return (MONTHS as readonly number[]).includes(month) ? month : undefined;
}

export default async function CalendarPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const query = await searchParams;
  const view: CalendarKind = query.view === 'solar' ? 'solar' : 'lunar';
  const focus = focusOf(query.month);
  const t = await getTranslations({ locale, namespace: 'site' });
  const tc = await getTranslations({ locale, namespace: 'calendar' });
  const index = await getSearchIndex();
  const viewer = ANONYMOUS;
  const yearHref = view === 'lunar' ? '/calendar' : '/calendar?view=solar';
  const monthHref = (month: number | 'unknown', page = 1) =>
    `/calendar?${view === 'solar' ? 'view=solar&' : ''}month=${month}${page > 1 ? `&page=${page}` : ''}`;

  const tabs = (
    <nav aria-label={t('calendarPage.views')} className="mt-4 flex flex-wrap gap-2">
      {(['lunar', 'solar'] as const).map((v) => (
        <Link
          key={v}
          href={v === 'lunar' ? '/calendar' : '/calendar?view=solar'}
          aria-current={v === view && focus === undefined ? 'page' : undefined}
          className="rounded-full border border-ink/40 px-4 py-1 text-sm aria-[current=page]:bg-ink aria-[current=page]:text-bone"
        >
          {t(`calendarPage.${v}`)}
        </Link>
      ))}
    </nav>
  );
  const header = (
    <>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('calendarPage.title')}</h1>
      <p className="mt-2 max-w-prose text-ink/85">{t('calendarPage.intro')}</p>
      {tabs}
    </>
  );

  if (focus !== undefined) {
    // One month (or the festivals and rituals of unknown month), every record, a page at a time.
    const list = await listPage(index, { viewer, filters: monthFilter(view, focus), sort: 'title' }, pageNumber(query.page));
    if (list.page > list.pages) notFound();
    return (
      <div>
        {header}
        <section aria-labelledby="month-list" className="mt-6 rounded-lg border border-ink/15 bg-white p-4" data-testid="month-list">
          <p className="text-sm">
            <Link href={yearHref} className="inline-block py-0.5 underline text-madder">{tc('backToYear')}</Link>
          </p>
          <h2 id="month-list" className="mt-1 text-xl font-semibold">
            {focus === 'unknown' ? tc('unknownTitle') : view === 'lunar' ? tc('lunarMonth', { month: focus }) : tc('solarMonth', { month: focus })}
          </h2>
          <p className="text-sm text-ink/80">{tc('monthTotal', { count: list.total })}</p>
          {list.entries.length > 0 && (
            <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
              {list.entries.map(({ record }) => (
                <li key={record.id} className="min-w-0">
                  <Link href={`/records/${record.id}/${record.slug}`} className="inline-block py-0.5 text-madder underline underline-offset-2 [overflow-wrap:anywhere] hover:text-ink">
                    <Localized value={record.title} locale={locale} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Pager page={list.page} pages={list.pages} hrefFor={(p) => monthHref(focus, p)} locale={locale} className="mt-4" />
        </section>
      </div>
    );
  }

  // The year: each month's count from the month facet, then its first few records (months without any are not asked).
  const counts = await index.list({ viewer, facets: ['month'], limit: 0 });
  const countOf = (value: string) => counts.facets.month?.find((c) => c.value === value)?.count ?? 0;
  const [months, unknown] = await Promise.all([
    Promise.all(
      MONTHS.filter((month) => countOf(monthFacetValue(view, month)) > 0).map(async (month): Promise<[number, MonthRecords]> => {
        const list = await index.list({ viewer, filters: monthFilter(view, month), sort: 'title', limit: PER_MONTH });
        return [month, { total: list.total, records: list.entries.map((e) => e.record) }];
      }),
    ),
    index.list({ viewer, filters: monthFilter(view, 'unknown'), sort: 'title', limit: UNKNOWN_SHOWN }),
  ]);
  return (
    <div>
      {header}
      <FestivalCalendar
        months={new Map(months)}
        unknown={{ total: unknown.total, records: unknown.entries.map((e) => e.record) }}
        locale={locale}
        now={new Date()}
        view={view}
        recordHref={(r) => recordPath(r, locale)}
        monthHref={(month) => `/${locale}${monthHref(month)}`}
      />
    </div>
  );
}
