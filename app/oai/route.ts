/** OAI-PMH 2.0 endpoint: GET with a query, or POST with a form body. */
import { handleOai } from '@/lib/oai/provider';
import { loadOaiItem } from '@/lib/oai/items';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

async function answer(params: URLSearchParams): Promise<Response> {
  const { config, records, vocab } = getArchive();
  const xml = await handleOai(params, {
    baseUrl: `${config.siteUrl}/oai`,
    siteUrl: config.siteUrl,
    repositoryName: 'Di Sản – Kho di sản văn hóa các dân tộc thiểu số Quảng Nam',
    adminEmail: config.adminEmail,
    vocab,
    pageSize: 50,
    now: () => new Date(),
    // Lists from the index's catalog, one record by identifier from storage: never a scan.
    index: await getSearchIndex(),
    loadItem: (id) => loadOaiItem(records, id),
  });
  return new Response(xml, { headers: { 'content-type': 'text/xml; charset=utf-8', 'access-control-allow-origin': '*' } });
}

export function GET(request: Request): Promise<Response> {
  return answer(new URL(request.url).searchParams);
}

export async function POST(request: Request): Promise<Response> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    return new Response('OAI-PMH POST requests must be application/x-www-form-urlencoded', { status: 415 });
  }
  return answer(new URLSearchParams(await request.text()));
}
