/**
 * The record editor's form ⇄ the record schema.
 *
 * Field names are the schema's own paths ("title.vi", "people.2.roles"), so
 * an error from zod lands next to the field it is about.
 *
 * Nothing is lost on save: the form edits the fields in EDITED_FIELDS and
 * represents each of them completely; every other field of the stored
 * record (and any field the schema gains later) is carried over from the
 * stored version the form was made from, never from the browser. The unit
 * test tests/unit/record-form-roundtrip.test.ts proves record → form →
 * record is the identity for every demo record and for generated ones.
 */
import type { z } from 'zod';
import { mayPerform, type Viewer } from '../access/policy';
import { slugify } from '../records/slug';
import { RecordBody, type AccessLevel, type RecordBody as RecordBodyType, type RecordBodyInput } from '../records/schema';
import { checkRecordVocabulary, type Vocabularies } from '../records/vocabularies';
import { FIELD_LABELS, isEditorField, type FieldTemplate } from './editor-vocab';

export type FormValues = Record<string, string[]>;
export type FormErrors = Record<string, string>;
export type Lang = 'vi' | 'en';

/** The fields the editor shows. */
export const EDITED_FIELDS = [
  'slug',
  'type',
  'title',
  'alternativeTitles',
  'description',
  'ethnicGroups',
  'places',
  'recordedOn',
  'heldIn',
  'subjects',
  'languages',
  'people',
  'rights',
  'access',
  'inventoryElement',
  'document',
] as const satisfies readonly (keyof RecordBodyType)[];
type EditedField = (typeof EDITED_FIELDS)[number];
/** Kept from the stored record as they are (status only moves through the workflow's transitions). */
export type CarriedField = Exclude<keyof RecordBodyType, EditedField>;

/* ---------- reading what the browser posted ---------- */

interface Reader {
  /** A trimmed value, undefined when blank. Browsers post line breaks as CRLF: read them as \n. */
  text(name: string): string | undefined;
  /** Every non-blank value of a repeated field (checkboxes), without repeats. */
  all(name: string): string[];
  /** The row numbers present for a repeated group: "people.0.name", "people.3.name" → [0, 3]. */
  rows(group: string): number[];
}

function reader(form: FormData): Reader {
  const clean = (v: FormDataEntryValue) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '');
  return {
    text: (name) => {
      const value = form.get(name);
      return value === null || clean(value) === '' ? undefined : clean(value);
    },
    all: (name) => [...new Set(form.getAll(name).map(clean).filter(Boolean))],
    rows: (group) => {
      const pattern = new RegExp(`^${group}\\.(\\d+)\\.`);
      const found = new Set<number>();
      for (const key of form.keys()) {
        const match = pattern.exec(key);
        if (match) found.add(Number(match[1]));
      }
      return [...found].sort((a, b) => a - b);
    },
  };
}

/** Numbers as people type them: "15,62" is 15.62. Not a number stays NaN, which the schema refuses. */
function toNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value.replace(',', '.'));
}

const pad = (n: string) => n.padStart(2, '0');

/**
 * Dates are typed day first, as Vietnamese write them: 15/3/2023, 3/2023 or
 * 2023 (many recordings are known only by year); an ISO date is read too.
 * Anything else is passed on as typed, for the schema to refuse.
 */
export function parseDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.replace(/\s+/g, '');
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (m) return `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}`;
  m = /^(\d{1,2})[/.-](\d{4})$/.exec(v);
  if (m) return `${m[2]}-${pad(m[1]!)}`;
  return v;
}

/** The schema's YYYY, YYYY-MM, YYYY-MM-DD as the form shows them: yyyy, mm/yyyy, dd/mm/yyyy. */
export function formatDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const [year, month, day] = iso.split('-');
  return [day, month, year].filter(Boolean).join('/');
}

/**
 * Checkboxes post in the page's order; keep the stored order of what is
 * still chosen (the first ethnic group or role may be the main one) and
 * put new choices after it.
 */
function keepOrder(chosen: string[], before: readonly (string | number)[] = []): string[] {
  const previous = before.map(String).filter((v) => chosen.includes(v));
  return [...new Set([...previous, ...chosen])];
}

