/** The editor's form: errors on their fields in Vietnamese, people as rows, dates day first, languages by name, protective access. */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import { HeritageRecord, RecordBody } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { FIELD_LABELS, isEditorField, languageOptions } from '@/lib/studio/editor-vocab';
import { accessProblem, formatDate, newRecordValues, parseDate, protectiveAccess, recordToValues, validateRecordForm, type FormValues } from '@/lib/studio/record-form';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const item of [v].flat()) data.append(k, item);
  return data;
}

/** A valid record's form values, to change one thing at a time. */
function valid(overrides: Parameters<typeof sampleBody>[0] = {}): FormValues {
  return recordToValues(RecordBody.parse(sampleBody(overrides)));
}

const user = (roles: ('officer' | 'reviewer' | 'admin' | 'researcher')[], communities: string[] = []): Viewer => ({ kind: 'user', id: 'u', roles, communities });

describe('record editor form', () => {
  it('puts each error next to its field, in Vietnamese', () => {
    const result = validateRecordForm(form({ slug: 'Lễ Hội', type: 'festival', 'rights.uri': 'bản quyền', 'access.level': 'community', recordedOn: '13/2023', 'places.0.district': 'atlantis', 'places.0.lat': '95' }), vocab, 'vi');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      slug: 'Chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, vd. le-hoi-dam-trau',
      'title.vi': 'Bắt buộc',
      'description.vi': 'Bắt buộc',
      'rights.uri': 'Chọn một tuyên bố quyền trong danh sách',
      'access.communities': 'Hồ sơ chỉ dành cho cộng đồng phải chọn ít nhất một cộng đồng',
      recordedOn: 'Ghi ngày theo dạng ngày/tháng/năm (15/03/2023), tháng/năm (03/2023) hoặc năm (2023)',
      'places.0.lat': 'Không được lớn hơn 90',
    });
    const english = validateRecordForm(form({ slug: 'x', type: 'festival' }), vocab, 'en');
    expect(!english.ok && english.errors['title.vi']).toBe('Required');
  });

  it('never shows raw enum values or zod’s English, and every error has a control to sit by', () => {
    const names = [...Object.keys(FIELD_LABELS).map((n) => n.replace('#', '0')), 'people.3.name', 'people.3.roles', 'places.2.lat'];
    const junk = fc.oneof(fc.constantFrom('', ' ', 'già làng', 'festival', '-1', '1e9', 'x'.repeat(400), 'abc', '31/02/2023', '99'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.array(junk, { maxLength: 3 })), (values) => {
        const result = validateRecordForm(form(values), vocab, 'vi');
        if (result.ok) return;
        for (const [field, message] of Object.entries(result.errors)) {
          expect(isEditorField(field) || field === 'form', field).toBe(true);
          expect(message).not.toMatch(/"\w[\w-]*"\s*\|/); // "festival"|"ritual"
          expect(message).not.toMatch(/\b(Invalid|expected|must|received|Too (big|small))\b/i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports unknown vocabulary on its field', () => {
    const result = validateRecordForm(form({ ...valid(), 'places.0.district': 'atlantis', subjects: ['le-hoi', 'khong-co'] }), vocab, 'vi');
    expect(!result.ok && result.errors).toMatchObject({ 'places.0.district': 'Không có trong danh mục: “atlantis”', subjects: 'Không có trong danh mục: “khong-co”' });
  });

  it('reads people as rows: roles from the list, community, consent yes or no; blank and removed rows are left out', () => {
    const values = {
      ...valid(),
      'people.0.name': '',
      'people.0.consent.given': 'no',
      'people.1.name': 'Già làng Bríu Pố',
      'people.1.roles': ['informant', 'elder'],
      'people.1.ethnicGroup': 'co-tu',
      'people.1.consent.given': 'yes',
      'people.1.consent.note': 'đồng ý bằng lời, có người làm chứng',
      'people.1.consent.date': '3/2023',
      'people.2.name': 'Người sẽ bị bỏ',
      'people.2.roles': 'performer',
      'people.2.remove': 'on',
      'people.3.name': 'Nghệ nhân A',
      'people.3.roles': 'performer',
      'people.3.consent.given': 'no',
    };
    const result = validateRecordForm(form(values), vocab, 'vi');
    expect(result.ok && result.body.people).toEqual([
      { name: 'Già làng Bríu Pố', roles: ['informant', 'elder'], ethnicGroup: 'co-tu', consent: { given: true, note: 'đồng ý bằng lời, có người làm chứng', date: '2023-03' } },
      { name: 'Nghệ nhân A', roles: ['performer'], consent: { given: false } },
    ]);
  });

  it('marks the row a person typed in, even when rows before it are blank', () => {
    const result = validateRecordForm(form({ ...valid(), 'people.0.consent.given': 'no', 'people.2.roles': 'elder', 'people.4.name': 'A Lăng', 'people.4.roles': 'già làng' }), vocab, 'vi');
    expect(!result.ok && result.errors).toEqual({
      'people.2.name': 'Bắt buộc',
      'people.2.consent.given': 'Bắt buộc',
      'people.4.roles': 'Hãy chọn một mục trong danh sách',
      'people.4.consent.given': 'Bắt buộc',
    });
  });

  it('reads places as rows and keeps every one', () => {
    const values = { ...valid({ places: [] }), 'places.0.district': 'tay-giang', 'places.0.lat': '15,86', 'places.0.lon': '107.48', 'places.1.district': '', 'places.2.district': 'nam-giang', 'places.2.village': 'làng Pơr’ning' };
    const result = validateRecordForm(form(values), vocab, 'vi');
    expect(result.ok && result.body.places).toEqual([
      { district: 'tay-giang', lat: 15.86, lon: 107.48 },
      { district: 'nam-giang', village: 'làng Pơr’ning' },
    ]);
    const missing = validateRecordForm(form({ ...values, 'places.1.commune': 'Lăng' }), vocab, 'vi');
    expect(!missing.ok && missing.errors).toEqual({ 'places.1.district': 'Bắt buộc' });
    const notANumber = validateRecordForm(form({ ...values, 'places.2.lat': 'mười lăm' }), vocab, 'vi');
    expect(!notANumber.ok && notANumber.errors).toEqual({ 'places.2.lat': 'Nhập một số, vd. 15.62' });
  });

  it('reads dates day first, with partial dates, and shows stored dates the same way', () => {
    expect(parseDate('15/3/2023')).toBe('2023-03-15');
    expect(parseDate('05.11.2019')).toBe('2019-11-05');
    expect(parseDate('3/2023')).toBe('2023-03');
    expect(parseDate('2023')).toBe('2023');
    expect(parseDate('2023-03-15')).toBe('2023-03-15');
    expect(formatDate('2023-03-15')).toBe('15/03/2023');
    expect(formatDate('2023-03')).toBe('03/2023');
    expect(formatDate('2023')).toBe('2023');
    const result = validateRecordForm(form({ ...valid(), recordedOn: '2/2024', 'document.number': '12/QĐ-UBND', 'document.kind': 'quyet-dinh', 'document.issuer.vi': 'UBND tỉnh', 'document.issuedOn': '1/2/2024', 'document.effectiveFrom': '2024' }), vocab, 'vi');
    expect(!result.ok && result.errors).toEqual({ 'document.effectiveFrom': 'Ghi đủ ngày/tháng/năm, vd. 15/03/2023' });
  });

  it('makes a new record’s address from its title, and keeps an existing record’s address required', () => {
    const values = { ...valid(), slug: '', 'title.vi': 'Lễ hội Đâm trâu – làng A Réh' };
    const created = validateRecordForm(form(values), vocab, 'vi');
    expect(created.ok && created.body.slug).toBe('le-hoi-dam-trau-lang-a-reh');
    const edited = validateRecordForm(form(values), vocab, 'vi', RecordBody.parse(sampleBody()));
    expect(!edited.ok && edited.errors).toEqual({ slug: 'Bắt buộc' });
  });

  it('picks languages by name, stores ISO 639-3 codes, and takes other codes typed in', () => {
    expect(languageOptions(vocab)).toEqual(
      expect.arrayContaining([
        { id: 'vie', label: 'tiếng Việt' },
        { id: 'ktv', label: 'tiếng Cơ Tu' },
        { id: 'sed', label: 'tiếng Xơ Đăng' },
        { id: 'cua', label: 'tiếng Co' },
        { id: 'eng', label: 'tiếng Anh (English)' },
      ]),
    );
    expect(languageOptions(vocab).some((o) => /Giẻ Triêng/.test(o.label))).toBe(true);
    const result = validateRecordForm(form({ ...valid(), languages: ['vie', 'ktv', 'hre, Bru'] }), vocab, 'vi');
    expect(result.ok && result.body.languages).toEqual(['vie', 'ktv', 'hre', 'bru']);
    const wrong = validateRecordForm(form({ ...valid(), languages: ['vie', 'tiếng Hrê'] }), vocab, 'vi');
    expect(!wrong.ok && wrong.errors).toEqual({ languages: 'Mã ngôn ngữ ISO 639-3 gồm 3 chữ cái, vd. hre' });
  });

  it('tells a document record it needs its document fields, next to them', () => {
    const result = validateRecordForm(form({ ...valid(), type: 'document' }), vocab, 'vi');
    expect(!result.ok && result.errors).toEqual({ 'document.number': 'Văn bản cần số hiệu, loại, cơ quan ban hành và ngày ban hành' });
    const partly = validateRecordForm(form({ ...valid(), 'document.kind': 'quyet-dinh' }), vocab, 'vi');
    expect(!partly.ok && partly.errors).toMatchObject({ 'document.number': 'Bắt buộc', 'document.issuer.vi': 'Bắt buộc', 'document.issuedOn': 'Bắt buộc' });
  });

  it('round-trips a record through the form unchanged', () => {
    const body = HeritageRecord.parse({
      ...sampleBody({
        people: [{ name: 'Già làng A Lăng', roles: ['elder', 'informant'], ethnicGroup: 'co-tu', consent: { given: true, note: 'đồng ý bằng lời, 2023', date: '2023-04' } }],
        heldIn: { calendar: 'lunar', months: [3, 2], note: { vi: 'Sau mùa gặt', en: 'After the harvest' } },
        subjects: ['le-hoi'],
        languages: ['vie', 'ktv'],
        places: [{ district: 'nam-giang', commune: 'Tà Bhing', lat: 15.6, lon: 107.6 }, { district: 'tay-giang' }],
        references: [{ title: 'Báo Quảng Nam', url: 'https://baoquangnam.vn/' }],
        featured: true,
        rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/', protocolNote: { vi: 'Hỏi già làng', en: 'Ask the elders' } },
      }),
      id: 'abcdefgh',
    });
    const result = validateRecordForm(form(recordToValues(body)), vocab, 'vi', RecordBody.parse(body));
    expect(result.ok && result.body).toEqual(RecordBody.parse(body));
  });
});

describe('access of a new record', () => {
  it('starts at the most protective level the person may create', () => {
    expect(protectiveAccess(user(['officer'], ['co-tu']))).toEqual({ level: 'community', communities: ['co-tu'] });
    expect(protectiveAccess(user(['officer']))).toEqual({ level: 'registered', communities: [] });
    expect(protectiveAccess(user(['admin']))).toEqual({ level: 'registered', communities: [] });
    expect(protectiveAccess(user(['researcher'], ['co-tu'])).level).not.toBe('public');
    expect(newRecordValues(user(['officer'], ['co-tu', 'co']))).toMatchObject({ 'access.level': ['community'], 'access.communities': ['co-tu', 'co'] });
    expect(newRecordValues(user(['officer']))['access.level']).toEqual(['registered']);
  });

  it('never defaults to public: a form without a choice is refused on that field', () => {
    const { 'access.level': _level, ...values } = valid();
    const result = validateRecordForm(form(values), vocab, 'vi');
    expect(!result.ok && result.errors).toEqual({ 'access.level': 'Bắt buộc' });
  });

  it('refuses, next to the field, a restriction that would hide the record from the person saving it', () => {
    const body = RecordBody.parse(sampleBody({ access: { level: 'community', communities: ['co-tu'] } }));
    expect(accessProblem(user(['officer'], ['xo-dang']), body)).toEqual({ 'access.communities': expect.stringContaining('Bạn không thuộc cộng đồng') });
    expect(accessProblem(user(['officer'], ['co-tu']), body)).toBeUndefined();
    expect(accessProblem(user(['officer']), RecordBody.parse(sampleBody()))).toBeUndefined();
  });
});
