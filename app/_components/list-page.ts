/**
 * One numbered page of a catalog list (`SearchIndex.list`), for the public
 * pages that show long lists (a type, a community, the library, a month, a
 * place). Pages are numbered in the URL (`?page=3`), so every page is a plain
 * link that works without scripts, can be shared, and has a previous page.
 *
 * The engines page by cursor; a numbered page is the engines' own position
 * cursor (lib/search/cursor.ts, the same for both engines) made for that
 * offset and the same query, so the engine checks it as it checks any cursor.
 */
import 'server-only';
import { encodeCursor } from '@/lib/search/cursor';
import type { ListPage, ListQuery, SearchIndex } from '@/lib/search/types';

/** Entries on one page of a public list: a multiple of 2 and 3, so the card grids end on a full row. */
export const PAGE_SIZE = 24;

/** The page number asked for in the URL: a positive integer, else 1. */
export function pageNumber(value: string | string[] | undefined): number {
  const raw = Array.isArray(value) ? value[0] : value;
  const page = Number(raw ?? 1);
  return Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

export interface NumberedPage extends ListPage {
  page: number;
  /** At least 1 (an empty list has one, empty, page). */
  pages: number;
}

/** Page `page` (1-based) of a list in any order but modified-asc (whose cursor is by datestamp, for harvesters). */
export async function listPage(
  index: Pick<SearchIndex, 'list'>,
  query: Omit<ListQuery, 'cursor' | 'limit' | 'sort'> & { sort?: Exclude<ListQuery['sort'], 'modified-asc'> },
  page: number,
  size = PAGE_SIZE,
): Promise<NumberedPage> {
  const paged: ListQuery = { ...query, limit: size };
  const offset = (page - 1) * size;
  const cursor = offset > 0 ? encodeCursor(paged, { kind: 'position', offset, delivered: offset }) : undefined;
  const result = await index.list(cursor ? { ...paged, cursor } : paged);
  return { ...result, page, pages: Math.max(1, Math.ceil(result.total / size)) };
}
