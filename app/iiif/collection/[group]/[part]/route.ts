/** A part of a community's IIIF collection, when it has more records than one collection looks at: ../collection.ts. */
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';
import { collectionResponse, groupCollectionPart, notFound } from '../collection';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ group: string; part: string }> }): Promise<Response> {
  const { group, part } = await context.params;
  const { vocab, config } = getArchive();
  const community = vocab.ethnicGroups.find((g) => g.id === group);
  if (!community || !/^[1-9][0-9]{0,5}$/.test(part)) return notFound();
  const collection = await groupCollectionPart(await getSearchIndex(), community, Number(part), config.siteUrl);
  return collection ? collectionResponse(request, collection) : notFound();
}
