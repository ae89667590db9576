/**
 * The "Chờ duyệt" queue and the return comment: what a reviewer is asked to
 * look at, and what an officer is asked to fix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import type { StoredRecord, VersionSummary } from '@/lib/records/repository';
import { HeritageRecord, type HeritageRecordInput } from '@/lib/records/schema';
import { AuditLog } from '@/lib/workflow/audit';
import { pendingReturn, queueNeedsMembership, reviewQueue, reviews } from '@/lib/workflow/review';
import { Workflow, type Actor } from '@/lib/workflow/transitions';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const viewer = (roles: ('officer' | 'reviewer' | 'admin' | 'researcher')[], communities: string[] = []): Viewer => ({ kind: 'user', id: roles.join('+'), roles, communities });

let serial = 0;
/** A stored record whose last version is its submission (or, if `submitted` is false, anything else). */
function stored(overrides: Partial<HeritageRecordInput>, submittedAt: string, by = 'can-bo'): StoredRecord {
  const id = `abcd${String(serial++).padStart(4, '0')}`;
  const record = HeritageRecord.parse({ ...sampleBody({ slug: `ho-so-${id}` }), id, status: 'submitted', ...overrides });
  const versions: VersionSummary[] = [
    { number: 1, created: '2024-01-01T00:00:00.000Z', message: 'Created', user: { name: by } },
    { number: 2, created: submittedAt, message: 'submit', user: { name: by } },
  ];
  return { record, version: 2, head: 2, versions, created: versions[0]!.created, modified: submittedAt };
}

const coTuRestricted = stored({ ethnicGroups: ['co-tu'], access: { level: 'community', communities: ['co-tu'] } }, '2024-03-02T01:00:00.000Z', 'a-lăng');
const xoDangRestricted = stored({ ethnicGroups: ['xo-dang'], access: { level: 'community', communities: ['xo-dang'] } }, '2024-03-01T01:00:00.000Z');
const publicCoTu = stored({ ethnicGroups: ['co-tu'] }, '2024-03-03T01:00:00.000Z');
const publicNoCommunity = stored({ ethnicGroups: [] }, '2024-02-28T01:00:00.000Z');
const draft = stored({ status: 'draft', ethnicGroups: ['co-tu'] }, '2024-01-05T01:00:00.000Z');
const published = stored({ status: 'published', ethnicGroups: ['co-tu'] }, '2024-01-06T01:00:00.000Z');
const all = [coTuRestricted, xoDangRestricted, publicCoTu, publicNoCommunity, draft, published];
const ids = (q: ReturnType<typeof reviewQueue>) => q.submissions.map((s) => s.stored.record.id);

describe('review queue', () => {
  it('is empty for officers and researchers, even members', () => {
    expect(reviewQueue(viewer(['officer'], ['co-tu', 'xo-dang']), all).submissions).toEqual([]);
    expect(reviewQueue(viewer(['researcher'], ['co-tu']), all).submissions).toEqual([]);
    expect(reviewQueue({ kind: 'anonymous' }, all).submissions).toEqual([]);
    expect([viewer(['officer']), viewer(['researcher']), viewer(['reviewer']), viewer(['admin'])].map(reviews)).toEqual([false, false, true, true]);
  });

  it('gives a Cơ Tu reviewer the Cơ Tu restricted submissions and the open ones, oldest first, not Xơ Đăng’s', () => {
    const queue = reviewQueue(viewer(['reviewer'], ['co-tu']), all);
    expect(ids(queue)).toEqual([publicNoCommunity, coTuRestricted, publicCoTu].map((s) => s.record.id));
    expect(queue.submissions[1]).toMatchObject({ submittedAt: '2024-03-02T01:00:00.000Z', submittedBy: 'a-lăng' });
    expect(queue.byCommunity).toEqual([
      { community: 'co-tu', count: 2 },
      { community: undefined, count: 1 },
    ]);
  });

  it('gives a reviewer without a community only what no community restricts, and says why', () => {
    const reviewer = viewer(['reviewer']);
    expect(ids(reviewQueue(reviewer, all))).toEqual([publicNoCommunity, publicCoTu].map((s) => s.record.id));
    expect(queueNeedsMembership(reviewer)).toBe(true);
    expect(queueNeedsMembership(viewer(['reviewer'], ['co-tu']))).toBe(false);
    expect(queueNeedsMembership(viewer(['admin']))).toBe(false);
  });

  it('gives an admin every submission', () => {
    const queue = reviewQueue(viewer(['admin']), all);
    expect(ids(queue)).toEqual([publicNoCommunity, xoDangRestricted, coTuRestricted, publicCoTu].map((s) => s.record.id));
    expect(queue.byCommunity).toEqual([
      { community: 'co-tu', count: 2 },
      { community: 'xo-dang', count: 1 },
      { community: undefined, count: 1 },
    ]);
  });

  it('dates a submission by its last "submit" version, or by the head when it came some other way (an import)', () => {
    const imported: StoredRecord = { ...publicCoTu, versions: [{ number: 1, created: '2024-01-09T00:00:00.000Z', message: 'Imported from a.csv row 2', user: { name: 'nhap' } }], head: 1, version: 1, modified: '2024-01-09T00:00:00.000Z' };
    expect(reviewQueue(viewer(['admin']), [imported]).submissions[0]).toMatchObject({ submittedAt: '2024-01-09T00:00:00.000Z', submittedBy: 'nhap' });
  });
});

describe('return comment', () => {
  let temp: TempArchive;
  beforeEach(async () => {
    temp = await tempArchive();
  });
  afterEach(async () => temp.cleanup());

  it('stays on the record from the return until the officer resubmits', async () => {
    const workflow = new Workflow(temp.records, new AuditLog(temp.store));
    const officer: Actor = { name: 'can-bo', viewer: viewer(['officer']) };
    const reviewer: Actor = { name: 'nguoi-duyet', viewer: viewer(['reviewer']) };
    let r = await workflow.create(officer, { body: sampleBody() });
    const id = r.record.id;
    r = await workflow.transition(officer, id, 'submit', r.head);
    expect(pendingReturn(r)).toBeUndefined();
    r = await workflow.transition(reviewer, id, 'return', r.head, 'Thiếu bản dịch: tiếng Anh');
    expect(pendingReturn(r)).toEqual({ comment: 'Thiếu bản dịch: tiếng Anh', by: 'nguoi-duyet', at: r.modified, version: r.head });
    r = await workflow.edit(officer, id, { expectedVersion: r.head, body: sampleBody({ title: { vi: 'Đã sửa' } }) });
    expect(pendingReturn(r)?.comment).toBe('Thiếu bản dịch: tiếng Anh');
    r = await workflow.transition(officer, id, 'submit', r.head);
    expect(pendingReturn(r)).toBeUndefined();
  });
});
