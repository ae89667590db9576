/**
 * Imports records from a folder (record.json beside its files) or from a CSV
 * with one record per row and file paths relative to the CSV. Every problem
 * is reported by record and field (or CSV row and column) before anything is
 * written; a record is matched to an earlier import by its slug, and
 * importing the same thing twice creates no new version.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { nameContentMismatch, sniffFile } from '../media/sniff';
import { KeyedSerializer, mapConcurrent } from './concurrency';
import { sha512OfStream } from './digest';
import { RecordValidationError } from './errors';
import type { FileInput, RecordRepository, StoredRecord } from './repository';
import { LanguageCode, LocalizedText, MEDIA_KINDS, RecordBody, RecordId, Slug, type RecordBodyInput } from './schema';
import type { HeritageRecord, RecordBody as RecordBodyType } from './schema';
import { checkRecordVocabulary, type Vocabularies } from './vocabularies';
import type { VersionUser } from './ocfl';

/**
 * Where an import file is. A trusted caller (the demo seed) names a path; a
 * list written by a person (a CSV's files column, a record.json) names an
 * entry that must stay inside the folder it came with: the unpacked zip, or
 * the import folder. Entries are never resolved anywhere else.
 */
export type ImportFileSource = { path: string } | { within: string; entry: string };

export type ImportFile = ImportFileSource & {
  /** Name inside the record (files/<name>); the file's own name by default. */
  name: string;
  kind?: (typeof MEDIA_KINDS)[number];
  label?: z.input<typeof LocalizedText>;
  language?: string;
  of?: string;
};

export interface ImportItem {
  /** Where the item came from, for messages: a folder, or "file.csv row 4". */
  source: string;
  body: unknown;
  files: ImportFile[];
  /** A fixed id for a new record (demo content); otherwise a new random id. */
  id?: string;
  /** Maps schema field paths to the names the author used (CSV columns), for messages. */
  fieldNames?: (field: string) => string;
}

export type ImportStatus = 'created' | 'updated' | 'unchanged' | 'invalid';

export interface ImportOutcome {
  source: string;
  status: ImportStatus;
  slug?: string;
  id?: string;
  version?: number;
  problems: { field: string; message: string }[];
}

export interface ImportProblem {
  field: string;
  message: string;
}

/**
 * What a person importing may touch (the studio); the operator's CLI and the
 * demo seed import without it. Rows are then decided as the editor decides.
 */
export interface ImportAccess {
  /**
   * Whether this person may edit the record under `id`. False when they may
   * not edit it and when they may not even see it: the importer words both
   * the same, so a hidden record's slug reads like any other slug they cannot
   * use. Only the decision is asked for: the record written over is always
   * the repository's own, never a copy shaped for a viewer.
   */
  mayEdit(id: string): Promise<boolean>;
  /** A problem if this person may not write `body`, as a new record or over `current`. */
  mayWrite(body: RecordBodyType, current: HeritageRecord | undefined): ImportProblem | undefined;
}

export interface ImportOptions {
  vocab: Vocabularies;
  user: VersionUser;
  /** Check and report, write nothing. */
  dryRun?: boolean;
  access?: ImportAccess;
  /** Told of each outcome, in the order of the items. */
  onOutcome?: (outcome: ImportOutcome) => void;
  /** Items imported at once (DEFAULT_IMPORT_CONCURRENCY by default; 1 imports one at a time). */
  concurrency?: number;
}

/**
 * Writing a record is a dozen small create-only writes, each waiting for an
 * fsync (or an S3 round trip): one record at a time leaves the disk idle
 * most of the time. Every record is its own object, so records in flight do
 * not contend; items that could touch the same record still run in order
 * (see recordKeys).
 */
export const DEFAULT_IMPORT_CONCURRENCY = 4;

/**
 * A file that is missing and one that is refused (outside the folder, a link,
 * not a regular file) read the same, so a message never tells what exists on
 * the server; nor does it show a server path.
 */
