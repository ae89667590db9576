/**
 * Issue #14: the record page links to the record's IIIF manifest only when
 * that manifest exists, i.e. when some original has been derived into a
 * canvas; the manifest route answers 404 otherwise. Page and route ask the
 * same predicate (lib/iiif/presentation.ts recordHasCanvas), so this test
 * renders the page and calls the route for the same records and checks they
 * agree: a demo record with no media, the same record with an image not
 * derived yet, with only a caption, and with a derived image.
 *
 * The page is rendered to HTML with the server-only pieces replaced (the
 * archive with an empty search index, an anonymous viewer, next-intl's
 * translator over our messages) and the client components and related-record
 * cards left out: what is tested here is the line of links at the foot of
 * the page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createElement, type ReactElement } from 'react';
import { prerenderToNodeStream } from 'react-dom/static';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { recordHasCanvas } from '@/lib/iiif/presentation';
import { PIPELINE_VERSION, manifestKey, type DerivativeManifest, type ManifestBody } from '@/lib/derivatives/manifest';
import type { HeritageRecord, MediaEntry, RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { ROOT } from '../helpers/cli';
import { operator, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', async () => {
  const { ANONYMOUS } = await import('@/lib/access/policy');
  return { currentViewer: async () => ANONYMOUS };
});
vi.mock('next-intl/server', async () => {
  const { createTranslator } = await import('use-intl/core');
  const { MESSAGES } = await import('@/lib/i18n/messages');
  return {
    setRequestLocale: () => {},
    getTranslations: async ({ locale, namespace }: { locale: 'vi' | 'en'; namespace?: string }) => createTranslator({ locale, messages: MESSAGES[locale], namespace: (namespace ?? 'site') as 'site' }),
  };
});
vi.mock('@/lib/i18n/link', () => ({ Link: ({ href, ...rest }: { href: string }) => createElement('a', { href, ...rest }) }));
vi.mock('@/lib/i18n/navigation', () => ({
  permanentRedirect: () => {
    throw new Error('redirected');
  },
}));
// Client components (players, map, copy buttons) and the related-record cards are not what this test is about.
vi.mock('@/app/_components/media/record-media', () => ({ RecordMedia: () => null }));
vi.mock('@/app/_components/map/places-map', () => ({ PlacesMap: () => null }));
vi.mock('@/app/_components/cite/cite-this', () => ({ CiteThis: () => null }));
vi.mock('@/app/_components/record-card', () => ({ RecordCard: () => null }));

const RecordPage = (await import('@/app/[locale]/records/[id]/[[...slug]]/page')).default;
const manifestRoute = await import('@/app/iiif/[id]/manifest.json/route');
const { derivativesOf } = await import('@/lib/server/iiif');

const SITE = 'http://archive.test';
/** A public, published demo record (a festival), as content/ holds it. */
const DEMO = JSON.parse(readFileSync(path.join(ROOT, 'content', 'records', 'le-hoi-dam-trau-co-tu.json'), 'utf8')) as RecordBodyInput;

let temp: TempArchive;
let closeIndex: (() => Promise<void> | void) | undefined;
const records: Record<'noMedia' | 'underived' | 'captionOnly' | 'image', HeritageRecord> = {} as never;

async function putDerived(record: HeritageRecord, media: MediaEntry, body: ManifestBody): Promise<void> {
  const manifest = {
    manifestVersion: 1,
    pipelineVersion: PIPELINE_VERSION,
    recordId: record.id,
    source: { path: media.path, digest: media.digest, size: media.size, mime: media.type },
    createdAt: '2026-01-01T00:00:00.000Z',
    files: [],
    ...body,
  };
  await temp.store.put(manifestKey(record.id, media.digest), JSON.stringify(manifest), { contentType: 'application/json' });
}

const IMAGE: ManifestBody = {
  kind: 'image',
  image: {
    width: 1200,
    height: 800,
    hasAlpha: false,
    renditions: [{ file: 'image/w1200.jpg', format: 'jpeg', width: 1200, height: 800, bytes: 9000 }],
    thumbnail: { file: 'image/thumb.jpg', format: 'jpeg', width: 400, height: 267, bytes: 500 },
    iiif: { info: 'image/iiif/info.json', tileSize: 512, width: 1200, height: 800 },
  },
};
const CAPTION: ManifestBody = { kind: 'caption', caption: { file: 'caption/captions.vtt', sourceFormat: 'vtt', cues: 1, durationSeconds: 2 } };
const VTT = 'WEBVTT\n\n00:00.000 --> 00:02.000\nTiếng chiêng\n';
const jpeg = (n: number) => Buffer.from([0xff, 0xd8, 0xff, 0xe0, n]);

