/**
 * The record editor's words: its fields' labels, and the vocabularies as
 * option lists, in Vietnamese. Free of server code, so the editor (a client
 * component) and the server's form checks share one set of labels.
 */
// Types only: this module is part of the editor's browser bundle, which should not carry the schema.
import type { AccessLevel, PersonRole } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';

export interface Option {
  id: string;
  label: string;
}

/**
 * Every control of the editor, by name ("#" stands for a row number), with
 * its Vietnamese label. The editor labels its controls from here and error
 * messages name fields from here, so the two cannot disagree.
 */
export const FIELD_LABELS = {
  'title.vi': 'Tên (tiếng Việt)',
  'title.en': 'Tên (tiếng Anh)',
  slug: 'Đường dẫn (chữ không dấu, gạch ngang)',
  type: 'Loại hồ sơ',
  alternativeTitles: 'Tên khác (mỗi tên một dòng)',
  'description.vi': 'Mô tả (tiếng Việt)',
  'description.en': 'Mô tả (tiếng Anh)',
  ethnicGroups: 'Cộng đồng',
  'places.#.district': 'Huyện (cũ)',
  'places.#.commune': 'Xã',
  'places.#.village': 'Thôn, làng',
  'places.#.lat': 'Vĩ độ',
  'places.#.lon': 'Kinh độ',
  recordedOn: 'Ngày ghi (ngày/tháng/năm, tháng/năm hoặc năm)',
  'heldIn.calendar': 'Lịch',
  'heldIn.months': 'Tổ chức vào tháng',
  'heldIn.note.vi': 'Ghi chú về thời gian tổ chức (tiếng Việt)',
  'heldIn.note.en': 'Ghi chú về thời gian tổ chức (tiếng Anh)',
  subjects: 'Chủ đề',
  languages: 'Ngôn ngữ',
  'people.#.name': 'Họ tên',
  'people.#.roles': 'Vai trò',
  'people.#.ethnicGroup': 'Cộng đồng của người này',
  'people.#.consent.given': 'Đồng ý công bố tên',
  'people.#.consent.note': 'Ghi chú về sự đồng ý (cách, lúc nào)',
  'people.#.consent.date': 'Ngày đồng ý (ngày/tháng/năm)',
  inventoryElement: 'Thuộc danh mục di sản',
  'rights.uri': 'Tuyên bố quyền',
  'rights.holder': 'Chủ sở hữu quyền',
  'rights.protocolNote.vi': 'Quy ước của cộng đồng (tiếng Việt)',
  'rights.protocolNote.en': 'Quy ước của cộng đồng (tiếng Anh)',
  'access.level': 'Ai được xem',
  'access.communities': 'Cộng đồng được xem (khi giới hạn theo cộng đồng)',
  'document.number': 'Số hiệu văn bản',
  'document.kind': 'Loại văn bản',
  'document.issuer.vi': 'Cơ quan ban hành',
  'document.issuer.en': 'Cơ quan ban hành (tiếng Anh)',
  'document.issuedOn': 'Ngày ban hành (ngày/tháng/năm)',
  'document.effectiveFrom': 'Ngày có hiệu lực (ngày/tháng/năm)',
  'document.signer': 'Người ký',
} as const;
export type FieldTemplate = keyof typeof FIELD_LABELS;

const templateOf = (name: string) => name.replace(/^(places|people)\.\d+\./, '$1.#.');

/** Whether the editor has a control (and an error slot) of this name. */
export function isEditorField(name: string): boolean {
  return templateOf(name) in FIELD_LABELS;
}

/** The label of a control; for a row's control, without the row (its fieldset names the row). */
export function label(name: string): string {
  return FIELD_LABELS[templateOf(name) as FieldTemplate] ?? 'Hồ sơ';
}

/** "people.1.roles" → "Người tham gia 2 – Vai trò": what a person reads in the list of problems. */
export function fieldLabel(name: string): string {
  const row = /^(places|people)\.(\d+)\./.exec(name);
  return row ? `${row[1] === 'people' ? 'Người tham gia' : 'Địa điểm'} ${Number(row[2]) + 1} – ${label(name)}` : label(name);
}

/**
 * Labels for reading rather than typing. An editor label may say how to type
 * the value ("mỗi tên một dòng", "ngày/tháng/năm"); a version diff or an
 * import report only needs the field's name, so these fields get a short one.
 */
const READING_LABELS: Partial<Record<FieldTemplate, string>> = {
  slug: 'Đường dẫn',
  alternativeTitles: 'Tên khác',
  recordedOn: 'Ngày ghi',
  'people.#.consent.date': 'Ngày đồng ý',
  'access.communities': 'Cộng đồng được xem',
  'document.issuedOn': 'Ngày ban hành',
  'document.effectiveFrom': 'Ngày có hiệu lực',
};

/**
 * fieldLabel without typing hints: "recordedOn" → "Ngày ghi", "places.0.district"
 * → "Địa điểm 1 – Huyện (cũ)"; without the row when there is only ever one
 * (a CSV row has one place): "Huyện (cũ)".
 */
