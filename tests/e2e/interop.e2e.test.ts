/** Every public demo record's IIIF manifest parses with @iiif/parser, and the media and tiles it points at are served. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { normalize } from '@iiif/parser';
import { describe, expect, inject, it } from 'vitest';
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { recordIdFromSeed } from '@/lib/records/ids';
import { RecordBody } from '@/lib/records/schema';
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

type Json = Record<string, unknown> & { items?: Json[]; id?: string; type?: string; body?: Json; service?: Json[] };

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
      const parsed = normalize(structuredClone(manifest)); // normalize rewrites what it is given
      expect(parsed.resource?.id, id).toBe(`${baseUrl}/iiif/${id}/manifest.json`);
      expect(parsed.resource?.type).toBe('Manifest');
      expect(Object.keys(parsed.entities.Canvas ?? {}).length, id).toBe(manifest.items!.length);
      expect(manifest.items!.length, `${id} has canvases`).toBeGreaterThan(0);
      for (const canvas of manifest.items!) {
        const body = canvas.items![0]!.items![0]!.body!;
        kinds.add(String(body.type));
        const media = await fetch(String(body.id), { headers: { range: 'bytes=0-1023' } });
        expect([200, 206], `${id} ${String(body.id)}`).toContain(media.status);
        await media.arrayBuffer();
        if (body.service) {
          const service = String(body.service[0]!.id);
          const info = (await (await fetch(`${service}/info.json`)).json()) as { id: string; tiles: { width: number }[] };
          expect(info.id).toBe(service);
          const tile = await fetch(`${service}/0,0,${info.tiles[0]!.width},${info.tiles[0]!.width}/${info.tiles[0]!.width},${info.tiles[0]!.width}/0/default.jpg`);
          expect(tile.status, `${service} first tile`).toBe(200);
          expect(tile.headers.get('content-type')).toBe('image/jpeg');
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
});
