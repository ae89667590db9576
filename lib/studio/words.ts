/**
 * The studio's words: record statuses, audit actions, version messages,
 * job and coverage states, import fields, and times. Stored data keeps
 * stable English codes (statuses, actions, CSV columns) and UTC instants;
 * people read them through here, so every studio page says the same thing
 * the same way, in Vietnamese, at Vietnamese time.
 */
import type { Role } from '../access/policy';
import type { JobStatus } from '../jobs/queue';
import type { ElementState } from '../catalog/coverage';
import type { RecordStatus } from '../records/schema';
import { readWorkflowMessage, type Transition } from '../records/version-message';
import { isEditorField, readingLabel } from './editor-vocab';

export const STATUS_WORDS: Record<RecordStatus, string> = {
  draft: 'Bản nháp',
  submitted: 'Chờ duyệt',
  published: 'Đã công bố',
  withdrawn: 'Đã rút',
};

export function statusWord(status: string): string {
  return STATUS_WORDS[status as RecordStatus] ?? status;
}

/**
 * Every action written to the audit log (lib/workflow/transitions.ts, the
 * inventory actions). Keyed by Transition, so a new transition fails to
 * compile until it has a word; the words double as the buttons' labels.
 */
export const AUDIT_ACTION_WORDS: Record<Transition | 'create' | 'edit' | 'restore-version' | 'inventory-save' | 'inventory-remove', string> = {
  create: 'Tạo hồ sơ',
  edit: 'Sửa hồ sơ',
  submit: 'Gửi duyệt',
  publish: 'Công bố',
  return: 'Trả lại để sửa',
  withdraw: 'Rút hồ sơ',
  restore: 'Khôi phục công bố',
  'restore-version': 'Khôi phục nội dung phiên bản cũ',
  'inventory-save': 'Lưu mục danh mục di sản',
  'inventory-remove': 'Xóa mục khỏi danh mục di sản',
};

/** The word for an audit action; one written by a newer release shows its code, marked, rather than nothing. */
export function auditActionWord(action: string): string {
  return AUDIT_ACTION_WORDS[action as keyof typeof AUDIT_ACTION_WORDS] ?? `Thao tác khác (${action})`;
}

export function transitionWord(transition: Transition): string {
  return AUDIT_ACTION_WORDS[transition];
}

export const ROLE_WORDS: Record<Role, string> = { admin: 'quản trị', reviewer: 'người duyệt', officer: 'cán bộ văn hóa', researcher: 'nhà nghiên cứu' };

export const JOB_STATE_WORDS: Record<JobStatus, string> = { queued: 'đang chờ', running: 'đang xử lý', done: 'xong', failed: 'lỗi' };

export const COVERAGE_STATE_WORDS: Record<ElementState, string> = { 'not-recorded': 'Chưa ghi', recorded: 'Đã ghi', published: 'Đã công bố' };

/**
 * A version's message in Vietnamese. The repository and the workflow write
 * fixed English messages ("Created", "submit", "return: <comment>",
 * "restore metadata of v2", "Imported from …"); anything else was written
 * for people already (the media actions write Vietnamese) and is kept.
 */
export function versionMessageWords(message: string | undefined): string {
  if (!message) return '';
  if (message === 'Created') return AUDIT_ACTION_WORDS.create;
  if (message === 'Updated') return AUDIT_ACTION_WORDS.edit;
  const workflow = readWorkflowMessage(message);
  if (workflow) return workflow.comment ? `${transitionWord(workflow.transition)}: ${workflow.comment}` : transitionWord(workflow.transition);
  const restored = /^restore metadata of v(\d+)$/.exec(message);
  if (restored) return `Khôi phục nội dung phiên bản ${restored[1]}`;
  const imported = /^(Re-)?[Ii]mported from (.*)$/s.exec(message);
  if (imported) return `${imported[1] ? 'Nhập lại' : 'Nhập'} từ ${imported[2]}`;
  return message;
}

/* ---------- times ---------- */

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

// Fixed formats, built once: the server's own time zone (often UTC) must never decide what an officer reads.
const DATE_TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const DATE_TIME_SECONDS = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const DAY = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });

const instant = (at: string | Date) => (typeof at === 'string' ? new Date(at) : at);

/** "00:30 16/03/2024": an instant as Vietnamese read it, in Vietnam's time. */
export function formatDateTime(at: string | Date, options: { seconds?: boolean } = {}): string {
  return (options.seconds ? DATE_TIME_SECONDS : DATE_TIME).format(instant(at));
}

/** "16/03/2024": the day of an instant in Vietnam. */
export function formatDay(at: string | Date): string {
  return DAY.format(instant(at));
}

