/**
 * The studio pages of review, rendered on a throwaway archive: the queue a
 * reviewer sees, the return comment on the officer's record and list, the
 * version history in words, and the public-access banner.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactElement } from 'react';
import type { Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow, type Actor } from '@/lib/workflow/transitions';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const state = vi.hoisted(() => ({ archive: undefined as unknown as Archive, viewer: undefined as unknown as Viewer }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => state.archive }));
vi.mock('@/lib/server/auth', () => ({
  currentViewer: async () => state.viewer,
  currentUser: async () => (state.viewer.kind === 'user' ? { username: state.viewer.id, displayName: state.viewer.id, roles: state.viewer.roles, communities: state.viewer.communities } : undefined),
}));
vi.mock('@/lib/auth/users', () => ({ viewerOf: (u: { username: string; roles: string[]; communities: string[] }) => ({ kind: 'user', id: u.username, roles: u.roles, communities: u.communities }) }));
vi.mock('@/lib/server/jobs', () => ({ getDerivativeJobs: () => ({ queue: {} }) }));
vi.mock('@/lib/jobs', () => ({ listJobs: () => [] }));
// Server actions and client-only pieces are not what these pages are tested for.
vi.mock('@/app/studio/records/actions', () => ({ arrangeMedia: vi.fn(), changeStatus: vi.fn(), restoreVersion: vi.fn(), saveRecord: vi.fn() }));
vi.mock('@/app/studio/records/[id]/uploader', () => ({ Uploader: () => null }));
vi.mock('@/app/studio/records/map-picker', () => ({ MapPicker: () => null }));

const StudioPage = (await import('@/app/studio/page')).default;
const ReviewPage = (await import('@/app/studio/review/page')).default;
const RecordPage = (await import('@/app/studio/records/[id]/page')).default;

const user = (id: string, roles: ('officer' | 'reviewer' | 'admin')[], communities: string[] = []): Actor => ({ name: id, viewer: { kind: 'user', id, roles, communities } });
const officer = user('can-bo', ['officer'], ['co-tu']);
const reviewer = user('nguoi-duyet', ['reviewer'], ['co-tu']);
const loneReviewer = user('duyet-moi', ['reviewer']);

let temp: TempArchive;
let returnedId: string;
let restrictedId: string;
const html = async (page: Promise<ReactElement>) => renderToStaticMarkup(await page);
const as = (actor: Actor) => {
  state.viewer = actor.viewer;
};

beforeAll(async () => {
  temp = await tempArchive();
  state.archive = { config: { uploadMaxBytes: 1e9 }, store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(import.meta.dirname, '..', '..', 'content')) } as unknown as Archive;
  const workflow = new Workflow(temp.records, new AuditLog(temp.store));
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
afterAll(async () => temp.cleanup());

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