export const FILE_NOT_SENT = 'tệp không có trong tệp zip hoặc thư mục đã gửi / file is not among the files sent (the zip or folder)';
/** A slug owned by a record the person may not edit, or may not see: one wording for both. */
export const SLUG_UNUSABLE = 'không dùng được địa chỉ (slug) này: nó thuộc một hồ sơ bạn không sửa được / this slug cannot be used: it belongs to a record you may not edit';

/** The per-file description a folder's record.json may carry. */
const FolderFileSpec = z.object({
  name: z.string().min(1),
  kind: z.enum(MEDIA_KINDS).optional(),
  label: LocalizedText.optional(),
  language: LanguageCode.optional(),
  of: z.string().min(1).optional(),
});
const FolderRecord = z.looseObject({ id: RecordId.optional(), files: z.array(FolderFileSpec).optional() });

/** A folder holding record.json, or a folder of such folders. */
export async function* readFolder(folder: string): AsyncGenerator<ImportItem> {
  const direct = path.join(folder, 'record.json');
  if (await exists(direct)) {
    yield await readRecordFolder(folder);
    return;
  }
  const entries = (await fs.readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const sub = path.join(folder, entry.name);
    if (await exists(path.join(sub, 'record.json'))) yield await readRecordFolder(sub);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function readRecordFolder(folder: string): Promise<ImportItem> {
  const source = path.join(folder, 'record.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(source, 'utf8'));
  } catch (error) {
    // A JSON syntax error helps the author; a file-system error would only show a server path.
    const why = error instanceof SyntaxError ? error.message : 'không đọc được / could not be read';
    return { source, body: undefined, files: [], fieldNames: () => `record.json (${why})` };
  }
  const spec = FolderRecord.safeParse(raw);
  const { id, files: fileSpecs, ...body } = spec.success ? spec.data : { id: undefined, files: undefined };
  let files: ImportFile[];
  if (fileSpecs) {
    files = fileSpecs.map((f) => ({ ...f, within: folder, entry: f.name }));
  } else {
    // Without a list, every other file in the folder (and in files/) is an original of the record.
    // Links are listed too, so that they are reported (and refused) rather than silently skipped.
    const notFolders = (dir: string) =>
      fs.readdir(dir, { withFileTypes: true }).then(
        (entries) => entries.filter((e) => !e.isDirectory()).map((e) => e.name),
        () => [] as string[],
      );
    const names = [...(await notFolders(folder)).filter((n) => n !== 'record.json'), ...(await notFolders(path.join(folder, 'files'))).map((n) => `files/${n}`)].sort();
    files = names.map((n) => ({ within: folder, entry: n, name: path.basename(n) }));
  }
  return { source, body: spec.success ? body : raw, files, id };
}

/** CSV columns and the record fields they fill. Lists use ";" between values. */
export const CSV_COLUMNS = {
  slug: 'slug',
  type: 'type',
  title_vi: 'title.vi',
  title_en: 'title.en',
  description_vi: 'description.vi',
  description_en: 'description.en',
  ethnic_groups: 'ethnicGroups',
  district: 'places.0.district',
  commune: 'places.0.commune',
  village: 'places.0.village',
  lat: 'places.0.lat',
  lon: 'places.0.lon',
  recorded_on: 'recordedOn',
  calendar: 'heldIn.calendar',
  months: 'heldIn.months',
  subjects: 'subjects',
  languages: 'languages',
  rights_uri: 'rights.uri',
  rights_holder: 'rights.holder',
  protocol_note_vi: 'rights.protocolNote.vi',
  access: 'access.level',
  communities: 'access.communities',
  status: 'status',
  inventory_element: 'inventoryElement',
  document_number: 'document.number',
  document_kind: 'document.kind',
  document_issuer_vi: 'document.issuer.vi',
  document_issuer_en: 'document.issuer.en',
  document_issued_on: 'document.issuedOn',
  files: 'files',
} as const;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
const blank = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
const number = (value: string | undefined) => (blank(value) === undefined ? undefined : Number(value!.replace(',', '.')));

function rowToBody(row: Record<string, string>): RecordBodyInput {
  const place = blank(row.district)
    ? [{ district: row.district!.trim(), commune: blank(row.commune), village: blank(row.village), lat: number(row.lat), lon: number(row.lon) }]
    : [];
  const document = blank(row.document_number)
    ? {
        number: row.document_number!.trim(),
        kind: blank(row.document_kind),
        issuer: { vi: blank(row.document_issuer_vi), en: blank(row.document_issuer_en) },
        issuedOn: blank(row.document_issued_on),
      }
    : undefined;
  const body = {
    slug: blank(row.slug),
    type: blank(row.type),
    title: { vi: blank(row.title_vi), en: blank(row.title_en) },
    description: { vi: blank(row.description_vi), en: blank(row.description_en) },
    ethnicGroups: list(row.ethnic_groups),
    places: place,
    recordedOn: blank(row.recorded_on),
    heldIn: blank(row.months) ? { calendar: blank(row.calendar) ?? 'lunar', months: list(row.months).map(Number) } : undefined,
    subjects: list(row.subjects),
    languages: list(row.languages),
    rights: { uri: blank(row.rights_uri), holder: blank(row.rights_holder), protocolNote: blank(row.protocol_note_vi) ? { vi: row.protocol_note_vi!.trim() } : undefined },
    access: { level: blank(row.access) ?? 'public', communities: list(row.communities) },
    status: blank(row.status),
    inventoryElement: blank(row.inventory_element),
    document,
  };
  return JSON.parse(JSON.stringify(body)) as RecordBodyInput; // drops undefined fields
}

function csvColumnFor(field: string): string {
  let best: string | undefined;
  for (const [column, target] of Object.entries(CSV_COLUMNS)) {
    if ((field === target || field.startsWith(`${target}.`)) && (!best || target.length > CSV_COLUMNS[best as keyof typeof CSV_COLUMNS].length)) best = column;
  }
  return best ? `column ${best}` : field;
}

/**
 * One item per data row; row numbers count the header as row 1, as spreadsheets do.
 * The files column names entries of `filesIn` (the unpacked zip; the CSV's own folder by default).
 */
export async function* readCsv(csvFile: string, options: { filesIn?: string } = {}): AsyncGenerator<ImportItem> {
  const within = options.filesIn ?? path.dirname(csvFile);
  const parser = createReadStream(csvFile).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, trim: false, relax_column_count: false }));
  let row = 1;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row++;
      const unknown = Object.keys(record).filter((c) => !(c in CSV_COLUMNS));
      const item: ImportItem = {
        source: `${path.basename(csvFile)} row ${row}`,
        body: rowToBody(record),
        files: list(record.files).map((entry) => ({ within, entry, name: path.basename(entry.normalize('NFC')) })),
        fieldNames: csvColumnFor,
      };
      if (unknown.length) item.body = { ...(item.body as object), __unknownColumns: unknown };
      yield item;
    }
  } catch (error) {
    yield { source: `${path.basename(csvFile)} row ${row + 1}`, body: undefined, files: [], fieldNames: () => `CSV (${csvErrorText(error)})` };
  }
}

