/** /feeds/{vi,en}/{atom.xml,rss.xml,feed.json}: newly published records, the newest from the index's catalog. */
import { FEED_FILES, latestPublications, renderFeed, type FeedFile } from '@/lib/feeds/publications';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ lang: string; file: string }> }): Promise<Response> {
  const { lang, file } = await context.params;
  if ((lang !== 'vi' && lang !== 'en') || !(file in FEED_FILES)) return new Response('Không tìm thấy / Not found', { status: 404 });
  const { config, vocab } = getArchive();
  const records = await latestPublications(await getSearchIndex());
  const body = renderFeed({ lang, siteUrl: config.siteUrl, records, vocab }, file as FeedFile);
  return new Response(body, { headers: { 'content-type': FEED_FILES[file as FeedFile], 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } });
}
