/** How to reach the archive: corrections, takedown and protocol requests, research access. */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { alternatesFor } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/routing';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('contact.title'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/contact') };
}

const REASONS = ['correction', 'protocol', 'research', 'contribute'] as const;

export default async function ContactPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const email = getArchive().config.adminEmail;
  return (
    <div className="max-w-prose">
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('contact.title')}</h1>
      <p className="mt-2 leading-relaxed">{t('contact.intro')}</p>
      <ul className="mt-4 grid gap-3">
        {REASONS.map((key) => (
          <li key={key} className="rounded-lg border border-ink/15 bg-white p-4">
            <h2 className="font-semibold">{t(`contact.${key}.heading`)}</h2>
            <p className="mt-1 text-sm">{t(`contact.${key}.body`)}</p>
          </li>
        ))}
      </ul>
      <p className="mt-6">
        {t('contact.email')}{' '}
        <a href={`mailto:${email}`} className="underline text-madder">{email}</a>
      </p>
    </div>
  );
}
