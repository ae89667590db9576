/** What every upload test starts from: an officer signed in, and a record of theirs to upload to. */
import type { Archive } from '@/lib/archive';
import { AuditLog } from '@/lib/workflow/audit';
import type { AuthServices } from '@/lib/auth/login';
import { Workflow } from '@/lib/workflow/transitions';
import { sampleBody } from './temp-archive';

export const OFFICER = 'can-bo';

/** Creates the officer `can-bo`, signs them in, and creates a draft record as them: their session cookie and the record's id. */
export async function officerWithRecord(archive: Pick<Archive, 'records' | 'store'>, auth: AuthServices): Promise<{ cookie: string; recordId: string }> {
  await auth.users.create({ username: OFFICER, displayName: 'Cán bộ', roles: ['officer'], password: 'mat-khau-rat-dai' });
  const cookie = `disan_session=${(await auth.sessions.create(OFFICER)).token}`;
  const workflow = new Workflow(archive.records, new AuditLog(archive.store));
  const viewer = { kind: 'user' as const, id: OFFICER, roles: ['officer' as const], communities: [] };
  const { record } = await workflow.create({ name: OFFICER, viewer }, { body: sampleBody() });
  return { cookie, recordId: record.id };
}
