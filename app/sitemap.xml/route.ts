/**
 * GET /sitemap.xml: the public pages and every public record, each in both
 * languages with hreflang alternates; nothing restricted, no drafts.
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
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

const PAGES = ['', '/search', '/communities', '/library', '/map', '/calendar', '/about', '/contact'];

type ChangeFrequency = 'weekly' | 'monthly';

interface Entry {
  /** Path after the locale: '' for the home page, '/records/<id>/<slug>'. */
  path: string;
  lastModified?: string;
  changeFrequency: ChangeFrequency;
  priority: number;
}

export async function GET(): Promise<Response> {
  const { config, records, vocab } = getArchive();
  const visible = await listVisibleRecords(records, ANONYMOUS);
  const entries: Entry[] = [
    ...PAGES.map((path) => ({ path, changeFrequency: 'weekly' as const, priority: path === '' ? 1 : 0.5 })),
    ...vocab.ethnicGroups.map((g) => ({ path: `/communities/${g.id}`, changeFrequency: 'weekly' as const, priority: 0.6 })),
    ...visible.map(({ record, modified }) => ({
      path: `/records/${record.id}/${record.slug}`,
      lastModified: new Date(modified).toISOString(),
      changeFrequency: 'monthly' as const,
      priority: 0.7,
    })),
  ];

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const urlset = doc.ele(SITEMAP_NS, 'urlset', { 'xmlns:xhtml': XHTML_NS });
  const href = (locale: string, path: string) => xmlText(`${config.siteUrl}/${locale}${path}`);
  for (const entry of entries) {
    for (const locale of LOCALES) {
      const url = urlset.ele('url');
      url.ele('loc').txt(href(locale, entry.path));
      if (entry.lastModified) url.ele('lastmod').txt(entry.lastModified);
      url.ele('changefreq').txt(entry.changeFrequency);
      url.ele('priority').txt(entry.priority.toFixed(1));
      // The language versions of this page, itself included, after the sitemap's own elements.
      for (const alternate of LOCALES) url.ele(XHTML_NS, 'xhtml:link', { rel: 'alternate', hreflang: alternate, href: href(alternate, entry.path) });
    }
  }
  return new Response(doc.end({ prettyPrint: true }), {
    headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  });
}
