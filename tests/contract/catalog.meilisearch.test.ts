/**
 * The catalog contract on Meilisearch. Needs a server: MEILI_HOST (and
 * MEILI_API_KEY if it has a master key). Skipped, with the reason printed,
 * when MEILI_HOST is unset. Uses a throwaway index per run.
 */
import { throwawayMeilisearchIndex } from '../helpers/meilisearch-index';
import { catalogContract } from './catalog.contract';

const { open, options } = throwawayMeilisearchIndex('catalog-contract');
catalogContract('meilisearch', open, options);
