import { describe, expect, it } from 'vitest';
import { MESSAGES } from '@/lib/i18n/messages';
import { alternatesFor, recordPath, switchLocale } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('interface strings', () => {
  it('has every Vietnamese string in English and nothing extra', () => {
    expect(keys(MESSAGES.en).sort()).toEqual(keys(MESSAGES.vi).sort());
  });

  it('has no empty string in either language', () => {
    for (const locale of ['vi', 'en'] as const) {
      const flat = keys(MESSAGES[locale]).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], MESSAGES[locale])] as const);
      expect(flat.filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => `${locale}:${k}`)).toEqual([]);
    }
  });
});

describe('language switch and public paths', () => {
  it('keeps the page and its query when switching language', () => {
    expect(switchLocale('/vi/records/fhgmqwqp/le-hoi', 'en')).toBe('/en/records/fhgmqwqp/le-hoi');
    expect(switchLocale('/en/search?q=chieng&community=co-tu', 'vi')).toBe('/vi/search?q=chieng&community=co-tu');
    expect(switchLocale('/vi', 'en')).toBe('/en');
    expect(switchLocale('/', 'en')).toBe('/en');
    expect(switchLocale('/library', 'en')).toBe('/en/library');
  });

  it('builds record paths and hreflang alternates', () => {
    expect(recordPath({ id: 'fhgmqwqp', slug: 'le-hoi' }, 'en')).toBe('/en/records/fhgmqwqp/le-hoi');
    expect(alternatesFor('https://x.org', 'en', '/map')).toEqual({
      canonical: 'https://x.org/en/map',
      languages: { vi: 'https://x.org/vi/map', en: 'https://x.org/en/map', 'x-default': 'https://x.org/vi/map' },
    });
  });

  it('falls back to Vietnamese record text on English pages, and says so', () => {
    expect(pick({ vi: 'Lễ hội', en: 'Festival' }, 'en')).toEqual({ text: 'Festival', lang: 'en', fallback: false });
    expect(pick({ vi: 'Lễ hội' }, 'en')).toEqual({ text: 'Lễ hội', lang: 'vi', fallback: true });
    expect(pick({ vi: 'Lễ hội', en: 'Festival' }, 'vi')).toEqual({ text: 'Lễ hội', lang: 'vi', fallback: false });
  });
});
