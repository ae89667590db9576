/**
 * The sitemap (https://www.sitemaps.org/protocol.html), from the search
 * index's catalog: the public pages and every public record, each in both
 * languages with hreflang alternates; nothing restricted, no drafts.
 *
 * While every public record fits in one file (RECORDS_PER_FILE records, so
 * far fewer than the protocol's 50,000 URLs and 50 MB), /sitemap.xml is that
 * file. Past that it is a sitemap index of /sitemaps/<n>.xml, n from 1: file
 * 1 holds the public pages and the first RECORDS_PER_FILE records, file n the
 * n-th slice, newest publications first. Every answer is one catalog page
 * (the index alone counts the records, it never lists them all), so it
 * costs the same at 40 records and at 100,000.
 *
 * (Not named sitemap.ts: Next takes a sitemap.ts in any app folder for a metadata route.)
 *
 * Written here rather than by Next's `app/sitemap.ts`, whose writer puts
 * `xhtml:link` before `lastmod`, which the sitemaps.org schema refuses on
 * every <url> (issue #15): a <url> is loc, lastmod, changefreq, priority,
 * then other namespaces' elements, in that order.
 */
import { create } from 'xmlbuilder2';
import { ANONYMOUS } from '@/lib/access/policy';
import { xmlText } from '@/lib/http/xml-text';
import { LOCALES } from '@/lib/i18n/routing';
import type { Vocabularies } from '@/lib/records/vocabularies';
import { encodeCursor } from '@/lib/search/cursor';
import { MAX_LIST_SIZE, type ListQuery, type SearchIndex } from '@/lib/search/types';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Records per sitemap file: one catalog page. Each gives a URL per language, so a file holds about 2,000 URLs. */
export const RECORDS_PER_FILE = MAX_LIST_SIZE;

const PAGES = ['', '/search', '/communities', '/library', '/map', '/calendar', '/about', '/contact'];

type ChangeFrequency = 'weekly' | 'monthly';

interface Entry {
  /** Path after the locale: '' for the home page, '/records/<id>/<slug>'. */
  path: string;
  lastModified?: string;
  changeFrequency: ChangeFrequency;
  priority: number;
}

export interface SitemapContext {
  index: Pick<SearchIndex, 'list'>;
  siteUrl: string;
  vocab: Vocabularies;
  /** Records per file (tests make it small). */
  recordsPerFile?: number;
}

/** The public records, newest publications first: the order the files slice. */
const RECORDS: ListQuery = { viewer: ANONYMOUS, sort: 'published-desc' };

/** The public pages and the communities' pages (file 1 only). */
function pageEntries(vocab: Vocabularies): Entry[] {
  return [
    ...PAGES.map((path) => ({ path, changeFrequency: 'weekly' as const, priority: path === '' ? 1 : 0.5 })),
    ...vocab.ethnicGroups.map((g) => ({ path: `/communities/${g.id}`, changeFrequency: 'weekly' as const, priority: 0.6 })),
  ];
}

function recordEntries(entries: Awaited<ReturnType<SearchIndex['list']>>['entries']): Entry[] {
  return entries.map(({ record, modified }) => {
    const lastModified = modified ?? record.publishedAt;
    return {
      path: `/records/${record.id}/${record.slug}`,
      ...(lastModified ? { lastModified: new Date(lastModified).toISOString() } : {}),
      changeFrequency: 'monthly' as const,
      priority: 0.7,
    };
  });
}

function urlset(siteUrl: string, entries: Entry[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(SITEMAP_NS, 'urlset', { 'xmlns:xhtml': XHTML_NS });
  const href = (locale: string, path: string) => xmlText(`${siteUrl}/${locale}${path}`);
  for (const entry of entries) {
    for (const locale of LOCALES) {
      const url = root.ele('url');
      url.ele('loc').txt(href(locale, entry.path));
      if (entry.lastModified) url.ele('lastmod').txt(entry.lastModified);
      url.ele('changefreq').txt(entry.changeFrequency);
      url.ele('priority').txt(entry.priority.toFixed(1));
      // The language versions of this page, itself included, after the sitemap's own elements.
      for (const alternate of LOCALES) url.ele(XHTML_NS, 'xhtml:link', { rel: 'alternate', hreflang: alternate, href: href(alternate, entry.path) });
    }
  }
  return doc.end({ prettyPrint: true });
}

function sitemapIndex(siteUrl: string, files: number): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(SITEMAP_NS, 'sitemapindex');
  for (let n = 1; n <= files; n++) root.ele('sitemap').ele('loc').txt(xmlText(fileUrl(siteUrl, n)));
  return doc.end({ prettyPrint: true });
}

export function fileUrl(siteUrl: string, n: number): string {
  return `${siteUrl}/sitemaps/${n}.xml`;
}

function perFile(context: SitemapContext): number {
  return Math.max(1, Math.min(context.recordsPerFile ?? RECORDS_PER_FILE, MAX_LIST_SIZE));
}

/** /sitemap.xml: the one sitemap while everything fits in it, else the index of the files. */
export async function rootSitemap(context: SitemapContext): Promise<string> {
  const size = perFile(context);
  const { total } = await context.index.list({ ...RECORDS, limit: 0 });
  if (total <= size) {
    const page = await context.index.list({ ...RECORDS, limit: size });
    // Records published between the count and the list may overflow one file: then the index, which has room.
    if (!page.next) return urlset(context.siteUrl, [...pageEntries(context.vocab), ...recordEntries(page.entries)]);
  }
  return sitemapIndex(context.siteUrl, Math.ceil(Math.max(total, size + 1) / size));
}

/** /sitemaps/<n>.xml (n from 1), or undefined past the last file. */
export async function sitemapFile(context: SitemapContext, n: number): Promise<string | undefined> {
  const size = perFile(context);
  if (!Number.isSafeInteger(n) || n < 1) return undefined;
  const offset = (n - 1) * size;
  // A position cursor straight to the file's slice (lib/search/cursor.ts, the same for both engines): one catalog
  // page whichever file is asked for, rather than walking the pages before it.
  const cursor = offset > 0 ? { cursor: encodeCursor(RECORDS, { kind: 'position', offset, delivered: offset }) } : {};
  const page = await context.index.list({ ...RECORDS, limit: size, ...cursor });
  if (n > 1 && page.entries.length === 0) return undefined;
  return urlset(context.siteUrl, [...(n === 1 ? pageEntries(context.vocab) : []), ...recordEntries(page.entries)]);
}

export function xmlResponse(xml: string): Response {
  return new Response(xml, { headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' } });
}
