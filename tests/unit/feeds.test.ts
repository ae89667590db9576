import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { create } from 'xmlbuilder2';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { FEED_SIZE, latestPublications, renderFeed } from '@/lib/feeds/publications';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import type { ListQuery, SearchIndex } from '@/lib/search/types';
import type { StoredRecord } from '@/lib/records/repository';
import { HeritageRecord, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { schemaErrors } from '../fixtures/xsd/validate';
import { sampleBody } from '../helpers/temp-archive';

// The route reads the archive's configuration and the server's search index: both are this test's.
const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, index: undefined as unknown as SearchIndex }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/search', () => ({ getSearchIndex: async () => state.index }));
const feedRoute = await import('@/app/feeds/[lang]/[file]/route');

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
    const doc = create(rss).end({ format: 'object' }) as { rss: { channel: { language: string; item: { title: string }[] } } };
    expect(doc.rss.channel.language).toBe('vi');
    expect(doc.rss.channel.item.map((i) => i.title)).toEqual(['Đan gùi', 'Lễ mừng lúa mới']);
    const json = JSON.parse(renderFeed({ lang: 'vi', siteUrl: 'https://disan.example.org', records, vocab }, 'feed.json')) as { items: { title: string }[] };
    expect(json.items.map((i) => i.title)).toEqual(['Đan gùi', 'Lễ mừng lúa mới']);
  });

  // Issue #15: what the W3C feed validator and the JSON Feed 1.1 spec ask for.
  it('gives Atom an author, categories with a term, and titles and summaries marked as text', () => {
    const atom = renderFeed({ lang: 'en', siteUrl: 'https://disan.example.org', records, vocab }, 'atom.xml');
    type Text = { '@type': string; '#': string };
    type Entry = { title: Text; summary: Text; category: { '@term': string; '@label': string; '@scheme': string }[]; published: string; updated: string };
    const feed = (create(atom).end({ format: 'object' }) as { feed: { author: { name: string; uri: string }; link: { '@rel': string; '@href': string }[]; entry: Entry[] } }).feed;
    expect(feed.author.name).toBe('Di Sản');
    expect(feed.link.find((l) => l['@rel'] === 'self')?.['@href']).toBe('https://disan.example.org/feeds/en/atom.xml');
    for (const entry of feed.entry) {
      expect(entry.title['@type']).toBe('text');
      expect(entry.summary['@type']).toBe('text');
      expect(entry.category.length).toBeGreaterThan(0);
      for (const c of entry.category) expect(c['@term']).toMatch(/^[a-z0-9-]+$/);
      expect(entry.updated).toBe(entry.published);
    }
    const basket = feed.entry[0]!;
    expect(basket.category[0]).toEqual({ '@term': 'festival', '@scheme': 'https://disan.example.org/en/types/', '@label': 'Festival' });
    expect(basket.category[1]).toMatchObject({ '@term': 'co-tu', '@scheme': 'https://disan.example.org/en/communities/' });
  });

  it('writes JSON Feed 1.1 with its language and plain-text content, never content_html', () => {
    const json = JSON.parse(renderFeed({ lang: 'en', siteUrl: 'https://disan.example.org', records, vocab }, 'feed.json')) as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.language).toBe('en');
    expect(json.authors).toEqual([{ name: 'Di Sản', url: 'https://disan.example.org/en' }]);
    for (const item of json.items) {
      expect(item).not.toHaveProperty('content_html');
      expect(typeof item.content_text).toBe('string');
    }
  });

  it('marks a Vietnamese description in the English feed as Vietnamese, and cuts long ones at a whole character', () => {
    const long = 'Ồ'.repeat(700);
    const untranslated = [stored('eeeeeeee', '2026-07-01T00:00:00.000Z', { title: { vi: 'Chỉ có tiếng Việt', en: 'Vietnamese only' }, description: { vi: long } })];
    const atom = renderFeed({ lang: 'en', siteUrl: 'https://disan.example.org', records: untranslated, vocab }, 'atom.xml');
    const entry = (create(atom).end({ format: 'object' }) as { feed: { entry: { title: Record<string, string>; summary: Record<string, string> } } }).feed.entry;
    expect(entry.title).toEqual({ '@type': 'text', '#': 'Vietnamese only' });
    expect(entry.summary).toEqual({ '@type': 'text', '@xml:lang': 'vi', '#': `${'Ồ'.repeat(600)}…` });
  });
});

