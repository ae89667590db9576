/**
 * A writer that never stops: imports a folder, creates records and adds
 * files to them, over and over, until the crash test SIGKILLs it.
 * Usage: tsx crash-writer.ts <dataDir> <contentDir> <seed>
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { importItems, readFolder } from '../../lib/records/importer';
import { RecordConflictError } from '../../lib/records/errors';
import { RecordRepository } from '../../lib/records/repository';
import { loadVocabularies } from '../../lib/records/vocabularies';
import type { RecordBodyInput } from '../../lib/records/schema';
import { LocalObjectStore } from '../../lib/storage/local';

const [dataDir, contentDir, seed] = process.argv.slice(2) as [string, string, string];
const store = new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') });
const records = new RecordRepository(store);
const vocab = loadVocabularies(contentDir);
const user = { name: `crash-writer ${seed}` };

const body = (slug: string, n: number): RecordBodyInput => ({
  slug,
  type: 'music',
  title: { vi: `Cồng chiêng ${n}`, en: `Gongs ${n}` },
  description: { vi: `Bản ghi thứ ${n} của máy ghi thử.`, en: `Recording ${n}.` },
  ethnicGroups: ['co-tu'],
  rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
  access: { level: 'public' },
  status: 'draft',
});

async function importRound(n: number): Promise<void> {
  const folder = path.join(dataDir, 'import-source', `round-${seed}-${n % 3}`);
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, 'record.json'), JSON.stringify(body(`import-${seed}-${n % 3}`, n)));
  await fs.writeFile(path.join(folder, `take-${n}.txt`), `Bản ghi lời kể, lần ${n}.\n`.repeat(200));
  await importItems(records, readFolder(folder), { vocab, user });
}

async function createRound(n: number): Promise<void> {
  await records.create({
    body: body(`created-${seed}-${n}-${randomBytes(3).toString('hex')}`, n),
    files: [{ name: `chieng-${n}.wav`, body: randomBytes(20_000 + Math.floor(Math.random() * 200_000)), contentType: 'audio/wav', kind: 'audio' }],
    user,
  });
}

async function updateRound(n: number): Promise<void> {
  const ids: string[] = [];
  for await (const id of records.ids()) ids.push(id);
  const id = ids[Math.floor(Math.random() * ids.length)];
  const current = id ? await records.get(id) : undefined;
  if (!current) return;
  await records.update(id!, {
    expectedVersion: current.head,
    body: { ...current.record, description: { vi: `Sửa lần ${n}`, en: `Edit ${n}` } },
    addFiles: [{ name: `them-${n}.jpg`, body: randomBytes(10_000 + Math.floor(Math.random() * 100_000)), contentType: 'image/jpeg', kind: 'image' }],
    user,
  });
}

async function main(): Promise<void> {
  process.stdout.write('ready\n');
  for (let n = 0; ; n++) {
    try {
      await [importRound, createRound, updateRound][n % 3]!(n);
    } catch (error) {
      // A leftover from an earlier kill can block one record; the test repairs between runs.
      if (!(error instanceof RecordConflictError)) throw error;
    }
  }
}

void main();
