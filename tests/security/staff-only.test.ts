/**
 * Class 10 of issue #11: what is staff-only is read through the one
 * viewer-scoped reader. Version history (text removed before publication) was
 * shown to researchers on the studio record page while the BagIt download
 * was correctly refused.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordRepository } from '../../lib/records/repository';
import { RecordBody } from '../../lib/records/schema';
import { LocalObjectStore } from '../../lib/storage/local';
import { attack, dataDir, idOfSlug, signIn } from './client';

const REMOVED_TEXT = 'Đoạn văn nháp đã bị xóa trước khi công bố';

describe('staff-only data', () => {
  it('shows earlier versions to staff only', async () => {
    const id = await idOfSlug('le-ket-nghia-lang-co-tu'); // public and published
    // Two versions: the first said something the second took out before it was published.
    const records = new RecordRepository(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
    const head = await records.require(id);
    const body = RecordBody.parse(head.record);
    const withDraftText = { ...body, description: { ...body.description, vi: `${body.description.vi} ${REMOVED_TEXT}.` } };
    const v2 = await records.update(id, { expectedVersion: head.head, body: withDraftText, user: { name: 'test' }, message: 'nháp' });
    await records.update(id, { expectedVersion: v2.head, body, user: { name: 'test' }, message: 'bỏ đoạn nháp' });

    const researcher = await signIn('researcher');
    const seen = await attack(`/studio/records/${id}`, { session: researcher });
    const html = await seen.text();
    expect(seen.status).toBe(200);
    expect(html).not.toContain(REMOVED_TEXT);
    expect(html).not.toContain('Lịch sử phiên bản');
    expect(html).not.toContain('bag.zip');
    expect((await attack(`/studio/records/${id}/bag.zip`, { session: researcher })).status).toBe(404);

    const reviewer = await signIn('reviewer');
    const staffView = await (await attack(`/studio/records/${id}`, { session: reviewer })).text();
    expect(staffView).toContain('Lịch sử phiên bản');
    expect(staffView).toContain('bỏ đoạn nháp');
  });

  it('reads a community-restricted record as not found for staff outside the community, everywhere', async () => {
    const id = await idOfSlug('le-bo-ma-teng-ping-co-tu'); // community: co-tu
    const outsider = await signIn('officerXoDang');
    const member = await signIn('officerCoTu');
    for (const path of [`/studio/records/${id}`, `/studio/records/${id}/edit`, `/studio/records/${id}/bag.zip`, `/vi/records/${id}`, `/api/v1/records/${id}`, `/iiif/${id}/manifest.json`]) {
      const refused = await attack(path, { session: outsider });
      expect(refused.status, `${path} as an outsider`).toBe(404);
    }
    expect((await attack(`/studio/records/${id}`, { session: member })).status).toBe(200);
    expect((await attack(`/vi/records/${id}/le-bo-ma-teng-ping-co-tu`, { session: member })).status).toBe(200);
  });
});