/**
 * ISO 8601 with Vietnam's offset ("2024-03-16T00:30:00+07:00"), for CSV
 * files: a spreadsheet reads it as a time, a person reads the local clock.
 * Vietnam has kept UTC+7 without daylight saving since 1975, so the offset
 * is a constant rather than a time-zone lookup.
 */
export function isoInVietnam(at: string | Date): string {
  const shifted = new Date(instant(at).getTime() + 7 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+07:00`;
}

/* ---------- import reports ---------- */

/** Record fields the editor has no control for, named for people reading a diff or an import report. */
export const OTHER_FIELD_WORDS: Record<string, string> = {
  status: 'Trạng thái',
  files: 'Tệp',
  media: 'Tệp gốc',
  poster: 'Ảnh đại diện',
  references: 'Tài liệu tham khảo',
  featured: 'Giới thiệu trên trang chủ',
  publishedAt: 'Ngày công bố',
  places: 'Địa điểm',
  people: 'Người tham gia',
  heldIn: 'Thời gian tổ chức',
  'heldIn.note': 'Ghi chú về thời gian tổ chức',
  document: 'Văn bản',
  nativeText: 'Văn bản bằng tiếng cộng đồng',
  'nativeText.language': 'Ngôn ngữ của văn bản cộng đồng',
  'nativeText.title': 'Tên bằng tiếng cộng đồng',
  'nativeText.text': 'Văn bản bằng tiếng cộng đồng',
};

/** The Vietnamese name of a record field ("title.vi", "places.0.district", "status"), or undefined if it has none. */
export function recordFieldWords(field: string, options: { row?: boolean } = {}): string | undefined {
  if (isEditorField(field)) return readingLabel(field, options);
  return OTHER_FIELD_WORDS[field];
}

/**
 * An import problem's field: the importer names CSV columns ("column
 * description_vi") and schema paths ("access.communities"). Both are shown
 * by the editor's label, with the column kept so the person finds the cell.
 * `columns` is the importer's CSV_COLUMNS (passed in: this module stays free
 * of the importer's file-system code).
 */
export function importFieldWords(field: string, columns: Readonly<Record<string, string>>): string {
  const column = /^column (.+)$/.exec(field)?.[1];
  if (column !== undefined) {
    const target = columns[column];
    // A CSV row describes one place: its columns need no "Địa điểm 1".
    const name = target === undefined ? undefined : recordFieldWords(target, { row: false });
    return name ? `${name} – cột ${column}` : `Cột ${column}`;
  }
  return recordFieldWords(field) ?? field;
}

/**
 * The importer's and the schema's English messages that people meet most, in
 * Vietnamese. Zod's "expected one of …" lists the schema's codes, which mean
 * nothing to an officer: the column's label says what is expected. Messages
 * already in Vietnamese (the studio's own refusals) are kept.
 */
const IMPORT_MESSAGES: [RegExp, string][] = [
  [/^unknown column$/, 'cột không có trong bảng mẫu'],
  [/^could not be read$/, 'không đọc được'],
  [/^Invalid option: expected one of .*$/s, 'giá trị không có trong danh sách cho phép'],
  [/^Invalid input: expected \w+, received undefined$/, 'bắt buộc, chưa điền'],
  [/^Invalid input: expected number, received NaN$/, 'phải là một số'],
  [/^Too small: expected string to have >=1 characters?$/, 'bắt buộc, chưa điền'],
  [/^Too big: expected string to have <=(\d+) characters?$/, 'quá dài (tối đa $1 ký tự)'],
  [/^Too (small|big): expected number to be [<>]=?(-?[\d.]+)$/, 'nằm ngoài khoảng cho phép ($2)'],
  [/^date must be YYYY, YYYY-MM or YYYY-MM-DD$/, 'ngày phải viết dạng năm, năm-tháng hoặc năm-tháng-ngày (vd. 2023, 2023-03, 2023-03-15)'],
  [/^slug must be lower-case ASCII words joined by hyphens$/, 'chỉ gồm chữ thường không dấu, số và gạch ngang'],
  [/^language must be an ISO 639-3 code$/, 'mã ngôn ngữ ISO 639-3 gồm 3 chữ (vd. vie, ktv)'],
  [/^a community-restricted record must name at least one community$/, 'hồ sơ giới hạn theo cộng đồng phải ghi ít nhất một cộng đồng'],
  [/^an English title is needed before publication$/, 'cần tên tiếng Anh trước khi công bố'],
];

export function importMessageWords(message: string): string {
  for (const [pattern, words] of IMPORT_MESSAGES) if (pattern.test(message)) return message.replace(pattern, words);
  return message;
}
