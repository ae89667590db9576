/**
 * Consent (issue #12): a person whose consent is not given is never named on
 * a public exit. One record with a consenting recorder and performer and a
 * performer who refused is run through every lib-level exit; each must carry
 * the consenting names and never the refused one. Staff still read the name.
 *
 * The refused name is also written into the record's title and description,
 * as an officer might ("Bài hát của …"), so the test also proves that free
 * text does not undo the withholding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isWithheld, publicRecordFor, WITHHELD_LABEL, withholdNames } from '@/lib/access/consent';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import { readVisible } from '@/lib/access/reader';
import type { Archive } from '@/lib/archive';
import { getRecord, getRecordDublinCore, listRecords, searchRecords } from '@/lib/api/handlers';
import { recordView } from '@/lib/api/views';
import { parseConfig } from '@/lib/config';
import { FEED_FILES, renderFeed, type FeedFile } from '@/lib/feeds/publications';
import { communityCollection, recordManifest } from '@/lib/iiif/presentation';
import { MESSAGES } from '@/lib/i18n/messages';
import { loadOaiItem } from '@/lib/oai/items';
import { handleOai, type OaiContext } from '@/lib/oai/provider';
import { listVisibleRecords, visibleTo } from '@/lib/catalog/catalog';
import { citeRecord } from '@/lib/interop/citation';
import { dublinCoreXml, toDublinCore } from '@/lib/interop/dublin-core';
import { recordIdFromSeed } from '@/lib/records/ids';
import { recordJsonLd } from '@/lib/interop/json-ld';
import type { StoredRecord } from '@/lib/records/repository';
import { HeritageRecord } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { EmbeddedSearchIndex, type SearchIndex } from '@/lib/search';
import { toSearchDocument } from '@/lib/search/document';
import { fold } from '@/lib/search/text';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

// The app routes that read records by themselves (IIIF, OAI, feeds) are driven too, on this test's archive.
const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive & { search?: () => Promise<SearchIndex> } }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
const iiifManifestRoute = await import('@/app/iiif/[id]/manifest.json/route');
const iiifCollectionRoute = await import('@/app/iiif/collection/[group]/route');
const oaiRoute = await import('@/app/oai/route');
const feedRoute = await import('@/app/feeds/[lang]/[file]/route');
const sitemapRoute = await import('@/app/sitemap.xml/route');

const SITE = 'https://disan.example.org';
const vocab = loadVocabularies(path.join(ROOT, 'content'));

/** Fictional names, unlike any word of the demo content, so a hit can only come from this record. */
const RECORDER = 'Zơrâm Ghi Chép';
const CONSENTING = 'Hiên Thị Đồng Ý';
const REFUSED = 'Bhling Từ Chối';

const id = recordIdFromSeed('consent-test');
const body = sampleBody({
  slug: 'hat-ly-consent',
  type: 'music',
  status: 'published',
  title: { vi: `Hát lý của ${REFUSED}`, en: `Lý songs by ${REFUSED}` },
  description: {
    vi: `Bài hát do ${CONSENTING} và ${REFUSED} trình diễn, ${RECORDER} ghi lại.`,
    en: `Sung by ${CONSENTING} and ${REFUSED}, recorded by ${RECORDER}.`,
  },
  people: [
    { name: RECORDER, roles: ['recorder'], consent: { given: true, note: 'đồng ý bằng lời, 2024' } },
    { name: CONSENTING, roles: ['performer'], ethnicGroup: 'co-tu', consent: { given: true } },
    // Refused, and a recorder too, so that Dublin Core and citations would have named them as creator/author.
    { name: REFUSED, roles: ['performer', 'recorder'], ethnicGroup: 'co-tu', consent: { given: false, note: `${REFUSED} không muốn nêu tên`, date: '2024-05' } },
  ],
});

