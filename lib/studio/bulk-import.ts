/**
 * Bulk import from the studio: a CSV (the template's columns) and a zip of
 * the files it names. The files are staged in DATA_DIR/imports/<id>/, a dry
 * run reports every problem by row and column, and the import runs from the
 * same staging when the person confirms. Re-running changes nothing.
 *
 * Everything here is hostile until checked (issue #11): the permission is
 * checked before a byte reaches the disk; the zip is read within limits
 * (entries, total size, compression ratio) and its entries must be plain
 * files with plain names; the CSV may name only entries of that zip; and a
 * row that reaches an existing record passes the editor's decision.
 *
 * Staging layout (the person's entries are kept apart from ours, so a zip
 * entry can never stand in for the CSV, the owner or the report):
 *   imports/<id>/owner.json    who staged it: only they may run or read it
 *   imports/<id>/records.csv   the CSV as uploaded
 *   imports/<id>/files/…       the zip's entries
 *   imports/<id>/report.json   the last run's outcomes
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { stringify } from 'csv-stringify/sync';
import yauzl from 'yauzl';
import { mayPerform, type Viewer } from '../access/policy';
import { readVisible } from '../access/reader';
import type { Archive } from '../archive';
import { CSV_COLUMNS, importItems, readCsv, type ImportAccess, type ImportOutcome, type ImportProblem } from '../records/importer';
import type { HeritageRecord, RecordBody } from '../records/schema';

export interface ImportReport {
  id: string;
  dryRun: boolean;
  at: string;
  actor: string;
  outcomes: ImportOutcome[];
}

export interface ImportActor {
  name: string;
  viewer: Viewer;
}

/**
 * A refusal whose message is safe to show the person as it is: Vietnamese,
 * then English after " / ", never a server path or a stack. Anything else
 * thrown from here is a fault of ours and is shown as a generic message.
 */
export class ImportRefused extends Error {
  override name = 'ImportRefused';
}

/** How much a zip may hold. The total unpacked size is the upload limit (config.uploadMaxBytes). */
export const ZIP_LIMITS = {
  /** Entries, folders included: a bulk import of a thousand records with a few files each fits. */
  entries: 5_000,
  /** Unpacked : packed. Real media hardly compress; a bomb compresses a thousandfold. */
  ratio: 100,
  /** The ratio applies to entries larger than this: small text files may compress well. */
  ratioFrom: 1024 * 1024,
} as const;

/** A CSV of metadata: generous for tens of thousands of rows, small enough to parse in one go. */
const MAX_CSV_BYTES = 50 * 1024 * 1024;

const STAGING_ID = /^[0-9a-f]{16}$/;
const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

function stagingDir(archive: Archive, id: string): string {
  if (!STAGING_ID.test(id)) throw new ImportRefused(NO_SUCH_IMPORT);
  return path.join(archive.config.dataDir, 'imports', id);
}
const filesDir = (dir: string) => path.join(dir, 'files');

const NO_SUCH_IMPORT = 'Không tìm thấy lần nhập này / No such import';
const MAY_NOT_IMPORT = 'Bạn không nhập được hồ sơ / You may not import records';

function assertMayImport(viewer: Viewer): void {
  if (!mayPerform(viewer, 'create')) throw new ImportRefused(MAY_NOT_IMPORT);
}

/* ------------------------------------------------------------------ staging */

/**
 * Checks the actor may import, then writes the CSV and unpacks the zip into a
 * new staging folder; returns its id. Refused or failed, nothing is left.
 */