/** Which form row each item of a repeated field came from, so errors mark the row the person typed in. */
export interface RowMap {
  places: number[];
  people: number[];
}

const PLACE_FIELDS = ['district', 'commune', 'village', 'lat', 'lon'] as const;
const PERSON_FIELDS = ['name', 'ethnicGroup', 'consent.note', 'consent.date'] as const;

/** A row the person left empty, or ticked for removal, is not part of the record. */
function isEmptyRow(r: Reader, prefix: string, fields: readonly string[], lists: readonly string[] = []): boolean {
  if (r.text(`${prefix}.remove`)) return true;
  return fields.every((f) => r.text(`${prefix}.${f}`) === undefined) && lists.every((f) => r.all(`${prefix}.${f}`).length === 0);
}

function readPlaces(r: Reader, rows: number[]): unknown[] {
  return rows.map((i) => ({
    district: r.text(`places.${i}.district`),
    commune: r.text(`places.${i}.commune`),
    village: r.text(`places.${i}.village`),
    lat: toNumber(r.text(`places.${i}.lat`)),
    lon: toNumber(r.text(`places.${i}.lon`)),
  }));
}

function readConsent(r: Reader, prefix: string): { given?: boolean } {
  const given = r.text(`${prefix}.given`);
  return given === 'yes' ? { given: true } : given === 'no' ? { given: false } : {};
}

/** Form row i shows stored person i (rows are only appended or ticked for removal, never renumbered). */
function readPeople(r: Reader, rows: number[], before: RecordBodyInput['people'] = []): unknown[] {
  return rows.map((i) => ({
    name: r.text(`people.${i}.name`),
    roles: keepOrder(r.all(`people.${i}.roles`), before[i]?.roles),
    ethnicGroup: r.text(`people.${i}.ethnicGroup`),
    consent: { ...readConsent(r, `people.${i}.consent`), note: r.text(`people.${i}.consent.note`), date: parseDate(r.text(`people.${i}.consent.date`)) },
  }));
}

/** Both languages of a localized text; absent when the Vietnamese and the English are both blank. */
function localized(r: Reader, prefix: string): { vi?: string; en?: string } | undefined {
  const vi = r.text(`${prefix}.vi`);
  const en = r.text(`${prefix}.en`);
  return vi === undefined && en === undefined ? undefined : { vi, en };
}

function readHeldIn(r: Reader, before: RecordBodyInput['heldIn']): unknown {
  const months = keepOrder(r.all('heldIn.months'), before?.months).map(Number);
  const note = localized(r, 'heldIn.note');
  // The calendar select always has a value: only months or a note make a season.
  if (!months.length && !note) return undefined;
  return { calendar: r.text('heldIn.calendar'), months, note };
}

function readDocument(r: Reader): unknown {
  const doc = {
    number: r.text('document.number'),
    kind: r.text('document.kind'),
    issuer: localized(r, 'document.issuer'),
    issuedOn: parseDate(r.text('document.issuedOn')),
    effectiveFrom: parseDate(r.text('document.effectiveFrom')),
    signer: r.text('document.signer'),
  };
  // Anything typed makes a document, so a missing number is reported rather than the rest silently dropped.
  return Object.values(doc).some((v) => v !== undefined) ? doc : undefined;
}

/** Languages are ticked by name; a code the list lacks may be typed in the same-named text box ("hre, bru"). */
function readLanguages(r: Reader, before: readonly string[] | undefined): string[] {
  const codes = r.all('languages').flatMap((v) => v.split(/[\s,;]+/)).map((v) => v.toLowerCase());
  return keepOrder(codes.filter(Boolean), before);
}

