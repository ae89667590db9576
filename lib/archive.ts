/** Opens the archive's moving parts from a configuration: the one place that wires them together. */
import { getConfig, type Config } from './config';
import { RecordRepository } from './records/repository';
import { loadVocabularies, type Vocabularies } from './records/vocabularies';
import { openStore, type ObjectStore } from './storage';
import { openSearchIndex, registerSearchIndexing, type SearchIndex } from './search';

export interface Archive {
  config: Config;
  store: ObjectStore;
  records: RecordRepository;
  vocab: Vocabularies;
}

export function openArchive(config: Config = getConfig()): Archive {
  const store = openStore(config);
  return { config, store, records: new RecordRepository(store), vocab: loadVocabularies(config.contentDir) };
}

/**
 * Opens the configured search index and keeps it current with every commit
 * this process makes (CLI imports, the studio). Other processes' commits
 * reach it through their own registration, or `npm run reindex`.
 */
export async function attachSearch(archive: Archive): Promise<SearchIndex> {
  const index = await openSearchIndex(archive.config, archive.vocab);
  registerSearchIndexing(archive, index);
  return index;
}
