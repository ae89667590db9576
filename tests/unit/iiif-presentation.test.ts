/**
 * Issue #15, items 2 and 4: IIIF Presentation 3 manifests and collections as
 * the official JSON Schema (tests/fixtures/iiif) sees them.
 *
 * The real routes (app/iiif/…) run on a temporary archive whose records hold
 * every kind of original, with derivative manifests written as the media
 * pipeline writes them (so no ffmpeg here; the e2e interop test validates
 * the demo archive's real ones). Every manifest and collection must pass
 * the schema: `rights` in the http:// form IIIF requires, and no manifest
 * without a canvas (404, and absent from collections).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { PIPELINE_VERSION, manifestKey, type ManifestBody } from '@/lib/derivatives/manifest';
import type { MediaEntry } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { openSearchIndex, registerSearchIndexing, type SearchIndex } from '@/lib/search';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let index: SearchIndex;
import { presentationErrors } from '../fixtures/iiif/presentation-schema';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive & { search: () => Promise<SearchIndex> } }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));

const manifestRoute = await import('@/app/iiif/[id]/manifest.json/route');
const collectionRoute = await import('@/app/iiif/collection/[group]/route');

const SITE = 'http://archive.test';
let temp: TempArchive;
/** Public records, one per kind of content, with every rights form the record schema allows. */
const withMedia: Record<string, string> = {};
/** Public, published, but nothing to show: no media at all, or media not derived yet. */
let noMediaId: string;
let underivedId: string;
let captionOnlyId: string;

type Json = Record<string, unknown> & { items?: Json[] };

async function putDerived(recordId: string, media: MediaEntry, body: ManifestBody): Promise<void> {
  const manifest = {
    manifestVersion: 1,
    pipelineVersion: PIPELINE_VERSION,
    recordId,
    source: { path: media.path, digest: media.digest, size: media.size, mime: media.type },
    createdAt: '2026-01-01T00:00:00.000Z',
    files: [],
    ...body,
  };
  await temp.store.put(manifestKey(recordId, media.digest), JSON.stringify(manifest), { contentType: 'application/json' });
}

const image = (w: number, h: number): ManifestBody => ({
  kind: 'image',
  image: {
    width: w,
    height: h,
    hasAlpha: false,
    renditions: [
      { file: 'image/w320.jpg', format: 'jpeg', width: 320, height: Math.round((320 * h) / w), bytes: 1000 },
      { file: `image/w${w}.jpg`, format: 'jpeg', width: w, height: h, bytes: 9000 },
      { file: `image/w${w}.webp`, format: 'webp', width: w, height: h, bytes: 8000 },
    ],
    thumbnail: { file: 'image/thumb.jpg', format: 'jpeg', width: 400, height: 400, bytes: 500 },
    iiif: { info: 'image/iiif/info.json', tileSize: 512, width: w, height: h },
  },
});

const video: ManifestBody = {
  kind: 'video',
  video: {
    width: 1280,
    height: 720,
    durationSeconds: 12.5,
    fps: 25,
    vfr: false,
    hasAudio: true,
    sourceCodecs: { video: 'h264', audio: 'aac' },
    master: 'video/hls/master.m3u8',
    renditions: [],
    download: { file: 'video/download.mp4', bytes: 100000, width: 1280, height: 720, codecs: 'avc1.640028,mp4a.40.2' },
    poster: { file: 'video/poster.jpg', width: 1280, height: 720 },
    sprite: { image: 'video/sprite.jpg', vtt: 'video/sprite.vtt', interval: 2, tileWidth: 160, tileHeight: 90, columns: 5, count: 7 },
  },
};

const audio: ManifestBody = {
  kind: 'audio',
  audio: {
    durationSeconds: 30,
    sourceCodec: 'aac',
    sampleRate: 48000,
    channels: 2,
    loudness: { targetLufs: -16, truePeakDb: -1 },
    renditions: [{ file: 'audio/audio.m4a', codec: 'aac', bitrateKbps: 96, bytes: 360000, durationSeconds: 30 }],
    waveform: { json: 'audio/waveform.json', png: 'audio/waveform.png', points: 800 },
  },
};

const documentPdf: ManifestBody = {
  kind: 'document',
  pdf: {
    pages: 2,
    scanned: false,
    characters: 1200,
    text: 'pdf/text.json',
    pageImages: [
      { page: 1, file: 'pdf/page-1.jpg', width: 1240, height: 1754 },
      { page: 2, file: 'pdf/page-2.jpg', width: 1240, height: 1754 },
    ],
    thumbnail: { file: 'pdf/thumb.jpg', width: 400, height: 566 },
  },
};

const caption: ManifestBody = { kind: 'caption', caption: { file: 'caption/captions.vtt', sourceFormat: 'srt', cues: 3, durationSeconds: 12 } };

