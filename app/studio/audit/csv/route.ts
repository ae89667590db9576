import { mayPerform } from '@/lib/access/policy';
import { auditCsv } from '@/lib/studio/coverage-csv';
import { AuditLog, type AuditEvent } from '@/lib/workflow/audit';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  if (!mayPerform(await currentViewer(), 'view-audit-log')) return new Response('Chỉ quản trị viên / Admins only', { status: 403 });
  const events: AuditEvent[] = [];
  for await (const e of new AuditLog(getArchive().store).events()) events.push(e);
  return new Response(auditCsv(events), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="di-san-nhat-ky.csv"' } });
}
