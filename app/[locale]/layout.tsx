/** The public site's shell in the URL's language: header with navigation and language switch, footer. */
import type { Metadata, Viewport } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { hasLocale } from 'next-intl';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { LocaleSwitch } from '@/app/_components/locale-switch';
import { Link } from '@/lib/i18n/link';
import { otherLocale, routing, type Locale } from '@/lib/i18n/routing';
import { getArchive } from '@/lib/server/archive';

type Props = { children: React.ReactNode; params: Promise<{ locale: string }> };

export function generateStaticParams() {
  return routing.locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: Omit<Props, 'children'>): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const t = await getTranslations({ locale, namespace: 'site' });
  return {
    metadataBase: new URL(getArchive().config.siteUrl),
    title: { default: t('meta.title'), template: `%s · ${t('name')}` },
    description: t('meta.description'),
    openGraph: { siteName: t('name'), locale: locale === 'vi' ? 'vi_VN' : 'en_GB' },
    alternates: {
      types: { 'application/atom+xml': `/feeds/${locale}/atom.xml` },
    },
  };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1b1a2e' };

const NAV = [
  ['/search', 'search'],
  ['/communities', 'communities'],
  ['/library', 'library'],
  ['/map', 'map'],
  ['/calendar', 'calendar'],
  ['/about', 'about'],
] as const;

export default async function LocaleLayout({ children, params }: Props) {
  // Rendered per request: Next.js puts the Content-Security-Policy nonce (proxy.ts) only on scripts it renders now.
  await connection();
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const other: Locale = otherLocale(locale);

  return (
    <html lang={locale}>
      <body className="min-h-screen font-sans antialiased flex flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:p-2 focus:bg-bone">
          {t('skip')}
        </a>
        <header className="bg-ink text-bone">
          <div className="mx-auto max-w-5xl px-4 pt-3 flex items-center justify-between gap-3">
            <Link href="/" className="flex items-baseline gap-2">
              <span className="text-xl font-semibold tracking-wide">{t('name')}</span>
              <span className="hidden sm:inline text-sm text-bone/85">{t('tagline')}</span>
            </Link>
            <LocaleSwitch target={other} name={other === 'en' ? 'English' : 'Tiếng Việt'} label={t('switchLanguage')} />
          </div>
          <nav aria-label={t('nav.label')} className="mx-auto max-w-5xl px-4 py-2">
            <ul className="flex flex-wrap gap-x-4 gap-y-0 text-sm">
              {NAV.map(([href, key]) => (
                <li key={key}>
                  <Link href={href} className="inline-block py-1 underline-offset-4 hover:underline">
                    {t(`nav.${key}`)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="brocade-band" aria-hidden="true" />
        </header>
        <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 flex-1">
          {children}
        </main>
        <footer className="bg-ink text-bone/90 text-sm">
          <div className="brocade-band" aria-hidden="true" />
          <div className="mx-auto max-w-5xl px-4 py-5 grid gap-3">
            <p>{t('footer.about')}</p>
            <ul className="flex flex-wrap gap-x-5 gap-y-2">
              <li><Link href="/about" className="underline">{t('nav.about')}</Link></li>
              <li><Link href="/contact" className="underline">{t('nav.contact')}</Link></li>
              <li><a href={`/feeds/${locale}/atom.xml`} className="underline">{t('footer.feed')}</a></li>
              <li><a href="/api/v1/openapi.json" className="underline">API</a></li>
              <li><a href="/oai?verb=Identify" className="underline">OAI-PMH</a></li>
              <li><a href="/studio" className="underline">{t('footer.studio')}</a></li>
            </ul>
            <p className="text-bone/80">{t('footer.demo')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}
