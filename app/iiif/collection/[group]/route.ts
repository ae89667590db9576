/** IIIF collection of the public records of one community. */
import { ANONYMOUS } from '@/lib/access/policy';
import { json } from '@/lib/api/http';
import { communityCollection } from '@/lib/iiif/presentation';
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ group: string }> }): Promise<Response> {
  const { group } = await context.params;
  const { records, vocab, config } = getArchive();
  const community = vocab.ethnicGroups.find((g) => g.id === group);
  if (!community) return new Response('Not found', { status: 404, headers: { 'access-control-allow-origin': '*' } });
  const members = (await listVisibleRecords(records, ANONYMOUS)).map((s) => s.record).filter((r) => r.ethnicGroups.includes(group));
  const response = json(request, communityCollection(community, members, config.siteUrl));
  response.headers.set('content-type', 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
  return response;
}