export async function stageImport(archive: Archive, actor: ImportActor, csv: File, zip: File | undefined): Promise<string> {
  assertMayImport(actor.viewer); // before anything touches the disk
  if (csv.size > MAX_CSV_BYTES) throw new ImportRefused(`Tệp CSV lớn quá ${mb(MAX_CSV_BYTES)} / The CSV is larger than ${mb(MAX_CSV_BYTES)}`);
  const zipMax = archive.config.uploadMaxBytes;
  if (zip && zip.size > zipMax) throw new ImportRefused(zipTooLarge(zipMax));

  const id = randomBytes(8).toString('hex');
  const dir = stagingDir(archive, id);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await fs.mkdir(dir);
  try {
    await fs.writeFile(path.join(dir, 'owner.json'), JSON.stringify({ viewer: viewerKey(actor.viewer), name: actor.name }), { flag: 'wx' });
    await saveUpload(csv, path.join(dir, 'records.csv'), MAX_CSV_BYTES, `Tệp CSV lớn quá ${mb(MAX_CSV_BYTES)} / The CSV is larger than ${mb(MAX_CSV_BYTES)}`);
    await fs.mkdir(filesDir(dir));
    if (zip && zip.size > 0) {
      const zipPath = path.join(dir, 'upload.zip');
      await saveUpload(zip, zipPath, zipMax, zipTooLarge(zipMax));
      await unpackZip(zipPath, filesDir(dir), { ...ZIP_LIMITS, totalBytes: archive.config.uploadMaxBytes });
      await fs.rm(zipPath);
    }
    return id;
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const zipTooLarge = (max: number) => `Tệp zip lớn quá ${mb(max)} / The zip is larger than ${mb(max)}`;

/** Streams an uploaded file to `target`, counting bytes as they come rather than trusting the declared size. */
async function saveUpload(file: File, target: string, maxBytes: number, tooLarge: string): Promise<void> {
  const source = Readable.fromWeb(file.stream() as unknown as NodeReadableStream<Uint8Array>);
  await pipeline(source, byteLimit(maxBytes, () => new ImportRefused(tooLarge)), createWriteStream(target, { flags: 'wx' }));
}

/** A pass-through stream that fails (with the error `refuse` makes) once more than `maxBytes` have gone through it. */
function byteLimit(maxBytes: number, refuse: (seen: number) => Error, onBytes?: (n: number) => Error | undefined): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) return callback(refuse(seen));
      const stop = onBytes?.(chunk.length);
      if (stop) return callback(stop);
      callback(null, chunk);
    },
  });
}

/* ---------------------------------------------------------------- the zip */

