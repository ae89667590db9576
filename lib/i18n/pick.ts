/** Record text in the reader's language, or the other one, saying which. */
import type { Locale } from './locales';

export interface Picked {
  text: string;
  /** The language the text is actually in (for the lang attribute). */
  lang: Locale;
  /** True when the requested language was missing and the other was used. */
  fallback: boolean;
}

export function pick(value: { vi: string; en?: string } | undefined, locale: Locale): Picked {
  if (!value) return { text: '', lang: locale, fallback: false };
  if (locale === 'en' && value.en) return { text: value.en, lang: 'en', fallback: false };
  return { text: value.vi, lang: 'vi', fallback: locale === 'en' };
}