async function demoRecord(suffix: string, files: Parameters<TempArchive['records']['create']>[0]['files'] = []): Promise<HeritageRecord> {
  return (await temp.records.create({ body: { ...DEMO, slug: `${DEMO.slug}-${suffix}` }, files, user: operator })).record;
}

beforeAll(async () => {
  temp = await tempArchive();
  // An empty index: the page asks it for related records, none of which this test is about.
  const index = EmbeddedSearchIndex.open({ dir: path.join(temp.dir, 'search'), synonyms: [] });
  closeIndex = () => index.close();
  state.archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')), search: async () => index } as unknown as Archive;
  expect(DEMO.status).toBe('published');
  expect(DEMO.access?.level).toBe('public');
  records.noMedia = await demoRecord('khong-tep');
  records.underived = await demoRecord('chua-xu-ly', [{ name: 'anh.jpg', body: jpeg(1), contentType: 'image/jpeg', kind: 'image' }]);
  records.captionOnly = await demoRecord('phu-de', [{ name: 'phu-de.vtt', body: VTT, contentType: 'text/vtt', kind: 'caption' }]);
  await putDerived(records.captionOnly, records.captionOnly.media[0]!, CAPTION);
  records.image = await demoRecord('anh', [{ name: 'anh.jpg', body: jpeg(2), contentType: 'image/jpeg', kind: 'image' }]);
  await putDerived(records.image, records.image.media[0]!, IMAGE);
}, 60_000);

afterAll(async () => {
  await closeIndex?.();
  await temp?.cleanup();
});

async function render(record: HeritageRecord, locale: 'vi' | 'en' = 'vi'): Promise<string> {
  const element = (await RecordPage({ params: Promise.resolve({ locale, id: record.id, slug: [record.slug] }) })) as ReactElement;
  // The page holds async server components (localized text, people): a prerender waits for them.
  const { prelude } = await prerenderToNodeStream(element);
  let html = '';
  for await (const chunk of prelude) html += String(chunk);
  return html;
}

async function manifestStatus(record: HeritageRecord): Promise<number> {
  const response = await manifestRoute.GET(new Request(`${SITE}/iiif/${record.id}/manifest.json`), { params: Promise.resolve({ id: record.id }) });
  await response.arrayBuffer();
  return response.status;
}

const iiifLink = (record: HeritageRecord) => `href="/iiif/${record.id}/manifest.json"`;

describe('record page: the IIIF link only where a manifest exists', () => {
  it.each([
    ['no media at all', 'noMedia'],
    ['an image not derived yet', 'underived'],
    ['only a caption', 'captionOnly'],
  ] as const)('%s: no canvas, no manifest (404), and no IIIF link on the page', async (_, key) => {
    const record = records[key];
    expect(recordHasCanvas(record, await derivativesOf(record))).toBe(false);
    expect(await manifestStatus(record)).toBe(404);
    const html = await render(record);
    // The other exits are still offered: the record is public.
    expect(html).toContain(`href="/api/v1/records/${record.id}"`);
    expect(html).not.toContain(iiifLink(record));
    expect(html).not.toMatch(/>IIIF<\/a>/);
  });

  it('a derived image: a canvas, a manifest (200), and the page links to it in both languages', async () => {
    const record = records.image;
    expect(recordHasCanvas(record, await derivativesOf(record))).toBe(true);
    expect(await manifestStatus(record)).toBe(200);
    for (const locale of ['vi', 'en'] as const) expect(await render(record, locale)).toContain(iiifLink(record));
  });

  it('the predicate counts exactly the originals that give canvases', () => {
    const media = (kind: MediaEntry['kind'], name: string) => ({ path: `files/${name}`, kind }) as MediaEntry;
    const pdf = (pages: number): DerivativeManifest =>
      ({ kind: 'document', pdf: { pageImages: Array.from({ length: pages }, (_, i) => ({ page: i + 1, file: `pdf/page-${i + 1}.jpg`, width: 10, height: 10 })) } }) as unknown as DerivativeManifest;
    const doc = { media: [media('document', 'a.pdf')] };
    expect(recordHasCanvas(doc, new Map([['files/a.pdf', pdf(0)]]))).toBe(false); // a PDF whose pages were not rendered
    expect(recordHasCanvas(doc, new Map([['files/a.pdf', pdf(2)]]))).toBe(true);
    // A derivative manifest for a path the record no longer holds counts for nothing.
    expect(recordHasCanvas({ media: [] }, new Map([['files/a.pdf', pdf(2)]]))).toBe(false);
  });
});
