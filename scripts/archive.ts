/**
 * The archive's command line: `npm run archive -- <command>`.
 *
 *   import <folder|file.csv> [--dry-run] [--concurrency N]
 *                                          add or update records (idempotent), N at a time
 *   show <id|slug> [--version N] [--json]  print a record and its versions
 *   list                                   every record: id, head, status, title
 *   fsck [--repair]                        verify every digest; clean up after crashes
 *   export <id> --bagit <dir>              write a BagIt 1.0 bag of the record
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, getConfig, type Config } from '../lib/config';
import { openArchive, type Archive } from '../lib/archive';
import { exportBag } from '../lib/interop/bagit';
import { dublinCoreXml, toDublinCore } from '../lib/interop/dublin-core';
import { RecordError } from '../lib/records/errors';
import { fsck } from '../lib/records/fsck';
import { importItems, readCsv, readFolder, type ImportItem } from '../lib/records/importer';
import { scanRecords } from '../lib/records/scan';
import { RECORD_ID_PATTERN } from '../lib/records/schema';
import { openSearchIndex, type SearchDocument, type SearchIndex } from '../lib/search';
import { exitWith } from './support/exit';

/**
 * Records imported at once from the command line: more than the library's
 * default (which the studio's bulk import shares with web requests), since
 * here the import has the process to itself and more writes in flight let
 * the file system group their fsyncs.
 */
const CLI_IMPORT_CONCURRENCY = 12;

const USAGE = `usage: npm run archive -- <command>
  import <folder|file.csv> [--dry-run] [--concurrency N]
                                         add or update records from a folder (record.json + files) or a CSV,
                                         N records at a time (default ${CLI_IMPORT_CONCURRENCY})
  show <id|slug> [--version N] [--json]  print a record and its version history
  list                                   list every record
  fsck [--repair]                        verify every file's SHA-512; --repair cleans up interrupted writes
  export <id> --bagit <dir>              write the record as a BagIt 1.0 bag into <dir>`;

const operator = { name: `cli:${os.userInfo().username}` };

/** Documents written to the search index in one transaction during an import. */
const INDEX_BATCH = 250;

/**
 * The configured search index, with upserts gathered INDEX_BATCH at a time,
 * for `import` only.
 *
 * NOTE for the owners of after-commit work (lib/archive.ts, lib/search):
 * openArchive upserts each commit's document as the commit returns, one
 * index transaction per record; in a bulk import that was about a fifth of
 * the main thread's time per record. An import is one command, so here the
 * documents (made at each commit, as before) are written in batches, and
 * close() (archive.close(), before the command exits) writes the rest: every
 * record the command commits is indexed before it returns. A crash
 * mid-import can leave up to one batch unindexed, as a crash between a
 * commit and its listener can anyway; `npm run reindex` repairs both. This
 * goes through openArchive's `search` option; if that option changes, keep
 * a batched mode for bulk writers.
 */
function batchedSearchIndex(config: Config): SearchIndex {
  let inner: Promise<SearchIndex> | undefined;
  const open = () => (inner ??= openSearchIndex(config));
  let pending: SearchDocument[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return writing;
    // One batch at a time, in commit order: a later version of a record never lands before an earlier one.
    writing = writing.then(async () => {
      await (await open()).upsert(batch).catch((error: unknown) => {
        console.error(`search indexing of ${batch.length} imported records failed (run \`npm run reindex\`):`, error);
      });
    });
    return writing;
  };
  const read = <K extends 'search' | 'suggest' | 'count' | 'list' | 'stats'>(name: K) =>
    (async (...args: unknown[]) => {
      await flush(); // reads see every commit made so far
      return ((await open())[name] as (...a: unknown[]) => unknown)(...args);
    }) as SearchIndex[K];
  return {
    engine: config.search.driver,
    async upsert(docs) {
      pending.push(...docs);
      if (pending.length >= INDEX_BATCH) await flush();
    },
    async remove(ids) {
      await flush();
      await (await open()).remove(ids);
    },
    search: read('search'),
    suggest: read('suggest'),
    count: read('count'),
    list: read('list'),
    stats: read('stats'),
    async clear() {
      pending = [];
      await writing;
      await (await open()).clear();
    },
    async close() {
      await flush();
      if (inner) await (await inner).close();
    },
  };
}

function progressBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} {item}`, hideCursor: true, clearOnComplete: false, noTTYOutput: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
}

async function resolveId(archive: Archive, idOrSlug: string): Promise<string> {
  if (RECORD_ID_PATTERN.test(idOrSlug) && (await archive.records.readInventory(idOrSlug))) return idOrSlug;
  const id = await archive.records.idForSlug(idOrSlug);
  if (!id) throw new RecordError(`no record with id or slug "${idOrSlug}"`);
  return id;
}

async function commandImport(archive: Archive, source: string, dryRun: boolean, concurrency: number): Promise<number> {
  const items: ImportItem[] = [];
  const reader = source.toLowerCase().endsWith('.csv') ? readCsv(source) : readFolder(source);
  for await (const item of reader) items.push(item);
  if (items.length === 0) {
    console.error(`nothing to import in ${source}: expected a CSV file, a folder with record.json, or folders of them`);
    return 1;
  }
  const bar = progressBar(dryRun ? 'checking' : 'importing');
  bar.start(items.length, 0, { item: '' });
  const outcomes = await importItems(
    archive.records,
    (async function* () {
      yield* items;
    })(),
    { vocab: archive.vocab, user: operator, dryRun, concurrency, onOutcome: (o) => bar.increment({ item: o.slug ?? path.basename(o.source) }) },
  );
  bar.stop();
  const counts = { created: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const o of outcomes) {
    counts[o.status]++;
    if (o.status === 'invalid') {
      for (const p of o.problems) console.log(`  ✗ ${o.source}: ${p.field}: ${p.message}`);
    } else {
      console.log(`  ${dryRun ? 'would be ' : ''}${o.status.padEnd(9)} ${o.id ?? '(new)'} ${o.slug}${o.version ? ` v${o.version}` : ''}`);
    }
  }
  console.log(`${dryRun ? 'dry run: ' : ''}${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.invalid} invalid`);
  return counts.invalid ? 1 : 0;
}

async function commandShow(archive: Archive, idOrSlug: string, version: number | undefined, json: boolean): Promise<number> {
  const id = await resolveId(archive, idOrSlug);
  const stored = await archive.records.require(id, version);
  if (json) {
    console.log(JSON.stringify(stored, null, 2));
    return 0;
  }
  const r = stored.record;
  console.log(`${r.id}  ${r.title.vi}${r.title.en ? `  /  ${r.title.en}` : ''}`);
  console.log(`  slug ${r.slug} · ${r.type} · ${r.status} · access ${r.access.level}${r.access.communities.length ? ` (${r.access.communities.join(', ')})` : ''}`);
  console.log(`  version ${stored.version} of ${stored.head} · created ${stored.created} · modified ${stored.modified}`);
  console.log(`  rights ${r.rights.uri}`);
  if (r.ethnicGroups.length) console.log(`  communities ${r.ethnicGroups.join(', ')}`);
  for (const m of r.media) console.log(`  file ${m.path} · ${m.kind} · ${m.type} · ${m.size} bytes · sha512 ${m.digest.slice(0, 16)}…`);
  console.log('  versions:');
  for (const v of stored.versions) console.log(`    v${v.number} ${v.created} ${v.user?.name ?? ''} ${v.message ?? ''}`);
  console.log('  Dublin Core:');
  for (const dc of toDublinCore(r, { vocab: archive.vocab, siteUrl: archive.config.siteUrl })) {
    console.log(`    dc:${dc.element}${dc.lang ? `@${dc.lang}` : ''} ${dc.value.length > 100 ? `${dc.value.slice(0, 100)}…` : dc.value}`);
  }
  return 0;
}

async function commandList(archive: Archive): Promise<number> {
  for await (const { id, stored, error } of scanRecords(archive.records)) {
    if (error) console.log(`${id}  DAMAGED ${error.message}`);
    else if (stored) console.log(`${id}  v${stored.head}  ${stored.record.status.padEnd(9)}  ${stored.record.title.vi}`);
  }
  return 0;
}

async function commandFsck(archive: Archive, repair: boolean): Promise<number> {
  const bar = progressBar(repair ? 'checking and repairing' : 'checking');
  let started = false;
  const summary = await fsck(archive.store, {
    repair,
    onProgress: (done, total, id) => {
      if (!started) {
        bar.start(total, 0, { item: '' });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { item: id });
    },
  });
  bar.stop();
  for (const f of summary.findings) {
    const tag = f.repaired ? 'REPAIRED' : f.severity === 'error' ? 'ERROR' : 'LEFTOVER';
    console.log(`${tag.padEnd(8)} ${f.message}`);
  }
  const errors = summary.findings.filter((f) => f.severity === 'error' && !f.repaired).length;
  const leftovers = summary.findings.filter((f) => f.severity === 'leftover' && !f.repaired).length;
  console.log(`${summary.records} records, ${summary.files} files, ${(summary.bytes / 1024 / 1024).toFixed(1)} MiB checked: ${errors} damaged, ${leftovers} leftovers${leftovers ? ' (run with --repair)' : ''}`);
  if (errors) console.log('Damaged originals must be restored from a backup: fsck never rewrites an original.');
  return errors ? 1 : leftovers ? 2 : 0;
}

async function commandExport(archive: Archive, idOrSlug: string, dir: string): Promise<number> {
  const id = await resolveId(archive, idOrSlug);
  const stored = await archive.records.require(id);
  const dc = dublinCoreXml(toDublinCore(stored.record, { vocab: archive.vocab, siteUrl: archive.config.siteUrl }));
  const result = await exportBag(archive.records, id, dir, { extraTagFiles: { 'metadata/dublin-core.xml': dc } });
  console.log(`bag written to ${result.dir}: ${result.files} files, ${result.bytes} bytes`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      repair: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      version: { type: 'string' },
      bagit: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = getConfig();
  const archive = command === 'import' && !values['dry-run'] ? openArchive(config, { search: batchedSearchIndex(config) }) : openArchive(config);
  switch (command) {
    case 'import': {
      if (!arg) break;
      // Every record committed is in the search index (and its new media queued) before this returns: lib/archive.ts,
      // with the index written in batches by batchedSearchIndex and its last batch by archive.close().
      try {
        const concurrency = values.concurrency === undefined ? CLI_IMPORT_CONCURRENCY : Number(values.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) break;
        return await commandImport(archive, path.resolve(arg), values['dry-run'], concurrency);
      } finally {
        await archive.close();
      }
    }
    case 'show':
      if (!arg) break;
      return commandShow(archive, arg, values.version ? Number(values.version) : undefined, values.json);
    case 'list':
      return commandList(archive);
    case 'fsck':
      return commandFsck(archive, values.repair);
    case 'export':
      if (!arg || !values.bagit) break;
      return commandExport(archive, arg, path.resolve(values.bagit));
  }
  console.error(USAGE);
  return 2;
}

exitWith(main(process.argv.slice(2)), (error) => {
  if (error instanceof ConfigError || error instanceof RecordError) console.error(error.message);
  else console.error(error);
});