/** The parser's own words about a malformed CSV help the person; a file-system error would show a server path. */
function csvErrorText(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('CSV_') ? (error as Error).message : 'không đọc được / could not be read';
}

/**
 * Imports items, several at once (options.concurrency), reporting outcomes
 * in item order. An error other than a validation problem stops the import:
 * no new item starts, the ones already running finish (each record is
 * written whole or not at all), and the error is thrown.
 */
export async function importItems(repository: RecordRepository, items: AsyncIterable<ImportItem>, options: ImportOptions): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const sameRecord = new KeyedSerializer();
  // Keys are found as items are read, one after the other, so items sharing a key queue in item order.
  async function* keyed() {
    for await (const item of items) yield { item, keys: await recordKeys(repository, item) };
  }
  const work = mapConcurrent(keyed(), options.concurrency ?? DEFAULT_IMPORT_CONCURRENCY, ({ item, keys }) =>
    sameRecord.run(keys, () => importOrReport(repository, item, options)),
  );
  for await (const outcome of work) {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

async function importOrReport(repository: RecordRepository, item: ImportItem, options: ImportOptions): Promise<ImportOutcome> {
  try {
    return await importOne(repository, item, options);
  } catch (error) {
    if (error instanceof RecordValidationError) {
      return { source: item.source, status: 'invalid' as const, problems: error.issues.map((i) => ({ field: name(item, i.path), message: i.message })) };
    }
    throw error;
  }
}

/**
 * What an item may write to, for running items that share any of it in
 * order, as a sequential import would: its slug (two rows creating one slug
 * would both claim it), the record the slug points to now (a renamed
 * record's old slug and its new one lead to the same record), and a fixed
 * id. A slug the item cannot use is left to importOne to report.
 */
async function recordKeys(repository: RecordRepository, item: ImportItem): Promise<string[]> {
  const keys = item.id ? [`id:${item.id}`] : [];
  const slug = (item.body as { slug?: unknown } | undefined)?.slug;
  if (typeof slug !== 'string' || !Slug.safeParse(slug).success) return keys;
  const owner = await repository.idForSlug(slug);
  return [...keys, `slug:${slug}`, ...(owner ? [`id:${owner}`] : [])];
}

function name(item: ImportItem, field: string): string {
  return item.fieldNames ? item.fieldNames(field) : field || 'record';
}

/** A file that passed every check, ready to be stored. */
type CheckedFile = FileInput & { path: string };

async function importOne(repository: RecordRepository, item: ImportItem, options: ImportOptions): Promise<ImportOutcome> {
  const problems: ImportProblem[] = [];
  if (item.body === undefined) return { source: item.source, status: 'invalid', problems: [{ field: name(item, ''), message: 'could not be read' }] };
  const { __unknownColumns, ...rawBody } = item.body as { __unknownColumns?: string[] };
  for (const column of __unknownColumns ?? []) problems.push({ field: `column ${column}`, message: 'unknown column' });
  const parsed = RecordBody.safeParse(rawBody);
  let existing: StoredRecord | undefined;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ field: name(item, issue.path.map(String).join('.')), message: issue.message });
  } else {
    const target = await findExisting(repository, parsed.data.slug, options.access);
    if (target === 'unusable') problems.push({ field: name(item, 'slug'), message: SLUG_UNUSABLE });
    else existing = target;
    const refusal = options.access?.mayWrite(parsed.data, existing?.record);
    if (refusal) problems.push({ field: name(item, refusal.field), message: refusal.message });
    for (const problem of checkRecordVocabulary(parsed.data, options.vocab)) {
      const [field, ...message] = problem.split(': ');
      problems.push({ field: name(item, field!), message: message.join(': ') });
    }
  }
  const files = await checkFiles(item, problems);
  if (problems.length || !parsed.success) return { source: item.source, status: 'invalid', slug: parsed.data?.slug, problems };

  const body = parsed.data;
  if (!existing) {
    if (options.dryRun) return { source: item.source, status: 'created', slug: body.slug, problems };
    const created = await repository.create({
      id: item.id,
      body,
      files: files.map((f) => ({ ...f, body: createReadStream(f.path) })),
      user: options.user,
      message: `Imported from ${path.basename(item.source)}`,
    });
    return { source: item.source, status: 'created', slug: body.slug, id: created.record.id, version: created.head, problems };
  }

  const current = existing.record;
  const changedFiles: CheckedFile[] = [];
  for (const f of files) {
    const old = current.media.find((m) => m.path === `files/${f.name.normalize('NFC')}`);
    const described = old && old.kind === f.kind && JSON.stringify(old.label) === JSON.stringify(f.label ? LocalizedText.parse(f.label) : undefined);
    // Hashed only when nothing cheaper tells a change: a new record's files are hashed once, as they are stored.
    if (!described || (await sha512OfStream(createReadStream(f.path))).digest !== old.digest) changedFiles.push(f);
  }
  const bodyChanged = JSON.stringify(RecordBody.parse(current)) !== JSON.stringify(body);
  if (!bodyChanged && changedFiles.length === 0) {
    return { source: item.source, status: 'unchanged', slug: body.slug, id: current.id, version: existing.head, problems };
  }
  if (options.dryRun) return { source: item.source, status: 'updated', slug: body.slug, id: current.id, problems };
  const updated = await repository.update(current.id, {
    expectedVersion: existing.head,
    body,
    addFiles: changedFiles.map((f) => ({ ...f, body: createReadStream(f.path) })),
    user: options.user,
    message: `Re-imported from ${path.basename(item.source)}`,
  });
  return {
    source: item.source,
    status: updated.head === existing.head ? 'unchanged' : 'updated',
    slug: body.slug,
    id: current.id,
    version: updated.head,
    problems,
  };
}

