/**
 * Issue #15, item 3: our IIIF Image API 3 services are level 0 compliant.
 *
 * Level 0 (https://iiif.io/api/image/3.0/compliance/) requires the full
 * image at size `max`, every size info.json lists in `sizes`, and every
 * tile its `tiles` imply. Real photos are derived by the media pipeline
 * (sharp) on a temporary archive, and the real IIIF route (app/iiif) is
 * asked for everything a level-0 client may ask for: info.json, `full/max`,
 * each listed size, and each tile at each scale factor, named the way
 * OpenSeadragon (the deep-zoom engine of Mirador and of our own pages)
 * names them.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { deriveMedia } from '@/lib/derivatives/derive';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import { digestPrefix } from '@/lib/derivatives/manifest';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, viewer: { kind: 'anonymous' } as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({ currentViewer: async () => state.viewer, currentUser: async () => undefined }));

const iiifImage = await import('@/app/iiif/[id]/[d16]/[...path]/route');

const SITE = 'http://archive.test';
let temp: TempArchive;

interface Info {
  '@context': string;
  id: string;
  type: string;
  profile: string;
  width: number;
  height: number;
  maxWidth?: number;
  maxHeight?: number;
  sizes?: { width: number; height: number }[];
  tiles: { width: number; height?: number; scaleFactors: number[] }[];
}

/** Photo sizes: one tile; exactly one tile (OpenSeadragon asks `max`); a pyramid; wider than the largest rendition. */
const PHOTOS = [
  [300, 450],
  [512, 512],
  [1280, 900],
  [2600, 1700],
] as const;
const services = new Map<string, string>();

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = { config: parseConfig({ DATA_DIR: temp.dir, SITE_URL: SITE }), store: temp.store, records: temp.records, vocab: loadVocabularies(`${ROOT}/content`) } as Archive;
  for (const [width, height] of PHOTOS) {
    // A diagonal gradient, so every tile differs.
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set([(x * 255) / width, (y * 255) / height, 128], (y * width + x) * 3);
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
    const stored = await temp.records.create({ body: sampleBody({ slug: `anh-${width}x${height}`, status: 'published' }), files: [{ name: 'anh.jpg', body: jpeg, contentType: 'image/jpeg', kind: 'image' }], user: operator });
    const media = stored.record.media[0]!;
    await deriveMedia({ store: temp.store, records: temp.records, limits: DEFAULT_LIMITS }, stored.record.id, media);
    services.set(`${width}x${height}`, `/iiif/${stored.record.id}/${digestPrefix(media.digest)}`);
  }
}, 240_000);

afterAll(async () => temp?.cleanup());

function get(path: string): Promise<Response> {
  state.viewer = ANONYMOUS;
  return iiifImage.GET(new Request(`${SITE}${path}`));
}

async function info(service: string): Promise<Info> {
  const response = await get(`${service}/info.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Info;
}

/** A JPEG the route serves at `path`, and its pixel size. */
async function jpegAt(path: string): Promise<{ width: number; height: number }> {
  const response = await get(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type'), path).toBe('image/jpeg');
  const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
  return { width: meta.width!, height: meta.height! };
}

/**
 * The image requests a level-0 client makes for the tiles info.json
 * declares, as OpenSeadragon's IIIFTileSource (version 3) builds them: per
 * scale factor, a whole level that fits in a tile is asked as `full`
 * (`max` when that is the full size), other tiles by pixel region and w,h.
 */
function tileRequests(i: Info): { path: string; width: number; height: number }[] {
  const tile = i.tiles[0]!;
  const tw = tile.width;
  const th = tile.height ?? tile.width;
  const out: { path: string; width: number; height: number }[] = [];
  for (const s of tile.scaleFactors) {
    const levelW = Math.ceil(i.width / s);
    const levelH = Math.ceil(i.height / s);
    if (levelW < tw && levelH < th) {
      const max = levelW === i.width && levelH === i.height;
      out.push({ path: `full/${max ? 'max' : `${levelW},${levelH}`}/0/default.jpg`, width: levelW, height: levelH });
      continue;
    }
    for (let x = 0; x * tw < levelW; x++) {
      for (let y = 0; y * th < levelH; y++) {
        const [rx, ry] = [x * tw * s, y * th * s];
        const [rw, rh] = [Math.min(tw * s, i.width - rx), Math.min(th * s, i.height - ry)];
        const region = rx === 0 && ry === 0 && rw === i.width && rh === i.height ? 'full' : `${rx},${ry},${rw},${rh}`;
        const [sw, sh] = [Math.min(tw, levelW - x * tw), Math.min(th, levelH - y * th)];
        const size = sw === i.width && sh === i.height ? 'max' : `${sw},${sh}`;
        out.push({ path: `${region}/${size}/0/default.jpg`, width: sw, height: sh });
      }
    }
  }
  return out;
}

describe.each(PHOTOS.map(([w, h]) => `${w}x${h}`))('level 0 image service of a %s photo', (name) => {
  const [width, height] = name.split('x').map(Number) as [number, number];
  const service = () => services.get(name)!;

  it('info.json: this service, level 0, its size and the full-image sizes it serves', async () => {
    const i = await info(service());
    expect(i).toMatchObject({ '@context': 'http://iiif.io/api/image/3/context.json', id: `${SITE}${service()}`, type: 'ImageService3', profile: 'level0', width, height });
    expect(i.sizes?.length, 'sizes listed').toBeGreaterThan(0);
    for (const size of i.sizes!) {
      expect(size.width).toBeLessThanOrEqual(i.maxWidth ?? width);
      expect(await jpegAt(`${service()}/full/${size.width},${size.height}/0/default.jpg`)).toEqual(size);
    }
  });

  it('full/max: the whole image, at most maxWidth × maxHeight when those are given', async () => {
    const i = await info(service());
    const max = await jpegAt(`${service()}/full/max/0/default.jpg`);
    if (width > 2048) {
      expect([i.maxWidth, i.maxHeight]).toEqual([2048, Math.round((2048 * height) / width)]);
      expect(max).toEqual({ width: i.maxWidth, height: i.maxHeight });
    } else {
      expect(i.maxWidth).toBeUndefined();
      expect(max).toEqual({ width, height });
    }
    // The canonical w,h of that same size answers too.
    expect(await jpegAt(`${service()}/full/${max.width},${max.height}/0/default.jpg`)).toEqual(max);
  });

  it('every tile its tiles and scale factors imply, at the size a client expects', async () => {
    const requests = tileRequests(await info(service()));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      const got = await jpegAt(`${service()}/${r.path}`);
      if (r.path.includes('/max/')) expect(got.width, r.path).toBeGreaterThan(0);
      else expect(got, r.path).toEqual({ width: r.width, height: r.height });
    }
  });

  it('asks nothing it cannot serve: other sizes of the full image are a 404', async () => {
    expect((await get(`${service()}/full/${width + 1},${height + 1}/0/default.jpg`)).status).toBe(404);
    expect((await get(`${service()}/full/max/0/default.png`)).status).toBe(404);
    expect((await get(`${service()}/full/max/90/default.jpg`)).status).toBe(404);
  });
});
