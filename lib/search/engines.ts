/**
 * The search engines, chosen in one place. Each configured engine knows how
 * to open the live index and how to rebuild it from a stream of documents
 * (reindex.ts supplies the documents; this file knows each engine's way of
 * building beside the live index and swapping).
 */
import type { Viewer } from '../access/policy';
import type { Config } from '../config';
import { EmbeddedSearchIndex } from './embedded';
import { MeilisearchIndex } from './meilisearch';
import type { SearchDocument, SearchIndex } from './types';

/** What a rebuild reads: every record's document, in batches, and the documents of given records again. */
export interface RebuildSource {
  batches(): AsyncIterable<SearchDocument[]>;
  documentsOf(ids: string[]): Promise<SearchDocument[]>;
}

export interface SearchEngine {
  /** The live index (with its settings in place). */
  open(): Promise<SearchIndex>;
  /** Builds a new index from the source and swaps it in; the live one answers meanwhile. */
  rebuild(source: RebuildSource): Promise<void>;
}

/** The engine SEARCH_DRIVER names, with the synonym groups it searches with. */
export function searchEngine(search: Config['search'], synonyms: string[][]): SearchEngine {
  if (search.driver === 'meilisearch') {
    const options = { host: search.host, apiKey: search.apiKey, index: search.index, synonyms };
    return {
      async open() {
        const index = new MeilisearchIndex(options);
        await index.ensureSettings();
        return index;
      },
      async rebuild(source) {
        await MeilisearchIndex.rebuild(options, async (builder) => {
          for await (const batch of source.batches()) await builder.upsert(batch);
        });
      },
    };
  }
  return {
    open: async () => EmbeddedSearchIndex.open({ dir: search.dir, synonyms }),
    rebuild: (source) => rebuildEmbedded(search.dir, synonyms, source),
  };
}

/** Sees every record (admins pass every protocol and see unpublished work): for catching up, never for showing. */
const ARCHIVIST: Viewer = { kind: 'user', id: 'reindex', roles: ['admin'], communities: [] };
/** Commit times are taken before the index is written: look this far back for changes. */
const CLOCK_SLACK_MS = 60_000;
/** How long processes take to notice a swapped-in embedded index (its swap check runs at most every second). */
const SWAP_SETTLE_MS = 1500;

/** Ids of records the index saw committed at or after `since` (ms). */
async function changedSince(index: Pick<SearchIndex, 'list'>, since: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await index.list({ viewer: ARCHIVIST, sort: 'modified-asc', modified: { from: new Date(since).toISOString() }, limit: 1000, tombstones: true, ...(cursor ? { cursor } : {}) });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.next;
  } while (cursor);
  return ids;
}

/**
 * The embedded engine's rebuild: a new file beside the live one, caught up
 * before the swap with what the live index saw change since the rebuild
 * began, and after it (once every process has moved) with what landed in
 * between.
 */
async function rebuildEmbedded(dir: string, synonyms: string[][], source: RebuildSource): Promise<void> {
  const startedAt = Date.now() - CLOCK_SLACK_MS;
  // The live index as it is now: it keeps its file after the swap, so it can be asked what landed in it meanwhile.
  const live = EmbeddedSearchIndex.open({ dir, synonyms, swapCheckMs: Number.POSITIVE_INFINITY });
  const builder = EmbeddedSearchIndex.build({ dir, synonyms });
  try {
    for await (const batch of source.batches()) builder.upsertSync(batch);
    const caughtUpAt = Date.now() - CLOCK_SLACK_MS;
    builder.upsertSync(await source.documentsOf(await changedSince(live, startedAt)));
    const name = builder.publish({ retire: false });
    await new Promise((resolve) => setTimeout(resolve, SWAP_SETTLE_MS));
    const late = await changedSince(live, caughtUpAt);
    if (late.length) {
      const current = EmbeddedSearchIndex.open({ dir, synonyms });
      try {
        await current.upsert(await source.documentsOf(late));
      } finally {
        await current.close();
      }
    }
    await live.close();
    EmbeddedSearchIndex.retire(dir, name);
  } catch (error) {
    if (!builder.isClosed) builder.discard();
    await live.close();
    throw error;
  }
}