interface ZipLimits {
  entries: number;
  ratio: number;
  ratioFrom: number;
  /** Unpacked bytes over all entries. */
  totalBytes: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

const zipRefusal = {
  unreadable: 'Không đọc được tệp zip (tệp hỏng, có mật khẩu hoặc không phải zip) / The zip could not be read (damaged, encrypted or not a zip)',
  tooMany: (n: number) => `Tệp zip có hơn ${n} mục / The zip has more than ${n} entries`,
  tooLarge: (max: number) => `Các tệp trong zip giải nén ra lớn hơn ${mb(max)} / The zip's files come to more than ${mb(max)} unpacked`,
  ratio: (name: string, ratio: number) => `Tệp zip có mục nén bất thường (${name} nén hơn ${ratio} lần) / The zip has an entry compressed more than ${ratio}:1 (${name})`,
  unsafeName: (name: string) => `Tệp zip có tên tệp không an toàn (${name}) / The zip names a file unsafely (${name})`,
  link: (name: string) => `Tệp zip chứa liên kết hoặc tệp đặc biệt (${name}); chỉ nhận tệp thường / The zip holds a link or special file (${name}); only plain files are accepted`,
  duplicate: (name: string) => `Tệp zip có hai mục cùng tên (${name}) / The zip has two entries named ${name}`,
  damaged: (name: string) => `Tệp zip bị hỏng: kích thước của ${name} không đúng / The zip is damaged: ${name} is not the size it says`,
};

/** An entry name as it may appear in a message: the person's own, short and printable. */
function shown(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 120 ? `${printable.slice(0, 120)}…` : printable;
}

/**
 * Unpacks the zip into `dir` in two passes. The first reads only the central
 * directory and refuses the zip before anything is written (too many entries,
 * unsafe names, links, declared sizes or ratios over the limits); the second
 * streams each entry, counting the bytes really inflated, because a header
 * may lie.
 */
async function unpackZip(zipFile: string, dir: string, limits: ZipLimits): Promise<void> {
  await inspectZip(zipFile, limits);
  const budget = { left: limits.totalBytes };
  await forEachEntry(zipFile, limits, async (zip, entry) => {
    const target = entryTarget(dir, entry);
    if (isFolder(entry)) {
      await fs.mkdir(target, { recursive: true });
      return;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await pipeline(await zip.openReadStreamPromise(entry), inflatedLimit(entry, limits, budget), createWriteStream(target, { flags: 'wx' }));
  });
}

/** The first pass: every entry's name, type and declared sizes, before anything is unpacked. */
async function inspectZip(zipFile: string, limits: ZipLimits): Promise<void> {
  let declared = 0;
  const names = new Set<string>();
  await forEachEntry(zipFile, limits, (_zip, entry) => {
    const name = entryName(entry);
    if (names.has(name)) throw new ImportRefused(zipRefusal.duplicate(shown(name)));
    names.add(name);
    if (isFolder(entry)) return;
    declared += entry.uncompressedSize;
    if (declared > limits.totalBytes) throw new ImportRefused(zipRefusal.tooLarge(limits.totalBytes));
    if (overRatio(entry.uncompressedSize, entry.compressedSize, limits)) throw new ImportRefused(zipRefusal.ratio(shown(name), limits.ratio));
  });
}

/**
 * Calls `visit` for each entry in order, after the checks both passes share
 * (count, name, type, encryption). yauzl's own refusals (its name checks,
 * damaged structures) become our wording: its messages are English.
 */
async function forEachEntry(zipFile: string, limits: ZipLimits, visit: (zip: yauzl.ZipFile, entry: yauzl.Entry) => void | Promise<void>): Promise<void> {
  const zip = await yauzl.openPromise(zipFile, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }).catch((error: unknown) => {
    throw ourWords(error);
  });
  try {
    // The count is in the end-of-central-directory record: refuse before reading a single entry.
    if (zip.entryCount > limits.entries) throw new ImportRefused(zipRefusal.tooMany(limits.entries));
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => reject(ourWords(error));
      zip.on('error', fail);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        Promise.resolve()
          .then(() => checkEntry(entry))
          .then(() => visit(zip, entry))
          .then(() => zip.readEntry(), fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** What every entry must be, whatever its size: a plain name, a plain file or folder, not encrypted. */
function checkEntry(entry: yauzl.Entry): void {
  const name = entryName(entry);
  if (!isPlainEntryName(name)) throw new ImportRefused(zipRefusal.unsafeName(shown(entry.fileName)));
  // Unix zips keep the file type in the high 16 bits; zips from other systems leave them 0 (a plain file).
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw new ImportRefused(zipRefusal.link(shown(name)));
  if (entry.isEncrypted()) throw new ImportRefused(zipRefusal.unreadable);
}

const entryName = (entry: yauzl.Entry) => entry.fileName.normalize('NFC');
const isFolder = (entry: yauzl.Entry) => entry.fileName.endsWith('/');

/** Relative, forward slashes, no `..`, no NUL: the same rule the importer applies to the files column. */
function isPlainEntryName(name: string): boolean {
  return name !== '' && !name.includes('\0') && !name.includes('\\') && !name.startsWith('/') && !/^[a-zA-Z]:/.test(name) && !name.split('/').includes('..');
}

/** Where an entry lands; the name was checked already, and this checks the result once more (zip slip). */
function entryTarget(dir: string, entry: yauzl.Entry): string {
  const target = path.resolve(dir, entryName(entry));
  if (!target.startsWith(dir + path.sep)) throw new ImportRefused(zipRefusal.unsafeName(shown(entry.fileName)));
  return target;
}

function overRatio(unpacked: number, packed: number, limits: ZipLimits): boolean {
  return unpacked > limits.ratioFrom && unpacked > limits.ratio * Math.max(packed, 1);
}

/**
 * Counts the bytes an entry really inflates to: more than it declared (yauzl
 * checks this too), more than the whole zip may unpack to, or a ratio over
 * the limit stops the stream at once.
 */
function inflatedLimit(entry: yauzl.Entry, limits: ZipLimits, budget: { left: number }): Transform {
  const name = shown(entryName(entry));
  let seen = 0;
  return byteLimit(
    entry.uncompressedSize,
    () => new ImportRefused(zipRefusal.damaged(name)),
    (n) => {
      seen += n;
      budget.left -= n;
      if (budget.left < 0) return new ImportRefused(zipRefusal.tooLarge(limits.totalBytes));
      if (overRatio(seen, entry.compressedSize, limits)) return new ImportRefused(zipRefusal.ratio(name, limits.ratio));
      return undefined;
    },
  );
}

/** Our refusals pass through; yauzl's name checks and anything else become a message safe to show. */
function ourWords(error: unknown): Error {
  if (error instanceof ImportRefused) return error;
  const message = error instanceof Error ? error.message : '';
  const unsafe = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message);
  if (unsafe) return new ImportRefused(zipRefusal.unsafeName(shown(unsafe[1]!)));
  if (/^too many bytes in the stream|^not enough bytes in the stream/.test(message)) return new ImportRefused(zipRefusal.damaged('một mục / an entry'));
  return new ImportRefused(zipRefusal.unreadable);
}

/* ----------------------------------------------------------- owner, run, report */

/** Who staged an import: a user's id (anonymous people cannot import at all). */
function viewerKey(viewer: Viewer): string | undefined {
  return viewer.kind === 'user' ? viewer.id : undefined;
}

/** A staging folder belongs to whoever staged it; to anyone else it reads as if it did not exist. */
async function isOwner(dir: string, viewer: Viewer): Promise<boolean> {
  const key = viewerKey(viewer);
  if (key === undefined) return false;
  try {
    const owner = JSON.parse(await fs.readFile(path.join(dir, 'owner.json'), 'utf8')) as { viewer?: unknown };
    return owner.viewer === key;
  } catch {
    return false;
  }
}

export async function runImport(archive: Archive, actor: ImportActor, id: string, dryRun: boolean): Promise<ImportReport> {
  assertMayImport(actor.viewer);
  const dir = stagingDir(archive, id);
  if (!(await isOwner(dir, actor.viewer))) throw new ImportRefused(NO_SUCH_IMPORT);
  const outcomes = await importItems(archive.records, readCsv(path.join(dir, 'records.csv'), { filesIn: filesDir(dir) }), {
    vocab: archive.vocab,
    user: { name: actor.name },
    dryRun,
    access: importAccess(archive, actor.viewer),
  });
  const report: ImportReport = { id, dryRun, at: new Date().toISOString(), actor: actor.name, outcomes };
  await fs.writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
  return report;
}

/** The editor's decisions, for rows: who may reach an existing record, and what a row may make of it. */
function importAccess(archive: Archive, viewer: Viewer): ImportAccess {
  return {
    async mayEdit(id) {
      // The editor's own decision; "hidden" and "visible but not editable" both come back false.
      return (await readVisible(archive.records, viewer, id, 'edit')).ok;
    },
    mayWrite: (body, current) => writeProblem(viewer, body, current),
  };
}

const ONLY_MEMBERS: ImportProblem = {
  field: 'access.communities',
  message: 'chỉ thành viên của các cộng đồng này mới ghi hồ sơ cho họ / only members of these communities may record for them',
};

/**
 * Whether the viewer may write `body` (as a new record, or over `current`):
 * its access must admit them as a creator (and, over a record, as its editor,
 * so no one restricts a record away from themselves), and its status may
 * only move where they could move it by hand.
 */
function writeProblem(viewer: Viewer, body: RecordBody, current: HeritageRecord | undefined): ImportProblem | undefined {
  if (!mayPerform(viewer, 'create', body)) return ONLY_MEMBERS;
  if (current && !mayPerform(viewer, 'edit', { ...body, status: current.status })) return ONLY_MEMBERS;
  return statusProblem(viewer, body, current);
}

/**
 * Officers import drafts and submissions; publishing, withdrawing and taking a
 * published record back stay with reviewers and admins, as in the workflow.
 */
function statusProblem(viewer: Viewer, body: RecordBody, current: HeritageRecord | undefined): ImportProblem | undefined {
  const from = current?.status;
  const to = body.status;
  if (from === to) return undefined;
  const refused = { field: 'status', message: `chỉ người duyệt mới nhập được hồ sơ ở trạng thái ${to} / only reviewers may import records as ${to}` };
  if (to === 'published' && !mayPerform(viewer, 'publish', { ...body, status: 'submitted' })) return refused;
  const unpublishing = to === 'withdrawn' || from === 'published';
  if (unpublishing && !mayPerform(viewer, 'withdraw', { ...(current ?? body), status: 'published' })) return refused;
  return undefined;
}

/** The last run's report, for the person who staged the import only. */
export async function readReport(archive: Archive, id: string, viewer: Viewer): Promise<ImportReport | undefined> {
  if (!STAGING_ID.test(id)) return undefined;
  const dir = stagingDir(archive, id);
  if (!(await isOwner(dir, viewer))) return undefined;
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'report.json'), 'utf8')) as ImportReport;
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
