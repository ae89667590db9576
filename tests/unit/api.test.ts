/**
 * The JSON API: responses match the OpenAPI document, ETags, cursors, problems, rate limits, access.
 * Lists and coverage answer from the search index (built from the archive as `npm run reindex` does).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { getCoverage, getOpenApi, getRecord, getRecordDublinCore, getVocabularies, listRecords, searchRecords } from '@/lib/api/handlers';
import { openSearchIndex, type SearchIndex } from '@/lib/search';
import { listAllRecords } from '@/lib/catalog/catalog';
import { computeCoverage } from '@/lib/catalog/coverage';
import { reindex } from '@/lib/search/reindex';
import { openApiDocument } from '@/lib/api/openapi';
import { parseConfig } from '@/lib/config';
import { recordIdFromSeed } from '@/lib/records/ids';
import { importItems } from '@/lib/records/importer';
import { RecordBody } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, tempArchive, type TempArchive } from '../helpers/temp-archive';

const SITE = 'https://disan.example.org';
let temp: TempArchive;
let archive: Archive;
let index: SearchIndex;
let publicIds: string[];
let hiddenIds: string[];

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(openApiDocument(SITE), 'openapi');

function expectSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`)!;
  const ok = validate(value);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

/** The header in which the web server (scripts/serve.ts) hands the app the client's address. */
const ADDRESS = `x-disan-client-${'b'.repeat(32)}`;
const get = (path: string, headers: Record<string, string> = {}) => new Request(`${SITE}/api/v1${path}`, { headers: { [ADDRESS]: '10.0.0.1', ...headers } });

