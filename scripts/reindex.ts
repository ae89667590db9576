/**
 * npm run reindex — rebuilds the search index from storage alone.
 *
 * Streams every record from the object store into a new index (a new
 * SQLite file, or a new Meilisearch index) and swaps it in only when it is
 * complete: search keeps answering from the old index meanwhile, and an
 * interrupted rebuild leaves the old one untouched.
 */
import cliProgress from 'cli-progress';
import { openArchive } from '../lib/archive';
import { reindex } from '../lib/search/reindex';
import { exitWith } from './support/exit';

async function main(): Promise<number> {
  const archive = openArchive();
  const where = archive.config.search.driver === 'meilisearch' ? `Meilisearch index ${archive.config.search.index}` : archive.config.search.dir;
  console.log(`Rebuilding the search index (${archive.config.search.driver}, ${where}) from ${archive.store.description}`);
  const bar = new cliProgress.SingleBar(
    { format: 'reindex [{bar}] {value}/{total} records  {rss} MB', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const startedAt = performance.now();
  const result = await reindex(archive, {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, 0, { rss: 0 });
        started = true;
      }
      // Throttled by cli-progress itself; the RSS shows that memory stays flat.
      bar.update(p.done, { rss: Math.round(process.memoryUsage().rss / 1048576) });
    },
  });
  bar.stop();
  for (const f of result.failed) console.error(`  ✗ ${f.id}: ${f.error}`);
  console.log(`Indexed ${result.done - result.failed.length} of ${result.total} records in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return result.failed.length ? 1 : 0;
}

exitWith(main(), (error) => console.error(error instanceof Error ? error.message : error), 2);