const admin: Viewer = { kind: 'user', id: 'u-admin', roles: ['admin'], communities: [] };
const officer: Viewer = { kind: 'user', id: 'u-officer', roles: ['officer'], communities: ['co-tu'] };
const researcher: Viewer = { kind: 'user', id: 'u-res', roles: ['researcher'], communities: ['co-tu'] };

let temp: TempArchive;
let archive: Archive;
let stored: StoredRecord;
let index: SearchIndex;
let indexDir: string;

/** Every way a name could be written in an output: as is, NFD (some XML/JSON writers), folded (search), and JSON/XML-escaped forms are covered by the first two. */
function expectNoRefusedName(output: string, where: string): void {
  for (const form of [REFUSED, REFUSED.normalize('NFD'), fold(REFUSED)]) expect(output.normalize('NFC').includes(form.normalize('NFC')) || fold(output).includes(fold(form)), `${where} names the refused person`).toBe(false);
}

function expectConsenting(output: string, where: string, names = [CONSENTING]): void {
  for (const name of names) expect(output.normalize('NFC'), `${where} should name ${name}`).toContain(name);
}

const get = (p: string) => new Request(`${SITE}${p}`);

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE, API_RATE_LIMIT: '10000' }), store: temp.store, records: temp.records, vocab };
  state.archive = { ...archive, search: async () => index };
  stored = await temp.records.create({ id, body, user: operator });
  indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-consent-index-'));
  index = EmbeddedSearchIndex.open({ dir: indexDir, synonyms: [] });
  await index.upsert([toSearchDocument(stored.record, vocab, { transcripts: [`${REFUSED}: hát câu thứ nhất. ${CONSENTING}: hát câu thứ hai.`] }, { modified: stored.modified })]);
}, 60_000);