/** The edited fields as posted (unvalidated), with the rows they came from. */
function readEditedFields(r: Reader, base: RecordBodyInput | undefined): { fields: Record<EditedField, unknown>; rows: RowMap } {
  const rows: RowMap = {
    places: r.rows('places').filter((i) => !isEmptyRow(r, `places.${i}`, PLACE_FIELDS)),
    people: r.rows('people').filter((i) => !isEmptyRow(r, `people.${i}`, PERSON_FIELDS, ['roles'])),
  };
  const title = { vi: r.text('title.vi'), en: r.text('title.en') };
  // A new record's address comes from its title unless the person typed one; an existing one keeps its address.
  const slug = r.text('slug') ?? (base === undefined && title.vi ? slugify(title.vi) : undefined);
  const fields: Record<EditedField, unknown> = {
    slug,
    type: r.text('type'),
    title,
    alternativeTitles: (r.text('alternativeTitles') ?? '').split('\n').map((t) => t.trim()).filter(Boolean),
    description: { vi: r.text('description.vi'), en: r.text('description.en') },
    ethnicGroups: keepOrder(r.all('ethnicGroups'), base?.ethnicGroups),
    places: readPlaces(r, rows.places),
    recordedOn: parseDate(r.text('recordedOn')),
    heldIn: readHeldIn(r, base?.heldIn),
    subjects: keepOrder(r.all('subjects'), base?.subjects),
    languages: readLanguages(r, base?.languages),
    people: readPeople(r, rows.people, base?.people),
    rights: { uri: r.text('rights.uri'), holder: r.text('rights.holder'), protocolNote: localized(r, 'rights.protocolNote') },
    // No default level: who may see a record is always the person's explicit choice.
    access: { level: r.text('access.level'), communities: keepOrder(r.all('access.communities'), base?.access.communities) },
    inventoryElement: r.text('inventoryElement'),
    document: readDocument(r),
  };
  return { fields, rows };
}

/** Drops undefined members (a stored JSON record has none); unlike a JSON round trip it keeps NaN for the schema to refuse. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, withoutUndefined(v)]])));
}

/**
 * The record the form describes: the stored record (base) with the edited
 * fields replaced by the form's. Without a base (a new record), the carried
 * fields take the schema's defaults.
 */
function readForm(form: FormData, base?: RecordBodyInput): { input: RecordBodyInput; rows: RowMap } {
  const { fields, rows } = readEditedFields(reader(form), base);
  return { input: withoutUndefined({ ...base, ...fields }) as RecordBodyInput, rows };
}

/* ---------- the record as the form's values ---------- */

/** A record as the editor's form values: exactly what the editor posts back when nothing is changed. */
export function recordToValues(body: RecordBodyType): FormValues {
  const v: FormValues = {};
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') v[name] = [String(value)];
  };
  const list = (name: string, values: readonly (string | number)[]) => {
    if (values.length) v[name] = values.map(String);
  };
  set('slug', body.slug);
  set('type', body.type);
  set('title.vi', body.title.vi);
  set('title.en', body.title.en);
  set('alternativeTitles', body.alternativeTitles.join('\n'));
  set('description.vi', body.description.vi);
  set('description.en', body.description.en);
  list('ethnicGroups', body.ethnicGroups);
  body.places.forEach((p, i) => {
    for (const f of PLACE_FIELDS) set(`places.${i}.${f}`, p[f]);
  });
  set('recordedOn', formatDate(body.recordedOn));
  set('heldIn.calendar', body.heldIn?.calendar);
  list('heldIn.months', body.heldIn?.months ?? []);
  set('heldIn.note.vi', body.heldIn?.note?.vi);
  set('heldIn.note.en', body.heldIn?.note?.en);
  list('subjects', body.subjects);
  list('languages', body.languages);
  body.people.forEach((p, i) => {
    set(`people.${i}.name`, p.name);
    list(`people.${i}.roles`, p.roles);
    set(`people.${i}.ethnicGroup`, p.ethnicGroup);
    set(`people.${i}.consent.given`, p.consent.given ? 'yes' : 'no');
    set(`people.${i}.consent.note`, p.consent.note);
    set(`people.${i}.consent.date`, formatDate(p.consent.date));
  });
  set('rights.uri', body.rights.uri);
  set('rights.holder', body.rights.holder);
  set('rights.protocolNote.vi', body.rights.protocolNote?.vi);
  set('rights.protocolNote.en', body.rights.protocolNote?.en);
  set('access.level', body.access.level);
  list('access.communities', body.access.communities);
  set('inventoryElement', body.inventoryElement);
  set('document.number', body.document?.number);
  set('document.kind', body.document?.kind);
  set('document.issuer.vi', body.document?.issuer.vi);
  set('document.issuer.en', body.document?.issuer.en);
  set('document.issuedOn', formatDate(body.document?.issuedOn));
  set('document.effectiveFrom', formatDate(body.document?.effectiveFrom));
  set('document.signer', body.document?.signer);
  return v;
}

