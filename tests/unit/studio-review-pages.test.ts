/**
 * The studio pages of review, rendered on a throwaway archive: the queue a
 * reviewer sees, the return comment on the officer's record and list, the
 * version history in words, and the public-access banner. The archive is
 * opened as the server opens it (lib/archive.ts), so every commit is in its
 * search index, which the lists read.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactElement } from 'react';
import type { Viewer } from '@/lib/access/policy';
import { openArchive, type OpenArchive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow, type Actor } from '@/lib/workflow/transitions';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as OpenArchive, viewer: undefined as unknown as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({
  currentViewer: async () => state.viewer,
  currentUser: async () => (state.viewer.kind === 'user' ? { username: state.viewer.id, displayName: state.viewer.id, roles: state.viewer.roles, communities: state.viewer.communities } : undefined),
}));
vi.mock('@/lib/auth/users', () => ({ viewerOf: (u: { username: string; roles: string[]; communities: string[] }) => ({ kind: 'user', id: u.username, roles: u.roles, communities: u.communities }) }));
vi.mock('@/lib/server/jobs', () => ({ getDerivativeJobs: () => ({ queue: {} }) }));
vi.mock('@/lib/jobs', async (importOriginal) => ({ ...(await importOriginal<typeof import('@/lib/jobs')>()), listJobs: () => [] }));
// Server actions and client-only pieces are not what these pages are tested for.
vi.mock('@/app/studio/records/actions', () => ({ arrangeMedia: vi.fn(), changeStatus: vi.fn(), restoreVersion: vi.fn(), saveRecord: vi.fn() }));
vi.mock('@/app/studio/records/[id]/uploader', () => ({ Uploader: () => null }));
vi.mock('@/app/studio/records/map-picker', () => ({ MapPicker: () => null }));

const StudioPage = (await import('@/app/studio/page')).default;
const ReviewPage = (await import('@/app/studio/review/page')).default;
const CoveragePage = (await import('@/app/studio/coverage/page')).default;
const coverageCsvRoute = await import('@/app/studio/coverage/csv/route');
const { studioList } = await import('@/app/studio/record-list');
const { reviewQueuePage } = await import('@/lib/workflow/review');
const { auditCoverage } = await import('@/lib/server/coverage');
const RecordPage = (await import('@/app/studio/records/[id]/page')).default;

const user = (id: string, roles: ('officer' | 'reviewer' | 'admin')[], communities: string[] = []): Actor => ({ name: id, viewer: { kind: 'user', id, roles, communities } });
const officer = user('can-bo', ['officer'], ['co-tu']);
const reviewer = user('nguoi-duyet', ['reviewer'], ['co-tu']);
const loneReviewer = user('duyet-moi', ['reviewer']);

let temp: TempArchive;
let workflow: Workflow;
let returnedId: string;
let restrictedId: string;
const html = async (page: Promise<ReactElement>) => renderToStaticMarkup(await page);
const as = (actor: Actor) => {
  state.viewer = actor.viewer;
};

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = openArchive(parseConfig({ DATA_DIR: temp.dir, CONTENT_DIR: path.join(import.meta.dirname, '..', '..', 'content') }));
  workflow = new Workflow(state.archive.records, new AuditLog(state.archive.store));
  let r = await workflow.create(officer, { body: sampleBody({ slug: 'tra-lai' }) });
  returnedId = r.record.id;
  r = await workflow.transition(officer, returnedId, 'submit', r.head);
  r = await workflow.transition(reviewer, returnedId, 'return', r.head, 'Thiếu <b>ảnh</b> lễ đâm trâu');
  const long = 'Lễ hội lớn nhất trong năm của làng Cơ Tu, tổ chức sau mùa gặt để tạ ơn thần linh. Cả làng dựng cây nêu giữa sân gươl.';
  r = await workflow.edit(officer, returnedId, { expectedVersion: r.head, body: sampleBody({ slug: 'tra-lai', description: { vi: long } }) });
  const restricted = await workflow.create(officer, { body: sampleBody({ slug: 'han-che', title: { vi: 'Nghi lễ riêng của làng' }, access: { level: 'community', communities: ['co-tu'] } }) });
  restrictedId = restricted.record.id;
  await workflow.transition(officer, restrictedId, 'submit', restricted.head);
});
afterAll(async () => {
  await state.archive?.close();
  await temp?.cleanup();
});

describe('studio review pages', () => {
  it('show the officer the return comment on the record and in the list, and the history in words', async () => {
    as(officer);
    const page = await html(RecordPage({ params: Promise.resolve({ id: returnedId }), searchParams: Promise.resolve({}) }));
    expect(page).toContain('Người duyệt trả lại hồ sơ để sửa');
    expect(page).toContain('Thiếu &lt;b&gt;ảnh&lt;/b&gt; lễ đâm trâu');
    expect(page).toContain('Công khai cho mọi người');
    expect(page).toContain('Trả lại để sửa: Thiếu &lt;b&gt;ảnh&lt;/b&gt;');
    expect(page).toContain('Mô tả (tiếng Việt)');
    expect(page).toMatch(/<ins[^>]*>.*tổ chức sau mùa gặt/);
    expect(page).not.toMatch(/description\.vi|"submitted"|→ \["/);
    const list = await html(StudioPage());
    expect(list).toContain('Cần sửa:');
    expect(list).not.toContain('review-link'); // officers are not offered the queue
  });

  it('give a Cơ Tu reviewer the queue, with the restricted record, and a count on /studio', async () => {
    as(reviewer);
    const queue = await html(ReviewPage({ searchParams: Promise.resolve({}) }));
    expect(queue).toContain('Nghi lễ riêng của làng');
    expect(queue).toContain('Gửi bởi can-bo lúc');
    expect(queue).not.toContain('membership-note');
    expect(await html(StudioPage())).toMatch(/data-testid="review-link"[^]*?>1</);
  });

  it('tell a reviewer of no community why the restricted record is not there', async () => {
    as(loneReviewer);
    const queue = await html(ReviewPage({ searchParams: Promise.resolve({}) }));
    expect(queue).toContain('membership-note');
    expect(queue).not.toContain('Nghi lễ riêng của làng');
  });
});

describe('studio lists and coverage from the index', () => {
  const admin = user('quan-tri', ['admin']);
  let xoDangId: string;
  let noCommunityId: string;
  let sacredId: string;
  const source = async () => ({ index: await state.archive.search(), records: state.archive.records });

  beforeAll(async () => {
    const [first, second] = state.archive.vocab.inventory;
    let r = await workflow.create(admin, { body: sampleBody({ slug: 'mung-lua-xo-dang', title: { vi: 'Lễ mừng lúa mới Xơ Đăng', en: 'New rice, Xơ Đăng' }, ethnicGroups: ['xo-dang'], inventoryElement: first!.id }) });
    xoDangId = r.record.id;
    r = await workflow.transition(admin, xoDangId, 'submit', r.head);
    await workflow.transition(admin, xoDangId, 'publish', r.head);
    r = await workflow.create(officer, { body: sampleBody({ slug: 'khong-cong-dong', title: { vi: 'Hồ sơ chung của tỉnh' }, ethnicGroups: [] }) });
    noCommunityId = r.record.id;
    await workflow.transition(officer, noCommunityId, 'submit', r.head);
    r = await workflow.create(officer, { body: sampleBody({ slug: 'tri-thuc-thieng', title: { vi: 'Tri thức thiêng của làng' }, access: { level: 'community', communities: ['co-tu'] }, inventoryElement: second!.id }) });
    sacredId = r.record.id;
  });

  it('count by status and list by status, community and text, recently changed first', async () => {
    const all = await studioList(await source(), admin.viewer, {});
    expect(all.total).toBe(5);
    expect(all.statusCounts).toEqual({ draft: 2, submitted: 2, published: 1, withdrawn: 0 });
    expect(all.rows[0]!.record.id).toBe(sacredId);
    const times = all.rows.map((r) => r.modified);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.rows.find((r) => r.record.id === returnedId)?.head).toBe(4);

    const submitted = await studioList(await source(), admin.viewer, { status: 'submitted' });
    expect(submitted.rows.map((r) => r.record.id).sort()).toEqual([restrictedId, noCommunityId].sort());
    // Each count leaves its own filter out: the status counts are still those of every status.
    expect(submitted.statusCounts).toEqual(all.statusCounts);
    expect((await studioList(await source(), admin.viewer, { community: 'xo-dang' })).rows.map((r) => r.record.id)).toEqual([xoDangId]);
    expect((await studioList(await source(), admin.viewer, { q: 'mung lua xo dang' })).rows.map((r) => r.record.id)).toEqual([xoDangId]);

    as(admin);
    const page = await html(StudioPage({ searchParams: Promise.resolve({ status: 'published' }) }));
    expect(page).toContain('Lễ mừng lúa mới Xơ Đăng');
    expect(page).not.toContain('Nghi lễ riêng của làng');
    expect(page).toContain('1–1 / 1 hồ sơ');
    // A cursor that is not ours starts again from the first page rather than failing.
    expect(await html(StudioPage({ searchParams: Promise.resolve({ cursor: 'not-a-cursor' }) }))).toContain('Tri thức thiêng của làng');
  });

  it('page with the engine’s cursor, every record once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await studioList(await source(), admin.viewer, cursor ? { cursor } : {}, 2);
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((r) => r.record.id));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    as(admin);
    const first = await html(StudioPage({ searchParams: Promise.resolve({}) }));
    expect(first).not.toContain('studio-pager'); // five records: one page
  });

  it('offer "awaiting my review" to reviewers only, as the queue decides', async () => {
    const mine = await studioList(await source(), reviewer.viewer, { awaiting: true });
    expect(mine.rows.map((r) => r.record.id).sort()).toEqual([restrictedId, noCommunityId].sort());
    expect(mine.waiting).toBe(2);
    expect((await studioList(await source(), loneReviewer.viewer, { awaiting: true })).rows.map((r) => r.record.id)).toEqual([noCommunityId]);
    expect((await studioList(await source(), officer.viewer, { awaiting: true })).rows).toEqual([]);
    as(officer);
    expect(await html(StudioPage({ searchParams: Promise.resolve({}) }))).not.toContain('name="awaiting"');
    as(reviewer);
    const awaiting = await html(StudioPage({ searchParams: Promise.resolve({ awaiting: 'me' }) }));
    expect(awaiting).toMatch(/<input type="checkbox"[^>]*name="awaiting"[^>]*checked/);
    expect(awaiting).toContain('1–2 / 2 hồ sơ');
    expect(awaiting).not.toContain('Tri thức thiêng của làng');
    // A status the queue never holds lists nothing (not everything).
    expect((await studioList(await source(), reviewer.viewer, { awaiting: true, status: 'draft' })).rows).toEqual([]);
  });

  it('filter the queue by community, records of none included, a page at a time', async () => {
    as(admin);
    const none = await html(ReviewPage({ searchParams: Promise.resolve({ community: '_' }) }));
    expect(none).toContain('Hồ sơ chung của tỉnh');
    expect(none).not.toContain('Nghi lễ riêng của làng');
    expect(none).toMatch(/Không thuộc cộng đồng nào <span[^>]*>1</);
    const coTu = await html(ReviewPage({ searchParams: Promise.resolve({ community: 'co-tu' }) }));
    expect(coTu).toContain('Nghi lễ riêng của làng');
    expect(coTu).not.toContain('Hồ sơ chung của tỉnh');
    const first = await reviewQueuePage(await source(), admin.viewer, { limit: 1 });
    expect(first.total).toBe(2);
    expect(first.next).toBeDefined();
    const second = await reviewQueuePage(await source(), admin.viewer, { limit: 1, cursor: first.next! });
    expect([...first.submissions, ...second.submissions].map((s) => s.stored.record.id)).toEqual([restrictedId, noCommunityId]);
    expect(second.next).toBeUndefined();
    expect(first.submissions[0]).toMatchObject({ submittedBy: 'can-bo' });
  });

  it('count coverage from the index (restricted records too), and audit it against storage for admins only', async () => {
    const audit = await auditCoverage();
    expect(audit.differences).toEqual([]);
    expect(audit.index).toEqual(audit.storage);
    const [first, second] = state.archive.vocab.inventory;
    expect(audit.index.elements.find((e) => e.id === first!.id)?.state).toBe('published');
    expect(audit.index.elements.find((e) => e.id === second!.id)?.state).toBe('recorded');
    as(reviewer);
    const page = await html(CoveragePage({ searchParams: Promise.resolve({ audit: '1' }) }));
    expect(page).toContain('coverage-source');
    expect(page).toContain('Chỉ quản trị viên được kiểm tra từ kho lưu trữ');
    expect(page).not.toContain('coverage-audit');
    expect((await coverageCsvRoute.GET(new Request('http://archive.test/studio/coverage/csv?audit=1'))).status).toBe(403);
    expect((await coverageCsvRoute.GET(new Request('http://archive.test/studio/coverage/csv'))).status).toBe(200);
    as(admin);
    const audited = await html(CoveragePage({ searchParams: Promise.resolve({ audit: '1' }) }));
    expect(audited).toContain('data-testid="coverage-audit"');
    expect(audited).toContain('Chỉ mục khớp với kho lưu trữ');
    expect(audited).toContain('5 hồ sơ đọc trực tiếp');
    expect((await coverageCsvRoute.GET(new Request('http://archive.test/studio/coverage/csv?audit=1'))).status).toBe(200);
  });

  it('never read the whole store to answer a list (only the inventories of the rows shown)', async () => {
    const ids = vi.spyOn(state.archive.records, 'ids');
    const get = vi.spyOn(state.archive.records, 'get');
    const inventories = vi.spyOn(state.archive.records, 'readInventory');
    try {
      as(admin);
      await html(StudioPage({ searchParams: Promise.resolve({}) }));
      expect(inventories).toHaveBeenCalledTimes(5);
      await html(StudioPage({ searchParams: Promise.resolve({ status: 'draft' }) }));
      await html(ReviewPage({ searchParams: Promise.resolve({}) }));
      await html(ReviewPage({ searchParams: Promise.resolve({ community: '_' }) }));
      await html(CoveragePage({ searchParams: Promise.resolve({}) }));
      expect(ids).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
      expect(inventories).toHaveBeenCalledTimes(5 + 2 + 2 + 1);
    } finally {
      ids.mockRestore();
      get.mockRestore();
      inventories.mockRestore();
    }
  });
});
