/**
 * The year of festivals in one calendar: twelve months, each with the
 * records held in it. The lunar view also gives the solar days each lunar
 * month spans in the current lunar year, since readers plan by the solar
 * calendar; those dates are a guide, the community fixes the actual days.
 * Records defined in the other calendar are not converted: the page offers
 * the other view for them. Festivals and rituals that give no month are
 * listed below the months, in both views, rather than hidden.
 */
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getYearCanChi } from '@dqcai/vn-lunar';
import { Localized } from '@/app/_components/localized';
import type { Locale } from '@/lib/i18n/routing';
import { festivalCalendars, type CalendarKind, type LunarMonthSpan } from '@/lib/records/festival-calendar';
import type { HeritageRecord } from '@/lib/records/schema';
import { formatSpan } from './format';

type Props = {
  records: readonly HeritageRecord[];
  locale: Locale;
  now: Date;
  view: CalendarKind;
  /** Where a record's link goes (the page knows its routes and locale). */
  recordHref: (record: HeritageRecord) => string;
  /** Level of the month headings: h2 under the page's h1 by default. */
  headingLevel?: 'h2' | 'h3';
};

/** First and last solar day of the lunar year the spans cover. */
function lunarYearSpan(spans: Map<number, LunarMonthSpan[]>, locale: Locale): { from: string; to: string } {
  const all = [...spans.values()].flat();
  const { start, end } = formatSpan(all[0]!.start, all[all.length - 1]!.end, locale);
  return { from: start, to: end };
}

export async function FestivalCalendar({ records, locale, now, view, recordHref, headingLevel: Heading = 'h2' }: Props) {
  const t = await getTranslations({ locale, namespace: 'calendar' });
  const calendars = festivalCalendars(records, now);
  const groups = calendars[view];
  const unknown = calendars.monthUnknown;
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
      {unknown.length > 0 && (
        <p className="mt-2 text-sm">
          {/* On a phone the list is twelve cards down: say it is there. */}
          <a href="#month-unknown" className="inline-block py-0.5 text-madder underline underline-offset-2 hover:text-ink">
            {t('unknownJump', { count: unknown.length })}
          </a>
        </p>
      )}
      <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {[...groups].map(([month, list]) => {
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
            </li>
          );
        })}
      </ol>
      {unknown.length > 0 && (
        <section aria-labelledby="month-unknown" data-testid="month-unknown" className="mt-8 rounded-lg border border-dashed border-ink/30 bg-white p-4">
          <Heading id="month-unknown" className="font-semibold">
            {t('unknownTitle')}
          </Heading>
          <p className="mt-1 max-w-prose text-sm text-ink/80">{t('unknownNote', { count: unknown.length })}</p>
          <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
            {unknown.map((record) => (
              <li key={record.id} className="min-w-0">
                <Link href={recordHref(record)} className="inline-block py-0.5 text-madder underline underline-offset-2 [overflow-wrap:anywhere] hover:text-ink">
                  <Localized value={record.title} locale={locale} />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