/**
 * The record a row's slug already belongs to (an earlier import of it), or
 * undefined for a new record. For a person importing, a record they may not
 * edit, or may not see, is 'unusable': the two must not be told apart.
 */
async function findExisting(repository: RecordRepository, slug: string, access: ImportAccess | undefined): Promise<StoredRecord | 'unusable' | undefined> {
  const id = await repository.idForSlug(slug);
  const stored = id ? await repository.get(id) : undefined;
  if (!stored || !access) return stored;
  return (await access.mayEdit(stored.record.id)) ? stored : 'unusable';
}

/** Sniffs each of the item's files, adding a problem for each one that cannot be imported. */
async function checkFiles(item: ImportItem, problems: ImportProblem[]): Promise<CheckedFile[]> {
  const files: CheckedFile[] = [];
  const field = name(item, 'files');
  const names = new Set(item.files.map((f) => f.name.normalize('NFC')));
  for (const file of item.files) {
    const shown = shownName(file);
    const where = 'path' in file ? file.path : await confinedPath(file.within, file.entry);
    const sniffed = where === undefined ? null : await sniffFile(where).catch(() => null);
    if (where === undefined || sniffed === null) {
      problems.push({ field, message: `${shown}: ${FILE_NOT_SENT}` });
      continue;
    }
    if (!sniffed || sniffed.kind === 'other') {
      problems.push({ field, message: `${shown}: not a kind of file the archive keeps (photo, audio, video, PDF, captions or text)` });
      continue;
    }
    const mismatch = nameContentMismatch(file.name, sniffed);
    if (mismatch) {
      problems.push({ field, message: `${shown}: ${mismatch}` });
      continue;
    }
    if (file.of && !names.has(file.of.normalize('NFC'))) problems.push({ field, message: `${shown}: belongs to ${file.of}, which is not among the record's files` });
    files.push({
      path: where,
      name: file.name,
      contentType: sniffed.mime,
      kind: file.kind ?? sniffed.kind,
      label: file.label,
      language: file.language,
      of: file.of,
      body: Buffer.alloc(0), // opened only when written
    });
  }
  return files;
}

