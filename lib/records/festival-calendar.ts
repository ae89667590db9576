/**
 * When festivals are held. A record says the months it is held in, in the
 * calendar the community keeps: most rites follow the lunar calendar, some
 * (district festivals, harvest dates fixed by the commune) the solar one.
 *
 * The two are never converted into each other: a lunar month falls in
 * different solar months from year to year, so "lunar month 2" is not
 * "March". Pages show one tab per calendar, each record under the calendar
 * it is defined in, and for the lunar tab the solar dates each lunar month
 * spans in the current lunar year, as an approximate guide.
 *
 * The Vietnamese lunar calendar is computed for UTC+7 (it differs from the
 * Chinese one in some years: Tết 1985 fell on 21 January in Viet Nam,
 * 20 February in China). @dqcai/vn-lunar's tables are Vietnamese.
 */
import { getLunarDate, getYearInfo } from '@dqcai/vn-lunar';
import type { HeritageRecord, RecordType } from './schema';

export type CalendarKind = 'lunar' | 'solar';

export interface LunarMonth {
  month: number;
  /** The lunar year the month belongs to (its Tết year, not the solar year). */
  year: number;
  /** A leap month repeats the number of the month before it. */
  leap: boolean;
}

export interface LunarMonthSpan {
  month: number;
  leap: boolean;
  /** First and last solar day of the month, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
}

/** Months 1..12, every key present in order, each with its records sorted by Vietnamese title. */
export type MonthGroups = Map<number, HeritageRecord[]>;

/** @dqcai/vn-lunar covers 1200–2199; spans need the next year's Tết, so they stop a year earlier. */
const FIRST_YEAR = 1200;
const LAST_SPAN_YEAR = 2198;
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
/** Julian day number of 1970-01-01. */
const JDN_UNIX_EPOCH = 2_440_588;
export const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

const collator = new Intl.Collator('vi');
const byTitle = (a: HeritageRecord, b: HeritageRecord) => collator.compare(a.title.vi, b.title.vi) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The calendar date in Viet Nam (UTC+7, no daylight saving) at an instant. */
export function vietnamDate(instant: Date): { year: number; month: number; day: number } {
  const shifted = new Date(instant.getTime() + VIETNAM_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The lunar month it is in Viet Nam at an instant. */
export function currentLunarMonth(date: Date): LunarMonth {
  const { year, month, day } = vietnamDate(date);
  const lunar = getLunarDate(day, month, year);
  // Out of the library's range it answers 0/0/0 rather than throwing.
  if (!lunar.month) throw new RangeError(`no lunar calendar for ${date.toISOString()} (supported: ${FIRST_YEAR}–2199)`);
  return { month: lunar.month, year: lunar.year, leap: lunar.leap };
}

function isoFromJdn(jdn: number): string {
  return new Date((jdn - JDN_UNIX_EPOCH) * 86_400_000).toISOString().slice(0, 10);
}

/** The solar days each month of a lunar year spans, in order (12 or 13 months: a leap month follows its namesake). */
export function lunarMonthSpans(lunarYear: number): LunarMonthSpan[] {
  if (!Number.isInteger(lunarYear) || lunarYear < FIRST_YEAR || lunarYear > LAST_SPAN_YEAR) {
    throw new RangeError(`lunar year ${lunarYear} is outside ${FIRST_YEAR}–${LAST_SPAN_YEAR}`);
  }
  const months = getYearInfo(lunarYear);
  const nextTet = getYearInfo(lunarYear + 1)[0]!.jd;
  return months.map((m, i) => ({
    month: m.month,
    leap: m.leap,
    start: isoFromJdn(m.jd),
    end: isoFromJdn((months[i + 1]?.jd ?? nextTet) - 1),
  }));
}

/** The spans of a lunar year by month number: one span per month, two for the month that has a leap month. */
export function lunarMonthSpansByMonth(lunarYear: number): Map<number, LunarMonthSpan[]> {
  const byMonth = new Map<number, LunarMonthSpan[]>(MONTHS.map((m) => [m, []]));
  for (const span of lunarMonthSpans(lunarYear)) byMonth.get(span.month)!.push(span);
  return byMonth;
}

/** Records held in the given calendar, by month; a record held in several months appears under each, records of the other calendar not at all. */
export function festivalCalendar(records: readonly HeritageRecord[], opts: { calendar: CalendarKind }): MonthGroups {
  const groups: MonthGroups = new Map(MONTHS.map((m) => [m, []]));
  for (const record of records) {
    if (record.heldIn?.calendar !== opts.calendar) continue;
    for (const month of new Set(record.heldIn.months)) groups.get(month)?.push(record);
  }
  for (const list of groups.values()) list.sort(byTitle);
  return groups;
}

/** The record types a calendar is about: a craft or a dance has no month of its own. */
export const CALENDAR_RECORD_TYPES: readonly RecordType[] = ['festival', 'ritual'];
const CALENDAR_TYPES: ReadonlySet<RecordType> = new Set(CALENDAR_RECORD_TYPES);

/**
 * Festivals and rituals that give no month, sorted by Vietnamese title: the
 * page lists them under the calendar rather than hiding them. A month is
 * left out on purpose when no source gives one, when sources disagree, or
 * when the rite is held when its occasion comes (a new communal house, a
 * new village), so "not known" is the honest answer, not a gap to fill.
 */
export function monthUnknown(records: readonly HeritageRecord[]): HeritageRecord[] {
  return records.filter((r) => !r.heldIn && CALENDAR_TYPES.has(r.type)).sort(byTitle);
}

export interface FestivalCalendars {
  lunar: MonthGroups;
  solar: MonthGroups;
  /** Festivals and rituals with no month, in either view. */
  monthUnknown: HeritageRecord[];
  /** The lunar month and year it is now in Viet Nam. */
  currentLunar: LunarMonth;
  /** The solar month and year it is now in Viet Nam. */
  currentSolar: { month: number; year: number };
  /** Solar dates of each month of the current lunar year: a guide to when lunar-calendar festivals fall. */
  lunarSpans: Map<number, LunarMonthSpan[]>;
}

/** What "now" means in each calendar, and the solar dates of the current lunar year's months: the frame the calendar page draws records in. */
export type CalendarFrame = Pick<FestivalCalendars, 'currentLunar' | 'currentSolar' | 'lunarSpans'>;

export function calendarFrame(now: Date): CalendarFrame {
  const currentLunar = currentLunarMonth(now);
  const { year, month } = vietnamDate(now);
  return { currentLunar, currentSolar: { month, year }, lunarSpans: lunarMonthSpansByMonth(currentLunar.year) };
}

/** Both tabs of the calendar page at once, with what "now" means in each. */
export function festivalCalendars(records: readonly HeritageRecord[], now: Date): FestivalCalendars {
  return {
    lunar: festivalCalendar(records, { calendar: 'lunar' }),
    solar: festivalCalendar(records, { calendar: 'solar' }),
    monthUnknown: monthUnknown(records),
    ...calendarFrame(now),
  };
}

/**
 * The search index's `month` facet (lib/search/document.ts): one value per month a record is held in, in its own
 * calendar ("lunar-3", "solar-7"), and MONTH_UNKNOWN for a record that gives no month. Pages ask the index for a
 * month's records with these rather than reading every record.
 */
export const MONTH_UNKNOWN = 'unknown';

export function monthFacetValue(calendar: CalendarKind, month: number): string {
  return `${calendar}-${month}`;
}

/** The month facet values of the records held this month (as heldThisMonth decides: each in its own calendar, a leap month as its namesake). */
export function thisMonthFacetValues(now: Date): string[] {
  return [monthFacetValue('lunar', currentLunarMonth(now).month), monthFacetValue('solar', vietnamDate(now).month)];
}

/**
 * Records held this month, each by its own calendar: lunar-calendar records
 * in the current lunar month, solar-calendar ones in the current solar month.
 * In a leap month, records of that month number are included: a record does
 * not say whether its community holds the rite in the regular or the leap
 * month, and hiding it would be the worse mistake.
 */
export function heldThisMonth(records: readonly HeritageRecord[], now: Date): HeritageRecord[] {
  const lunar = currentLunarMonth(now).month;
  const solar = vietnamDate(now).month;
  return records
    .filter((r) => r.heldIn && r.heldIn.months.includes(r.heldIn.calendar === 'lunar' ? lunar : solar))
    .sort(byTitle);
}