/**
 * The control an error is about: row numbers turned back into the form's,
 * list items ("subjects.2") to their list, objects ("title", "people.0") to
 * their first control. Errors no control shows land on "form".
 */
export function fieldFor(path: readonly PropertyKey[], rows: RowMap): string {
  const parts = path.map(String);
  const group = parts[0] as keyof RowMap;
  if ((group === 'places' || group === 'people') && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    parts[1] = String(rows[group][Number(parts[1])] ?? parts[1]);
  }
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    if (isEditorField(name)) return name;
  }
  const prefix = `${parts.join('.')}.`;
  for (const template of Object.keys(FIELD_LABELS) as FieldTemplate[]) {
    const name = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? template.replace('#', parts[1]) : template;
    if (!name.includes('#') && name.startsWith(prefix)) return name;
  }
  return 'form';
}

/* ---------- messages ---------- */

/** Our schema's own messages, in Vietnamese. */
const SCHEMA_MESSAGES: Record<string, string> = {
  'slug must be lower-case ASCII words joined by hyphens': 'Chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, vd. le-hoi-dam-trau',
  'rights must be a rightsstatements.org or Creative Commons URI': 'Chọn một tuyên bố quyền trong danh sách',
  'a community-restricted record must name at least one community': 'Hồ sơ chỉ dành cho cộng đồng phải chọn ít nhất một cộng đồng',
  'date must be YYYY, YYYY-MM or YYYY-MM-DD': 'Ghi ngày theo dạng ngày/tháng/năm (15/03/2023), tháng/năm (03/2023) hoặc năm (2023)',
  'date must be YYYY-MM-DD': 'Ghi đủ ngày/tháng/năm, vd. 15/03/2023',
  'language must be an ISO 639-3 code': 'Mã ngôn ngữ ISO 639-3 gồm 3 chữ cái, vd. hre',
  'not a vocabulary id': 'Hãy chọn một mục trong danh sách',
  'a document record needs its number, kind, issuer and date': 'Văn bản cần số hiệu, loại, cơ quan ban hành và ngày ban hành',
  'an English title is needed before publication': 'Cần tên tiếng Anh trước khi công bố',
};

type Issue = z.core.$ZodIssue & { input?: unknown };

/**
 * An issue in words an officer understands. Written out per kind of issue
 * rather than taken from zod's locale, which lists raw enum values
 * ("festival"|"ritual"…) and field types.
 */
function vietnamese(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'Bắt buộc';
      return issue.expected === 'number' ? 'Nhập một số, vd. 15.62' : 'Giá trị không hợp lệ';
    case 'invalid_value':
      return issue.input === undefined ? 'Bắt buộc' : 'Hãy chọn một mục trong danh sách';
    case 'too_small':
      if (issue.origin === 'string') return 'Bắt buộc';
      if (issue.origin === 'array' || issue.origin === 'set') return 'Chọn ít nhất một';
      return `Không được nhỏ hơn ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `Dài quá: tối đa ${String(issue.maximum)} ký tự`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Nhiều quá: tối đa ${String(issue.maximum)}`;
      return `Không được lớn hơn ${String(issue.maximum)}`;
    case 'invalid_format':
      return SCHEMA_MESSAGES[issue.message] ?? (issue.format === 'url' ? 'Địa chỉ web không hợp lệ, vd. https://…' : 'Không đúng định dạng');
    default:
      return SCHEMA_MESSAGES[issue.message] ?? 'Giá trị không hợp lệ';
  }
}