beforeAll(async () => {
  temp = await tempArchive();
  const vocab = loadVocabularies(path.join(ROOT, 'content'));
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE, API_RATE_LIMIT: '1000', DISAN_CLIENT_ADDRESS_HEADER: ADDRESS }), store: temp.store, records: temp.records, vocab };
  const dir = path.join(ROOT, 'content', 'records');
  const bodies = await Promise.all((await fs.readdir(dir)).filter((n) => n.endsWith('.json')).map(async (n) => RecordBody.parse(JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')))));
  await importItems(
    temp.records,
    (async function* () {
      for (const body of bodies) yield { source: body.slug, id: recordIdFromSeed(`demo:${body.slug}`), body, files: [] };
    })(),
    { vocab, user: operator },
  );
  publicIds = bodies.filter((b) => maySeeRecord(ANONYMOUS, b)).map((b) => recordIdFromSeed(`demo:${b.slug}`));
  hiddenIds = bodies.filter((b) => !maySeeRecord(ANONYMOUS, b)).map((b) => recordIdFromSeed(`demo:${b.slug}`));
  await reindex(archive);
  index = await openSearchIndex(archive.config, archive.vocab);
}, 60_000);
afterAll(async () => {
  await index?.close();
  await temp?.cleanup();
});

describe('JSON API', () => {
  it('serves a valid OpenAPI 3.1 document', async () => {
    const response = await getOpenApi(archive, get('/openapi.json'), {});
    const result = await new Validator().validate((await response.json()) as Parameters<Validator['validate']>[0]);
    expect(result.valid, JSON.stringify(result.errors)).toBe(true);
    // The response checks below really check: a list without its cursor does not pass.
    expect(ajv.getSchema('openapi#/components/schemas/RecordList')!({ items: [], total: 0 })).toBe(false);
  });

  it('pages through every public record with cursors, and no other', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const response = await listRecords(index)(archive, get(`/records?limit=7${cursor ? `&cursor=${cursor}` : ''}`), {});
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: { id: string }[]; total: number; nextCursor: string | null; next: string | null };
      expectSchema('RecordList', body);
      expect(body.total).toBe(publicIds.length);
      seen.push(...body.items.map((r) => r.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual([...publicIds].sort());
    for (const id of hiddenIds) expect(seen).not.toContain(id);
  });

  it('filters by community and type', async () => {
    const body = (await (await listRecords(index)(archive, get('/records?community=co&type=festival&limit=100'), {})).json()) as { items: { ethnicGroups: string[]; type: string }[] };
    expect(body.items.length).toBeGreaterThan(0);
    for (const r of body.items) expect(r.ethnicGroups.includes('co') && r.type === 'festival').toBe(true);
  });

  it('returns a record matching its schema, with an ETag and 304 on conditional GET', async () => {
    const id = recordIdFromSeed('demo:le-hoi-dam-trau-co-tu');
    const response = await getRecord(archive, get(`/records/${id}`), { id });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { title: { vi: string }; people: object[] };
    expectSchema('Record', body);
    expect(body.title.vi).toBe('Lễ hội đâm trâu của người Cơ Tu');
    expect(JSON.stringify(body.people)).not.toContain('consent');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await getRecord(archive, get(`/records/${id}`, { 'if-none-match': etag }), { id });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const dc = await getRecordDublinCore(archive, get(`/records/${id}/dublin-core.xml`), { id });
    expect(dc.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await dc.text()).toContain('<dc:title xml:lang="vi">Lễ hội đâm trâu của người Cơ Tu</dc:title>');
  });

  it('answers problem JSON: 404 for restricted and missing records alike, 400 for bad parameters', async () => {
    for (const id of [...hiddenIds, 'zzzzzzzz', 'not-an-id']) {
      const response = await getRecord(archive, get(`/records/${id}`), { id });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expectSchema('Problem', await response.json());
    }
    for (const query of ['limit=0', 'limit=abc', 'limit=1000', 'cursor=%%%']) {
      const response = await listRecords(index)(archive, get(`/records?${query}`), {});
      expect(response.status, query).toBe(400);
      expectSchema('Problem', await response.json());
    }
  });

  it('serves vocabularies and coverage figures matching their schemas', async () => {
    const vocab = await (await getVocabularies(archive, get('/vocabularies'), {})).json();
    expectSchema('Vocabularies', vocab);
    const coverage = (await (await getCoverage(index)(archive, get('/coverage'), {})).json()) as { overall: { total: number; published: number; recorded: number } };
    expectSchema('Coverage', coverage);
    expect(coverage.overall.total).toBe(archive.vocab.inventory.length);
    expect(coverage.overall.published).toBeGreaterThan(5);
    expect(coverage.overall.published + coverage.overall.recorded).toBeLessThanOrEqual(coverage.overall.total);
  });

  it('searches with the site parameters, folded Vietnamese, as JSON and CSV, public records only', async () => {
    await reindex(archive);
    const index = await openSearchIndex(archive.config, archive.vocab);
    try {
      const response = await searchRecords(index, 'json')(archive, get('/search?q=le+hoi+dam+trau&community=co-tu'), {});
      const body = (await response.json()) as { total: number; hits: { id: string; title: { vi: string } }[] };
      expectSchema('SearchResult', body);
      expect(body.hits[0]!.title.vi).toBe('Lễ hội đâm trâu của người Cơ Tu');
      const everything = (await (await searchRecords(index, 'json')(archive, get('/search?q='), {})).json()) as { total: number };
      expect(everything.total).toBe(publicIds.length);
      const csv = await (await searchRecords(index, 'csv')(archive, get('/search.csv?community=co-tu'), {})).text();
      expect(csv.split('\n')[0]).toBe('id,title_vi,title_en,type,date,url');
      expect(csv).toContain('Lễ hội đâm trâu của người Cơ Tu');
      for (const id of hiddenIds) expect(csv).not.toContain(id);
    } finally {
      await index.close();
    }
  });

  it('limits each client with 429 and Retry-After', async () => {
    const limited: Archive = { ...archive, config: { ...archive.config, apiRateLimitPerMinute: 3 } };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      // A new X-Forwarded-For per request changes nothing: only the address the server resolved counts.
      last = await getVocabularies(limited, get('/vocabularies', { [ADDRESS]: '192.0.2.77', 'x-forwarded-for': `198.51.100.${i}` }), {});
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expectSchema('Problem', await last!.json());
    const other = await getVocabularies(limited, get('/vocabularies', { [ADDRESS]: '192.0.2.78' }), {});
    expect(other.status).toBe(200);
  });

  // Issue #13: the list pages from the index's catalog with its cursors.
  it('links the next page (next and Link) and pages every order through every public record once', async () => {
    for (const sort of ['modified-asc', 'published-desc', 'title', 'date-desc']) {
      const seen: string[] = [];
      let url: string | null = `${SITE}/api/v1/records?limit=6&sort=${sort}`;
      for (let i = 0; url && i < 20; i++) {
        const response = await listRecords(index)(archive, new Request(url, { headers: { [ADDRESS]: '10.0.0.1' } }), {});
        expect(response.status, url).toBe(200);
        const body = (await response.json()) as { items: { id: string; modified?: string }[]; total: number; nextCursor: string | null; next: string | null };
        expectSchema('RecordList', body);
        expect(body.total).toBe(publicIds.length);
        for (const item of body.items) expect(new Date(item.modified!).toISOString()).toBe(item.modified);
        seen.push(...body.items.map((r) => r.id));
        if (body.next) {
          expect(body.next).toBe(`${SITE}/api/v1/records?limit=6&sort=${sort}&cursor=${body.nextCursor}`);
          expect(response.headers.get('link')).toBe(`<${body.next}>; rel="next"`);
        } else {
          expect(body.nextCursor).toBeNull();
          expect(response.headers.get('link')).toBeNull();
        }
        url = body.next;
      }
      expect(seen.sort(), sort).toEqual([...publicIds].sort());
    }
  });

  it('answers 400 problem JSON for a cursor it did not give out for this query, and for an unknown order', async () => {
    const first = (await (await listRecords(index)(archive, get('/records?limit=3&community=co-tu'), {})).json()) as { nextCursor: string };
    expect(first.nextCursor).toBeTruthy();
    const oldStyle = Buffer.from(publicIds[0]!, 'utf8').toString('base64url');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8')), o: 0 })).toString('base64url');
    for (const query of [
      `limit=3&type=festival&cursor=${first.nextCursor}`,
      `limit=3&community=co-tu&sort=title&cursor=${first.nextCursor}`,
      `limit=3&cursor=${first.nextCursor}`,
      `limit=3&community=co-tu&cursor=${oldStyle}`,
      `limit=3&community=co-tu&cursor=${first.nextCursor}x`,
      `limit=3&community=co-tu&cursor=${tampered.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))}`,
      'sort=relevance',
      'sort=nonsense',
    ]) {
      const response = await listRecords(index)(archive, get(`/records?${query}`), {});
      expect(response.status, query).toBe(400);
      const problem = (await response.json()) as { parameter?: string };
      expectSchema('Problem', problem);
      expect(problem.parameter, query).toBe(query.startsWith('sort') ? 'sort' : 'cursor');
    }
    // The genuine cursor with its own query still works (a changed page size is not a different query).
    expect((await listRecords(index)(archive, get(`/records?limit=5&community=co-tu&cursor=${first.nextCursor}`), {})).status).toBe(200);
  });

  it('a walk by last change neither skips nor repeats a record when records change meanwhile', async () => {
    const first = (await (await listRecords(index)(archive, get('/records?limit=5'), {})).json()) as { items: { id: string }[]; nextCursor: string };
    const sent = first.items.map((i) => i.id);
    const later = publicIds.find((id) => !sent.includes(id))!;
    const current = await temp.records.require(later);
    await temp.records.update(later, { expectedVersion: current.head, body: { ...current.record, title: { ...current.record.title, vi: `${current.record.title.vi} (sửa)` } }, user: operator });
    const { indexableDocument } = await import('@/lib/search');
    await index.upsert([await indexableDocument(archive, await temp.records.require(later))]);
    const rest: string[] = [];
    let cursor: string | null = first.nextCursor;
    for (let i = 0; cursor && i < 20; i++) {
      const body = (await (await listRecords(index)(archive, get(`/records?limit=5&cursor=${cursor}`), {})).json()) as { items: { id: string }[]; nextCursor: string | null };
      rest.push(...body.items.map((r) => r.id));
      cursor = body.nextCursor;
    }
    expect([...sent, ...rest].sort()).toEqual([...publicIds].sort());
    expect(rest.at(-1)).toBe(later);
  });

  it('public coverage from the index agrees with coverage counted from storage over public records only', async () => {
    const fromIndex = await (await getCoverage(index)(archive, get('/coverage'), {})).json();
    const records = (await listAllRecords(archive.records)).map((s) => s.record);
    const open = records.filter((r) => r.access.level === 'public');
    expect(open.length).toBeLessThan(records.length); // restricted demo records exist, and must not count here
    expect(fromIndex).toEqual(JSON.parse(JSON.stringify(computeCoverage(archive.vocab, open))));
  });
});
