/**
 * Issue #15: the sitemap and the JSON-LD as independent validators see them.
 * The sitemap is checked with the sitemaps.org schema (and XHTML 1.0 Strict
 * for its hreflang alternates), vendored in tests/fixtures/xsd with their
 * sources; the JSON-LD against schema.org's definitions of each type. OAI-PMH
 * and the feeds are validated in oai.test.ts and feeds.test.ts.
 *
 * Issue #13: the sitemap answers from the search index; past one file it is a
 * sitemap index (sitemaps.org's siteindex.xsd) of files of bounded size, and a
 * community's IIIF collection comes in parts (checked with the IIIF
 * Presentation 3 JSON Schema of tests/fixtures/iiif).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import type { DerivativeManifest } from '@/lib/derivatives/manifest';
import { recordIdFromSeed } from '@/lib/records/ids';
import { importItems } from '@/lib/records/importer';
import { recordJsonLd } from '@/lib/interop/json-ld';
import { HeritageRecord, RecordBody, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { PIPELINE_VERSION, manifestKey } from '@/lib/derivatives/manifest';
import { RecordRepository } from '@/lib/records/repository';
import { registerSearchIndexing } from '@/lib/search';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import type { ListQuery, SearchIndex } from '@/lib/search/types';
import { presentationErrors } from '../fixtures/iiif/presentation-schema';
import { schemaErrors, validateDocuments } from '../fixtures/xsd/validate';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, index: undefined as unknown as SearchIndex }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
// The sitemap answers from the server's search index: this test's, kept current by the archive's commits.
vi.mock('@/lib/server/search', () => ({ getSearchIndex: async () => state.index }));
const sitemapRoute = await import('@/app/sitemap.xml/route');
const sitemapFileRoute = await import('@/app/sitemaps/[file]/route');
const sitemaps = await import('@/app/sitemap.xml/writer');
const iiifCollections = await import('@/app/iiif/collection/[group]/collection');
const iiifPartRoute = await import('@/app/iiif/collection/[group]/[part]/route');

const SITE = 'https://disan.example.org';
const vocab = loadVocabularies(path.join(ROOT, 'content'));
let temp: TempArchive;
let index: EmbeddedSearchIndex;
/** Every catalog read the sitemap makes. */
const listCalls: ListQuery[] = [];
let demo: { id: string; slug: string; public: boolean; body: RecordBody }[];

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE }), store: temp.store, records: temp.records, vocab };
  index = EmbeddedSearchIndex.open({ dir: path.join(temp.dir, 'search'), synonyms: [] });
  registerSearchIndexing({ records: temp.records, store: temp.store, vocab }, index);
  state.index = { list: (query: ListQuery) => (listCalls.push(query), index.list(query)) } as unknown as SearchIndex;
  const dir = path.join(ROOT, 'content', 'records');
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const bodies = await Promise.all(names.map(async (n) => RecordBody.parse(JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')))));
  await importItems(
    temp.records,
    (async function* () {
      for (const body of bodies) yield { source: body.slug, id: recordIdFromSeed(`demo:${body.slug}`), body, files: [] };
    })(),
    { vocab, user: operator },
  );
  demo = bodies.map((body) => ({ id: recordIdFromSeed(`demo:${body.slug}`), slug: body.slug, public: maySeeRecord(ANONYMOUS, body), body }));
}, 60_000);
afterAll(async () => {
  await index?.close();
  await temp?.cleanup();
});

type Node = Record<string, unknown>;
const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('sitemap.xml', () => {
  it('is valid against the sitemaps.org schema, with its hreflang alternates valid XHTML links', async () => {
    const response = await sitemapRoute.GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await response.text();
    expect(await schemaErrors('sitemap', xml)).toEqual([]);
  });

  it('lists the public pages and every public record in both languages, each with both alternates and records with lastmod; nothing else', async () => {
    const xml = await (await sitemapRoute.GET()).text();
    const urls = asArray(((create(xml).end({ format: 'object' }) as Node).urlset as Node).url as Node[]);
    const locs = urls.map((u) => u.loc as string);
    expect(new Set(locs).size).toBe(locs.length);
    for (const locale of ['vi', 'en']) {
      for (const page of ['', '/search', '/communities', '/library', '/map', '/calendar', '/about', '/contact']) expect(locs).toContain(`${SITE}/${locale}${page}`);
      for (const g of vocab.ethnicGroups) expect(locs).toContain(`${SITE}/${locale}/communities/${g.id}`);
    }
    const recordLocs = locs.filter((l) => l.includes('/records/'));
    const expected = demo.filter((d) => d.public).flatMap((d) => ['vi', 'en'].map((l) => `${SITE}/${l}/records/${d.id}/${d.slug}`));
    expect(recordLocs.sort()).toEqual(expected.sort());
    for (const hidden of demo.filter((d) => !d.public)) expect(xml).not.toContain(hidden.id);
    for (const url of urls) {
      const loc = url.loc as string;
      const links = asArray(url['xhtml:link'] as Node[]);
      const path = loc.replace(/^https:\/\/disan\.example\.org\/(vi|en)/, '');
      expect(links.map((l) => [l['@rel'], l['@hreflang'], l['@href']])).toEqual([
        ['alternate', 'vi', `${SITE}/vi${path}`],
        ['alternate', 'en', `${SITE}/en${path}`],
      ]);
      if (loc.includes('/records/')) expect(new Date(url.lastmod as string).toISOString()).toBe(url.lastmod);
      else expect(url.lastmod).toBeUndefined();
    }
  });

  it('the schema catches what issue #15 found: xhtml:link before lastmod', async () => {
    const xml = await (await sitemapRoute.GET()).text();
    // Move each record's alternates before its lastmod, as Next's MetadataRoute.Sitemap writer did.
    const reordered = xml.replace(/(<loc>[^<]*<\/loc>)(\s*<lastmod>[^<]*<\/lastmod>[\s\S]*?)((?:\s*<xhtml:link [^>]*\/>)+)/g, '$1$3$2');
    expect(reordered).not.toBe(xml);
    expect((await schemaErrors('sitemap', reordered)).join('\n')).toMatch(/lastmod': This element is not expected/);
  });
});

// Issue #13: past one file the sitemap is a sitemap index of files of bounded size, all from the index's catalog.
describe('sitemap index', () => {
  const SMALL = 4;
  const context = () => ({ index: state.index, siteUrl: SITE, vocab, recordsPerFile: SMALL });
  const locsOf = (xml: string) => asArray(((create(xml).end({ format: 'object' }) as Node).urlset as Node).url as Node[]).map((u) => u.loc as string);

  it('is a valid sitemap index of valid files that together list every public record once in both languages, pages in the first', async () => {
    const publicRecords = demo.filter((d) => d.public);
    const root = await sitemaps.rootSitemap(context());
    expect(await schemaErrors('sitemap-index', root)).toEqual([]);
    const files = asArray(((create(root).end({ format: 'object' }) as Node).sitemapindex as Node).sitemap as Node[]).map((f) => f.loc as string);
    const count = Math.ceil(publicRecords.length / SMALL);
    expect(count).toBeGreaterThan(2);
    expect(files).toEqual(Array.from({ length: count }, (_, i) => `${SITE}/sitemaps/${i + 1}.xml`));
    const recordLocs: string[] = [];
    const documents: Record<string, string> = {};
    for (let n = 1; n <= count; n++) {
      const xml = (await sitemaps.sitemapFile(context(), n))!;
      documents[`file ${n}`] = xml;
      const locs = locsOf(xml);
      const records = locs.filter((l) => l.includes('/records/'));
      expect(records.length, `file ${n}`).toBeLessThanOrEqual(2 * SMALL);
      expect(locs.includes(`${SITE}/vi/communities`), `file ${n}`).toBe(n === 1);
      recordLocs.push(...records);
      for (const hidden of demo.filter((d) => !d.public)) expect(xml).not.toContain(hidden.id);
    }
    const validation = await validateDocuments('sitemap', documents);
    expect(Object.fromEntries([...validation.errors].filter(([, errors]) => errors.length > 0))).toEqual({});
    expect(recordLocs.sort()).toEqual(publicRecords.flatMap((d) => ['vi', 'en'].map((l) => `${SITE}/${l}/records/${d.id}/${d.slug}`)).sort());
    expect(await sitemaps.sitemapFile(context(), count + 1)).toBeUndefined();
  });

  it('/sitemap.xml stays one file while everything fits, and costs a count and one catalog page, never a storage scan', async () => {
    const scan = vi.spyOn(temp.records, 'ids');
    listCalls.length = 0;
    try {
      const xml = await (await sitemapRoute.GET()).text();
      expect(xml).toContain('<urlset');
      expect(listCalls.map((q) => q.limit)).toEqual([0, sitemaps.RECORDS_PER_FILE]);
      expect(listCalls.every((q) => q.viewer.kind === 'anonymous' && !q.tombstones)).toBe(true);
      expect(scan).not.toHaveBeenCalled();
    } finally {
      scan.mockRestore();
    }
  });

  it('serves /sitemaps/<n>.xml, and 404 for anything else', async () => {
    const get = (file: string) => sitemapFileRoute.GET(new Request(`${SITE}/sitemaps/${file}`), { params: Promise.resolve({ file }) });
    const first = await get('1.xml');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await first.text();
    expect(await schemaErrors('sitemap', xml)).toEqual([]);
    // While everything fits in one file, file 1 is that file.
    expect(xml).toBe(await (await sitemapRoute.GET()).text());
    for (const file of ['2.xml', '0.xml', '01.xml', 'x.xml', '1', '1.xml.gz', '9999999.xml', '-1.xml']) expect((await get(file)).status, file).toBe(404);
  });

  it('the sitemap index schema is the real one: it refuses a sitemap without its loc, or URLs in an index', async () => {
    const index = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${body}</sitemapindex>`;
    expect(await schemaErrors('sitemap-index', index(`<sitemap><loc>${SITE}/sitemaps/1.xml</loc><lastmod>2026-01-01</lastmod></sitemap>`))).toEqual([]);
    expect((await schemaErrors('sitemap-index', index('<sitemap><lastmod>2026-01-01</lastmod></sitemap>'))).join()).toMatch(/lastmod|loc/);
    expect((await schemaErrors('sitemap-index', index(`<url><loc>${SITE}/vi</loc></url>`))).join()).toMatch(/url/);
  });
});

/**
 * The properties schema.org defines on each type we write (its own and those
 * it inherits), from https://schema.org/<Type>, for the properties in use.
 * What the issue found is absent on purpose: license, locationCreated and
 * associatedMedia are CreativeWork properties, not Event ones.
 */
const THING = ['@id', '@type', 'name', 'alternateName', 'description', 'url', 'sameAs', 'identifier', 'image'];
const CREATIVE_WORK = [...THING, 'about', 'inLanguage', 'license', 'locationCreated', 'contentLocation', 'associatedMedia', 'dateCreated', 'datePublished', 'recordedAt', 'thumbnailUrl', 'encodingFormat'];
const MEDIA_OBJECT = [...CREATIVE_WORK, 'contentUrl', 'uploadDate', 'duration'];
const SCHEMA_ORG: Record<string, string[]> = {
  CreativeWork: CREATIVE_WORK,
  Legislation: [...CREATIVE_WORK, 'legislationIdentifier', 'legislationDate', 'legislationPassedBy', 'legislationJurisdiction'],
  Event: [...THING, 'about', 'startDate', 'endDate', 'location', 'eventStatus', 'eventAttendanceMode', 'recordedIn', 'inLanguage', 'organizer', 'performer', 'duration'],
  MediaObject: MEDIA_OBJECT,
  VideoObject: [...MEDIA_OBJECT, 'transcript', 'caption'],
  AudioObject: [...MEDIA_OBJECT, 'transcript', 'caption'],
  ImageObject: [...MEDIA_OBJECT, 'caption'],
  Place: [...THING, 'address', 'geo'],
  PostalAddress: [...THING, 'addressLocality', 'addressRegion', 'addressCountry'],
  GeoCoordinates: [...THING, 'latitude', 'longitude'],
  Organization: THING,
  Thing: THING,
};

/** What Google's structured-data documentation requires of the types it reads. */
const REQUIRED: Record<string, string[]> = {
  Event: ['name', 'startDate', 'location'],
  VideoObject: ['name', 'description', 'thumbnailUrl', 'uploadDate', 'contentUrl'],
};

/** Every node of a JSON-LD tree is a known type with only its own properties, no empty lists, and every reference resolves. */
function checkJsonLd(root: Node): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const references: string[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) problems.push(`${where} is an empty list`);
      node.forEach((n, i) => visit(n, `${where}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const object = node as Node;
    const type = object['@type'] as string | undefined;
    if (type === undefined) {
      if (Object.keys(object).join() === '@id') references.push(object['@id'] as string);
      else problems.push(`${where} has no @type`);
      return;
    }
    if (typeof object['@id'] === 'string') ids.add(object['@id']);
    const allowed = SCHEMA_ORG[type];
    if (!allowed) problems.push(`${where}: unexpected type ${type}`);
    for (const key of Object.keys(object)) if (allowed && !allowed.includes(key) && !(key === '@context' && where === '$')) problems.push(`${where}: ${type} has no property ${key}`);
    for (const key of REQUIRED[type] ?? []) if (object[key] === undefined) problems.push(`${where}: ${type} lacks ${key}`);
    for (const [key, value] of Object.entries(object)) visit(value, `${where}.${key}`);
  };
  visit(root, '$');
  for (const ref of references) if (!ids.has(ref)) problems.push(`unresolved reference ${ref}`);
  return problems;
}

const VIDEO = { path: 'files/le-hoi.mp4', kind: 'video' as const, digest: 'a'.repeat(128), size: 1000, type: 'video/mp4' };

function record(overrides: Partial<RecordBodyInput>, media: (typeof VIDEO)[] = []): HeritageRecord {
  return HeritageRecord.parse({ ...sampleBody({ status: 'published', ...overrides }), id: 'aaaaaaaa', publishedAt: '2026-03-01T00:00:00.000Z', media });
}

const videoManifest = {
  kind: 'video',
  createdAt: '2026-03-02T00:00:00.000Z',
  video: { durationSeconds: 62.4, poster: { file: 'video/poster.jpg', width: 1280, height: 720 } },
} as unknown as DerivativeManifest;

function nodesOfType(root: unknown, type: string): Node[] {
  if (Array.isArray(root)) return root.flatMap((n) => nodesOfType(n, type));
  if (root === null || typeof root !== 'object') return [];
  const object = root as Node;
  return [...(object['@type'] === type ? [object] : []), ...Object.values(object).flatMap((v) => nodesOfType(v, type))];
}

describe('JSON-LD', () => {
  it('a festival recorded on a known date: a CreativeWork about, and recorded at, an Event starting that date; the video has its poster as thumbnailUrl', () => {
    const festival = record({ type: 'festival', recordedOn: '2024-02' }, [VIDEO]);
    const jsonLd = recordJsonLd(festival, vocab, SITE, new Map([[VIDEO.path, videoManifest]]));
    expect(checkJsonLd(jsonLd)).toEqual([]);
    expect(jsonLd['@type']).toBe('CreativeWork');
    expect(jsonLd.license).toBe('http://rightsstatements.org/vocab/InC-EDU/1.0/');
    const [event] = nodesOfType(jsonLd, 'Event');
    expect(event).toMatchObject({ startDate: '2024-02', location: { '@type': 'Place' }, recordedIn: { '@id': jsonLd['@id'] } });
    expect(jsonLd.recordedAt).toBe(event);
    expect(asArray(jsonLd.about as Node[])[0]).toEqual({ '@id': event!['@id'] });
    const [video] = nodesOfType(jsonLd, 'VideoObject');
    expect(video).toMatchObject({
      thumbnailUrl: `${SITE}/api/derivatives/aaaaaaaa/${'a'.repeat(16)}/video/poster.jpg`,
      contentUrl: `${SITE}/api/files/aaaaaaaa/files/le-hoi.mp4`,
      uploadDate: '2026-03-01T00:00:00.000Z',
      duration: 'PT62S',
    });
  });

  it('a festival or ritual with no date has no Event (an Event needs a startDate), and a video not yet derived is no VideoObject', () => {
    for (const type of ['festival', 'ritual'] as const) {
      const jsonLd = recordJsonLd(record({ type }, [VIDEO]), vocab, SITE);
      expect(checkJsonLd(jsonLd)).toEqual([]);
      expect(jsonLd['@type']).toBe('CreativeWork');
      expect(nodesOfType(jsonLd, 'Event')).toEqual([]);
      expect(nodesOfType(jsonLd, 'VideoObject')).toEqual([]);
      expect(nodesOfType(jsonLd, 'MediaObject')).toHaveLength(1);
    }
  });

  it('a document concerning no community has no empty "about"', () => {
    const law = record({
      type: 'document',
      ethnicGroups: [],
      document: { number: '12/2020/QĐ-UBND', kind: 'quyet-dinh', issuer: { vi: 'UBND tỉnh Quảng Nam' }, issuedOn: '2020-05-04' },
    });
    const jsonLd = recordJsonLd(law, vocab, SITE);
    expect(checkJsonLd(jsonLd)).toEqual([]);
    expect(jsonLd['@type']).toBe('Legislation');
    expect(jsonLd).not.toHaveProperty('about');
  });

  it('every public demo record gives JSON-LD schema.org would accept', () => {
    const checked = demo.filter((d) => d.public);
    expect(checked.length).toBeGreaterThan(20);
    for (const d of checked) {
      const jsonLd = recordJsonLd(HeritageRecord.parse({ ...d.body, id: d.id }), vocab, SITE);
      expect(checkJsonLd(jsonLd), d.slug).toEqual([]);
    }
  });

  it('the check catches what issue #15 found', () => {
    const before = {
      '@context': 'https://schema.org',
      '@type': 'Event',
      '@id': `${SITE}/vi/records/x/y`,
      name: 'Lễ hội',
      license: 'http://rightsstatements.org/vocab/InC-EDU/1.0/',
      about: [],
      associatedMedia: [{ '@type': 'VideoObject', contentUrl: 'x', encodingFormat: 'video/mp4', name: 'x', description: 'x', uploadDate: '2026' }],
    };
    expect(checkJsonLd(before)).toEqual(
      expect.arrayContaining(['$: Event has no property license', '$: Event has no property associatedMedia', '$: Event lacks startDate', '$.about is an empty list', '$.associatedMedia[0]: VideoObject lacks thumbnailUrl']),
    );
  });
});

// Issue #13: a community's IIIF collection from the index's catalog, in parts (collections of collections) when large.
describe('IIIF community collections in parts', () => {
  type Json = Record<string, unknown> & { items?: Json[] };
  let iiifIndex: EmbeddedSearchIndex;
  const derived: string[] = [];

  beforeAll(async () => {
    // Records of their own index (the sitemap tests above count the archive's): same store, so hasCanvas finds their derivatives.
    const repository = new RecordRepository(temp.store);
    iiifIndex = EmbeddedSearchIndex.open({ dir: path.join(temp.dir, 'search-iiif'), synonyms: [] });
    for (let i = 0; i < 8; i++) {
      const stored = await repository.create({
        body: sampleBody({ slug: `anh-iiif-${i}`, status: 'published', title: { vi: `Ảnh ${i}`, en: `Picture ${i}` } }),
        files: [{ name: 'anh.jpg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, i]), contentType: 'image/jpeg', kind: 'image' }],
        user: operator,
      });
      const media = stored.record.media[0]!;
      // Every third one not derived yet: no manifest, so in no collection.
      if (i % 3 !== 2) {
        const image = { width: 300, height: 450, hasAlpha: false, renditions: [{ file: 'image/w300.jpg', format: 'jpeg', width: 300, height: 450, bytes: 900 }], thumbnail: { file: 'image/thumb.jpg', format: 'jpeg', width: 300, height: 450, bytes: 500 }, iiif: { info: 'image/iiif/info.json', tileSize: 512, width: 300, height: 450 } };
        const manifest = { manifestVersion: 1, pipelineVersion: PIPELINE_VERSION, recordId: stored.record.id, source: { path: media.path, digest: media.digest, size: media.size, mime: media.type }, createdAt: '2026-01-01T00:00:00.000Z', files: [], kind: 'image', image };
        await temp.store.put(manifestKey(stored.record.id, media.digest), JSON.stringify(manifest), { contentType: 'application/json' });
        derived.push(`${SITE}/iiif/${stored.record.id}/manifest.json`);
      }
      await iiifIndex.upsert([toSearchDocument(stored.record, vocab, {}, { modified: stored.modified })]);
    }
  });
  afterAll(async () => iiifIndex?.close());

  const coTu = () => vocab.ethnicGroups.find((g) => g.id === 'co-tu')!;

  it('lists the manifests directly while the records fit in one collection', async () => {
    const collection = (await iiifCollections.groupCollection(iiifIndex, coTu(), SITE)) as Json;
    expect(presentationErrors(collection)).toEqual([]);
    expect(collection.items!.map((m) => m.type)).toEqual(derived.map(() => 'Manifest'));
    expect(collection.items!.map((m) => String(m.id)).sort()).toEqual([...derived].sort());
  });

  it('past that, lists parts, each a valid collection of the manifests among its records, part of the whole', async () => {
    const options = { partSize: 3 };
    const top = (await iiifCollections.groupCollection(iiifIndex, coTu(), SITE, options)) as Json;
    expect(presentationErrors(top)).toEqual([]);
    expect(top.id).toBe(`${SITE}/iiif/collection/co-tu`);
    expect(top.items!.map((p) => [p.id, p.type])).toEqual([1, 2, 3].map((n) => [`${SITE}/iiif/collection/co-tu/${n}`, 'Collection']));
    const listed: string[] = [];
    for (const n of [1, 2, 3]) {
      const part = (await iiifCollections.groupCollectionPart(iiifIndex, coTu(), n, SITE, options)) as Json;
      expect(presentationErrors(part), `part ${n}`).toEqual([]);
      expect(part.id).toBe(`${SITE}/iiif/collection/co-tu/${n}`);
      expect(part.partOf).toEqual([{ id: `${SITE}/iiif/collection/co-tu`, type: 'Collection' }]);
      expect(part.items!.length).toBeLessThanOrEqual(3);
      listed.push(...part.items!.map((m) => String(m.id)));
    }
    expect(listed.sort()).toEqual([...derived].sort());
    expect(await iiifCollections.groupCollectionPart(iiifIndex, coTu(), 4, SITE, options)).toBeUndefined();
  });

  it('/iiif/collection/:group/:part answers a part, and 404 for a part or community that is not there', async () => {
    const saved = state.index;
    state.index = iiifIndex;
    try {
      const get = (group: string, part: string) => iiifPartRoute.GET(new Request(`${SITE}/iiif/collection/${group}/${part}`), { params: Promise.resolve({ group, part }) });
      const first = await get('co-tu', '1');
      expect(first.status).toBe(200);
      expect(first.headers.get('access-control-allow-origin')).toBe('*');
      expect(presentationErrors(await first.json())).toEqual([]);
      for (const [group, part] of [['co-tu', '2'], ['co-tu', '0'], ['co-tu', 'x'], ['khong-co', '1']] as const) expect((await get(group, part)).status, `${group}/${part}`).toBe(404);
    } finally {
      state.index = saved;
    }
  });
});
