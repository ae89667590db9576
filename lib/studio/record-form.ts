/**
 * The record editor's form ⇄ the record schema. Field names are the schema's
 * own paths ("title.vi", "places.0.district"), so an error from zod lands
 * next to the field it is about, in the editor's language.
 */
import { z } from 'zod';
import { RecordBody, type RecordBody as RecordBodyType, type RecordBodyInput } from '../records/schema';
import { checkRecordVocabulary, type Vocabularies } from '../records/vocabularies';

export type FormErrors = Record<string, string>;
export type Lang = 'vi' | 'en';

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const all = (form: FormData, name: string): string[] => form.getAll(name).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
const num = (form: FormData, name: string): number | undefined => {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value.replace(',', '.'));
};
const list = (value: string | undefined) => (value ?? '').split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);

/** People are typed one per line: "Tên | vai trò, vai trò | đồng ý: có/không, ghi chú". */
function parsePeople(value: string | undefined): unknown[] {
  return (value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, roles, consent] = line.split('|').map((p) => p.trim());
      const [given, ...note] = (consent ?? '').replace(/^đồng ý:\s*/i, '').split(',');
      const consentNote = note.join(',').trim();
      return { name, roles: list(roles), consent: { given: /^(có|yes|x)$/i.test((given ?? '').trim()), ...(consentNote ? { note: consentNote } : {}) } };
    });
}

export function formatPeople(body: Pick<RecordBodyType, 'people'>): string {
  return body.people.map((p) => `${p.name} | ${p.roles.join(', ')} | ${p.consent.given ? 'có' : 'không'}${p.consent.note ? `, ${p.consent.note}` : ''}`).join('\n');
}

export function formToBody(form: FormData): RecordBodyInput {
  const district = text(form, 'places.0.district');
  const months = all(form, 'heldIn.months').map(Number);
  const documentNumber = text(form, 'document.number');
  const protocolVi = text(form, 'rights.protocolNote.vi');
  const body = {
    slug: text(form, 'slug'),
    type: text(form, 'type'),
    title: { vi: text(form, 'title.vi'), en: text(form, 'title.en') },
    alternativeTitles: list(text(form, 'alternativeTitles')),
    description: { vi: text(form, 'description.vi'), en: text(form, 'description.en') },
    ethnicGroups: all(form, 'ethnicGroups'),
    places: district
      ? [{ district, commune: text(form, 'places.0.commune'), village: text(form, 'places.0.village'), lat: num(form, 'places.0.lat'), lon: num(form, 'places.0.lon') }]
      : [],
    recordedOn: text(form, 'recordedOn'),
    heldIn: months.length ? { calendar: text(form, 'heldIn.calendar') ?? 'lunar', months } : undefined,
    subjects: all(form, 'subjects'),
    languages: list(text(form, 'languages')),
    people: parsePeople(text(form, 'people')),
    rights: { uri: text(form, 'rights.uri'), holder: text(form, 'rights.holder'), protocolNote: protocolVi ? { vi: protocolVi, en: text(form, 'rights.protocolNote.en') } : undefined },
    access: { level: text(form, 'access.level') ?? 'public', communities: all(form, 'access.communities') },
    inventoryElement: text(form, 'inventoryElement'),
    document: documentNumber
      ? {
          number: documentNumber,
          kind: text(form, 'document.kind'),
          issuer: { vi: text(form, 'document.issuer.vi'), en: text(form, 'document.issuer.en') },
          issuedOn: text(form, 'document.issuedOn'),
        }
      : undefined,
  };
  return JSON.parse(JSON.stringify(body)) as RecordBodyInput; // drop undefined
}

/** Our own schema messages, in Vietnamese; zod's generic ones come from its Vietnamese locale. */
const VIETNAMESE: Record<string, string> = {
  'slug must be lower-case ASCII words joined by hyphens': 'Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang',
  'rights must be a rightsstatements.org or Creative Commons URI': 'Chọn một tuyên bố quyền (rightsstatements.org hoặc Creative Commons)',
  'a community-restricted record must name at least one community': 'Hồ sơ giới hạn theo cộng đồng phải chọn ít nhất một cộng đồng',
  'date must be YYYY, YYYY-MM or YYYY-MM-DD': 'Ngày theo dạng NNNN, NNNN-TT hoặc NNNN-TT-NN',
  'language must be an ISO 639-3 code': 'Mã ngôn ngữ ISO 639-3 gồm 3 chữ cái (vd. vie, ktv)',
  'a document record needs its number, kind, issuer and date': 'Văn bản cần số hiệu, loại, cơ quan ban hành và ngày ban hành',
  'an English title is needed before publication': 'Cần tên tiếng Anh trước khi công bố',
};

function required(lang: Lang): string {
  return lang === 'vi' ? 'Bắt buộc' : 'Required';
}

export type FormResult = { ok: true; body: RecordBodyType } | { ok: false; errors: FormErrors };

export function validateRecordForm(form: FormData, vocab: Vocabularies, lang: Lang): FormResult {
  const input = formToBody(form);
  const parsed = RecordBody.safeParse(input, lang === 'vi' ? { error: z.locales.vi().localeError } : { error: z.locales.en().localeError });
  const errors: FormErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || 'form';
      const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
      const message = missing ? required(lang) : lang === 'vi' ? (VIETNAMESE[issue.message] ?? issue.message) : issue.message;
      errors[field] ??= message;
    }
    return { ok: false, errors };
  }
  for (const problem of checkRecordVocabulary(parsed.data, vocab)) {
    const [field, message] = problem.split(': ');
    errors[field!] ??= lang === 'vi' ? `Không có trong danh mục: ${message}` : message!;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: parsed.data };
}

/** A record as the editor's form values (the inverse of formToBody). */
export function recordToValues(body: RecordBodyType): Record<string, string[]> {
  const v: Record<string, string[]> = {};
  const set = (k: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') v[k] = [String(value)];
  };
  set('slug', body.slug);
  set('type', body.type);
  set('title.vi', body.title.vi);
  set('title.en', body.title.en);
  set('alternativeTitles', body.alternativeTitles.join('; '));
  set('description.vi', body.description.vi);
  set('description.en', body.description.en);
  v.ethnicGroups = body.ethnicGroups;
  const place = body.places[0];
  set('places.0.district', place?.district);
  set('places.0.commune', place?.commune);
  set('places.0.village', place?.village);
  set('places.0.lat', place?.lat);
  set('places.0.lon', place?.lon);
  set('recordedOn', body.recordedOn);
  set('heldIn.calendar', body.heldIn?.calendar);
  v['heldIn.months'] = (body.heldIn?.months ?? []).map(String);
  v.subjects = body.subjects;
  set('languages', body.languages.join(', '));
  set('people', formatPeople(body));
  set('rights.uri', body.rights.uri);
  set('rights.holder', body.rights.holder);
  set('rights.protocolNote.vi', body.rights.protocolNote?.vi);
  set('rights.protocolNote.en', body.rights.protocolNote?.en);
  set('access.level', body.access.level);
  v['access.communities'] = body.access.communities;
  set('inventoryElement', body.inventoryElement);
  set('document.number', body.document?.number);
  set('document.kind', body.document?.kind);
  set('document.issuer.vi', body.document?.issuer.vi);
  set('document.issuer.en', body.document?.issuer.en);
  set('document.issuedOn', body.document?.issuedOn);
  return v;
}
