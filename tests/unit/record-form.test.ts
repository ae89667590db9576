import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeritageRecord } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { recordToValues, validateRecordForm } from '@/lib/studio/record-form';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const item of [v].flat()) data.append(k, item);
  return data;
}

describe('record editor form', () => {
  it('puts each error next to its field, in Vietnamese', () => {
    const result = validateRecordForm(form({ slug: 'Lễ Hội', type: 'festival', 'rights.uri': 'bản quyền', 'access.level': 'community', recordedOn: '12/2023', 'places.0.district': 'atlantis', 'places.0.lat': '95' }), vocab, 'vi');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      slug: 'Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang',
      'title.vi': 'Bắt buộc',
      'description.vi': 'Bắt buộc',
      'rights.uri': 'Chọn một tuyên bố quyền (rightsstatements.org hoặc Creative Commons)',
      'access.communities': 'Hồ sơ giới hạn theo cộng đồng phải chọn ít nhất một cộng đồng',
      recordedOn: 'Ngày theo dạng NNNN, NNNN-TT hoặc NNNN-TT-NN',
    });
    expect(result.errors['places.0.lat']).toMatch(/90/);
    const english = validateRecordForm(form({ slug: 'x', type: 'festival' }), vocab, 'en');
    expect(!english.ok && english.errors['title.vi']).toBe('Required');
  });

  it('reports unknown vocabulary', () => {
    const result = validateRecordForm(form({ ...flat(sampleBody()), 'places.0.district': 'atlantis' }), vocab, 'vi');
    expect(!result.ok && result.errors['places.0.district']).toMatch(/Không có trong danh mục/);
  });

  it('round-trips a record through the form unchanged', () => {
    const body = HeritageRecord.parse({
      ...sampleBody({
        people: [{ name: 'Già làng A Lăng', roles: ['elder', 'informant'], consent: { given: true, note: 'đồng ý bằng lời, 2023' } }],
        heldIn: { calendar: 'lunar', months: [2, 3] },
        subjects: ['le-hoi'],
        languages: ['vie', 'ktv'],
        places: [{ district: 'nam-giang', commune: 'Tà Bhing', lat: 15.6, lon: 107.6 }],
      }),
      id: 'abcdefgh',
    });
    const values = recordToValues(body);
    const data = new FormData();
    for (const [k, vs] of Object.entries(values)) for (const v of vs) data.append(k, v);
    const result = validateRecordForm(data, vocab, 'vi');
    const { id: _id, media: _media, status: _status, featured: _f, ...expected } = body;
    expect(result.ok).toBe(true);
    if (result.ok) expect({ ...result.body, status: undefined, featured: undefined }).toEqual({ ...expected, status: undefined, featured: undefined });
  });
});

function flat(body: ReturnType<typeof sampleBody>): Record<string, string | string[]> {
  const parsed = HeritageRecord.parse({ ...body, id: 'abcdefgh' });
  return recordToValues(parsed) as Record<string, string[]>;
}