export function readingLabel(name: string, options: { row?: boolean } = {}): string {
  const full = options.row === false ? label(name) : fieldLabel(name);
  const short = READING_LABELS[templateOf(name) as FieldTemplate];
  return short ? full.replace(label(name), short) : full;
}

/**
 * Every role of the schema, in Vietnamese. Typed as a record over PersonRole
 * so that a role added to the schema fails to compile until it has a label.
 */
export const ROLE_LABELS: Record<PersonRole, string> = {
  recorder: 'Người ghi hình, ghi âm',
  performer: 'Nghệ nhân trình diễn',
  elder: 'Già làng',
  informant: 'Người kể, cung cấp thông tin',
  translator: 'Người dịch',
  photographer: 'Người chụp ảnh',
  researcher: 'Nhà nghiên cứu',
  author: 'Tác giả',
};

/** Who may see a record, most protective first; public says plainly what it means. */
export const ACCESS_CHOICES: (Option & { id: AccessLevel; explanation: string })[] = [
  {
    id: 'community',
    label: 'Chỉ cộng đồng được chọn',
    explanation: 'Chỉ thành viên các cộng đồng đánh dấu bên dưới (và quản trị viên) xem được. Nên chọn cho nghi lễ, lời khấn, tri thức thiêng.',
  },
  {
    id: 'registered',
    label: 'Người dùng đã đăng nhập',
    explanation: 'Cán bộ và nhà nghiên cứu có tài khoản xem được; khách vãng lai không thấy.',
  },
  {
    id: 'public',
    label: 'Công khai cho mọi người',
    explanation: 'Bất kỳ ai trên Internet cũng xem được, kể cả qua tìm kiếm, bản đồ và dữ liệu chia sẻ cho thư viện khác. Chỉ chọn khi cộng đồng và những người có mặt đã đồng ý.',
  },
];

export const RIGHTS: Option[] = [
  { id: 'http://rightsstatements.org/vocab/InC-EDU/1.0/', label: 'Có bản quyền – được dùng cho giáo dục (InC-EDU)' },
  { id: 'http://rightsstatements.org/vocab/InC/1.0/', label: 'Có bản quyền (InC)' },
  { id: 'https://creativecommons.org/licenses/by-nc/4.0/', label: 'CC BY-NC 4.0' },
  { id: 'https://creativecommons.org/licenses/by/4.0/', label: 'CC BY 4.0' },
  { id: 'https://creativecommons.org/publicdomain/mark/1.0/', label: 'Phạm vi công cộng (văn bản pháp luật)' },
];

/**
 * Languages offered by name, stored as ISO 639-3 codes. The communities'
 * languages come from the ethnic-group vocabulary (its `language` codes);
 * these add Vietnamese, English and the Giẻ Triêng group, whose entry has
 * no single code (Giẻ/Jeh and Triêng/Talieng are separate ISO languages).
 */
const EXTRA_LANGUAGES: Option[] = [
  { id: 'vie', label: 'tiếng Việt' },
  { id: 'jeh', label: 'tiếng Giẻ (Giẻ Triêng)' },
  { id: 'tdf', label: 'tiếng Triêng (Giẻ Triêng)' },
  { id: 'eng', label: 'tiếng Anh (English)' },
];

export function languageOptions(vocab: Vocabularies): Option[] {
  const fromGroups = vocab.ethnicGroups.flatMap((g) => (g.language ? [{ id: g.language, label: `tiếng ${g.name.vi}` }] : []));
  const [vietnamese, ...rest] = EXTRA_LANGUAGES;
  const all = [vietnamese!, ...fromGroups, ...rest];
  return all.filter((o, i) => all.findIndex((other) => other.id === o.id) === i);
}

export function editorVocab(vocab: Vocabularies) {
  return {
    types: vocab.recordTypes.map((t) => ({ id: t.id, label: t.label.vi })),
    groups: vocab.ethnicGroups.map((g) => ({ id: g.id, label: g.name.vi })),
    districts: vocab.districts.map((d) => ({ id: d.id, label: d.name.vi })),
    subjects: vocab.subjects.map((s) => ({ id: s.id, label: s.label.vi })),
    inventory: vocab.inventory.map((e) => ({ id: e.id, label: e.name.vi })),
    documentKinds: vocab.documentKinds.map((k) => ({ id: k.id, label: k.label.vi })),
    languages: languageOptions(vocab),
    roles: (Object.keys(ROLE_LABELS) as PersonRole[]).map((id) => ({ id, label: ROLE_LABELS[id] })),
  };
}
export type EditorVocab = ReturnType<typeof editorVocab>;

/** The place picker's map: tiles from the settings, the districts as landmarks. */
export function editorMap(vocab: Vocabularies, settings: { tileUrl: string; attribution: string }) {
  return { ...settings, districts: vocab.districts.map((d) => ({ id: d.id, name: d.name.vi, lat: d.lat, lon: d.lon })) };
}
