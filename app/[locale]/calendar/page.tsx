/** The festival calendar, by lunar month (as most rites are reckoned) or by solar month; the view is in the URL. Festivals and rituals without a month are listed below it. */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { FestivalCalendar } from '@/app/_components/calendar/festival-calendar';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor, recordPath } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<{ view?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('calendarPage.title'), description: t('calendarPage.intro'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/calendar') };
}

export default async function CalendarPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const view = (await searchParams).view === 'solar' ? 'solar' : 'lunar';
  const t = await getTranslations({ locale, namespace: 'site' });
  // Every visible record: the calendar places those with a month and lists the festivals and rituals without one.
  const records = (await listVisibleRecords(getArchive().records, ANONYMOUS)).map((s) => s.record);
  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('calendarPage.title')}</h1>
      <p className="mt-2 max-w-prose text-ink/85">{t('calendarPage.intro')}</p>
      <nav aria-label={t('calendarPage.views')} className="mt-4 flex flex-wrap gap-2">
        {(['lunar', 'solar'] as const).map((v) => (
          <Link
            key={v}
            href={v === 'lunar' ? '/calendar' : '/calendar?view=solar'}
            aria-current={v === view ? 'page' : undefined}
            className="rounded-full border border-ink/40 px-4 py-1 text-sm aria-[current=page]:bg-ink aria-[current=page]:text-bone"
          >
            {t(`calendarPage.${v}`)}
          </Link>
        ))}
      </nav>
      <FestivalCalendar records={records} locale={locale} now={new Date()} view={view} recordHref={(r) => recordPath(r, locale)} />
    </div>
  );
}
