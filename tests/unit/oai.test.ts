/** OAI-PMH: a full harvest through resumption tokens, every error condition, only public records. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { loadOaiItems } from '@/lib/oai/items';
import { handleOai, type OaiContext } from '@/lib/oai/provider';
import { recordIdFromSeed } from '@/lib/records/ids';
import { importItems } from '@/lib/records/importer';
import { RecordBody } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
let archive: TempArchive;
let context: OaiContext;
let demo: { slug: string; id: string; public: boolean; groups: string[]; type: string }[];

beforeAll(async () => {
  archive = await tempArchive();
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
    loadItems: () => loadOaiItems(archive.records),
  };
}, 60_000);
afterAll(async () => archive?.cleanup());

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

  it.each([
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
  ] as const)('%j → %s', async (query, code) => {
    const response = await oai(query as Record<string, string>);
    expect(errorCode(response)).toBe(code);
    const request = response.request as Node | string;
    if (code === 'badVerb' || code === 'badArgument') expect(typeof request === 'string' || request['@verb'] === undefined).toBe(true);
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