/** How a file is named in messages: as the person wrote it (never where the server looked), kept short and printable. */
function shownName(file: ImportFile): string {
  const raw = 'entry' in file ? file.entry : file.name;
  const printable = raw.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}

/**
 * Where an entry named by a person lies inside `within`, or undefined when it
 * may not be read: an absolute name, a `..` step, a link anywhere below
 * `within`, or anything but a regular file. The caller words all of these
 * like a missing file.
 */
export async function confinedPath(within: string, entry: string): Promise<string | undefined> {
  const name = entry.normalize('NFC');
  if (!isPlainRelativeName(name)) return undefined;
  const root = await fs.realpath(within).catch(() => undefined);
  if (root === undefined) return undefined;
  const lexical = path.join(root, name);
  if (!lexical.startsWith(root + path.sep)) return undefined;
  // The real path equals the lexical one only when no link was followed on the way.
  const real = await fs.realpath(lexical).catch(() => undefined);
  if (real !== lexical) return undefined;
  const stat = await fs.lstat(real).catch(() => undefined);
  return stat?.isFile() ? real : undefined;
}

/** A name relative to its folder that cannot step out of it: no root, drive, backslash, NUL or `..`. */
function isPlainRelativeName(name: string): boolean {
  return name !== '' && !name.includes('\0') && !name.includes('\\') && !path.isAbsolute(name) && !/^[a-zA-Z]:/.test(name) && !name.split('/').includes('..');
}
