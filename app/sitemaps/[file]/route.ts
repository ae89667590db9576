/** GET /sitemaps/<n>.xml: the n-th file of the sitemap index /sitemap.xml points to (app/sitemap.xml/sitemap.ts). */
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';
import { sitemapFile, xmlResponse } from '../../sitemap.xml/writer';

export const dynamic = 'force-dynamic';

const NOT_FOUND = () => new Response('Không tìm thấy / Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

export async function GET(_request: Request, context: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await context.params;
  const n = /^([1-9][0-9]{0,5})\.xml$/.exec(file)?.[1];
  if (!n) return NOT_FOUND();
  const { config, vocab } = getArchive();
  const xml = await sitemapFile({ index: await getSearchIndex(), siteUrl: config.siteUrl, vocab }, Number(n));
  return xml === undefined ? NOT_FOUND() : xmlResponse(xml);
}
