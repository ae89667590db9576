/** The web server's search index: the archive's (lib/archive.ts), which every commit of this process updates. */
import 'server-only';
import type { SearchIndex } from '../search';
import { getArchive } from './archive';

export function getSearchIndex(): Promise<SearchIndex> {
  return getArchive().search();
}
