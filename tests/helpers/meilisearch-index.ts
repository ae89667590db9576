/**
 * A throwaway Meilisearch index for a contract suite: opened from MEILI_HOST
 * (and MEILI_API_KEY) and deleted after the file's tests; when MEILI_HOST is
 * unset, the reason to skip, printed by the suite.
 */
import { afterAll } from 'vitest';
import { parseConfig } from '@/lib/config';
import { MeilisearchIndex } from '@/lib/search/meilisearch';
import { demoSynonyms } from '../contract/search.contract';

export function throwawayMeilisearchIndex(name: string): { open: () => Promise<MeilisearchIndex>; options: { skip?: string } } {
  const config = parseConfig({ ...process.env, SEARCH_DRIVER: process.env.MEILI_HOST ? 'meilisearch' : 'embedded' });
  const meili = config.search.driver === 'meilisearch' ? config.search : undefined;
  const uid = `disan-${name}-${process.pid}-${Date.now()}`;
  let opened: MeilisearchIndex | undefined;
  afterAll(async () => {
    if (!meili || !opened) return;
    const { Meilisearch } = await import('meilisearch');
    await new Meilisearch({ host: meili.host, ...(meili.apiKey ? { apiKey: meili.apiKey } : {}) }).deleteIndex(uid).waitTask();
  });
  return {
    open: async () => {
      opened = new MeilisearchIndex({ host: meili!.host, apiKey: meili!.apiKey, index: uid, synonyms: demoSynonyms });
      await opened.ensureSettings();
      return opened;
    },
    options: meili ? {} : { skip: 'MEILI_HOST is not set (no Meilisearch server on this machine); set MEILI_HOST and MEILI_API_KEY to run it' },
  };
}