// Issue #15, "Done when": every feed checked against what its format requires, by tools no one here wrote where there are any.
describe('feeds against their formats', () => {
  const hostile = stored('ffffffff', '2026-08-01T00:00:00.000Z', {
    title: { vi: 'A &amp; B <b>đậm</b> &nbsp; ]]> "q" \u0007', en: 'Title & <i>x</i> ]]>' },
    description: { vi: 'Mô tả <script>alert(1)</script> & &lt;b&gt;', en: 'Only English & <this>' },
  });
  const all = [...records, hostile];
  const feed = (lang: 'vi' | 'en', file: 'atom.xml' | 'rss.xml' | 'feed.json') => renderFeed({ lang, siteUrl: 'https://disan.example.org', records: all, vocab }, file);

  type Node = Record<string, unknown>;
  const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

  it.each(['vi', 'en'] as const)('Atom (%s) is valid against the RELAX NG schema of RFC 4287 and its Schematron rules', async (lang) => {
    const atom = feed(lang, 'atom.xml');
    expect(await schemaErrors('atom', atom)).toEqual([]);
    // The RFC's schema states three rules in Schematron, which RELAX NG validators skip: checked here.
    const doc = create(atom).end({ format: 'object' }) as { feed: Node };
    const entries = asArray(doc.feed.entry as Node[]);
    expect(entries.length).toBe(3);
    for (const entry of entries) {
      const links = asArray(entry.link as Node[]);
      expect(links.some((l) => l['@rel'] === 'alternate' || l['@rel'] === undefined) || entry.content !== undefined, 'atom:entry has an alternate link or content').toBe(true);
      expect(doc.feed.author !== undefined || entry.author !== undefined, 'atom:entry has an author, or its feed does').toBe(true);
      // RFC 4287 §4.2.7.2: no two alternate links with the same type and hreflang.
      const alternates = links.filter((l) => (l['@rel'] ?? 'alternate') === 'alternate').map((l) => `${String(l['@type'])} ${String(l['@hreflang'])}`);
      expect(new Set(alternates).size).toBe(alternates.length);
    }
    // Typed text is escaped text, whatever it looks like (the control character XML cannot carry is dropped).
    expect(atom).toContain(lang === 'vi' ? '<title type="text">A &amp;amp; B &lt;b&gt;đậm&lt;/b&gt; &amp;nbsp; ]]&gt; "q" </title>' : '<title type="text">Title &amp; &lt;i&gt;x&lt;/i&gt; ]]&gt;</title>');
  });

  it('the RELAX NG check catches what issue #15 found: a category without a term', async () => {
    const atom = feed('en', 'atom.xml').replace(/<category term="[^"]*"/, '<category');
    expect((await schemaErrors('atom', atom)).join()).toMatch(/category/);
  });

  it.each(['vi', 'en'] as const)('RSS 2.0 (%s) is well-formed and has what the RSS 2.0 specification requires', (lang) => {
    const rss = feed(lang, 'rss.xml');
    const doc = create(rss).end({ format: 'object' }) as { rss: Node }; // throws if not well-formed
    expect(doc.rss['@version']).toBe('2.0');
    const channel = doc.rss.channel as Node;
    for (const required of ['title', 'link', 'description']) expect(typeof channel[required], `channel ${required}`).toBe('string');
    expect(channel.link).toMatch(/^https:\/\//);
    expect(new Date(channel.lastBuildDate as string).toUTCString()).toBe(channel.lastBuildDate);
    const self = channel['atom:link'] as Node;
    expect(self).toMatchObject({ '@rel': 'self', '@type': 'application/rss+xml', '@href': `https://disan.example.org/feeds/${lang}/rss.xml` });
    const items = asArray(channel.item as Node[]);
    expect(items.length).toBe(3);
    for (const item of items) {
      // "All elements of an item are optional, however at least one of title or description must be present."
      expect(item.title !== undefined || item.description !== undefined).toBe(true);
      expect(item.link).toMatch(/^https:\/\/disan\.example\.org\//);
      expect((item.guid as Node)['@isPermaLink']).toBe('false');
      // RFC 822 dates, as Date.toUTCString writes them.
      expect(new Date(item.pubDate as string).toUTCString()).toBe(item.pubDate);
      for (const category of asArray(item.category as Node[])) expect(category['@domain']).toMatch(/^https:\/\//);
    }
  });

  it('JSON Feed 1.1 has the fields the specification requires', () => {
    for (const lang of ['vi', 'en'] as const) {
      const json = JSON.parse(feed(lang, 'feed.json')) as Node & { items: Node[] };
      expect(json.version).toBe('https://jsonfeed.org/version/1.1');
      expect(typeof json.title).toBe('string');
      for (const item of json.items) {
        expect(typeof item.id).toBe('string');
        expect(typeof item.content_text === 'string' || typeof item.content_html === 'string').toBe(true);
      }
    }
  });
});

// Issue #13: the feeds answer from the index (the newest publications, one catalog page), never from a storage scan.
describe('feeds from the catalog', () => {
  let dir: string;
  let index: EmbeddedSearchIndex;
  const queries: ListQuery[] = [];
  /** More public publications than a feed holds, a restricted one newer than all, a draft, and the records above. */
  const many = Array.from({ length: FEED_SIZE + 12 }, (_, i) =>
    stored(`p${String(i).padStart(2, '0')}${'x'.repeat(5)}`.slice(0, 8).replace(/[^0-9a-z]/g, 'x'), new Date(Date.UTC(2025, 0, 1 + i)).toISOString(), { title: { vi: `Hồ sơ ${i}`, en: `Record ${i}` } }),
  );
  const secret = stored('ssssssss', '2027-01-01T00:00:00.000Z', { title: { vi: 'Bí mật cộng đồng', en: 'Community secret' }, access: { level: 'community', communities: ['co-tu'] } });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-feeds-'));
    index = EmbeddedSearchIndex.open({ dir, synonyms: [] });
    await index.upsert([...records, ...many, secret].map((s) => toSearchDocument(s.record, vocab, {}, { modified: s.modified })));
    state.index = { list: (query: ListQuery) => (queries.push(query), index.list(query)) } as unknown as SearchIndex;
    state.archive = { config: parseConfig({ DATA_DIR: dir, SITE_URL: 'https://disan.example.org' }), vocab } as unknown as Archive;
  });
  afterAll(async () => {
    await index?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the newest public publications, newest first, from one catalog page; nothing restricted or unpublished', async () => {
    const latest = await latestPublications(index);
    expect(latest).toHaveLength(FEED_SIZE);
    const expected = [...records, ...many]
      .filter((s) => s.record.status === 'published' && s.record.access.level === 'public')
      .sort((a, b) => b.record.publishedAt!.localeCompare(a.record.publishedAt!))
      .slice(0, FEED_SIZE)
      .map((s) => s.record.id);
    expect(latest.map((e) => e.record.id)).toEqual(expected);
    expect(latest.map((e) => e.record.id)).not.toContain('ssssssss');
  });

  it.each(['atom.xml', 'rss.xml', 'feed.json'] as const)('/feeds/:lang/%s renders them, asking the index for one page only', async (file) => {
    queries.length = 0;
    for (const lang of ['vi', 'en']) {
      const response = await feedRoute.GET(new Request(`https://disan.example.org/feeds/${lang}/${file}`), { params: Promise.resolve({ lang, file }) });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain(lang === 'vi' ? `Hồ sơ ${FEED_SIZE + 11}` : `Record ${FEED_SIZE + 11}`);
      expect(text).not.toContain('Hồ sơ 0<');
      for (const hidden of ['Bí mật cộng đồng', 'Community secret', 'Bản nháp', 'Closed rite', 'ssssssss']) expect(text).not.toContain(hidden);
    }
    expect(queries).toEqual([expect.objectContaining({ sort: 'published-desc', limit: FEED_SIZE }), expect.objectContaining({ sort: 'published-desc', limit: FEED_SIZE })]);
    expect(queries.every((q) => q.viewer.kind === 'anonymous')).toBe(true);
  });
});
