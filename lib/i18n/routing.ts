/**
 * The public site's languages. Vietnamese is the archive's working language
 * and the default; English serves researchers and visitors abroad. Every
 * public page lives under /vi or /en so a link always says its language.
 */
import { defineRouting } from 'next-intl/routing';

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

export const routing = defineRouting({
  locales: LOCALES,
  defaultLocale: DEFAULT_LOCALE,
  localePrefix: 'always',
  // Adds Link: rel=alternate hreflang headers; pages also declare alternates in their metadata.
  alternateLinks: true,
});

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The other language, for the switch and for marking fallbacks. */
export function otherLocale(locale: Locale): Locale {
  return locale === 'vi' ? 'en' : 'vi';
}
