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
import { sha512OfStream } from './digest';
import { RecordValidationError } from './errors';
import type { FileInput, RecordRepository } from './repository';
import { LanguageCode, LocalizedText, MEDIA_KINDS, RecordBody, RecordId, type RecordBodyInput } from './schema';
import type { RecordBody as RecordBodyType } from './schema';
import { checkRecordVocabulary, type Vocabularies } from './vocabularies';
import type { VersionUser } from './ocfl';

export interface ImportFile {
  /** Where the file is on disk. */
  path: string;
  /** Name inside the record (files/<name>); the file's own name by default. */
  name: string;
  kind?: (typeof MEDIA_KINDS)[number];
  label?: z.input<typeof LocalizedText>;
  language?: string;
  of?: string;
}

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

export interface ImportOptions {
  vocab: Vocabularies;
  user: VersionUser;
  /** Check and report, write nothing. */
  dryRun?: boolean;
  /** Whether the importing person may write this record: a problem (field, message) if not. */
  authorize?: (body: RecordBodyType) => { field: string; message: string } | undefined;
  onOutcome?: (outcome: ImportOutcome) => void;
}

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
    return { source, body: undefined, files: [], fieldNames: () => `record.json (${(error as Error).message})` };
  }
  const spec = FolderRecord.safeParse(raw);
  const { id, files: fileSpecs, ...body } = spec.success ? spec.data : { id: undefined, files: undefined };
  let files: ImportFile[];
  if (fileSpecs) {
    files = fileSpecs.map((f) => ({ ...f, path: path.join(folder, f.name) }));
  } else {
    // Without a list, every other file in the folder (and in files/) is an original of the record.
    const names = [
      ...(await fs.readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && e.name !== 'record.json').map((e) => e.name),
      ...(await fs.readdir(path.join(folder, 'files')).catch(() => [] as string[])).map((n) => `files/${n}`),
    ].sort();
    files = names.map((n) => ({ path: path.join(folder, n), name: path.basename(n) }));
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

/** One item per data row; row numbers count the header as row 1, as spreadsheets do. */
export async function* readCsv(csvFile: string): AsyncGenerator<ImportItem> {
  const dir = path.dirname(csvFile);
  const parser = createReadStream(csvFile).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, trim: false, relax_column_count: false }));
  let row = 1;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row++;
      const unknown = Object.keys(record).filter((c) => !(c in CSV_COLUMNS));
      const item: ImportItem = {
        source: `${path.basename(csvFile)} row ${row}`,
        body: rowToBody(record),
        files: list(record.files).map((f) => ({ path: path.resolve(dir, f), name: path.basename(f) })),
        fieldNames: csvColumnFor,
      };
      if (unknown.length) item.body = { ...(item.body as object), __unknownColumns: unknown };
      yield item;
    }
  } catch (error) {
    yield { source: `${path.basename(csvFile)} row ${row + 1}`, body: undefined, files: [], fieldNames: () => `CSV (${(error as Error).message})` };
  }
}

export async function importItems(repository: RecordRepository, items: AsyncIterable<ImportItem>, options: ImportOptions): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  for await (const item of items) {
    const outcome = await importOne(repository, item, options).catch((error: unknown) => {
      if (error instanceof RecordValidationError) {
        return { source: item.source, status: 'invalid' as const, problems: error.issues.map((i) => ({ field: name(item, i.path), message: i.message })) };
      }
      throw error;
    });
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

function name(item: ImportItem, field: string): string {
  return item.fieldNames ? item.fieldNames(field) : field || 'record';
}

async function importOne(repository: RecordRepository, item: ImportItem, options: ImportOptions): Promise<ImportOutcome> {
  const problems: ImportOutcome['problems'] = [];
  if (item.body === undefined) return { source: item.source, status: 'invalid', problems: [{ field: name(item, ''), message: 'could not be read' }] };
  const { __unknownColumns, ...rawBody } = item.body as { __unknownColumns?: string[] };
  for (const column of __unknownColumns ?? []) problems.push({ field: `column ${column}`, message: 'unknown column' });
  const parsed = RecordBody.safeParse(rawBody);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ field: name(item, issue.path.map(String).join('.')), message: issue.message });
  } else {
    const refusal = options.authorize?.(parsed.data);
    if (refusal) problems.push({ field: name(item, refusal.field), message: refusal.message });
    for (const problem of checkRecordVocabulary(parsed.data, options.vocab)) {
      const [field, ...message] = problem.split(': ');
      problems.push({ field: name(item, field!), message: message.join(': ') });
    }
  }

  const files: (FileInput & { path: string; digest: string })[] = [];
  const names = new Set(item.files.map((f) => f.name.normalize('NFC')));
  for (const file of item.files) {
    const field = name(item, 'files');
    const sniffed = await sniffFile(file.path).catch(() => null);
    if (sniffed === null) {
      problems.push({ field, message: `${file.name}: file not found at ${file.path}` });
      continue;
    }
    if (!sniffed || sniffed.kind === 'other') {
      problems.push({ field, message: `${file.name}: not a kind of file the archive keeps (photo, audio, video, PDF, captions or text)` });
      continue;
    }
    const mismatch = nameContentMismatch(file.name, sniffed);
    if (mismatch) {
      problems.push({ field, message: `${file.name}: ${mismatch}` });
      continue;
    }
    if (file.of && !names.has(file.of.normalize('NFC'))) problems.push({ field, message: `${file.name}: belongs to ${file.of}, which is not among the record's files` });
    const { digest } = await sha512OfStream(createReadStream(file.path));
    files.push({
      path: file.path,
      digest,
      name: file.name,
      contentType: sniffed.mime,
      kind: file.kind ?? sniffed.kind,
      label: file.label,
      language: file.language,
      of: file.of,
      body: Buffer.alloc(0), // opened only when written
    });
  }
  if (problems.length || !parsed.success) return { source: item.source, status: 'invalid', slug: parsed.data?.slug, problems };

  const body = parsed.data;
  const existingId = await repository.idForSlug(body.slug);
  const existing = existingId ? await repository.get(existingId) : undefined;
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
  const changedFiles = files.filter((f) => {
    const old = current.media.find((m) => m.path === `files/${f.name.normalize('NFC')}`);
    return !old || old.digest !== f.digest || old.kind !== f.kind || JSON.stringify(old.label) !== JSON.stringify(f.label ? LocalizedText.parse(f.label) : undefined);
  });
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
