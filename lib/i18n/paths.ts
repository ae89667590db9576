/** Public URLs, in one place, so pages, feeds, sitemaps and APIs link alike. */
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales';

export function recordPath(record: { id: string; slug: string }, locale: Locale = DEFAULT_LOCALE): string {
  return `/${locale}/records/${record.id}/${record.slug}`;
}

export function recordUrl(siteUrl: string, record: { id: string; slug: string }, locale: Locale = DEFAULT_LOCALE): string {
  return `${siteUrl}${recordPath(record, locale)}`;
}

/** The same page in another language: /vi/records/x → /en/records/x (query kept). */
export function switchLocale(pathWithQuery: string, target: Locale): string {
  const [path = '/', query] = pathWithQuery.split(/\?(.*)/s, 2);
  const segments = path.split('/');
  if ((LOCALES as readonly string[]).includes(segments[1] ?? '')) segments[1] = target;
  else segments.splice(1, 0, target);
  const switched = segments.join('/').replace(/\/$/, '') || `/${target}`;
  return query ? `${switched}?${query}` : switched;
}

/** hreflang alternates and the canonical URL of a page given its path after the locale ("" for home). */
export function alternatesFor(siteUrl: string, locale: Locale, path: string) {
  const url = (l: Locale) => `${siteUrl}/${l}${path}`;
  return {
    canonical: url(locale),
    languages: { vi: url('vi'), en: url('en'), 'x-default': url(DEFAULT_LOCALE) },
  };
}
