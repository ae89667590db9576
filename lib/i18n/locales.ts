/**
 * The public site's languages. Vietnamese is the archive's working language
 * and the default; English serves researchers and visitors abroad. No
 * imports: client components use this without pulling in next-intl.
 */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The other language, for the switch and for marking fallbacks. */
export function otherLocale(locale: Locale): Locale {
  return locale === 'vi' ? 'en' : 'vi';
}
