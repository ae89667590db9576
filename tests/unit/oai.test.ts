/**
 * OAI-PMH: a full harvest through resumption tokens, every error condition, only public records.
 * Lists come from the search index (kept current by the archive's commits, as the server's is), a record by
 * identifier from storage.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { loadOaiItem } from '@/lib/oai/items';
import { handleOai, type OaiContext } from '@/lib/oai/provider';
import { registerSearchIndexing } from '@/lib/search';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import type { ListPage, ListQuery } from '@/lib/search/types';
import { recordIdFromSeed } from '@/lib/records/ids';
import { importItems } from '@/lib/records/importer';
import { RecordBody } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { validateDocuments } from '../fixtures/xsd/validate';
import { ROOT } from '../helpers/cli';
import { operator, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
let archive: TempArchive;
let index: EmbeddedSearchIndex;
let context: OaiContext;
/** Every catalog read the provider makes (the provider must never read more than a page). */
const listCalls: ListQuery[] = [];
let demo: { slug: string; id: string; public: boolean; groups: string[]; type: string }[];

beforeAll(async () => {
  archive = await tempArchive();
  index = EmbeddedSearchIndex.open({ dir: path.join(archive.dir, 'search'), synonyms: [] });
  registerSearchIndexing({ records: archive.records, store: archive.store, vocab }, index);
  const dir = path.join(ROOT, 'content', 'records');
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const bodies = await Promise.all(names.map(async (n) => RecordBody.parse(JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')))));
  await importItems(
    archive.records,
    (async function* () {
      for (const body of bodies) yield { source: body.slug, id: recordIdFromSeed(`demo:${body.slug}`), body, files: [] };
    })(),
    { vocab, user: operator },
  );
  demo = bodies.map((b) => ({ slug: b.slug, id: recordIdFromSeed(`demo:${b.slug}`), public: maySeeRecord(ANONYMOUS, b), groups: b.ethnicGroups, type: b.type }));
  context = {
    baseUrl: 'https://disan.example.org/oai',
    siteUrl: 'https://disan.example.org',
    repositoryName: 'Di Sản',
    adminEmail: 'archive@example.org',
    vocab,
    pageSize: 7,
    now: () => new Date(),
    index: {
      list: (query: ListQuery): Promise<ListPage> => {
        listCalls.push(query);
        return index.list(query);
      },
    },
    loadItem: (id) => loadOaiItem(archive.records, id),
  };
}, 60_000);
afterAll(async () => {
  await index?.close();
  await archive?.cleanup();
});

type Node = Record<string, unknown>;
const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

async function oai(query: Record<string, string> | [string, string][]): Promise<Node> {
  const xml = await handleOai(new URLSearchParams(query), context);
  return (create(xml).end({ format: 'object' }) as Node)['OAI-PMH'] as Node;
}

function errorCode(response: Node): string | undefined {
  return ((response.error as Node | undefined)?.['@code'] as string | undefined) ?? undefined;
}

function identifiers(list: Node, verb: 'ListIdentifiers' | 'ListRecords'): { id: string; deleted: boolean }[] {
  const headers = verb === 'ListIdentifiers' ? asArray(list.header as Node | Node[]) : asArray(list.record as Node | Node[]).map((r) => r.header as Node);
  return headers.map((h) => ({ id: String(h.identifier).split(':').pop()!, deleted: h['@status'] === 'deleted' }));
}

async function harvest(verb: 'ListIdentifiers' | 'ListRecords', args: Record<string, string> = {}): Promise<{ id: string; deleted: boolean }[]> {
  const seen: { id: string; deleted: boolean }[] = [];
  let response = await oai({ verb, metadataPrefix: 'oai_dc', ...args });
  for (let pages = 0; pages < 100; pages++) {
    expect(errorCode(response)).toBeUndefined();
    const list = response[verb] as Node;
    seen.push(...identifiers(list, verb));
    const token = list.resumptionToken as Node | string | undefined;
    const value = typeof token === 'object' ? (token['#'] as string | undefined) : token;
    if (!value) return seen;
    response = await oai({ verb, resumptionToken: value });
  }
  throw new Error('harvest did not end');
}

/** A resumption token as the provider writes them (base64url JSON), with any content. */
function forgedToken(request: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...request }), 'utf8').toString('base64url');
}

