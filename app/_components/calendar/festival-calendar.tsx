/**
 * The year of festivals in one calendar: twelve months, each with the
 * records held in it. The lunar view also gives the solar days each lunar
 * month spans in the current lunar year, since readers plan by the solar
 * calendar; those dates are a guide, the community fixes the actual days.
 * Records defined in the other calendar are not converted: the page offers
 * the other view for them. Festivals and rituals that give no month are
 * listed below the months, in both views, rather than hidden.
 *
 * The page gives each month its count and first few records (from the
 * search index); a month with more links to its own list.
 */
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getYearCanChi } from '@dqcai/vn-lunar';
import { Localized } from '@/app/_components/localized';
import type { Locale } from '@/lib/i18n/routing';
import { calendarFrame, MONTHS, type CalendarKind, type LunarMonthSpan } from '@/lib/records/festival-calendar';
import type { HeritageRecord } from '@/lib/records/schema';
import { formatSpan } from './format';

/** Some of a month's records (sorted by title) and how many it has in all. */
export interface MonthRecords {
  total: number;
  records: HeritageRecord[];
}

type Props = {
  /** By month number, 1–12 (a month left out has no records). */
  months: ReadonlyMap<number, MonthRecords>;
  /** Festivals and rituals that give no month. */
  unknown: MonthRecords;
  locale: Locale;
  now: Date;
  view: CalendarKind;
  /** Where a record's link goes (the page knows its routes and locale). */
  recordHref: (record: HeritageRecord) => string;
  /** The list of all of a month's records (or those of unknown month), for months with more than are shown. */
  monthHref: (month: number | 'unknown') => string;
  /** Level of the month headings: h2 under the page's h1 by default. */
  headingLevel?: 'h2' | 'h3';
};

const NONE: MonthRecords = { total: 0, records: [] };
const MORE = 'inline-block py-0.5 text-sm font-medium text-madder underline underline-offset-2 hover:text-ink';

/** First and last solar day of the lunar year the spans cover. */
function lunarYearSpan(spans: Map<number, LunarMonthSpan[]>, locale: Locale): { from: string; to: string } {
  const all = [...spans.values()].flat();
  const { start, end } = formatSpan(all[0]!.start, all[all.length - 1]!.end, locale);
  return { from: start, to: end };
}

export async function FestivalCalendar({ months, unknown, locale, now, view, recordHref, monthHref, headingLevel: Heading = 'h2' }: Props) {
  const t = await getTranslations({ locale, namespace: 'calendar' });
  const calendars = calendarFrame(now);
  const current = view === 'lunar' ? calendars.currentLunar : calendars.currentSolar;
  const currentLeap = view === 'lunar' && calendars.currentLunar.leap;

  const spanText = (span: LunarMonthSpan) => {
    const { start, end } = formatSpan(span.start, span.end, locale);
    return (
      <>
        <time dateTime={span.start}>{start}</time> – <time dateTime={span.end}>{end}</time>
      </>
    );
  };

  return (
    <div className="mt-4" data-testid="festival-calendar" data-view={view}>
      <p className="max-w-prose text-sm text-ink/80">
        {view === 'lunar'
          ? t('lunarNote', { canChi: getYearCanChi(calendars.currentLunar.year), ...lunarYearSpan(calendars.lunarSpans, locale) })
          : t('solarNote')}
      </p>
      {unknown.total > 0 && (
        <p className="mt-2 text-sm">
          {/* On a phone the list is twelve cards down: say it is there. */}
          <a href="#month-unknown" className="inline-block py-0.5 text-madder underline underline-offset-2 hover:text-ink">
            {t('unknownJump', { count: unknown.total })}
          </a>
        </p>
      )}
      <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {MONTHS.map((month) => {
          const { total, records: list } = months.get(month) ?? NONE;
          const isCurrent = month === current.month;
          const spans = view === 'lunar' ? (calendars.lunarSpans.get(month) ?? []) : [];
          const headingId = `${view}-month-${month}`;
          return (
            <li
              key={month}
              aria-current={isCurrent ? 'date' : undefined}
              data-testid={isCurrent ? 'current-month' : undefined}
              className={`min-w-0 rounded-lg bg-white p-4 ${isCurrent ? 'border-2 border-madder shadow' : 'border border-ink/15'}`}
            >
              <Heading id={headingId} className="flex flex-wrap items-baseline gap-2 font-semibold">
                {view === 'lunar' ? t('lunarMonth', { month }) : t('solarMonth', { month })}
                {isCurrent && (
                  <span className="rounded bg-madder px-1.5 py-0.5 text-xs font-medium text-white">
                    {currentLeap ? t('thisMonthLeap') : t('thisMonth')}
                  </span>
                )}
              </Heading>
              {spans.map((span) => (
                <p key={`${span.month}-${span.leap}`} className="mt-1 text-xs text-ink/80">
                  {span.leap ? t('leapSpan') : t('span')}: {spanText(span)}
                </p>
              ))}
              {list.length > 0 ? (
                <ul className="mt-2 grid gap-1 text-sm">
                  {list.map((record) => (
                    <li key={record.id} className="min-w-0">
                      <Link href={recordHref(record)} className="inline-block py-0.5 text-madder underline underline-offset-2 [overflow-wrap:anywhere] hover:text-ink">
                        <Localized value={record.title} locale={locale} />
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-ink/75">{t('none')}</p>
              )}
              {total > list.length && (
                <p className="mt-1">
                  <Link href={monthHref(month)} prefetch={false} className={MORE}>
                    {t('more', { count: total })}
                  </Link>
                </p>
              )}
            </li>
          );
        })}
      </ol>
      {unknown.total > 0 && (
        <section aria-labelledby="month-unknown" data-testid="month-unknown" className="mt-8 rounded-lg border border-dashed border-ink/30 bg-white p-4">
          <Heading id="month-unknown" className="font-semibold">
            {t('unknownTitle')}
          </Heading>
          <p className="mt-1 max-w-prose text-sm text-ink/80">{t('unknownNote', { count: unknown.total })}</p>
          <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
            {unknown.records.map((record) => (
              <li key={record.id} className="min-w-0">
                <Link href={recordHref(record)} className="inline-block py-0.5 text-madder underline underline-offset-2 [overflow-wrap:anywhere] hover:text-ink">
                  <Localized value={record.title} locale={locale} />
                </Link>
              </li>
            ))}
          </ul>
          {unknown.total > unknown.records.length && (
            <p className="mt-2">
              <Link href={monthHref('unknown')} prefetch={false} className={MORE}>
                {t('more', { count: unknown.total })}
              </Link>
            </p>
          )}
        </section>
      )}
    </div>
  );
}
