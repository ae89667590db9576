/** IIIF collection of the public records of one community that have a manifest (at least one canvas): ./collection.ts. */
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';
import { collectionResponse, groupCollection, notFound } from './collection';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ group: string }> }): Promise<Response> {
  const { group } = await context.params;
  const { vocab, config } = getArchive();
  const community = vocab.ethnicGroups.find((g) => g.id === group);
  if (!community) return notFound();
  return collectionResponse(request, await groupCollection(await getSearchIndex(), community, config.siteUrl));
}