function message(issue: Issue, lang: Lang): string {
  if (lang === 'vi') return vietnamese(issue);
  return issue.code === 'invalid_type' && issue.input === undefined ? 'Required' : issue.message;
}

/** Rules the full record schema checks only when the record is stored: told here, next to their field. */
function crossFieldProblems(body: RecordBodyType, lang: Lang): [string, string][] {
  const problems: [string, string][] = [];
  const say = (english: string) => (lang === 'vi' ? SCHEMA_MESSAGES[english]! : english);
  if (body.type === 'document' && !body.document) problems.push(['document.number', say('a document record needs its number, kind, issuer and date')]);
  if (body.status === 'published' && !body.title.en) problems.push(['title.en', say('an English title is needed before publication')]);
  return problems;
}

function vocabularyProblems(body: RecordBodyType, vocab: Vocabularies, lang: Lang): [string, string][] {
  return checkRecordVocabulary(body, vocab).map((problem) => {
    const [path, ...rest] = problem.split(': ');
    const english = rest.join(': ');
    const value = /"([^"]*)"$/.exec(english)?.[1] ?? '';
    return [path!, lang === 'vi' ? `Không có trong danh mục: “${value}”` : english];
  });
}

/** On success, the record and which form row each place and person came from (to place errors found later, on storing). */
export type FormResult = { ok: true; body: RecordBodyType; rows: RowMap } | { ok: false; errors: FormErrors };

/**
 * Reads and checks a posted editor form. `base` is the stored record the
 * form was made from (for an edit): the fields the form does not show are
 * taken from it.
 */
export function validateRecordForm(form: FormData, vocab: Vocabularies, lang: Lang, base?: RecordBodyInput): FormResult {
  const { input, rows } = readForm(form, base);
  const errors: FormErrors = {};
  const mark = (path: readonly PropertyKey[], text: string) => {
    errors[fieldFor(path, rows)] ??= text;
  };
  const parsed = RecordBody.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues as Issue[]) mark(issue.path, message(issue, lang));
    return { ok: false, errors };
  }
  for (const [path, text] of [...crossFieldProblems(parsed.data, lang), ...vocabularyProblems(parsed.data, vocab, lang)]) mark(path.split('.'), text);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: parsed.data, rows };
}

/* ---------- access ---------- */

type AccessChoice = { level: AccessLevel; communities: string[] };

/**
 * The most protective access this person may give a new record: their own
 * communities; without one, signed-in users (a community-restricted record
 * they are not a member of would be hidden from its own maker). Public is
 * never a default: it is always chosen.
 */
export function protectiveAccess(viewer: Viewer): AccessChoice {
  const communities = viewer.kind === 'user' ? viewer.communities : [];
  const registered: AccessChoice = { level: 'registered', communities: [] };
  const candidates: AccessChoice[] = communities.length ? [{ level: 'community', communities: [...communities] }, registered] : [registered];
  // Asked of the policy rather than assumed, so a change to who may restrict what is followed here.
  return candidates.find((access) => mayPerform(viewer, 'create', { access, status: 'draft', rights: { uri: '' } })) ?? registered;
}

/** The form of a new record: protective access, and the defaults most field recordings share. */
export function newRecordValues(viewer: Viewer): FormValues {
  const access = protectiveAccess(viewer);
  return {
    'access.level': [access.level],
    'access.communities': access.communities,
    'heldIn.calendar': ['lunar'],
    'rights.uri': ['http://rightsstatements.org/vocab/InC-EDU/1.0/'],
    languages: ['vie'],
  };
}

/**
 * A restriction that would hide the record from the person saving it (a
 * community they do not belong to): refused here, next to the field, rather
 * than as a bare "forbidden" from the workflow.
 */
export function accessProblem(viewer: Viewer, body: RecordBodyType): FormErrors | undefined {
  if (body.access.level !== 'community' || mayPerform(viewer, 'create', { ...body, status: 'draft' })) return undefined;
  return { 'access.communities': 'Bạn không thuộc cộng đồng nào đã chọn nên sẽ không mở lại được hồ sơ này: hãy chọn cả cộng đồng của bạn' };
}
