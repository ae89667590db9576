/**
 * The catalog contract on Meilisearch. Needs a server: MEILI_HOST (and
 * MEILI_API_KEY if it has a master key). Skipped, with the reason printed,
 * when MEILI_HOST is unset. Uses a throwaway index per run.
 */
import { afterAll } from 'vitest';
import { parseConfig } from '@/lib/config';
import { MeilisearchIndex } from '@/lib/search/meilisearch';
import { catalogContract } from './catalog.contract';
import { demoSynonyms } from './search.contract';

const config = parseConfig({ ...process.env, SEARCH_DRIVER: process.env.MEILI_HOST ? 'meilisearch' : 'embedded' });
const meili = config.search.driver === 'meilisearch' ? config.search : undefined;
const uid = `disan-catalog-contract-${process.pid}-${Date.now()}`;
let opened: MeilisearchIndex | undefined;

afterAll(async () => {
  if (!meili || !opened) return;
  const { Meilisearch } = await import('meilisearch');
  await new Meilisearch({ host: meili.host, ...(meili.apiKey ? { apiKey: meili.apiKey } : {}) }).deleteIndex(uid).waitTask();
});

catalogContract(
  'meilisearch',
  async () => {
    opened = new MeilisearchIndex({ host: meili!.host, apiKey: meili!.apiKey, index: uid, synonyms: demoSynonyms });
    await opened.ensureSettings();
    return opened;
  },
  meili ? {} : { skip: 'MEILI_HOST is not set (no Meilisearch server on this machine); set MEILI_HOST and MEILI_API_KEY to run it' },
);