/** Every error condition of the protocol, as [query, code]. */
const ERROR_CASES = [
    [{ verb: 'Explode' }, 'badVerb'],
    [{}, 'badVerb'],
    [[['verb', 'Identify'], ['verb', 'Identify']], 'badVerb'],
    [{ verb: 'Identify', extra: 'x' }, 'badArgument'],
    [{ verb: 'ListRecords' }, 'badArgument'],
    [[['verb', 'ListRecords'], ['metadataPrefix', 'oai_dc'], ['set', 'a'], ['set', 'b']], 'badArgument'],
    [{ verb: 'ListRecords', metadataPrefix: 'oai_dc', from: '29/11/2026' }, 'badArgument'],
    [{ verb: 'ListRecords', metadataPrefix: 'oai_dc', from: '2026-01-01', until: '2026-02-01T00:00:00Z' }, 'badArgument'],
    [{ verb: 'ListRecords', metadataPrefix: 'oai_dc', from: '2026-02-01', until: '2026-01-01' }, 'badArgument'],
    [{ verb: 'ListRecords', resumptionToken: 'abc', metadataPrefix: 'oai_dc' }, 'badArgument'],
    [{ verb: 'GetRecord', identifier: 'oai:disan.example.org:abcdefgh' }, 'badArgument'],
    [{ verb: 'ListRecords', resumptionToken: 'not-a-token' }, 'badResumptionToken'],
    [{ verb: 'ListSets', resumptionToken: 'x' }, 'badResumptionToken'],
    [{ verb: 'ListRecords', metadataPrefix: 'marc21' }, 'cannotDisseminateFormat'],
    [{ verb: 'GetRecord', identifier: 'oai:disan.example.org:zzzzzzzz', metadataPrefix: 'oai_dc' }, 'idDoesNotExist'],
    [{ verb: 'ListMetadataFormats', identifier: 'oai:elsewhere:x' }, 'idDoesNotExist'],
    [{ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', set: 'type:place', until: '2001-01-01' }, 'noRecordsMatch'],
    // Arguments a schema-valid <request> could not echo are bad arguments (issue #15), never echoed.
    [{ verb: 'ListRecords', metadataPrefix: 'oai dc' }, 'badArgument'],
    [{ verb: 'GetRecord', identifier: 'oai:disan.example.org:%zz', metadataPrefix: 'oai_dc' }, 'badArgument'],
    [{ verb: 'GetRecord', identifier: 'not a uri', metadataPrefix: 'oai_dc' }, 'badArgument'],
    [{ verb: 'GetRecord', identifier: 'oai:disan.example.org:a#b#c', metadataPrefix: 'oai_dc' }, 'badArgument'],
    [{ verb: 'ListMetadataFormats', identifier: 'oai:disan.example.org:[x]' }, 'badArgument'],
    [{ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', set: 'a b' }, 'badArgument'],
    [{ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', until: '2026-02-30' }, 'badArgument'],
    [{ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', from: '2026-01-01T00:00:00+07:00' }, 'badArgument'],
    [{ verb: 'Identify\u0001' }, 'badVerb'],
    [{ verb: 'ListRecords', metadataPrefix: 'oai_dc\u0000' }, 'badArgument'],
    [{ verb: 'ListRecords', metadataPrefix: 'oai_dc', 'x\u0002': '1' }, 'badArgument'],
    [{ verb: 'ListRecords', resumptionToken: '<&"\'>' }, 'badResumptionToken'],
    [{ verb: 'ListRecords', resumptionToken: forgedToken({ prefix: 'oai_dc', from: 'yesterday', cursor: 0 }) }, 'badResumptionToken'],
    [{ verb: 'ListRecords', resumptionToken: forgedToken({ prefix: 'marc21', cursor: 0 }) }, 'cannotDisseminateFormat'],
    [{ verb: 'GetRecord', identifier: 'oai:disan.example.org:abcdefgh', metadataPrefix: 'marc21' }, 'cannotDisseminateFormat'],
    [{ verb: 'GetRecord', identifier: 'urn:x-other:ằ', metadataPrefix: 'oai_dc' }, 'badArgument'],
    [{ verb: 'ListIdentifiers', resumptionToken: forgedToken({ prefix: 'oai_dc', cursor: -7 }) }, 'badResumptionToken'],
    [{ verb: 'ListIdentifiers', resumptionToken: forgedToken({ prefix: 'oai_dc', cursor: 1.5 }) }, 'badResumptionToken'],
    [{ verb: 'ListIdentifiers', resumptionToken: forgedToken({ prefix: 'oai_dc', set: 7, cursor: 0 }) }, 'badResumptionToken'],
    [{ verb: 'ListIdentifiers', resumptionToken: forgedToken({ prefix: 'oai_dc', set: 'type:nothing-here', cursor: 0 }) }, 'badResumptionToken'],
] as const;

describe('OAI-PMH', () => {
  it('Identify describes the repository', async () => {
    const response = await oai({ verb: 'Identify' });
    expect(response.Identify).toMatchObject({ baseURL: 'https://disan.example.org/oai', protocolVersion: '2.0', deletedRecord: 'persistent', granularity: 'YYYY-MM-DDThh:mm:ssZ' });
    expect((response.request as Node)['@verb']).toBe('Identify');
  });

  it.each(['ListRecords', 'ListIdentifiers'] as const)('%s walks every resumption token and yields each public record exactly once, no other', async (verb) => {
    const harvested = await harvest(verb);
    const ids = harvested.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(demo.filter((d) => d.public).map((d) => d.id).sort());
    expect(demo.filter((d) => !d.public).length).toBeGreaterThanOrEqual(4);
  });

  it('ListRecords carries Dublin Core in both languages', async () => {
    const id = recordIdFromSeed('demo:le-hoi-dam-trau-co-tu');
    const response = await oai({ verb: 'GetRecord', identifier: `oai:disan.example.org:${id}`, metadataPrefix: 'oai_dc' });
    const dc = ((response.GetRecord as Node).record as Node).metadata as Node;
    expect(JSON.stringify(dc)).toContain('Lễ hội đâm trâu của người Cơ Tu');
    expect(JSON.stringify(dc)).toContain('"@xml:lang":"en"');
  });

  it('harvests selectively by set and by date', async () => {
    const coTu = await harvest('ListIdentifiers', { set: 'community:co-tu' });
    expect(coTu.length).toBeGreaterThan(3);
    expect(coTu.map((h) => h.id).sort()).toEqual(demo.filter((d) => d.public && d.groups.includes('co-tu')).map((d) => d.id).sort());
    const documents = await harvest('ListIdentifiers', { set: 'type:document' });
    expect(documents.map((h) => h.id).sort()).toEqual(demo.filter((d) => d.public && d.type === 'document').map((d) => d.id).sort());
    const today = new Date().toISOString().slice(0, 10);
    expect((await harvest('ListIdentifiers', { from: today })).length).toBe(demo.filter((d) => d.public).length);
    expect(errorCode(await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', until: '2000-01-01' }))).toBe('noRecordsMatch');
  });

  it('reports a public record that was withdrawn as deleted, without metadata', async () => {
    const id = recordIdFromSeed('demo:nha-guol-co-tu');
    const current = await archive.records.require(id);
    expect(current.record.publishedAt).toBeDefined();
    await archive.records.update(id, { expectedVersion: current.head, body: { ...current.record, status: 'withdrawn' }, user: operator });
    const response = await oai({ verb: 'GetRecord', identifier: `oai:disan.example.org:${id}`, metadataPrefix: 'oai_dc' });
    const record = (response.GetRecord as Node).record as Node;
    expect((record.header as Node)['@status']).toBe('deleted');
    expect(record.metadata).toBeUndefined();
    const all = await harvest('ListIdentifiers');
    expect(all.find((h) => h.id === id)).toEqual({ id, deleted: true });
  });

  it.each(ERROR_CASES)('%j → %s', async (query, code) => {
    const response = await oai(query as Record<string, string>);
    expect(errorCode(response)).toBe(code);
    const request = response.request as Node | string;
    if (code === 'badVerb' || code === 'badArgument') expect(typeof request === 'string' || request['@verb'] === undefined).toBe(true);
  });

  // Issue #15: what the official schemas say of every answer a harvester can get.
  it('every response of a full harvest, and of every error, is valid against OAI-PMH.xsd, oai_dc.xsd and oai-identifier.xsd', async () => {
    const documents: Record<string, string> = {};
    const ask = async (query: Record<string, string>): Promise<Node> => {
      const xml = await handleOai(new URLSearchParams(query), context);
      documents[JSON.stringify(query)] = xml;
      return (create(xml).end({ format: 'object' }) as Node)['OAI-PMH'] as Node;
    };
    await ask({ verb: 'Identify' });
    await ask({ verb: 'ListMetadataFormats' });
    await ask({ verb: 'ListSets' });
    const today = new Date().toISOString().slice(0, 10);
    const ids = new Set<string>();
    for (const verb of ['ListIdentifiers', 'ListRecords'] as const) {
      const filters: Record<string, string>[] = [{}, { set: 'community:co-tu' }, { set: 'type' }, { from: today }, { from: '2000-01-01T00:00:00Z', until: '2999-12-31T23:59:59Z' }];
      for (const filter of filters) {
        let response = await ask({ verb, metadataPrefix: 'oai_dc', ...filter });
        for (let page = 0; ; page++) {
          expect(page).toBeLessThan(100);
          const list = response[verb] as Node;
          for (const h of identifiers(list, verb)) ids.add(h.id);
          const token = list.resumptionToken as Node | string | undefined;
          const value = typeof token === 'object' ? (token['#'] as string | undefined) : token;
          if (!value) break;
          response = await ask({ verb, resumptionToken: value });
        }
      }
    }
    expect(ids.size).toBeGreaterThan(context.pageSize);
    for (const id of ids) {
      await ask({ verb: 'GetRecord', identifier: `oai:disan.example.org:${id}`, metadataPrefix: 'oai_dc' });
      await ask({ verb: 'ListMetadataFormats', identifier: `oai:disan.example.org:${id}` });
    }
    for (const [query] of ERROR_CASES) await ask(Object.fromEntries(Array.isArray(query) ? [] : Object.entries(query)));
    for (const [query] of ERROR_CASES.filter(([q]) => Array.isArray(q))) {
      const xml = await handleOai(new URLSearchParams(query as unknown as [string, string][]), context);
      documents[JSON.stringify(query)] = xml;
    }
    const result = await validateDocuments('oai-pmh', documents);
    expect(Object.fromEntries([...result.errors].filter(([, errors]) => errors.length > 0))).toEqual({});
    expect(Object.keys(documents).length).toBeGreaterThan(50);
  });

  it.each([
    ['http://localhost:3000', false],
    ['http://127.0.0.1:4123', false],
    ['http://archive-host:8080', false],
    ['https://disan.example.org', true],
    ['https://di-san.quangnam.gov.vn', true],
  ] as const)('Identify at %s describes the oai-identifier scheme: %s, and is valid either way', async (siteUrl, described) => {
    const xml = await handleOai(new URLSearchParams({ verb: 'Identify' }), { ...context, siteUrl, baseUrl: `${siteUrl}/oai` });
    const identify = ((create(xml).end({ format: 'object' }) as Node)['OAI-PMH'] as Node).Identify as Node;
    expect(identify.baseURL).toBe(`${siteUrl}/oai`);
    expect(identify.description !== undefined).toBe(described);
    if (described) expect(JSON.stringify(identify.description)).toContain(new URL(siteUrl).hostname);
    const result = await validateDocuments('oai-pmh', { identify: xml });
    expect(result.errors.get('identify')).toEqual([]);
  });

  it('the schemas catch what issue #15 found: an echoed invalid metadataPrefix, an oai-identifier for a host without a dot', async () => {
    const request = (attrs: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate><request ${attrs}>http://localhost:3000/oai</request><error code="badArgument">x</error></OAI-PMH>`;
    const identify = (host: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate><request verb="Identify">http://${host}:3000/oai</request><Identify><repositoryName>x</repositoryName><baseURL>http://${host}:3000/oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@example.org</adminEmail><earliestDatestamp>2026-01-01T00:00:00Z</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity><description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier"><scheme>oai</scheme><repositoryIdentifier>${host}</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>oai:${host}:fhgmqwqp</sampleIdentifier></oai-identifier></description></Identify></OAI-PMH>`;
    const result = await validateDocuments('oai-pmh', {
      echoed: request('verb="ListRecords" metadataPrefix="oai dc"'),
      bare: request(''),
      localhost: identify('localhost'),
      domain: identify('disan.example.org'),
    });
    expect(result.errors.get('echoed')!.join()).toMatch(/metadataPrefix/);
    expect(result.errors.get('bare')).toEqual([]);
    expect(result.errors.get('localhost')!.join()).toMatch(/repositoryIdentifier/);
    expect(result.errors.get('domain')).toEqual([]);
  });

  it('never gives out a restricted record, even by identifier', async () => {
    for (const restricted of demo.filter((d) => !d.public)) {
      const response = await oai({ verb: 'GetRecord', identifier: `oai:disan.example.org:${restricted.id}`, metadataPrefix: 'oai_dc' });
      expect(errorCode(response), restricted.slug).toBe('idDoesNotExist');
    }
  });

  it('lists sets for every community and record type', async () => {
    const sets = asArray(((await oai({ verb: 'ListSets' })).ListSets as Node).set as Node[]).map((s) => s.setSpec);
    expect(sets).toEqual(expect.arrayContaining(['community:co-tu', 'community:xo-dang', 'type:festival', 'type:document']));
  });
});

/** Issue #13: lists answer from the index, a page at a time, by datestamp. */
describe('OAI-PMH from the catalog', () => {
  const tokenOf = (list: Node): { value?: string; size?: string; cursor?: string } => {
    const token = list.resumptionToken as Node | string | undefined;
    if (token === undefined) return {};
    if (typeof token === 'string') return { value: token };
    return { value: token['#'] as string | undefined, size: token['@completeListSize'] as string, cursor: token['@cursor'] as string };
  };
  const decode = (token: string) => JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

  it('reads no more than a page per request and never scans storage (Identify, lists, GetRecord)', async () => {
    const scan = vi.spyOn(archive.records, 'ids');
    listCalls.length = 0;
    try {
      await oai({ verb: 'Identify' });
      expect(listCalls).toEqual([expect.objectContaining({ limit: 1, sort: 'modified-asc', tombstones: true })]);
      const all = await harvest('ListRecords');
      expect(all.length).toBeGreaterThan(context.pageSize);
      expect(listCalls.length).toBe(1 + Math.ceil(all.length / context.pageSize));
      for (const call of listCalls) expect(call.limit).toBeLessThanOrEqual(context.pageSize);
      const calls = listCalls.length;
      await oai({ verb: 'GetRecord', identifier: `oai:disan.example.org:${all[0]!.id}`, metadataPrefix: 'oai_dc' });
      await oai({ verb: 'ListMetadataFormats', identifier: `oai:disan.example.org:${all[0]!.id}` });
      expect(listCalls.length).toBe(calls);
      expect(scan).not.toHaveBeenCalled();
    } finally {
      scan.mockRestore();
    }
  });

  it('counts the whole list in completeListSize and the items before each page in cursor', async () => {
    const all = await harvest('ListIdentifiers');
    let response = await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc' });
    let before = 0;
    for (let page = 0; page < 100; page++) {
      const list = response.ListIdentifiers as Node;
      const token = tokenOf(list);
      expect(token.size).toBe(String(all.length));
      expect(token.cursor).toBe(String(before));
      before += identifiers(list, 'ListIdentifiers').length;
      if (!token.value) break;
      response = await oai({ verb: 'ListIdentifiers', resumptionToken: token.value });
    }
    expect(before).toBe(all.length);
  });

  it('refuses a token whose catalog cursor was tampered with, pasted onto another request, or made by the old provider', async () => {
    const first = tokenOf((await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', set: 'community:co-tu' })).ListIdentifiers as Node).value!;
    expect(first).toBeTruthy();
    const token = decode(first);
    expect(typeof token.list).toBe('string');
    const cases = [
      { ...token, list: 'not-a-cursor' },
      { ...token, list: `${String(token.list)}x` },
      { ...token, list: Buffer.from('{"h":"x","n":0}').toString('base64url') },
      { ...token, set: 'type:festival' },
      { ...token, set: undefined },
      { ...token, from: '2000-01-01' },
      { ...token, list: 7 },
      { v: 1, prefix: 'oai_dc', after: ['2026-01-01T00:00:00Z', 'abcdefgh'], cursor: 7 },
    ];
    for (const forged of cases) {
      const response = await oai({ verb: 'ListIdentifiers', resumptionToken: encode(forged) });
      expect(errorCode(response), JSON.stringify(forged)).toBe('badResumptionToken');
    }
    // The genuine one still works.
    expect(errorCode(await oai({ verb: 'ListIdentifiers', resumptionToken: first }))).toBeUndefined();
  });

  it('selects by datestamp to the second, both ends inclusive', async () => {
    const list = (await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc' })).ListIdentifiers as Node;
    const header = asArray(list.header as Node | Node[])[0]!;
    const datestamp = header.datestamp as string;
    const id = String(header.identifier).split(':').pop()!;
    expect(datestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    for (const range of [{ until: datestamp }, { from: datestamp }, { from: datestamp, until: datestamp }] as Record<string, string>[]) {
      expect((await harvest('ListIdentifiers', range)).map((h) => h.id), JSON.stringify(range)).toContain(id);
    }
    const earlier = new Date(Date.parse(datestamp) - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const before = await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc', from: earlier, until: earlier });
    expect(errorCode(before) === 'noRecordsMatch' || !identifiers(before.ListIdentifiers as Node, 'ListIdentifiers').some((h) => h.id === id)).toBe(true);
  });

  it('a harvest resumed while records change neither skips nor repeats one: a record changed after it was sent is met again at the end', async () => {
    const everything = (await harvest('ListIdentifiers')).map((h) => h.id);
    const first = (await oai({ verb: 'ListIdentifiers', metadataPrefix: 'oai_dc' })).ListIdentifiers as Node;
    const sent = identifiers(first, 'ListIdentifiers').map((h) => h.id);
    const token = tokenOf(first).value!;
    const publicIds = new Set(demo.filter((d) => d.public).map((d) => d.id));
    const early = sent.find((id) => publicIds.has(id))!;
    const late = everything.find((id) => !sent.includes(id) && publicIds.has(id))!;
    expect(early && late).toBeTruthy();
    for (const id of [early, late]) {
      const current = await archive.records.require(id);
      await archive.records.update(id, { expectedVersion: current.head, body: { ...current.record, title: { ...current.record.title, vi: `${current.record.title.vi} (sửa)` } }, user: operator });
    }
    const rest: string[] = [];
    let response = await oai({ verb: 'ListIdentifiers', resumptionToken: token });
    for (let page = 0; page < 100; page++) {
      expect(errorCode(response)).toBeUndefined();
      const list = response.ListIdentifiers as Node;
      rest.push(...identifiers(list, 'ListIdentifiers').map((h) => h.id));
      const next = tokenOf(list).value;
      if (!next) break;
      response = await oai({ verb: 'ListIdentifiers', resumptionToken: next });
    }
    // Every record once, and the one changed after it was sent once more, as the last (its new datestamp is the latest).
    expect([...sent, ...rest].sort()).toEqual([...everything, early].sort());
    expect(rest.filter((id) => id === late)).toHaveLength(1);
    expect(rest.at(-1) === early || rest.at(-2) === early).toBe(true);
  });
});
