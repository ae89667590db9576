/** "Did you mean" in the JSON API: /api/v1/search answers it as `didYouMean`, in the OpenAPI schema, from public records only. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { searchRecords } from '@/lib/api/handlers';
import { openApiDocument } from '@/lib/api/openapi';
import { parseConfig } from '@/lib/config';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { fold } from '@/lib/search/text';
import { demoRecords, demoSynonyms, restrictedOnlyWords, typo, vocab } from '../contract/search.contract';

const SITE = 'https://disan.example.org';
const ADDRESS = `x-disan-client-${'c'.repeat(32)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-search-api-'));
const archive = { config: parseConfig({ DATA_DIR: dir, SITE_URL: SITE, API_RATE_LIMIT: '1000', DISAN_CLIENT_ADDRESS_HEADER: ADDRESS }), vocab } as unknown as Archive;
const records = demoRecords();
const docs = records.map((r) => toSearchDocument(r, vocab));
let index: EmbeddedSearchIndex;

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(openApiDocument(SITE), 'openapi');

async function search(q: string): Promise<{ total: number; didYouMean?: string }> {
  const request = new Request(`${SITE}/api/v1/search?q=${encodeURIComponent(q)}`, { headers: { [ADDRESS]: '10.0.0.2' } });
  const body = (await (await searchRecords(index, 'json')(archive, request, {})).json()) as { total: number; didYouMean?: string };
  const validate = ajv.getSchema('openapi#/components/schemas/SearchResult')!;
  expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  return body;
}

beforeAll(async () => {
  index = EmbeddedSearchIndex.open({ dir: path.join(dir, 'search'), synonyms: demoSynonyms });
  await index.upsert(docs);
});
afterAll(async () => {
  await index?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/search: did you mean', () => {
  it('answers a typo with the corrected query, and a query spelled right without one', async () => {
    const typoed = await search('le hoi dam trua');
    expect(typoed.didYouMean).toBe('le hoi dam trau');
    expect(typoed.total).toBeGreaterThan(0);
    expect(await search('le hoi dam trau')).not.toHaveProperty('didYouMean');
  });

  it('never answers with a word only non-public records contain', async () => {
    const hidden = new Set(records.filter((r) => !maySeeRecord(ANONYMOUS, r)).map((r) => r.id));
    const secrets = restrictedOnlyWords(
      docs.filter((d) => !hidden.has(d.id)),
      docs.filter((d) => hidden.has(d.id)),
    );
    for (const word of secrets) expect(fold((await search(typo(word))).didYouMean ?? ''), word).not.toContain(word);
  });
});
