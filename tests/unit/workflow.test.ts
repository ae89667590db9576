/** The editorial workflow end to end on a real store: roles, transitions, conflicts, history, audit. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import { RecordConflictError } from '@/lib/records/errors';
import { RecordBody } from '@/lib/records/schema';
import { AuditLog } from '@/lib/workflow/audit';
import { ForbiddenError, TransitionError, Workflow, diffRecords, type Actor } from '@/lib/workflow/transitions';
import { sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const user = (name: string, roles: ('officer' | 'reviewer' | 'admin' | 'researcher')[], communities: string[] = []): Actor => ({
  name,
  viewer: { kind: 'user', id: name, roles, communities } as Viewer,
  address: '203.0.113.9',
});
const officer = user('officer', ['officer']);
const reviewer = user('reviewer', ['reviewer']);
const researcher = user('researcher', ['researcher']);

let temp: TempArchive;
let audit: AuditLog;
let workflow: Workflow;
beforeEach(async () => {
  temp = await tempArchive();
  audit = new AuditLog(temp.store);
  workflow = new Workflow(temp.records, audit);
});
afterEach(async () => temp.cleanup());

describe('workflow', () => {
  it('goes draft → submitted → returned with a comment → submitted → published, each a version, all audited', async () => {
    const created = await workflow.create(officer, { body: sampleBody({ status: 'published' }) });
    expect(created.record.status).toBe('draft');
    const id = created.record.id;
    let current = await workflow.transition(officer, id, 'submit', 1);
    await expect(workflow.transition(officer, id, 'publish', current.head)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(workflow.transition(reviewer, id, 'return', current.head)).rejects.toBeInstanceOf(TransitionError);
    current = await workflow.transition(reviewer, id, 'return', current.head, 'Thiếu bản dịch tiếng Anh của mô tả');
    expect(current.record.status).toBe('draft');
    current = await workflow.edit(officer, id, { expectedVersion: current.head, body: sampleBody({ description: { vi: 'Mô tả.', en: 'Description.' } }) });
    current = await workflow.transition(officer, id, 'submit', current.head);
    current = await workflow.transition(reviewer, id, 'publish', current.head);
    expect(current.record.status).toBe('published');
    expect(current.record.publishedAt).toBeDefined();
    expect(current.versions.map((v) => v.message)).toEqual(['Created', 'submit', 'return: Thiếu bản dịch tiếng Anh của mô tả', 'Updated', 'submit', 'publish']);
    const events = [];
    for await (const e of audit.events({ recordId: id })) events.push(`${e.actor}:${e.action}`);
    expect(events).toEqual(['officer:create', 'officer:submit', 'reviewer:return', 'officer:edit', 'officer:submit', 'reviewer:publish']);
  });

  it('refuses researchers, officers on published records, and stale versions', async () => {
    await expect(workflow.create(researcher, { body: sampleBody() })).rejects.toBeInstanceOf(ForbiddenError);
    const { record } = await workflow.create(officer, { body: sampleBody() });
    await workflow.transition(officer, record.id, 'submit', 1);
    await expect(workflow.edit(officer, record.id, { expectedVersion: 2, body: sampleBody({ title: { vi: 'Khác' } }) })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(workflow.transition(reviewer, record.id, 'publish', 1)).rejects.toBeInstanceOf(RecordConflictError);
  });

  it('withdraws and restores, and restores an earlier version as a new one', async () => {
    const { record } = await workflow.create(officer, { body: sampleBody() });
    await workflow.edit(officer, record.id, { expectedVersion: 1, body: sampleBody({ title: { vi: 'Tên sai', en: 'Wrong' } }) });
    let current = await workflow.restoreVersion(officer, record.id, 1, 2);
    expect(current.head).toBe(3);
    expect(current.record.title.vi).toBe('Lễ hội đâm trâu của người Cơ Tu');
    current = await workflow.transition(officer, record.id, 'submit', 3);
    current = await workflow.transition(reviewer, record.id, 'publish', current.head);
    current = await workflow.transition(reviewer, record.id, 'withdraw', current.head, 'Cộng đồng yêu cầu');
    expect(current.record.status).toBe('withdrawn');
    current = await workflow.transition(reviewer, record.id, 'restore', current.head);
    expect(current.record.status).toBe('published');
  });

  it('keeps community-restricted work to members', async () => {
    const member = user('member', ['officer'], ['co-tu']);
    const restricted = sampleBody({ access: { level: 'community', communities: ['co-tu'] } });
    await expect(workflow.create(officer, { body: restricted })).rejects.toBeInstanceOf(ForbiddenError);
    const { record } = await workflow.create(member, { body: restricted });
    await expect(workflow.transition(officer, record.id, 'submit', 1)).rejects.toBeInstanceOf(ForbiddenError);
    await workflow.transition(member, record.id, 'submit', 1);
  });

  it('makes an edit that changes nothing a no-op: the same head, nothing written, nothing audited', async () => {
    const created = await workflow.create(officer, { body: sampleBody({ people: [{ name: 'Già làng', roles: ['elder'], consent: { given: false } }] }) });
    const unchanged = RecordBody.parse(created.record);
    const writes = [vi.spyOn(temp.records, 'update'), vi.spyOn(temp.store, 'put'), vi.spyOn(temp.store, 'putIfAbsent'), vi.spyOn(temp.store, 'delete')];
    // The same body as posted by a form (status and order of keys as the editor gives them), with nothing else asked for.
    const { status: _status, ...posted } = unchanged;
    const saved = await workflow.edit(officer, created.record.id, { expectedVersion: created.head, body: { ...posted, status: 'published' }, removeFiles: [], addFiles: [] });
    expect(saved.head).toBe(created.head);
    expect(saved.record).toEqual(created.record);
    for (const write of writes) expect(write).not.toHaveBeenCalled();
    const events: string[] = [];
    for await (const e of audit.events({ recordId: created.record.id })) events.push(e.action);
    expect(events).toEqual(['create']);
    // A stale version is still a conflict, even for an unchanged body: the form was made from an older record.
    const changed = await workflow.edit(officer, created.record.id, { expectedVersion: created.head, body: { ...posted, title: { vi: 'Tên mới' } } });
    await expect(workflow.edit(officer, created.record.id, { expectedVersion: created.head, body: RecordBody.parse(changed.record) })).rejects.toBeInstanceOf(RecordConflictError);
    // And a change is still a change.
    expect(changed.head).toBe(created.head + 1);
  });

  it('describes changes between versions readably, in Vietnamese, in the audit log', async () => {
    const created = await workflow.create(officer, { body: sampleBody() });
    const { title } = created.record;
    await workflow.edit(officer, created.record.id, { expectedVersion: created.head, body: sampleBody({ title: { ...title, en: 'Buffalo festival' }, subjects: ['le-hoi'] }) });
    const details: unknown[] = [];
    for await (const e of audit.events({ recordId: created.record.id })) if (e.action === 'edit') details.push(e.detail);
    expect(details).toEqual([{ changes: ['Tên (tiếng Anh): “Buffalo sacrifice festival of the Cơ Tu” → “Buffalo festival”', 'Chủ đề: thêm le-hoi'] }]);
    expect(diffRecords(created.record, created.record)).toEqual([]);
  });
});
