import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import path from 'node:path';
import { renderFeed } from '@/lib/feeds/publications';
import type { StoredRecord } from '@/lib/records/repository';
import { HeritageRecord, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));

function stored(id: string, publishedAt: string | undefined, overrides: Partial<RecordBodyInput> = {}): StoredRecord {
  const record = HeritageRecord.parse({ ...sampleBody({ slug: `r-${id}`, status: publishedAt ? 'published' : 'draft', ...overrides }), id, ...(publishedAt ? { publishedAt } : {}) });
  return { record, version: 1, head: 1, versions: [], created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z' };
}

const records = [
  stored('aaaaaaaa', '2026-03-01T00:00:00.000Z', { title: { vi: 'Lễ mừng lúa mới', en: 'New rice festival' } }),
  stored('bbbbbbbb', '2026-05-01T00:00:00.000Z', { title: { vi: 'Đan gùi', en: 'Basket weaving' } }),
  stored('cccccccc', undefined, { title: { vi: 'Bản nháp' } }),
  stored('dddddddd', '2026-06-01T00:00:00.000Z', { title: { vi: 'Nghi lễ kín', en: 'Closed rite' }, access: { level: 'community', communities: ['co-tu'] } }),
];

describe('publication feeds', () => {
  it('lists public publications newest first in Atom, per language', () => {
    const atom = renderFeed({ lang: 'en', siteUrl: 'https://disan.example.org', records, vocab }, 'atom.xml');
    const doc = create(atom).end({ format: 'object' }) as { feed: { entry: { title: unknown; link: { '@href': string } }[] } };
    const titles = doc.feed.entry.map((e) => JSON.stringify(e.title));
    expect(titles[0]).toContain('Basket weaving');
    expect(titles[1]).toContain('New rice festival');
    expect(doc.feed.entry).toHaveLength(2);
    expect(doc.feed.entry[0]!.link['@href']).toBe('https://disan.example.org/en/records/bbbbbbbb/r-bbbbbbbb');
    expect(atom).not.toContain('Closed rite');
    expect(atom).not.toContain('Bản nháp');
  });

  it('writes RSS and JSON Feed in Vietnamese', () => {
    const rss = renderFeed({ lang: 'vi', siteUrl: 'https://disan.example.org', records, vocab }, 'rss.xml');
    expect(rss).toContain('<title><![CDATA[Đan gùi]]></title>');
    const json = JSON.parse(renderFeed({ lang: 'vi', siteUrl: 'https://disan.example.org', records, vocab }, 'feed.json')) as { items: { title: string }[] };
    expect(json.items.map((i) => i.title)).toEqual(['Đan gùi', 'Lễ mừng lúa mới']);
  });
});
