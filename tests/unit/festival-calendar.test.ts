import { describe, expect, it } from 'vitest';
import {
  currentLunarMonth,
  festivalCalendar,
  festivalCalendars,
  heldThisMonth,
  lunarMonthSpans,
  lunarMonthSpansByMonth,
  monthUnknown,
} from '@/lib/records/festival-calendar';
import { HeritageRecord, type HeritageRecordInput } from '@/lib/records/schema';

/** Midnight at the start of a day in Hà Nội (UTC+7). */
const hanoi = (iso: string, time = '00:00') => new Date(`${iso}T${time}:00+07:00`);

let n = 0;
function record(title: string, heldIn?: HeritageRecordInput['heldIn'], type: HeritageRecordInput['type'] = 'festival'): HeritageRecord {
  n += 1;
  return HeritageRecord.parse({
    id: `rec${String(n).padStart(5, '0')}`,
    slug: `r-${n}`,
    type,
    title: { vi: title },
    description: { vi: 'Mô tả.' },
    rights: { uri: 'https://creativecommons.org/publicdomain/mark/1.0/' },
    access: { level: 'public' },
    ...(heldIn ? { heldIn } : {}),
  } satisfies HeritageRecordInput);
}

describe('currentLunarMonth', () => {
  it.each([
    ['2025-01-29', 2025],
    ['2026-02-17', 2026],
    ['2027-02-06', 2027],
  ])('Tết falls on %s', (day, year) => {
    expect(currentLunarMonth(hanoi(day))).toEqual({ month: 1, year, leap: false });
    const eve = new Date(hanoi(day).getTime() - 1000);
    expect(currentLunarMonth(eve)).toEqual({ month: 12, year: year - 1, leap: false });
  });

  it('counts days in Viet Nam time, not UTC', () => {
    // 17:00 UTC on 16 February 2026 is already Tết in Hà Nội.
    expect(currentLunarMonth(new Date('2026-02-16T17:00:00Z')).month).toBe(1);
    expect(currentLunarMonth(new Date('2026-02-16T16:59:59Z')).month).toBe(12);
  });

  it('follows the Vietnamese calendar where it differs from the Chinese one', () => {
    expect(currentLunarMonth(hanoi('1985-01-21'))).toEqual({ month: 1, year: 1985, leap: false });
    expect(currentLunarMonth(hanoi('2007-02-17'))).toEqual({ month: 1, year: 2007, leap: false });
  });

  it('knows the leap 6th month of 2025', () => {
    expect(currentLunarMonth(hanoi('2025-07-01'))).toEqual({ month: 6, year: 2025, leap: false });
    expect(currentLunarMonth(hanoi('2025-08-01'))).toEqual({ month: 6, year: 2025, leap: true });
  });

  it('refuses dates the tables do not cover', () => {
    expect(() => currentLunarMonth(new Date('1100-06-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('lunarMonthSpans', () => {
  it('gives 13 contiguous months for 2025, from Tết 2025 to the eve of Tết 2026', () => {
    const spans = lunarMonthSpans(2025);
    expect(spans).toHaveLength(13);
    expect(spans[0]).toEqual({ month: 1, leap: false, start: '2025-01-29', end: '2025-02-27' });
    expect(spans.filter((s) => s.leap)).toEqual([{ month: 6, leap: true, start: '2025-07-25', end: '2025-08-22' }]);
    expect(spans[spans.length - 1]).toMatchObject({ month: 12, end: '2026-02-16' });
    for (let i = 1; i < spans.length; i++) {
      const dayAfter = new Date(Date.parse(`${spans[i - 1]!.end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(spans[i]!.start).toBe(dayAfter);
    }
    for (const s of spans) {
      const days = (Date.parse(s.end) - Date.parse(s.start)) / 86_400_000 + 1;
      expect([29, 30]).toContain(days);
    }
  });

  it('gives 12 months in a year without a leap month', () => {
    const spans = lunarMonthSpans(2026);
    expect(spans.map((s) => s.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(spans[0]!.start).toBe('2026-02-17');
    expect(spans[11]!.end).toBe('2027-02-05');
  });

  it('groups by month number, two spans for the leap month', () => {
    const byMonth = lunarMonthSpansByMonth(2025);
    expect([...byMonth.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(byMonth.get(6)!.map((s) => s.leap)).toEqual([false, true]);
    expect(byMonth.get(7)).toHaveLength(1);
  });

  it('rejects years out of range', () => {
    expect(() => lunarMonthSpans(2199)).toThrow(RangeError);
    expect(() => lunarMonthSpans(2025.5)).toThrow(RangeError);
  });
});

describe('festivalCalendar', () => {
  const ricePrayer = record('Lễ cúng lúa mới', { calendar: 'lunar', months: [10, 11] });
  const buffalo = record('Lễ hội đâm trâu', { calendar: 'lunar', months: [2, 3, 3] });
  const ancestors = record('Ăn trâu', { calendar: 'lunar', months: [2] });
  const district = record('Liên hoan cồng chiêng', { calendar: 'solar', months: [3] });
  const craft = record('Nghề dệt thổ cẩm');
  const records = [ricePrayer, buffalo, district, craft, ancestors];

  it('puts each record under each of its months, only in its own calendar', () => {
    const lunar = festivalCalendar(records, { calendar: 'lunar' });
    expect([...lunar.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Vietnamese order: "Ăn" sorts with A, before "Lễ".
    expect(lunar.get(2)).toEqual([ancestors, buffalo]);
    expect(lunar.get(3)).toEqual([buffalo]);
    expect(lunar.get(10)).toEqual([ricePrayer]);
    expect(lunar.get(1)).toEqual([]);
    const solar = festivalCalendar(records, { calendar: 'solar' });
    expect(solar.get(3)).toEqual([district]);
    expect([...solar.values()].flat()).toEqual([district]);
  });

  it('gives both views and what now means in each', () => {
    const both = festivalCalendars(records, hanoi('2025-08-01'));
    expect(both.currentLunar).toEqual({ month: 6, year: 2025, leap: true });
    expect(both.currentSolar).toEqual({ month: 8, year: 2025 });
    expect(both.lunarSpans.get(6)).toHaveLength(2);
    expect(both.lunar.get(2)).toEqual([ancestors, buffalo]);
    expect(both.solar.get(3)).toEqual([district]);
  });

  it('heldThisMonth reads each record in its own calendar', () => {
    // 20 March 2026 is in lunar month 2 (Tết was 17 February); "Lễ" sorts before "Liên" in Vietnamese.
    expect(heldThisMonth(records, hanoi('2026-03-20'))).toEqual([ancestors, buffalo, district]);
    // 1 April 2026: lunar month 2 still, solar month 4.
    expect(heldThisMonth(records, hanoi('2026-04-01'))).toEqual([ancestors, buffalo]);
    // 18 April 2026: lunar month 3.
    expect(heldThisMonth(records, hanoi('2026-04-18'))).toEqual([buffalo]);
    expect(heldThisMonth([craft], hanoi('2026-04-18'))).toEqual([]);
  });

  it('counts a leap month as its namesake', () => {
    const sixth = record('Lễ tháng Sáu', { calendar: 'lunar', months: [6] });
    expect(heldThisMonth([sixth], hanoi('2025-08-01'))).toEqual([sixth]);
  });
});

describe('monthUnknown', () => {
  const waterTrough = record('Lễ cúng máng nước');
  const newHouse = record('Lễ mừng nhà Gươl mới', undefined, 'ritual');
  const buffalo = record('Lễ hội đâm trâu');
  const ancestors = record('Ăn trâu');
  const dated = record('Lễ mừng lúa mới', { calendar: 'lunar', months: [10] });
  const datedRitual = record('Lễ cúng bến nước', { calendar: 'solar', months: [4] }, 'ritual');
  const craft = record('Nghề dệt thổ cẩm', undefined, 'craft');
  const wedding = record('Lễ cưới', undefined, 'custom');
  const dance = record('Múa tung tung – da dá', undefined, 'performing-art');

  it('lists the festivals and rituals that give no month, in Vietnamese title order', () => {
    const all = [waterTrough, newHouse, dated, craft, buffalo, wedding, datedRitual, dance, ancestors];
    // "Ăn" sorts with A; "cúng" < "hội" < "mừng" after "Lễ".
    expect(monthUnknown(all)).toEqual([ancestors, waterTrough, buffalo, newHouse]);
  });

  it('leaves out records that carry a month, whatever their calendar, and every other type', () => {
    expect(monthUnknown([dated, datedRitual, craft, wedding, dance])).toEqual([]);
    expect(monthUnknown([])).toEqual([]);
  });

  it('does not reorder or change the list it is given', () => {
    const given = [newHouse, waterTrough];
    expect(monthUnknown(given)).toEqual([waterTrough, newHouse]);
    expect(given).toEqual([newHouse, waterTrough]);
  });

  it('is part of both calendar views, the same in each', () => {
    const both = festivalCalendars([dated, buffalo, craft, newHouse], hanoi('2026-03-20'));
    expect(both.monthUnknown).toEqual([buffalo, newHouse]);
    expect([...both.lunar.values()].flat()).toEqual([dated]);
  });
});
