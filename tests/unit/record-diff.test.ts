/**
 * The version diff a reviewer reads: Vietnamese field labels, long text as a
 * word diff, media by file name, access and status in words — never raw
 * JSON or the schema's enum values.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeritageRecord, type HeritageRecordInput, type MediaEntry } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { diffRecord, recordValueWords, summarizeChange, type FieldChange } from '@/lib/studio/record-diff';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(import.meta.dirname, '..', '..', 'content'));
const words = recordValueWords(vocab);

const media = (name: string, kind: MediaEntry['kind'] = 'image', digest = 'a'): MediaEntry => ({
  path: `files/${name}`,
  kind,
  digest: digest.repeat(128).slice(0, 128),
  size: 1000,
  type: kind === 'image' ? 'image/jpeg' : 'video/mp4',
});

const record = (overrides: Partial<HeritageRecordInput> = {}): HeritageRecord =>
  HeritageRecord.parse({ ...sampleBody(), id: 'abcd2345', ...overrides } satisfies HeritageRecordInput);

const LONG_VI =
  'Lễ hội lớn nhất trong năm của làng Cơ Tu, tổ chức sau mùa gặt để tạ ơn thần linh. Cả làng dựng cây nêu giữa sân gươl, đánh chiêng trống và múa tân tung da dá suốt đêm.';

/** Everything a change would show a person, as one string. */
function shown(changes: FieldChange[]): string {
  return changes.map((c) => `${c.label} ${summarizeChange(c)} ${JSON.stringify(c)}`).join('\n');
}