afterAll(async () => {
  await index?.close();
  if (indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
  await temp?.cleanup();
});

describe('the consent decision (lib/access/consent)', () => {
  it('withholds exactly the people without consent, keeping their roles and a marker', () => {
    const shown = withholdNames(stored.record);
    expect(shown.people.map((p) => [p.name, isWithheld(p)])).toEqual([
      [RECORDER, false],
      [CONSENTING, false],
      ['', true],
    ]);
    const refused = shown.people[2]!;
    expect(refused.roles).toEqual(['performer', 'recorder']);
    // Nothing that could point back to them: no community, no consent note or date.
    expect(refused.ethnicGroup).toBeUndefined();
    expect(refused.consent).toEqual({ given: false });
    expectNoRefusedName(JSON.stringify(shown), 'the withheld copy');
    expect(shown.title.vi).toBe(`Hát lý của ${WITHHELD_LABEL.vi}`);
    expect(shown.description.en).toContain(`and ${WITHHELD_LABEL.en}, recorded`);
  });

  it('copies, never changes the stored record, and is idempotent', () => {
    const before = JSON.stringify(stored.record);
    const once = withholdNames(stored.record);
    expect(JSON.stringify(stored.record)).toBe(before);
    expect(withholdNames(once)).toEqual(once);
  });

  it('cannot be saved: a withheld copy fails the record schema, so it never overwrites the names it hides', () => {
    const result = HeritageRecord.safeParse(withholdNames(stored.record));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('people.2.name');
  });

  it('leaves a record where everyone consented as it is', () => {
    const open = { ...stored.record, people: stored.record.people.filter((p) => p.consent.given) } as HeritageRecord;
    expect(withholdNames(open)).toBe(open);
  });

  it('withholds only the whole name, as written: other words stay', () => {
    const record = { ...stored.record, description: { vi: `${REFUSED}a, ${REFUSED.toLowerCase()} và (${REFUSED}).` } } as HeritageRecord;
    expect(withholdNames(record).description.vi).toBe(`${REFUSED}a, ${REFUSED.toLowerCase()} và (${WITHHELD_LABEL.vi}).`);
  });

  it('takes its labels from the interface strings, in both languages', () => {
    expect(WITHHELD_LABEL).toEqual({ vi: '(giấu tên theo nguyện vọng)', en: '(name withheld at their request)' });
    expect(MESSAGES.vi.site.record.withheldName).toBe(WITHHELD_LABEL.vi);
    expect(MESSAGES.en.site.record.withheldName).toBe(WITHHELD_LABEL.en);
  });

  it('shows staff the names and everyone else the withheld copy', () => {
    expect(publicRecordFor(admin, stored.record)).toBe(stored.record);
    expect(publicRecordFor(officer, stored.record)).toBe(stored.record);
    for (const viewer of [ANONYMOUS, researcher]) expectNoRefusedName(JSON.stringify(publicRecordFor(viewer, stored.record)), `publicRecordFor(${viewer.kind})`);
  });
});

describe('the read layer hands out withheld copies', () => {
  it('readVisible: staff see the name, the public and researchers do not', async () => {
    const forAdmin = await readVisible(temp.records, admin, id);
    expect(forAdmin.ok && forAdmin.stored.record.people.map((p) => p.name)).toContain(REFUSED);
    const forOfficer = await readVisible(temp.records, officer, id, 'view-history');
    expect(forOfficer.ok && forOfficer.stored.record.people.map((p) => p.name)).toContain(REFUSED);
    for (const viewer of [ANONYMOUS, researcher]) {
      const result = await readVisible(temp.records, viewer, id);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expectNoRefusedName(JSON.stringify(result.stored), `readVisible(${viewer.kind})`);
      expectConsenting(JSON.stringify(result.stored), `readVisible(${viewer.kind})`, [RECORDER, CONSENTING]);
      // Versions, dates and head still come along: only the record is replaced.
      expect(result.stored.head).toBe(stored.head);
    }
  });

  it('catalog: lists for the public (pages, feeds, sitemap, IIIF collections, API lists) are withheld; the studio list is not', async () => {
    expectNoRefusedName(JSON.stringify(await listVisibleRecords(temp.records, ANONYMOUS)), 'listVisibleRecords(anonymous)');
    expectNoRefusedName(JSON.stringify(visibleTo(ANONYMOUS, [stored])), 'visibleTo(anonymous)');
    expect(JSON.stringify(await listVisibleRecords(temp.records, admin))).toContain(REFUSED);
  });
});

describe('every public exit', () => {
  it('JSON API record: the label where the name was, marked withheld', async () => {
    const response = await getRecord(archive, get(`/api/v1/records/${id}`), { id });
    expect(response.status).toBe(200);
    const text = await response.text();
    expectNoRefusedName(text, 'GET /api/v1/records/:id');
    expectConsenting(text, 'GET /api/v1/records/:id', [RECORDER, CONSENTING]);
    const people = (JSON.parse(text) as { people: { name: string; roles: string[]; withheld?: boolean }[] }).people;
    expect(people[2]).toEqual({ name: WITHHELD_LABEL.vi, roles: ['performer', 'recorder'], withheld: true });
    expect(people[1]).toEqual({ name: CONSENTING, roles: ['performer'], ethnicGroup: 'co-tu' });
    // The view withholds even when handed the stored record (belt and braces for future callers).
    expectNoRefusedName(JSON.stringify(recordView(stored.record, SITE, stored)), 'recordView(stored record)');
  });

  it('JSON API list and Dublin Core', async () => {
    expectNoRefusedName(await (await listRecords(index)(archive, get('/api/v1/records'), {})).text(), 'GET /api/v1/records');
    const dc = await (await getRecordDublinCore(archive, get(`/api/v1/records/${id}/dublin-core.xml`), { id })).text();
    expectNoRefusedName(dc, 'Dublin Core');
    expect(dc).toContain(`<dc:creator>${RECORDER} (recorder)</dc:creator>`);
    expect(dc).toContain(`<dc:contributor>${CONSENTING} (performer)</dc:contributor>`);
  });

  it('Dublin Core from the stored record (bag tag file, CLI export) omits the refused person', () => {
    const values = toDublinCore(stored.record, { vocab, siteUrl: SITE });
    const xml = dublinCoreXml(values);
    expectNoRefusedName(xml, 'toDublinCore(stored record)');
    expectConsenting(xml, 'toDublinCore', [RECORDER, CONSENTING]);
    // Omitted, not labelled: a contributor names an agent, and aggregators would index the label as one.
    expect(values.filter((v) => v.element === 'creator' || v.element === 'contributor').map((v) => v.value)).toEqual([`${RECORDER} (recorder)`, `${CONSENTING} (performer)`]);
  });

  it('OAI-PMH GetRecord and ListRecords', async () => {
    const context: OaiContext = { baseUrl: `${SITE}/oai`, siteUrl: SITE, repositoryName: 'Di Sản', adminEmail: 'a@example.org', vocab, pageSize: 10, now: () => new Date('2026-01-01T00:00:00Z'), index, loadItem: (itemId) => loadOaiItem(temp.records, itemId) };
    // What the index lists to harvesters (the record as the public may read it), and the item GetRecord reads.
    expectNoRefusedName(JSON.stringify(await index.list({ viewer: ANONYMOUS, tombstones: true, sort: 'modified-asc' })), 'the harvest list');
    expectNoRefusedName(JSON.stringify(await loadOaiItem(temp.records, id)), 'loadOaiItem');
    const getRecordXml = await handleOai(new URLSearchParams({ verb: 'GetRecord', metadataPrefix: 'oai_dc', identifier: `oai:disan.example.org:${id}` }), context);
    expectNoRefusedName(getRecordXml, 'OAI GetRecord');
    expectConsenting(getRecordXml, 'OAI GetRecord', [RECORDER, CONSENTING]);
    expectNoRefusedName(await handleOai(new URLSearchParams({ verb: 'ListRecords', metadataPrefix: 'oai_dc' }), context), 'OAI ListRecords');
  });

  it('IIIF manifest and community collection, even when the route hands over the stored record', () => {
    const manifest = JSON.stringify(recordManifest(stored.record, { siteUrl: SITE, vocab, derivatives: new Map() }));
    expectNoRefusedName(manifest, 'IIIF manifest');
    expectConsenting(manifest, 'IIIF manifest');
    expectNoRefusedName(JSON.stringify(communityCollection({ id: 'co-tu', name: { vi: 'Cơ Tu', en: 'Co Tu' } }, [stored.record], SITE)), 'IIIF collection');
  });

  it('citations (APA, Chicago, BibTeX, both languages) credit the consenting recorder and omit the refused one', () => {
    for (const locale of ['vi', 'en'] as const) {
      const citations = citeRecord(stored, { locale, siteUrl: SITE, accessed: new Date('2026-03-05T00:00:00Z') });
      for (const [style, text] of Object.entries(citations)) {
        expectNoRefusedName(text, `${style} (${locale})`);
        expect(text, `${style} (${locale})`).toContain(RECORDER);
      }
      // The refused recorder is left out of the authors, not replaced by the label (a citation names who to credit).
      expect(citations.apa.startsWith(`${RECORDER}.`)).toBe(true);
      expect(citations.chicago.startsWith(`${RECORDER}.`)).toBe(true);
      expect(citations.bibtex).toContain(`author = {{${RECORDER}}},`);
    }
  });

  it('JSON-LD of the copy the page reads', () => {
    const jsonLd = JSON.stringify(recordJsonLd(publicRecordFor(ANONYMOUS, stored.record), vocab, SITE));
    expectNoRefusedName(jsonLd, 'JSON-LD');
    expectConsenting(jsonLd, 'JSON-LD');
  });

  it('feeds (Atom, RSS, JSON Feed, both languages) read from the catalog', async () => {
    const records = await listVisibleRecords(temp.records, ANONYMOUS);
    for (const lang of ['vi', 'en'] as const) {
      for (const file of Object.keys(FEED_FILES) as FeedFile[]) {
        const feed = renderFeed({ lang, siteUrl: SITE, records, vocab }, file);
        expectNoRefusedName(feed, `${lang}/${file}`);
        expectConsenting(feed, `${lang}/${file}`);
      }
    }
  });

  it('search document: text, titles and transcripts carry no refused name', () => {
    const doc = toSearchDocument(stored.record, vocab, { transcripts: [`${REFUSED}: hát câu thứ nhất.`], fulltext: [`Lời của ${REFUSED}.`] });
    expectNoRefusedName(JSON.stringify(doc), 'search document');
    expectConsenting(JSON.stringify(doc), 'search document');
    expect(doc.titleSort).not.toContain(fold(REFUSED));
  });

  it('search, suggestions and CSV find the record by the consenting name and never by the refused one', async () => {
    expect((await index.search({ q: CONSENTING, viewer: ANONYMOUS })).hits.map((h) => h.id)).toEqual([id]);
    expect((await index.search({ q: REFUSED, viewer: ANONYMOUS })).total).toBe(0);
    // Staff share the index: it holds no refused name for anyone.
    expect((await index.search({ q: REFUSED, viewer: admin })).total).toBe(0);
    expect(await index.suggest({ q: 'Bhling', viewer: ANONYMOUS })).toEqual([]);
    const suggestions = await index.suggest({ q: 'Hát lý', viewer: ANONYMOUS });
    expect(suggestions.map((s) => s.id)).toEqual([id]);
    expectNoRefusedName(JSON.stringify(suggestions), 'suggestions');

    const json = await (await searchRecords(index, 'json')(archive, get(`/api/v1/search?q=${encodeURIComponent('hát lý')}`), {})).text();
    expect(json).toContain(id);
    expectNoRefusedName(json, 'search JSON');
    const csv = await (await searchRecords(index, 'csv')(archive, get(`/api/v1/search.csv?q=${encodeURIComponent(CONSENTING)}`), {})).text();
    expect(csv).toContain(id);
    expectNoRefusedName(csv, 'search CSV');
  });
});

describe('app routes that read records themselves', () => {
  const params = <T>(value: T) => ({ params: Promise.resolve(value) });

  it('/iiif/:id/manifest.json and /iiif/collection/:group', async () => {
    const manifest = await iiifManifestRoute.GET(get(`/iiif/${id}/manifest.json`), params({ id }));
    // This record has no derived media, so it has no manifest (issue #15): the manifest's content is checked above, on recordManifest.
    expect(manifest.status).toBe(404);
    expectNoRefusedName(await manifest.text(), 'IIIF manifest route');
    const collection = await iiifCollectionRoute.GET(get('/iiif/collection/co-tu'), params({ group: 'co-tu' }));
    expect(collection.status).toBe(200);
    expectNoRefusedName(await collection.text(), 'IIIF collection route');
  });

  it('/oai GetRecord', async () => {
    const response = await oaiRoute.GET(get(`/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:disan.example.org:${id}`));
    const xml = await response.text();
    expect(xml).toContain('<dc:title');
    expectNoRefusedName(xml, 'OAI route');
    expectConsenting(xml, 'OAI route', [RECORDER, CONSENTING]);
  });

  it('/feeds/:lang/:file and the sitemap', async () => {
    for (const lang of ['vi', 'en']) {
      for (const file of Object.keys(FEED_FILES)) {
        const response = await feedRoute.GET(get(`/feeds/${lang}/${file}`), params({ lang, file }));
        expect(response.status).toBe(200);
        const text = await response.text();
        expectNoRefusedName(text, `/feeds/${lang}/${file}`);
        expectConsenting(text, `/feeds/${lang}/${file}`);
      }
    }
    expectNoRefusedName(await (await sitemapRoute.GET()).text(), 'sitemap');
  });
});
