/**
 * Short solar date ranges for the calendar: "29/1 – 27/2/2025" in
 * Vietnamese, "29 Jan – 27 Feb 2025" in English. Written out rather than
 * left to Intl so server and tests agree whatever ICU data Node ships.
 */
import type { Locale } from '@/lib/i18n/routing';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parts(iso: string): [number, number, number] {
  const [y, m, d] = iso.split('-').map(Number);
  return [y!, m!, d!];
}

function dayMonth(iso: string, locale: Locale): string {
  const [, m, d] = parts(iso);
  return locale === 'vi' ? `${d}/${m}` : `${d} ${MONTHS_EN[m - 1]}`;
}

function withYear(iso: string, locale: Locale): string {
  const [y] = parts(iso);
  return locale === 'vi' ? `${dayMonth(iso, locale)}/${y}` : `${dayMonth(iso, locale)} ${y}`;
}

/** Start and end as displayed; the year is written once when both share it. */
export function formatSpan(start: string, end: string, locale: Locale): { start: string; end: string } {
  const sameYear = parts(start)[0] === parts(end)[0];
  return { start: sameYear ? dayMonth(start, locale) : withYear(start, locale), end: withYear(end, locale) };
}
