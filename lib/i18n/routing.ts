/** next-intl routing: every public page lives under /vi or /en, so a link always says its language. */
import { defineRouting } from 'next-intl/routing';
import { DEFAULT_LOCALE, LOCALES } from './locales';

export { DEFAULT_LOCALE, LOCALES, isLocale, otherLocale, type Locale } from './locales';

export const routing = defineRouting({
  locales: LOCALES,
  defaultLocale: DEFAULT_LOCALE,
  localePrefix: 'always',
  // Adds Link: rel=alternate hreflang headers; pages also declare alternates in their metadata.
  alternateLinks: true,
});
