/**
 * IIIF Presentation 3 collections of one community's public records that have
 * a manifest, from the search index's catalog (never a storage scan).
 *
 * Only records with a manifest are listed (a listed manifest that answers 404
 * breaks every viewer that opens the collection), and whether a record has one
 * is a storage read per record (lib/server/iiif.ts hasCanvas). So a collection
 * looks at no more than PART_SIZE records: while the community's records with
 * media fit in that, /iiif/collection/<group> lists their manifests, as it
 * always has; past it, it lists parts, /iiif/collection/<group>/<n>, each a
 * collection of the manifests among PART_SIZE records (title order), `partOf`
 * the whole. Presentation 3 has no paged collections: collections of
 * collections are its way (https://iiif.io/api/presentation/3.0/#51-collection).
 */
import 'server-only';
import { ANONYMOUS } from '@/lib/access/policy';
import { json } from '@/lib/api/http';
import { communityCollection } from '@/lib/iiif/presentation';
import type { EthnicGroup } from '@/lib/records/vocabularies';
import { encodeCursor } from '@/lib/search/cursor';
import type { ListQuery, SearchIndex } from '@/lib/search/types';
import { hasCanvas } from '@/lib/server/iiif';

/** Records a collection looks at (one storage read each at most, to find its manifest). */
export const PART_SIZE = 100;

/** Kinds of original a canvas can come from: a record with none of them has no manifest, and is not even looked at. */
const CANVAS_KINDS = ['image', 'audio', 'video', 'document'];

type Group = Pick<EthnicGroup, 'id' | 'name'>;

function candidates(group: Group): ListQuery {
  return { viewer: ANONYMOUS, filters: { ethnicGroup: [group.id], mediaKind: CANVAS_KINDS }, sort: 'title' };
}

export function collectionUrl(siteUrl: string, group: Group, part?: number): string {
  return `${siteUrl}/iiif/collection/${group.id}${part ? `/${part}` : ''}`;
}

function partLabel(group: Group, part: number) {
  return { vi: [`Di sản ${group.name.vi} – phần ${part}`], en: [`${group.name.en} heritage – part ${part}`] };
}

export interface CollectionOptions {
  /** Records a collection looks at (tests make it small). */
  partSize?: number;
}

const sizeOf = (options: CollectionOptions) => Math.max(1, Math.min(options.partSize ?? PART_SIZE, PART_SIZE));

/** The manifests among up to `size` records from `offset`, as a community collection. */
async function manifestsAt(index: Pick<SearchIndex, 'list'>, group: Group, offset: number, size: number, siteUrl: string) {
  const query = candidates(group);
  // A position cursor straight to the part (lib/search/cursor.ts, the same for both engines): one catalog page.
  const cursor = offset > 0 ? { cursor: encodeCursor(query, { kind: 'position', offset, delivered: offset }) } : {};
  const page = await index.list({ ...query, limit: size, ...cursor });
  const records = page.entries.map((e) => e.record);
  const shown = await Promise.all(records.map(hasCanvas));
  return { page, collection: communityCollection(group, records.filter((_, i) => shown[i]), siteUrl) };
}

/** /iiif/collection/<group>: the manifests, or the parts when there are more records than one collection looks at. */
export async function groupCollection(index: Pick<SearchIndex, 'list'>, group: Group, siteUrl: string, options: CollectionOptions = {}): Promise<Record<string, unknown>> {
  const size = sizeOf(options);
  const { total } = await index.list({ ...candidates(group), limit: 0 });
  if (total <= size) {
    const { page, collection } = await manifestsAt(index, group, 0, size, siteUrl);
    // Records added between the count and the list may overflow one collection: then the parts, which have room.
    if (!page.next) return collection;
  }
  const parts = Math.ceil(Math.max(total, size + 1) / size);
  return {
    ...communityCollection(group, [], siteUrl),
    items: Array.from({ length: parts }, (_, i) => ({ id: collectionUrl(siteUrl, group, i + 1), type: 'Collection', label: partLabel(group, i + 1) })),
  };
}

/** /iiif/collection/<group>/<n>: part n (from 1), or undefined past the last. */
export async function groupCollectionPart(
  index: Pick<SearchIndex, 'list'>,
  group: Group,
  part: number,
  siteUrl: string,
  options: CollectionOptions = {},
): Promise<Record<string, unknown> | undefined> {
  if (!Number.isSafeInteger(part) || part < 1) return undefined;
  const size = sizeOf(options);
  const { page, collection } = await manifestsAt(index, group, (part - 1) * size, size, siteUrl);
  if (part > 1 && page.entries.length === 0) return undefined;
  return { ...collection, id: collectionUrl(siteUrl, group, part), label: partLabel(group, part), partOf: [{ id: collectionUrl(siteUrl, group), type: 'Collection' }] };
}

const TEXT_HEADERS = { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };

export function notFound(): Response {
  return new Response('Không tìm thấy / Not found', { status: 404, headers: TEXT_HEADERS });
}

export function collectionResponse(request: Request, collection: Record<string, unknown>): Response {
  const response = json(request, collection);
  response.headers.set('content-type', 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
  return response;
}
