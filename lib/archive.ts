/** Opens the archive's moving parts from a configuration: the one place that wires them together. */
import { getConfig, type Config } from './config';
import { RecordRepository } from './records/repository';
import { loadVocabularies, type Vocabularies } from './records/vocabularies';
import { openStore, type ObjectStore } from './storage';

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
