/**
 * Bulk import from the studio: a CSV (the template's columns) and a zip of
 * the files it names. The files are staged in DATA_DIR/imports/<id>/, a dry
 * run reports every problem by row and column, and the import runs from the
 * same staging when the person confirms. Re-running changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import yauzl from 'yauzl';
import { mayPerform, type Viewer } from '../access/policy';
import type { Archive } from '../archive';
import { CSV_COLUMNS, importItems, readCsv, type ImportOutcome } from '../records/importer';

export interface ImportReport {
  id: string;
  dryRun: boolean;
  at: string;
  actor: string;
  outcomes: ImportOutcome[];
}

const STAGING_ID = /^[0-9a-f]{16}$/;
const MAX_ZIP_ENTRIES = 10_000;

function stagingDir(archive: Archive, id: string): string {
  if (!STAGING_ID.test(id)) throw new Error('not an import id');
  return path.join(archive.config.dataDir, 'imports', id);
}

/** Unzips into dir, refusing entries that would land outside it (zip slip) and absurd entry counts. */
async function extractZip(zipFile: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(zipFile, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          if (++count > MAX_ZIP_ENTRIES) throw new Error(`the zip has more than ${MAX_ZIP_ENTRIES} files`);
          const target = path.resolve(dir, entry.fileName.normalize('NFC'));
          if (!target.startsWith(dir + path.sep)) throw new Error(`unsafe path in zip: ${entry.fileName}`);
          if (entry.fileName.endsWith('/')) {
            await fs.mkdir(target, { recursive: true });
          } else {
            await fs.mkdir(path.dirname(target), { recursive: true });
            await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target, { flags: 'wx' }));
          }
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

export async function stageImport(archive: Archive, csv: File, zip: File | undefined): Promise<string> {
  const id = randomBytes(8).toString('hex');
  const dir = stagingDir(archive, id);
  await fs.mkdir(dir, { recursive: true });
  try {
    await fs.writeFile(path.join(dir, 'records.csv'), Buffer.from(await csv.arrayBuffer()));
    if (zip && zip.size > 0) {
      const zipPath = path.join(dir, '.upload.zip');
      await fs.writeFile(zipPath, Buffer.from(await zip.arrayBuffer()));
      await extractZip(zipPath, dir);
      await fs.rm(zipPath);
    }
    return id;
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function runImport(archive: Archive, actor: { name: string; viewer: Viewer }, id: string, dryRun: boolean): Promise<ImportReport> {
  if (!mayPerform(actor.viewer, 'create')) throw new Error('Bạn không nhập được hồ sơ / You may not import records');
  const dir = stagingDir(archive, id);
  const outcomes = await importItems(archive.records, readCsv(path.join(dir, 'records.csv')), {
    vocab: archive.vocab,
    user: { name: actor.name },
    dryRun,
    authorize: (body) => {
      if (!mayPerform(actor.viewer, 'create', body)) return { field: 'access.communities', message: 'only members of these communities may record for them' };
      // Officers import drafts and submissions; publishing stays with reviewers and admins.
      const wouldPublish = body.status === 'published' || body.status === 'withdrawn';
      if (wouldPublish && !mayPerform(actor.viewer, body.status === 'published' ? 'publish' : 'withdraw', { ...body, status: body.status === 'published' ? 'submitted' : 'published' })) {
        return { field: 'status', message: `only reviewers may import records as ${body.status}` };
      }
      return undefined;
    },
  });
  const report: ImportReport = { id, dryRun, at: new Date().toISOString(), actor: actor.name, outcomes };
  await fs.writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
  return report;
}

export async function readReport(archive: Archive, id: string): Promise<ImportReport | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(stagingDir(archive, id), 'report.json'), 'utf8')) as ImportReport;
  } catch {
    return undefined;
  }
}

/** The CSV template: every column, with one example row. */
export function importTemplate(): string {
  const example: Record<keyof typeof CSV_COLUMNS, string> = {
    slug: 'le-mung-lua-moi-thon-a',
    type: 'festival',
    title_vi: 'Lễ mừng lúa mới thôn A',
    title_en: 'New rice festival of village A',
    description_vi: 'Mô tả bằng tiếng Việt.',
    description_en: 'Description in English.',
    ethnic_groups: 'co-tu',
    district: 'tay-giang',
    commune: '',
    village: '',
    lat: '',
    lon: '',
    recorded_on: '2024-10',
    calendar: 'lunar',
    months: '10;11',
    subjects: '',
    languages: 'vie;ktv',
    rights_uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/',
    rights_holder: '',
    protocol_note_vi: '',
    access: 'public',
    communities: '',
    status: 'draft',
    inventory_element: '',
    document_number: '',
    document_kind: '',
    document_issuer_vi: '',
    document_issuer_en: '',
    document_issued_on: '',
    files: 'anh-1.jpg;ghi-am.m4a',
  };
  return '\uFEFF' + stringify([Object.keys(CSV_COLUMNS), Object.keys(CSV_COLUMNS).map((k) => example[k as keyof typeof CSV_COLUMNS])]);
}
