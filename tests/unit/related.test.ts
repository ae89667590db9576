import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, type Viewer } from '@/lib/access/policy';
import { CANDIDATES_PER_QUERY, relatedFromIndex, relatedRecords, relatedness, similarityFilters } from '@/lib/catalog/related';
import { HeritageRecord, type HeritageRecordInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import type { ListQuery, SearchIndex } from '@/lib/search/types';

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

describe('relatedFromIndex: a few similarity queries, not a scan', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-related-'));
  const index = EmbeddedSearchIndex.open({ dir, synonyms: [] });
  const vocab = loadVocabularies(path.join(import.meta.dirname, '..', '..', 'content'));
  afterAll(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const published = (title: string, fields: Partial<HeritageRecordInput> = {}) => record(title, { status: 'published', title: { vi: title, en: title }, ...fields });
  const target = published('Lễ hội đâm trâu Cơ Tu', { ethnicGroups: ['co-tu'], subjects: ['le-hoi', 'chieng-cong'], places: [{ district: 'tay-giang' }], inventoryElement: 'co-tu-le-dam-trau' });
  const sameElement = published('Đâm trâu ở Đông Giang', { type: 'ritual', ethnicGroups: ['co-tu'], inventoryElement: 'co-tu-le-dam-trau' });
  const gongs = published('Cồng chiêng Cơ Tu', { type: 'music', ethnicGroups: ['co-tu'], subjects: ['chieng-cong'], places: [{ district: 'tay-giang' }] });
  const dance = published('Múa tung tung da dá', { type: 'performing-art', ethnicGroups: ['co-tu'] });
  const otherFestival = published('Lễ mừng lúa mới Ca Dong', { ethnicGroups: ['xo-dang'] });
  const unrelated = published('Nghề rèn', { type: 'craft', ethnicGroups: ['gie-trieng'] });
  const festivalPolicy = published('Quyết định về lễ hội', {
    type: 'document',
    subjects: ['le-hoi'],
    ethnicGroups: ['co-tu', 'xo-dang', 'gie-trieng', 'co'],
    document: { number: '1/QD', kind: 'quyet-dinh', issuer: { vi: 'UBND tỉnh Quảng Nam' }, issuedOn: '2011' },
  });
  // The most related of all, but only Cơ Tu members may see it.
  const sacred = published('Nghi lễ riêng trước đâm trâu', { type: 'ritual', ethnicGroups: ['co-tu'], places: [{ district: 'tay-giang' }], inventoryElement: 'co-tu-le-dam-trau', access: { level: 'community', communities: ['co-tu'] } });
  const draft = record('Bản nháp đâm trâu', { ethnicGroups: ['co-tu'], inventoryElement: 'co-tu-le-dam-trau' });
  // Many Cơ Tu records of other types: the community query's dozen cannot hold them all.
  const crowd = Array.from({ length: 30 }, (_, i) => published(`Nghề dệt Cơ Tu ${i}`, { type: 'craft', ethnicGroups: ['co-tu'] }));
  const all = [target, sameElement, gongs, dance, otherFestival, unrelated, festivalPolicy, sacred, draft, ...crowd];
  const member: Viewer = { kind: 'user', id: 'a', roles: ['researcher'], communities: ['co-tu'] };

  it('finds what scoring every record finds, for the viewer, from a few queries of a dozen', async () => {
    await index.upsert(all.map((r) => toSearchDocument(r, vocab)));
    const asked: ListQuery[] = [];
    const counting: Pick<SearchIndex, 'list'> = { list: (q) => (asked.push(q), index.list(q)) };
    const visible = all.filter((r) => r.status === 'published' && r.access.level === 'public');
    const expected = relatedRecords(target, visible, 4);
    expect(expected.slice(0, 2)).toEqual([sameElement, gongs]);
    expect(await relatedFromIndex(counting, ANONYMOUS, target, 4)).toEqual(expected);
    expect(asked.length).toBe(similarityFilters(target).length);
    expect(asked.length).toBeLessThanOrEqual(6);
    expect(asked.every((q) => q.limit! <= CANDIDATES_PER_QUERY + 1 && q.viewer === ANONYMOUS)).toBe(true);
    // Further down, among the many records that share only the community, which of equals are shown may differ; how related they are does not.
    const scores = (list: HeritageRecord[]) => list.map((r) => relatedness(target, r));
    expect(scores(await relatedFromIndex(index, ANONYMOUS, target, 10))).toEqual(scores(relatedRecords(target, visible, 10)));
    // A member sees the restricted record first; the draft is nobody's related record here.
    const forMember = await relatedFromIndex(index, member, target, 4);
    expect(forMember[0]!.id).toBe(sacred.id);
    expect(forMember.map((r) => r.id)).not.toContain(draft.id);
    expect(forMember.map((r) => r.id)).not.toContain(target.id);
  });

  it('relates a document to documents by kind and issuer and to anything by subject', async () => {
    expect(similarityFilters(festivalPolicy).every((f) => f.type?.includes('document') || f.subject)).toBe(true);
    expect(await relatedFromIndex(index, ANONYMOUS, festivalPolicy, 4)).toEqual([target]);
  });
});
