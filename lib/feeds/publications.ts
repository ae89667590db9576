/**
 * Atom, RSS and JSON Feed of newly published records, one per language.
 * Built with the `feed` package; only records the public may see.
 */
import { Feed } from 'feed';
import { ANONYMOUS, maySeeRecord } from '../access/policy';
import { groupName, label, typeLabel, type Lang } from '../records/labels';
import type { StoredRecord } from '../records/repository';
import type { Vocabularies } from '../records/vocabularies';
import { recordUrl } from '../i18n/paths';

export const FEED_FILES = { 'atom.xml': 'application/atom+xml; charset=utf-8', 'rss.xml': 'application/rss+xml; charset=utf-8', 'feed.json': 'application/feed+json; charset=utf-8' } as const;
export type FeedFile = keyof typeof FEED_FILES;

const TITLES: Record<Lang, { title: string; description: string }> = {
  vi: { title: 'Di Sản – hồ sơ mới công bố', description: 'Hồ sơ di sản văn hóa các dân tộc thiểu số Quảng Nam mới được công bố.' },
  en: { title: 'Di Sản – newly published records', description: 'Newly published heritage records of the ethnic minorities of Quảng Nam.' },
};

export interface FeedInput {
  lang: Lang;
  siteUrl: string;
  records: StoredRecord[];
  vocab: Vocabularies;
  /** How many of the newest publications to list. */
  limit?: number;
}

/** Newest first, by first publication. */
export function newestPublications(records: StoredRecord[], limit: number): StoredRecord[] {
  return records
    .filter((s) => maySeeRecord(ANONYMOUS, s.record) && s.record.publishedAt)
    .sort((a, b) => (a.record.publishedAt! < b.record.publishedAt! ? 1 : a.record.publishedAt! > b.record.publishedAt! ? -1 : a.record.id.localeCompare(b.record.id)))
    .slice(0, limit);
}

export function renderFeed(input: FeedInput, file: FeedFile): string {
  const { lang, siteUrl, vocab } = input;
  const items = newestPublications(input.records, input.limit ?? 50);
  const base = `${siteUrl}/feeds/${lang}`;
  const feed = new Feed({
    id: `${base}/`,
    title: TITLES[lang].title,
    description: TITLES[lang].description,
    link: `${siteUrl}/${lang}`,
    language: lang,
    copyright: 'Di Sản',
    updated: items[0] ? new Date(items[0].record.publishedAt!) : new Date(0),
    feedLinks: { atom: `${base}/atom.xml`, rss: `${base}/rss.xml`, json: `${base}/feed.json` },
  });
  for (const { record } of items) {
    const url = recordUrl(siteUrl, record, lang);
    feed.addItem({
      id: `urn:x-di-san:record:${record.id}`,
      link: url,
      title: label(record.title, lang),
      description: label(record.description, lang).slice(0, 600),
      date: new Date(record.publishedAt!),
      category: [
        { name: typeLabel(vocab, record.type, lang) },
        ...record.ethnicGroups.map((g) => ({ name: groupName(vocab, g, lang) })),
      ],
      copyright: record.rights.uri,
    });
  }
  if (file === 'atom.xml') return feed.atom1();
  if (file === 'rss.xml') return feed.rss2();
  return feed.json1();
}
