import { describe, expect, it } from 'vitest';
import { relatedRecords, relatedness } from '@/lib/records/related';
import { HeritageRecord, type HeritageRecordInput } from '@/lib/records/schema';

let n = 0;
function record(title: string, fields: Partial<HeritageRecordInput> = {}): HeritageRecord {
  n += 1;
  return HeritageRecord.parse({
    id: `rec${String(n).padStart(5, '0')}`,
    slug: `r-${n}`,
    type: 'festival',
    title: { vi: title },
    description: { vi: 'Mô tả.' },
    rights: { uri: 'https://creativecommons.org/publicdomain/mark/1.0/' },
    access: { level: 'public' },
    ...fields,
  } satisfies HeritageRecordInput);
}

const decree = (title: string, kind: 'nghi-dinh' | 'quyet-dinh', issuer: string, subjects: string[]) =>
  record(title, {
    type: 'document',
    subjects,
    // Policies list every community they apply to: that must not relate them to festivals.
    ethnicGroups: ['co-tu', 'xo-dang', 'gie-trieng', 'co'],
    document: { number: `${n}/ND`, kind, issuer: { vi: issuer }, issuedOn: '2011' },
  });

describe('relatedRecords', () => {
  const target = record('Lễ hội đâm trâu Cơ Tu', {
    ethnicGroups: ['co-tu'],
    subjects: ['le-hoi', 'chieng-cong'],
    places: [{ district: 'tay-giang' }],
    inventoryElement: 'dam-trau-co-tu',
  });
  const sameElement = record('Đâm trâu ở Đông Giang', { type: 'ritual', ethnicGroups: ['co-tu'], inventoryElement: 'dam-trau-co-tu' });
  const gongs = record('Cồng chiêng Cơ Tu', { type: 'music', ethnicGroups: ['co-tu'], subjects: ['chieng-cong'], places: [{ district: 'tay-giang' }] });
  const dance = record('Múa tung tung da dá', { type: 'performing-art', ethnicGroups: ['co-tu'] });
  const otherFestival = record('Lễ mừng lúa mới Ca Dong', { ethnicGroups: ['xo-dang'] });
  const unrelated = record('Nghề rèn', { type: 'craft', ethnicGroups: ['gie-trieng'] });
  const festivalPolicy = decree('Quyết định về lễ hội', 'quyet-dinh', 'UBND tỉnh Quảng Nam', ['le-hoi']);
  const ethnicPolicy = decree('Nghị định về công tác dân tộc', 'nghi-dinh', 'Chính phủ', ['chinh-sach']);
  const ethnicPolicy2 = decree('Nghị định về chính sách dân tộc', 'nghi-dinh', 'Chính phủ', ['chinh-sach']);
  const all = [unrelated, ethnicPolicy, ethnicPolicy2, festivalPolicy, otherFestival, dance, gongs, sameElement, target];

  it('ranks by shared heritage element, community, subjects, type and district', () => {
    // sameElement 6+3 = 9; gongs 3+2+1 = 6; dance 3; otherFestival 2 (type) and festivalPolicy 2 (subject), tied: by title.
    expect(relatedRecords(target, all, 10)).toEqual([sameElement, gongs, dance, otherFestival, festivalPolicy]);
    expect(relatedness(target, sameElement)).toBe(9);
    expect(relatedness(target, gongs)).toBe(6);
  });

  it('excludes the target, unrelated records and duplicates, and honours the limit', () => {
    const result = relatedRecords(target, [...all, gongs, target]);
    expect(result).toHaveLength(4);
    expect(result).not.toContain(target);
    expect(result).not.toContain(unrelated);
    expect(new Set(result).size).toBe(result.length);
    expect(relatedRecords(target, all, 0)).toEqual([]);
  });

  it('does not relate documents to records through the communities they list', () => {
    expect(relatedness(target, ethnicPolicy)).toBe(0);
    expect(relatedness(ethnicPolicy, dance)).toBe(0);
    // …but through a shared subject, in both directions.
    expect(relatedness(festivalPolicy, target)).toBe(2);
    expect(relatedRecords(festivalPolicy, all)).toEqual([target]);
  });

  it('relates documents by kind, issuer and subject', () => {
    // Same kind 2 + same issuer 2 + one subject 2.
    expect(relatedness(ethnicPolicy, ethnicPolicy2)).toBe(6);
    expect(relatedRecords(ethnicPolicy, all)).toEqual([ethnicPolicy2]);
  });

  it('breaks ties by Vietnamese title, then id, whatever the input order', () => {
    const a = record('Ăn trâu', { ethnicGroups: ['co-tu'] });
    const b = record('Âm nhạc', { ethnicGroups: ['co-tu'] });
    const c = record('Bài chòi', { ethnicGroups: ['co-tu'] });
    const twin = record('Bài chòi', { ethnicGroups: ['co-tu'] });
    const subject = record('Mục tiêu', { ethnicGroups: ['co-tu'] });
    // Vietnamese order: A < Ă < Â < B.
    const expected = [a, b, c, twin];
    expect(relatedRecords(subject, [twin, c, b, a])).toEqual(expected);
    expect(relatedRecords(subject, [a, twin, b, c])).toEqual(expected);
  });
});
