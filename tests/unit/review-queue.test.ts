/**
 * The "Chờ duyệt" queue and the return comment: what a reviewer is asked to
 * look at, and what an officer is asked to fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maySeeRecord, mayPerform, type Viewer } from '@/lib/access/policy';
import type { Inventory } from '@/lib/records/ocfl';
import type { StoredRecord, VersionSummary } from '@/lib/records/repository';
import { ACCESS_LEVELS, HeritageRecord, RECORD_STATUSES, type HeritageRecordInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { AuditLog } from '@/lib/workflow/audit';
import { awaitingReviewFilters, pendingReturn, queueNeedsMembership, reviewQueue, reviewQueuePage, reviews } from '@/lib/workflow/review';
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

describe('review queue from the index', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-queue-'));
  const index = EmbeddedSearchIndex.open({ dir, synonyms: [] });
  const vocab = loadVocabularies(path.join(import.meta.dirname, '..', '..', 'content'));
  const byId = new Map(all.map((s) => [s.record.id, s]));
  /** The inventories the queue reads for the version summaries (only what versionHistory looks at). */
  const records = {
    readInventory: async (id: string) => {
      const s = byId.get(id);
      if (!s) return undefined;
      const versions = Object.fromEntries(s.versions.map((v) => [`v${v.number}`, { created: v.created, state: {}, message: v.message, user: v.user }]));
      return { id, head: `v${s.head}`, versions } as unknown as Inventory;
    },
  };
  afterAll(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('agrees with the policy: a reviewer or an admin sees a submission in the index exactly when they may publish it', () => {
    const levels = ACCESS_LEVELS.flatMap((level) => (level === 'community' ? [['co-tu'], ['xo-dang'], ['co-tu', 'xo-dang']] : [[]]).map((communities) => ({ level, communities })));
    const viewers = [viewer(['reviewer']), viewer(['reviewer'], ['co-tu']), viewer(['admin']), viewer(['admin'], ['xo-dang']), viewer(['reviewer', 'officer'], ['xo-dang']), viewer(['officer'], ['co-tu']), viewer(['researcher'], ['co-tu']), { kind: 'anonymous' } as Viewer];
    for (const v of viewers) {
      for (const access of levels) {
        for (const status of RECORD_STATUSES) {
          const record = { access, status, rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' } } as Pick<HeritageRecord, 'access' | 'status' | 'rights'>;
          const filters = awaitingReviewFilters(v);
          const inQueue = filters !== undefined && filters.status.includes(status) && maySeeRecord(v, record);
          expect(inQueue, `${JSON.stringify(v)} ${JSON.stringify(access)} ${status}`).toBe(mayPerform(v, 'publish', record));
        }
      }
    }
  });

  it('lists what reviewQueue would, counted and paged in the engine', async () => {
    await index.upsert(all.map((s) => toSearchDocument(s.record, vocab, {}, { modified: s.modified })));
    for (const v of [viewer(['reviewer'], ['co-tu']), viewer(['reviewer']), viewer(['admin']), viewer(['officer'], ['co-tu', 'xo-dang']), { kind: 'anonymous' } as Viewer]) {
      const expected = reviewQueue(v, all);
      const page = await reviewQueuePage({ index, records }, v);
      expect(ids(page)).toEqual(ids(expected));
      expect(page.byCommunity).toEqual(expected.byCommunity);
      expect(page.total).toBe(expected.submissions.length);
      expect(page.submissions.map((s) => [s.submittedAt, s.submittedBy])).toEqual(expected.submissions.map((s) => [s.submittedAt, s.submittedBy]));
    }
    const admin = viewer(['admin']);
    const none = await reviewQueuePage({ index, records }, admin, { community: null });
    expect(ids(none)).toEqual([publicNoCommunity.record.id]);
    expect(none.matching).toBe(1);
    const coTu = await reviewQueuePage({ index, records }, admin, { community: 'co-tu', limit: 1 });
    expect(ids(coTu)).toEqual([coTuRestricted.record.id]);
    expect(coTu.matching).toBe(2);
    const rest = await reviewQueuePage({ index, records }, admin, { community: 'co-tu', limit: 1, cursor: coTu.next! });
    expect(ids(rest)).toEqual([publicCoTu.record.id]);
    expect(rest.next).toBeUndefined();
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
