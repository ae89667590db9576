/**
 * The studio's words: statuses, audit actions, version messages and import
 * fields in Vietnamese, and times in Vietnam's time zone whatever the
 * server's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '@/lib/records/importer';
import { RECORD_STATUSES } from '@/lib/records/schema';
import {
  AUDIT_ACTION_WORDS,
  STATUS_WORDS,
  auditActionWord,
  formatDateTime,
  formatDay,
  importFieldWords,
  importMessageWords,
  isoInVietnam,
  statusWord,
  versionMessageWords,
} from '@/lib/studio/words';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow, type Actor } from '@/lib/workflow/transitions';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const ENUM_LIKE = /^[a-z-]+$/;

describe('status and audit words', () => {
  it('has a Vietnamese word for every status', () => {
    for (const status of RECORD_STATUSES) {
      expect(statusWord(status)).toBe(STATUS_WORDS[status]);
      expect(statusWord(status)).not.toMatch(ENUM_LIKE);
    }
    expect(Object.values(STATUS_WORDS)).toEqual(['Bản nháp', 'Chờ duyệt', 'Đã công bố', 'Đã rút']);
  });

  it('has a distinct Vietnamese word for every audit action', () => {
    const words = Object.values(AUDIT_ACTION_WORDS);
    expect(new Set(words).size).toBe(words.length);
    for (const [action, word] of Object.entries(AUDIT_ACTION_WORDS)) {
      expect(word, action).not.toMatch(ENUM_LIKE);
      expect(auditActionWord(action)).toBe(word);
    }
    // An action from a newer release is still shown, marked as unknown rather than passed off as a word.
    expect(auditActionWord('reindex')).toBe('Thao tác khác (reindex)');
  });

  describe('the actions the workflow actually writes', () => {
    let temp: TempArchive;
    beforeEach(async () => {
      temp = await tempArchive();
    });
    afterEach(async () => temp.cleanup());

    it('all have words', async () => {
      const audit = new AuditLog(temp.store);
      const workflow = new Workflow(temp.records, audit);
      const actor = (roles: ('officer' | 'reviewer')[]): Actor => ({ name: roles[0]!, viewer: { kind: 'user', id: roles[0]!, roles, communities: [] } });
      const officer = actor(['officer']);
      const reviewer = actor(['reviewer']);
      let r = await workflow.create(officer, { body: sampleBody() });
      const id = r.record.id;
      r = await workflow.edit(officer, id, { expectedVersion: r.head, body: sampleBody({ title: { vi: 'Tên mới' } }) });
      r = await workflow.restoreVersion(officer, id, 1, r.head);
      r = await workflow.transition(officer, id, 'submit', r.head);
      r = await workflow.transition(reviewer, id, 'return', r.head, 'Thiếu ảnh');
      r = await workflow.transition(officer, id, 'submit', r.head);
      r = await workflow.transition(reviewer, id, 'publish', r.head);
      r = await workflow.transition(reviewer, id, 'withdraw', r.head, 'Cộng đồng yêu cầu');
      r = await workflow.transition(reviewer, id, 'restore', r.head);
      const actions = new Set<string>();
      for await (const e of audit.events()) actions.add(e.action);
      expect(actions.size).toBe(8);
      for (const action of [...actions, 'inventory-save', 'inventory-remove']) expect(auditActionWord(action), action).not.toMatch(/^Thao tác khác/);
      // And every version message reads in Vietnamese.
      expect(r.versions.map((v) => versionMessageWords(v.message))).toEqual([
        'Tạo hồ sơ',
        'Sửa hồ sơ',
        'Khôi phục nội dung phiên bản 1',
        'Gửi duyệt',
        'Trả lại để sửa: Thiếu ảnh',
        'Gửi duyệt',
        'Công bố',
        'Rút hồ sơ: Cộng đồng yêu cầu',
        'Khôi phục công bố',
      ]);
    });
  });

  it('says import messages in Vietnamese and leaves other version messages as written', () => {
    expect(versionMessageWords('Imported from vd.csv row 3')).toBe('Nhập từ vd.csv row 3');
    expect(versionMessageWords('Re-imported from vd.csv row 3')).toBe('Nhập lại từ vd.csv row 3');
    expect(versionMessageWords('Bỏ tệp a.jpg khỏi phiên bản mới')).toBe('Bỏ tệp a.jpg khỏi phiên bản mới');
    expect(versionMessageWords(undefined)).toBe('');
  });
});

describe('times in Asia/Ho_Chi_Minh', () => {
  const zone = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'UTC'; // a server in UTC (containers, most clouds) must still show Vietnamese time
  });
  afterEach(() => {
    process.env.TZ = zone;
  });

  it('shows a UTC instant late in the evening as the next day in Vietnam', () => {
    expect(formatDateTime('2024-03-15T17:30:00.000Z')).toBe('00:30 16/03/2024');
    expect(formatDateTime(new Date('2024-12-31T18:05:09Z'), { seconds: true })).toBe('01:05:09 01/01/2025');
    expect(formatDay('2024-12-31T18:00:00.000Z')).toBe('01/01/2025');
    expect(formatDay('2024-12-31T16:59:59.000Z')).toBe('31/12/2024');
  });

  it('writes ISO times with the +07:00 offset for spreadsheets', () => {
    expect(isoInVietnam('2024-03-15T17:30:00.000Z')).toBe('2024-03-16T00:30:00+07:00');
  });
});

describe('import problems', () => {
  it('names CSV columns and schema fields by the editor’s Vietnamese labels', () => {
    expect(importFieldWords('column description_vi', CSV_COLUMNS)).toBe('Mô tả (tiếng Việt) – cột description_vi');
    expect(importFieldWords('column district', CSV_COLUMNS)).toBe('Huyện (cũ) – cột district');
    expect(importFieldWords('column status', CSV_COLUMNS)).toBe('Trạng thái – cột status');
    expect(importFieldWords('column files', CSV_COLUMNS)).toBe('Tệp – cột files');
    expect(importFieldWords('column gio_to_chuc', CSV_COLUMNS)).toBe('Cột gio_to_chuc');
    expect(importFieldWords('access.communities', CSV_COLUMNS)).toBe('Cộng đồng được xem');
    expect(importFieldWords('people.1.roles', CSV_COLUMNS)).toBe('Người tham gia 2 – Vai trò');
    expect(importFieldWords('CSV (Invalid Record Length)', CSV_COLUMNS)).toBe('CSV (Invalid Record Length)');
  });

  it('says the importer’s English words in Vietnamese and never lists enum values', () => {
    expect(importMessageWords('unknown column')).toBe('cột không có trong bảng mẫu');
    expect(importMessageWords('could not be read')).toBe('không đọc được');
    expect(importMessageWords('Invalid option: expected one of "festival"|"ritual"|"custom"')).toBe('giá trị không có trong danh sách cho phép');
    expect(importMessageWords('Invalid input: expected string, received undefined')).toBe('bắt buộc, chưa điền');
    const vietnamese = 'chỉ thành viên của các cộng đồng này mới ghi hồ sơ cho họ / only members of these communities may record for them';
    expect(importMessageWords(vietnamese)).toBe(vietnamese);
  });
});
