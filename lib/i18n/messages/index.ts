/**
 * Interface strings, one JSON file per namespace and language, so each part
 * of the site (the media players, citations, the calendar…) owns its file.
 * A unit test checks that both languages have the same keys.
 */
import type { Locale } from '../routing';
import viSite from './vi/site.json';
import enSite from './en/site.json';
import viMedia from './vi/media.json';
import enMedia from './en/media.json';
import viCite from './vi/cite.json';
import enCite from './en/cite.json';
import viCalendar from './vi/calendar.json';
import enCalendar from './en/calendar.json';

export const MESSAGES = {
  vi: { site: viSite, media: viMedia, cite: viCite, calendar: viCalendar },
  en: { site: enSite, media: enMedia, cite: enCite, calendar: enCalendar },
} satisfies Record<Locale, Record<string, unknown>>;

export type Messages = (typeof MESSAGES)['vi'];
