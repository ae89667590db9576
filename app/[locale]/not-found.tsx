/** 404 in the page's language, with ways on: search, home, the communities. */
import { getLocale, getTranslations } from 'next-intl/server';
import { SearchForm } from '@/app/_components/search-form';
import { Link } from '@/lib/i18n/link';
import { isLocale } from '@/lib/i18n/routing';

export default async function NotFound() {
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : 'vi';
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <div className="mx-auto max-w-xl py-10 text-center">
      <p className="text-sm font-semibold uppercase tracking-wide text-madder">404</p>
      <h1 className="mt-1 font-serif text-2xl font-semibold" data-testid="not-found">{t('notFound.title')}</h1>
      <p className="mt-2 text-ink/85">{t('notFound.body')}</p>
      <SearchForm locale={locale} id="nf-q" className="mt-6" />
      <p className="mt-6 flex justify-center gap-6">
        <Link href="/" className="underline text-madder">{t('nav.home')}</Link>
        <Link href="/communities" className="underline text-madder">{t('nav.communities')}</Link>
      </p>
    </div>
  );
}
