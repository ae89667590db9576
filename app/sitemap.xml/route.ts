/**
 * GET /sitemap.xml: the public pages and every public record while they fit
 * in one sitemap file, else a sitemap index of /sitemaps/<n>.xml; from the
 * search index's catalog (./sitemap.ts), never a storage scan.
 */
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';
import { rootSitemap, xmlResponse } from './writer';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { config, vocab } = getArchive();
  return xmlResponse(await rootSitemap({ index: await getSearchIndex(), siteUrl: config.siteUrl, vocab }));
}
