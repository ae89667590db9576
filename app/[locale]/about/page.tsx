/** What the archive is, whose heritage it keeps and on what terms. */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('about.title'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/about') };
}

const SECTIONS = ['mission', 'communities', 'protocols', 'rights', 'reuse'] as const;

export default async function AboutPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <div className="max-w-prose">
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('about.title')}</h1>
      {SECTIONS.map((key) => (
        <section key={key} aria-labelledby={`about-${key}`} className="mt-6">
          <h2 id={`about-${key}`} className="text-lg font-semibold">{t(`about.${key}.heading`)}</h2>
          <p className="mt-2 leading-relaxed">{t(`about.${key}.body`)}</p>
        </section>
      ))}
      <p className="mt-6">
        <Link href="/contact" className="underline text-madder">{t('nav.contact')}</Link>
      </p>
    </div>
  );
}
