/**
 * Seeds the demo content (content/records/*.json) into the archive, with
 * media generated on the spot (never committed as binaries). Idempotent:
 * each demo record has an id derived from its slug, existing records are
 * only updated when their JSON changed, and media are generated only for
 * records that do not exist yet.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { openArchive } from '../lib/archive';
import { recordIdFromSeed } from '../lib/records/ids';
import { importItems, type ImportItem } from '../lib/records/importer';
import { reindex } from '../lib/search/reindex';
import { detectMediaTools, generateDemoMedia, type DemoMediaRequest } from './demo/generate-media';
import { exitWith } from './support/exit';

async function main(): Promise<number> {
  const archive = openArchive();
  const dir = path.join(archive.config.contentDir, 'records');
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const tools = await detectMediaTools();
  const mediaDir = path.join(archive.config.dataDir, 'demo-media');
  console.log(`Seeding ${names.length} demo records into ${archive.store.description}`);

  const bar = new cliProgress.SingleBar(
    { format: 'seeding [{bar}] {value}/{total} {item}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(names.length, 0, { item: '' });
  const counts = { created: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const name of names) {
    const source = path.join(dir, name);
    const body = JSON.parse(await fs.readFile(source, 'utf8')) as DemoMediaRequest & Record<string, unknown>;
    const id = recordIdFromSeed(`demo:${body.slug}`);
    bar.update({ item: body.slug });
    const exists = Boolean(await archive.records.readInventory(id));
    // Media are generated for new records only: the originals of an existing record are never replaced by a re-seed.
    const files = exists ? [] : await generateDemoMedia(body, path.join(mediaDir, body.slug), tools);
    const item: ImportItem = {
      source,
      id,
      body,
      files: files.map((f) => ({ path: f.path, name: f.name, kind: f.kind, label: f.label, language: f.language, of: f.of })),
    };
    const [outcome] = await importItems(
      archive.records,
      (async function* () {
        yield item;
      })(),
      { vocab: archive.vocab, user: { name: 'demo seed' } },
    );
    counts[outcome!.status]++;
    if (outcome!.status === 'invalid') {
      bar.stop();
      for (const p of outcome!.problems) console.error(`  ✗ ${name}: ${p.field}: ${p.message}`);
      bar.start(names.length, names.indexOf(name) + 1, { item: '' });
    }
    bar.increment();
  }
  bar.stop();
  await fs.rm(mediaDir, { recursive: true, force: true });
  // The search index is derived: rebuild it from storage so it matches whatever was seeded before.
  const indexed = await reindex(archive);
  console.log(`Search index: ${indexed.done - indexed.failed.length} records`);
  console.log(`Demo content: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.invalid} invalid`);
  return counts.invalid ? 1 : 0;
}

exitWith(main(), (error) => console.error(error instanceof Error ? error.message : error));
