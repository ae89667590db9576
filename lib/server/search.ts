/** The web server's search index: opened once, and told of every commit the server makes. */
import 'server-only';
import { attachSearch } from '../archive';
import type { SearchIndex } from '../search';
import { getArchive } from './archive';

let index: Promise<SearchIndex> | undefined;

export function getSearchIndex(): Promise<SearchIndex> {
  index ??= attachSearch(getArchive()).catch((error: unknown) => {
    index = undefined; // try again on the next request rather than stay broken
    throw error;
  });
  return index;
}
