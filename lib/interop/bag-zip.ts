/**
 * A record's BagIt bag as one zip download for staff: the bag is written
 * (and checked against the inventory) to a temporary folder, then streamed
 * as a zip whose top folder is the bag, as BagIt's serialization section
 * recommends. The folder is removed when the stream ends.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { exportBag } from './bagit';
import { dublinCoreXml, toDublinCore } from './dublin-core';
import type { RecordRepository } from '../records/repository';
import type { Vocabularies } from '../records/vocabularies';

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full, base)));
    else out.push(path.relative(base, full));
  }
  return out.sort();
}

export async function bagZip(records: RecordRepository, id: string, context: { vocab: Vocabularies; siteUrl: string }): Promise<Readable> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'disan-bag-'));
  try {
    const stored = await records.require(id);
    const bagName = `${id}-v${stored.head}`;
    const dir = path.join(work, bagName);
    const dc = dublinCoreXml(toDublinCore(stored.record, context));
    await exportBag(records, id, dir, { extraTagFiles: { 'metadata/dublin-core.xml': dc } });
    const zip = new yazl.ZipFile();
    for (const file of await filesUnder(dir)) zip.addFile(path.join(dir, file), `${bagName}/${file.split(path.sep).join('/')}`, { compress: !/\.(jpe?g|png|mp4|m4a|webm|mov|mp3|zip|pdf)$/i.test(file) });
    zip.end();
    const stream = Readable.from(zip.outputStream as AsyncIterable<Buffer>);
    stream.on('close', () => void fs.rm(work, { recursive: true, force: true }));
    return stream;
  } catch (error) {
    await fs.rm(work, { recursive: true, force: true });
    throw error;
  }
}
