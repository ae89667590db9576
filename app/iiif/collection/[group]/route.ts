/** IIIF collection of the public records of one community that have a manifest (at least one canvas). */
import { ANONYMOUS } from '@/lib/access/policy';
import { json } from '@/lib/api/http';
import { communityCollection } from '@/lib/iiif/presentation';
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';
import { hasCanvas } from '@/lib/server/iiif';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ group: string }> }): Promise<Response> {
  const { group } = await context.params;
  const { records, vocab, config } = getArchive();
  const community = vocab.ethnicGroups.find((g) => g.id === group);
  if (!community) return new Response('Không tìm thấy / Not found', { status: 404, headers: { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
  const inGroup = (await listVisibleRecords(records, ANONYMOUS)).map((s) => s.record).filter((r) => r.ethnicGroups.includes(group));
  // Only records whose manifest exists: a listed manifest that answers 404 breaks every viewer that opens the collection.
  const shown = await Promise.all(inGroup.map(hasCanvas));
  const members = inGroup.filter((_, i) => shown[i]);
  const response = json(request, communityCollection(community, members, config.siteUrl));
  response.headers.set('content-type', 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
  return response;
}
