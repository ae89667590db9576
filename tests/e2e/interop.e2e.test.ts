/**
 * Every public demo record's IIIF manifest parses with @iiif/parser and
 * passes the official IIIF Presentation 3 JSON Schema (tests/fixtures/iiif),
 * and the media, captions and tiles it points at are served, readable from
 * another origin (CORS), with level-0 image services that serve what their
 * info.json promises. Every community collection passes the schema too and
 * lists only manifests that exist.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { normalize } from '@iiif/parser';
import { describe, expect, inject, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { recordIdFromSeed } from '@/lib/records/ids';
import { RecordBody } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { presentationErrors } from '../fixtures/iiif/presentation-schema';
import { ROOT } from '../helpers/cli';

const baseUrl = inject('baseUrl');

async function publicDemoIds(): Promise<string[]> {
  const dir = path.join(ROOT, 'content', 'records');
  const ids: string[] = [];
  for (const name of (await fs.readdir(dir)).filter((n) => n.endsWith('.json'))) {
    const body = RecordBody.parse(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')));
    if (maySeeRecord(ANONYMOUS, body)) ids.push(recordIdFromSeed(`demo:${body.slug}`));
  }
  return ids;
}

type Json = Record<string, unknown> & { items?: Json[]; id?: string; type?: string; body?: Json; service?: Json[]; annotations?: Json[] };

/** Any other site: a IIIF viewer reading our media from its own origin. */
const VIEWER = { origin: 'http://viewer.example' };

describe('IIIF', () => {
  it('serves a manifest per public record that @iiif/parser reads, whose media and image tiles are served', async () => {
    const ids = await publicDemoIds();
    expect(ids.length).toBeGreaterThanOrEqual(30);
    const kinds = new Set<string>();
    for (const id of ids) {
      const response = await fetch(`${baseUrl}/iiif/${id}/manifest.json`);
      expect(response.status, id).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const manifest = (await response.json()) as Json;
      expect(presentationErrors(manifest), `${id} against the IIIF Presentation 3 schema`).toEqual([]);
      const parsed = normalize(structuredClone(manifest)); // normalize rewrites what it is given
      expect(parsed.resource?.id, id).toBe(`${baseUrl}/iiif/${id}/manifest.json`);
      expect(parsed.resource?.type).toBe('Manifest');
      expect(Object.keys(parsed.entities.Canvas ?? {}).length, id).toBe(manifest.items!.length);
      expect(manifest.items!.length, `${id} has canvases`).toBeGreaterThan(0);
      for (const canvas of manifest.items!) {
        const body = canvas.items![0]!.items![0]!.body!;
        kinds.add(String(body.type));
        const media = await fetch(String(body.id), { headers: { range: 'bytes=0-1023', ...VIEWER } });
        expect([200, 206], `${id} ${String(body.id)}`).toContain(media.status);
        expect(media.headers.get('access-control-allow-origin'), `${String(body.id)} readable cross-origin`).toBe('*');
        expect(media.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('content-range');
        await media.arrayBuffer();
        for (const page of canvas.annotations ?? []) {
          for (const caption of page.items ?? []) {
            const vtt = await fetch(String(caption.body!.id), { headers: VIEWER });
            expect(vtt.status, String(caption.body!.id)).toBe(200);
            expect(vtt.headers.get('access-control-allow-origin'), `${String(caption.body!.id)} readable cross-origin`).toBe('*');
            expect(await vtt.text()).toMatch(/^WEBVTT/);
          }
        }
        if (body.service) {
          const service = String(body.service[0]!.id);
          const infoResponse = await fetch(`${service}/info.json`, { headers: VIEWER });
          expect(infoResponse.headers.get('access-control-allow-origin')).toBe('*');
          const info = (await infoResponse.json()) as { id: string; tiles: { width: number }[]; sizes?: { width: number; height: number }[] };
          expect(info.id).toBe(service);
          const tile = await fetch(`${service}/0,0,${info.tiles[0]!.width},${info.tiles[0]!.width}/${info.tiles[0]!.width},${info.tiles[0]!.width}/0/default.jpg`);
          const max = await fetch(`${service}/full/max/0/default.jpg`);
          const sized = info.sizes?.length ? await fetch(`${service}/full/${info.sizes[0]!.width},${info.sizes[0]!.height}/0/default.jpg`) : undefined;
          // Level 0: the full image at max, and every size listed (tiles only where the image is larger than one).
          for (const [what, answer] of [['full/max', max], ['listed size', sized]] as const) {
            expect(answer?.status, `${service} ${what}`).toBe(200);
            expect(answer?.headers.get('content-type')).toBe('image/jpeg');
            await answer?.arrayBuffer();
          }
          if (Number(body.width) > info.tiles[0]!.width && Number(body.height) > info.tiles[0]!.width) expect(tile.status, `${service} first tile`).toBe(200);
          await tile.arrayBuffer();
        }
      }
    }
    expect([...kinds].sort()).toEqual(['Image', 'Sound', 'Video']);
  }, 120_000);

  it('refuses manifests of restricted records and lists a community collection', async () => {
    expect((await fetch(`${baseUrl}/iiif/${recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu')}/manifest.json`)).status).toBe(404);
    const collection = (await (await fetch(`${baseUrl}/iiif/collection/co-tu`)).json()) as Json;
    const parsed = normalize(structuredClone(collection));
    expect(parsed.resource?.type).toBe('Collection');
    expect(collection.items!.length).toBeGreaterThan(5);
    expect(JSON.stringify(collection)).not.toContain(recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu'));
  });

  it('every community collection passes the IIIF Presentation 3 schema and lists only manifests that exist', async () => {
    const { ethnicGroups } = loadVocabularies(path.join(ROOT, 'content'));
    let listed = 0;
    for (const group of ethnicGroups) {
      const response = await fetch(`${baseUrl}/iiif/collection/${group.id}`);
      expect(response.status, group.id).toBe(200);
      const collection = (await response.json()) as Json;
      expect(presentationErrors(collection), `collection ${group.id} against the IIIF Presentation 3 schema`).toEqual([]);
      for (const item of collection.items ?? []) {
        const manifest = await fetch(String(item.id));
        expect(manifest.status, `${group.id} lists ${String(item.id)}`).toBe(200);
        expect(((await manifest.json()) as Json).items!.length).toBeGreaterThan(0);
        listed++;
      }
    }
    expect(listed).toBeGreaterThan(10);
  }, 120_000);
});