const VTT = 'WEBVTT\n\n00:00.000 --> 00:02.000\nTiếng chiêng\n';
const SRT = '1\n00:00:00,000 --> 00:00:02,000\nTiếng chiêng\n';

async function publicRecord(slug: string, rights: string, files: Parameters<TempArchive['records']['create']>[0]['files'] = []) {
  const stored = await temp.records.create({ body: sampleBody({ slug, status: 'published', rights: { uri: rights } }), files, user: operator });
  return stored.record;
}

const byPath = (media: MediaEntry[], name: string) => media.find((m) => m.path === `files/${name}`)!;

beforeAll(async () => {
  temp = await tempArchive();
  const config = parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE });
  const vocab = loadVocabularies(`${ROOT}/content`);
  // The community collection lists from the index: it follows every commit below, as the server's does.
  index = await openSearchIndex(config, vocab);
  registerSearchIndexing({ records: temp.records, store: temp.store, vocab }, index);
  state.archive = { config, store: temp.store, records: temp.records, vocab, search: async () => index };

  const av = await publicRecord('am-thanh-hinh-anh', 'https://creativecommons.org/licenses/by-nc/4.0/', [
    { name: 'anh.jpg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]), contentType: 'image/jpeg', kind: 'image' },
    { name: 'le-hoi.mp4', body: Buffer.from('mp4'), contentType: 'video/mp4', kind: 'video' },
    { name: 'le-hoi.vi.vtt', body: VTT, contentType: 'text/vtt', kind: 'caption', language: 'vie', of: 'le-hoi.mp4' },
    { name: 'le-hoi.en.srt', body: SRT, contentType: 'application/x-subrip', kind: 'caption', language: 'eng', of: 'le-hoi.mp4' },
    { name: 'chieng.m4a', body: Buffer.from('m4a'), contentType: 'audio/mp4', kind: 'audio' },
    { name: 'chieng.vi.vtt', body: `${VTT}\n00:02.000 --> 00:04.000\nLời dẫn\n`, contentType: 'text/vtt', kind: 'caption', language: 'vie', of: 'chieng.m4a' },
  ]);
  await putDerived(av.id, byPath(av.media, 'anh.jpg'), image(3000, 2000));
  await putDerived(av.id, byPath(av.media, 'le-hoi.mp4'), video);
  await putDerived(av.id, byPath(av.media, 'le-hoi.vi.vtt'), { ...caption, caption: { ...caption.caption, sourceFormat: 'vtt' } });
  await putDerived(av.id, byPath(av.media, 'le-hoi.en.srt'), caption);
  await putDerived(av.id, byPath(av.media, 'chieng.m4a'), audio);
  // The audio's transcript is not derived yet: the original VTT is served as it is.
  withMedia.av = av.id;

  const doc = await publicRecord('van-ban', 'https://creativecommons.org/publicdomain/mark/1.0/', [
    { name: 'quyet-dinh.pdf', body: Buffer.from('%PDF-1.4'), contentType: 'application/pdf', kind: 'document' },
  ]);
  await putDerived(doc.id, doc.media[0]!, documentPdf);
  withMedia.document = doc.id;

  for (const [key, rights] of [
    ['rightsstatements-https', 'https://rightsstatements.org/vocab/InC-EDU/1.0/'],
    ['rightsstatements-http', 'http://rightsstatements.org/vocab/InC/1.0/'],
    ['cc-http', 'http://creativecommons.org/licenses/by/4.0/'],
    ['cc0', 'https://creativecommons.org/publicdomain/zero/1.0/'],
  ] as const) {
    const r = await publicRecord(`anh-${key}`, rights, [{ name: 'anh.jpg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe1, key.length]), contentType: 'image/jpeg', kind: 'image' }]);
    await putDerived(r.id, r.media[0]!, image(300, 450));
    withMedia[key] = r.id;
  }

  noMediaId = (await publicRecord('khong-co-tep', 'https://creativecommons.org/licenses/by/4.0/')).id;
  underivedId = (await publicRecord('chua-xu-ly', 'https://creativecommons.org/licenses/by/4.0/', [{ name: 'anh.jpg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9]), contentType: 'image/jpeg', kind: 'image' }])).id;
  // A caption derived, but nothing it belongs to: no canvas either.
  const captionOnly = await publicRecord('chi-co-phu-de', 'https://creativecommons.org/licenses/by/4.0/', [{ name: 'phu-de.vtt', body: VTT, contentType: 'text/vtt', kind: 'caption' }]);
  await putDerived(captionOnly.id, captionOnly.media[0]!, caption);
  captionOnlyId = captionOnly.id;
}, 60_000);

afterAll(async () => {
  await index?.close();
  await temp?.cleanup();
});

async function getManifest(id: string): Promise<Response> {
  return manifestRoute.GET(new Request(`${SITE}/iiif/${id}/manifest.json`), { params: Promise.resolve({ id }) });
}

async function getCollection(group: string): Promise<Response> {
  return collectionRoute.GET(new Request(`${SITE}/iiif/collection/${group}`), { params: Promise.resolve({ group }) });
}

describe('IIIF manifests pass the official Presentation 3 JSON Schema', () => {
  it('the vendored schema is the real one: it refuses what IIIF refuses', () => {
    const minimal = { '@context': 'http://iiif.io/api/presentation/3/context.json', id: `${SITE}/m`, type: 'Manifest', label: { vi: ['x'] }, items: [] };
    expect(presentationErrors({ ...minimal, rights: 'http://creativecommons.org/licenses/by/4.0/' })).toEqual([]);
    expect(presentationErrors({ ...minimal, rights: 'https://creativecommons.org/licenses/by/4.0/' }).join('\n')).toMatch(/\/rights/);
    expect(presentationErrors({ ...minimal, label: 'plain string' }).join('\n')).toMatch(/\/label/);
  });

  it.each(['av', 'document', 'rightsstatements-https', 'rightsstatements-http', 'cc-http', 'cc0'])('%s', async (key) => {
    const response = await getManifest(withMedia[key]!);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as Json;
    expect(presentationErrors(manifest)).toEqual([]);
    expect(manifest.items!.length).toBeGreaterThan(0);
  });

  it('rights: the http:// form of Creative Commons and RightsStatements.org URIs, whatever form the record holds', async () => {
    const rights = async (key: string) => ((await (await getManifest(withMedia[key]!)).json()) as { rights: string }).rights;
    expect(await rights('av')).toBe('http://creativecommons.org/licenses/by-nc/4.0/');
    expect(await rights('document')).toBe('http://creativecommons.org/publicdomain/mark/1.0/');
    expect(await rights('cc0')).toBe('http://creativecommons.org/publicdomain/zero/1.0/');
    expect(await rights('cc-http')).toBe('http://creativecommons.org/licenses/by/4.0/');
    expect(await rights('rightsstatements-https')).toBe('http://rightsstatements.org/vocab/InC-EDU/1.0/');
    expect(await rights('rightsstatements-http')).toBe('http://rightsstatements.org/vocab/InC/1.0/');
  });

  it('every kind of canvas: image with its level-0 service, video and audio with durations, captions, PDF pages', async () => {
    const manifest = (await (await getManifest(withMedia.av!)).json()) as Json;
    const bodies = manifest.items!.map((canvas) => (canvas.items![0]!.items![0] as Json).body as Json);
    expect(bodies.map((b) => b.type)).toEqual(['Image', 'Video', 'Sound']);
    expect(bodies[0]!.service).toEqual([expect.objectContaining({ type: 'ImageService3', profile: 'level0' })]);
    const [videoCanvas, audioCanvas] = [manifest.items![1]!, manifest.items![2]!];
    expect(videoCanvas.duration).toBe(12.5);
    const captions = ((videoCanvas.annotations as Json[])[0]!.items as Json[]).map((a) => a.body as Json);
    // Derived captions are served as the pipeline's normalised WebVTT (an SRT original is not WebVTT at all).
    expect(captions.map((c) => [c.format, c.language, String(c.id).includes('/api/derivatives/') && String(c.id).endsWith('/caption/captions.vtt')])).toEqual([
      ['text/vtt', 'vi', true],
      ['text/vtt', 'en', true],
    ]);
    // Not derived yet, but already WebVTT: the original.
    const transcript = ((audioCanvas.annotations as Json[])[0]!.items as Json[])[0]!.body as Json;
    expect(String(transcript.id)).toContain('/api/files/');
    const pdf = (await (await getManifest(withMedia.document!)).json()) as Json;
    expect(pdf.items!.map((c) => c.label)).toEqual([{ vi: ['Trang 1'], en: ['Page 1'] }, { vi: ['Trang 2'], en: ['Page 2'] }]);
  });
});

describe('no manifest without a canvas', () => {
  it.each([
    ['no media at all', () => noMediaId],
    ['media not derived yet', () => underivedId],
    ['only a caption', () => captionOnlyId],
  ])('%s: 404, with CORS like any other IIIF answer', async (_, id) => {
    const response = await getManifest(id());
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('the community collection lists exactly the manifests that exist, and passes the schema', async () => {
    const response = await getCollection('co-tu');
    expect(response.status).toBe(200);
    const collection = (await response.json()) as Json;
    expect(presentationErrors(collection)).toEqual([]);
    const listed = collection.items!.map((m) => String(m.id));
    expect(listed.sort()).toEqual(Object.values(withMedia).map((id) => `${SITE}/iiif/${id}/manifest.json`).sort());
    for (const id of listed) expect((await getManifest(id.split('/').at(-2)!)).status, id).toBe(200);
  });
});
