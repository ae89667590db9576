/**
 * Atom, RSS and JSON Feed of newly published records, one per language;
 * only records the public may see. What goes in each entry is decided here;
 * how each format writes it (always as text) is in ./formats. The route asks
 * the search index for the newest publications (`latestPublications`: one
 * catalog page, never a storage scan).
 */
import { withholdNames } from '../access/consent';
import { ANONYMOUS, maySeeRecord } from '../access/policy';
import { groupName, label, typeLabel, type Lang } from '../catalog/labels';
import type { HeritageRecord } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import type { SearchIndex } from '../search/types';
import { recordUrl } from '../i18n/paths';
import { atomFeed, jsonFeed, rssFeed, type FeedEntry, type FeedMeta, type FeedText } from './formats';

export const FEED_FILES = { 'atom.xml': 'application/atom+xml; charset=utf-8', 'rss.xml': 'application/rss+xml; charset=utf-8', 'feed.json': 'application/feed+json; charset=utf-8' } as const;
export type FeedFile = keyof typeof FEED_FILES;

const TITLES: Record<Lang, { title: string; description: string }> = {
  vi: { title: 'Di Sản – hồ sơ mới công bố', description: 'Hồ sơ di sản văn hóa các dân tộc thiểu số Quảng Nam mới được công bố.' },
  en: { title: 'Di Sản – newly published records', description: 'Newly published heritage records of the ethnic minorities of Quảng Nam.' },
};

/** Feed readers show a summary, not the whole description. */
const SUMMARY_CHARS = 600;

/** How many of the newest publications a feed lists. */
export const FEED_SIZE = 50;

/** Anything that carries a record: a catalog entry (the index's list) or a stored record. */
export interface FeedItem {
  record: HeritageRecord;
}

export interface FeedInput {
  lang: Lang;
  siteUrl: string;
  /** Candidates, usually the index's newest publications (latestPublications); anything the public may not see is dropped. */
  records: FeedItem[];
  vocab: Vocabularies;
  /** How many of the newest publications to list. */
  limit?: number;
}

/** The newest publications the public may see, from the index's catalog: one page, whatever the archive's size. */
export async function latestPublications(index: Pick<SearchIndex, 'list'>, limit = FEED_SIZE): Promise<FeedItem[]> {
  return (await index.list({ viewer: ANONYMOUS, sort: 'published-desc', limit })).entries;
}

/** Newest first, by first publication; only what the public may see (whoever handed the list over), names withheld. */
export function newestPublications<T extends FeedItem>(records: T[], limit: number): T[] {
  return records
    .filter((s) => maySeeRecord(ANONYMOUS, s.record) && s.record.publishedAt)
    .sort((a, b) => (a.record.publishedAt! < b.record.publishedAt! ? 1 : a.record.publishedAt! > b.record.publishedAt! ? -1 : a.record.id.localeCompare(b.record.id)))
    .slice(0, limit);
}

export function renderFeed(input: FeedInput, file: FeedFile): string {
  const items = newestPublications(input.records, input.limit ?? FEED_SIZE);
  const meta = feedMeta(input, items);
  const entries = items.map(({ record }) => feedEntry(withholdNames(record), input));
  if (file === 'atom.xml') return atomFeed(meta, entries);
  if (file === 'rss.xml') return rssFeed(meta, entries);
  return jsonFeed(meta, entries);
}

function feedMeta({ lang, siteUrl }: FeedInput, items: FeedItem[]): FeedMeta {
  const base = `${siteUrl}/feeds/${lang}`;
  const home = `${siteUrl}/${lang}`;
  return {
    lang,
    id: `${base}/`,
    title: TITLES[lang].title,
    subtitle: TITLES[lang].description,
    homeUrl: home,
    links: { atom: `${base}/atom.xml`, rss: `${base}/rss.xml`, json: `${base}/feed.json` },
    author: { name: 'Di Sản', url: home },
    rights: 'Di Sản',
    updated: items[0] ? new Date(items[0].record.publishedAt!) : new Date(0),
  };
}

function feedEntry(record: HeritageRecord, { lang, siteUrl, vocab }: FeedInput): FeedEntry {
  return {
    id: `urn:x-di-san:record:${record.id}`,
    url: recordUrl(siteUrl, record, lang),
    title: localized(record.title, lang),
    summary: excerpt(localized(record.description, lang), SUMMARY_CHARS),
    published: new Date(record.publishedAt!),
    // Each term's scheme is the site's listing for that vocabulary, so scheme + term is the term's page.
    categories: [
      { term: record.type, scheme: `${siteUrl}/${lang}/types/`, label: typeLabel(vocab, record.type, lang) },
      ...record.ethnicGroups.map((g) => ({ term: g, scheme: `${siteUrl}/${lang}/communities/`, label: groupName(vocab, g, lang) })),
    ],
    rights: record.rights.uri,
  };
}

/** The text in the feed's language, or the Vietnamese marked as such when there is no translation. */
function localized(text: { vi: string; en?: string }, lang: Lang): FeedText {
  const value = label(text, lang);
  return lang === 'en' && !text.en ? { text: value, lang: 'vi' } : { text: value };
}

/** At most `max` characters (whole code points, so no half of a surrogate pair), with an ellipsis when cut. */
function excerpt(value: FeedText, max: number): FeedText {
  const chars = Array.from(value.text);
  return chars.length <= max ? value : { ...value, text: `${chars.slice(0, max).join('').trimEnd()}…` };
}