describe('record diff', () => {
  it('finds nothing between equal records', () => {
    expect(diffRecord(record(), record(), words)).toEqual([]);
  });

  it('labels fields in Vietnamese, from the editor’s labels, in the order of the form', () => {
    const changes = diffRecord(record(), record({ title: { vi: 'Lễ hội đâm trâu', en: 'Buffalo festival' }, recordedOn: '2023' }), words);
    expect(changes.map((c) => c.label)).toEqual(['Tên (tiếng Việt)', 'Tên (tiếng Anh)', 'Ngày ghi']);
    expect(changes[0]).toMatchObject({ kind: 'value', before: 'Lễ hội đâm trâu của người Cơ Tu', after: 'Lễ hội đâm trâu' });
    // A partial date reads the way the form takes it; nothing was there before.
    expect(changes[2]).toMatchObject({ kind: 'value', before: undefined, after: '2023' });
  });

  it('shows a changed long description as a word diff, eliding long unchanged runs', () => {
    const before = record({ description: { vi: LONG_VI } });
    const after = record({ description: { vi: LONG_VI.replace('tạ ơn thần linh', 'tạ ơn Giàng').replace('suốt đêm', 'suốt ba ngày đêm') } });
    const [change, ...rest] = diffRecord(before, after, words);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: 'text', field: 'description.vi', label: 'Mô tả (tiếng Việt)' });
    if (change?.kind !== 'text') throw new Error('expected a text change');
    const removed = change.parts.filter((p) => p.change === 'removed').map((p) => p.text.trim());
    const added = change.parts.filter((p) => p.change === 'added').map((p) => p.text.trim());
    // Punctuation is a word of its own: the full stop after the edit is unchanged.
    expect(removed).toEqual(['thần linh']);
    expect(added).toEqual(['Giàng', 'ba ngày']);
    // The long stretch between the two edits is shortened around an ellipsis, not repeated whole.
    const same = change.parts.filter((p) => p.change === 'same').map((p) => p.text).join('');
    expect(same).toContain('…');
    expect(same).not.toContain('dựng cây nêu giữa sân gươl');
  });

  it('names media added, removed and reordered by file name, and the poster by name', () => {
    const before = record({ media: [media('a.jpg'), media('b.jpg', 'image', 'b'), media('c.mp4', 'video', 'c')], poster: 'files/a.jpg' });
    const after = record({ media: [media('c.mp4', 'video', 'c'), media('a.jpg'), media('d.jpg', 'image', 'd')], poster: 'files/d.jpg' });
    const changes = diffRecord(before, after, words);
    expect(changes.find((c) => c.kind === 'media')).toEqual({
      kind: 'media',
      field: 'media',
      label: 'Tệp gốc',
      added: ['d.jpg'],
      removed: ['b.jpg'],
      replaced: [],
      relabelled: [],
      order: ['c.mp4', 'a.jpg', 'd.jpg'],
    });
    expect(changes.find((c) => c.field === 'poster')).toMatchObject({ kind: 'value', label: 'Ảnh đại diện', before: 'a.jpg', after: 'd.jpg' });
    expect(shown(changes)).not.toContain('files/');
    expect(shown(changes)).not.toMatch(/[0-9a-f]{20}/); // no digests
  });

  it('reports a reorder alone, and no order when only additions follow the old order', () => {
    const two = [media('a.jpg'), media('b.jpg', 'image', 'b')];
    expect(diffRecord(record({ media: two }), record({ media: [...two].reverse() }), words)).toEqual([
      { kind: 'media', field: 'media', label: 'Tệp gốc', added: [], removed: [], replaced: [], relabelled: [], order: ['b.jpg', 'a.jpg'] },
    ]);
    const [added] = diffRecord(record({ media: two }), record({ media: [...two, media('c.jpg', 'image', 'c')] }), words);
    expect(added).toMatchObject({ added: ['c.jpg'], order: undefined });
  });

  it('says access, status, type and vocabularies in words, never as the schema’s values', () => {
    const before = record({ status: 'submitted', type: 'festival', ethnicGroups: ['co-tu'], access: { level: 'public', communities: [] }, places: [{ district: 'nam-giang' }] });
    const after = record({
      status: 'draft',
      type: 'ritual',
      ethnicGroups: ['co-tu', 'xo-dang'],
      access: { level: 'community', communities: ['co-tu'] },
      places: [{ district: 'tay-giang' }],
      people: [{ name: 'Bríu Pố', roles: ['elder'], consent: { given: true } }],
      heldIn: { calendar: 'lunar', months: [1, 2] },
      featured: true,
    });
    const changes = diffRecord(before, after, words);
    const byField = Object.fromEntries(changes.map((c) => [c.field, c]));
    expect(byField.type).toMatchObject({ label: 'Loại hồ sơ', before: 'Lễ hội', after: 'Nghi lễ' });
    expect(byField.status).toMatchObject({ label: 'Trạng thái', before: 'Chờ duyệt', after: 'Bản nháp' });
    expect(byField['access.level']).toMatchObject({ before: 'Công khai cho mọi người', after: 'Chỉ cộng đồng được chọn' });
    expect(byField['access.communities']).toMatchObject({ kind: 'list', added: ['Cơ Tu'], removed: [] });
    expect(byField.ethnicGroups).toMatchObject({ kind: 'list', label: 'Cộng đồng', added: ['Xơ Đăng'], removed: [] });
    expect(byField['places.0.district']).toMatchObject({ label: 'Địa điểm 1 – Huyện (cũ)', before: 'Nam Giang (cũ)', after: 'Tây Giang (cũ)' });
    expect(byField.people).toMatchObject({ kind: 'list', label: 'Người tham gia', added: ['Bríu Pố (Già làng; đồng ý công bố tên)'] });
    expect(byField['heldIn.calendar']).toMatchObject({ after: 'Âm lịch' });
    expect(byField['heldIn.months']).toMatchObject({ added: ['tháng 1', 'tháng 2'] });
    expect(byField.featured).toMatchObject({ before: 'Không', after: 'Có' });
    const text = changes.map((c) => summarizeChange(c)).join('\n');
    for (const raw of ['festival', 'ritual', 'submitted', 'draft', 'community', 'public', 'co-tu', 'xo-dang', 'nam-giang', 'elder', 'lunar', 'true', 'false', '{', '[', '"']) {
      expect(text).not.toContain(raw);
    }
  });

  it('compares rows field by field when their number stays, and by summary when rows come and go', () => {
    const two = [{ district: 'nam-giang', village: 'Làng A' }, { district: 'tay-giang' }];
    const edited = diffRecord(record({ places: two }), record({ places: [two[0]!, { district: 'tay-giang', commune: 'A Tiêng' }] }), words);
    expect(edited).toEqual([{ kind: 'value', field: 'places.1.commune', label: 'Địa điểm 2 – Xã', before: undefined, after: 'A Tiêng' }]);
    const dropped = diffRecord(record({ places: two }), record({ places: [two[1]!] }), words);
    expect(dropped).toEqual([{ kind: 'list', field: 'places', label: 'Địa điểm', added: [], removed: ['Làng A, Nam Giang (cũ)'] }]);
  });

  it('writes a one-line summary of each change for the audit log', () => {
    const changes = diffRecord(record({ description: { vi: LONG_VI } }), record({ description: { vi: `${LONG_VI} Thêm.` }, media: [media('a.jpg')] }), words);
    expect(changes.map(summarizeChange)).toEqual(['Mô tả (tiếng Việt): đã sửa (thêm 1 từ, bỏ 0 từ)', 'Tệp gốc: thêm a.jpg']);
  });
});
