import { mayPerform } from '@/lib/access/policy';
import { AuditLog, auditCsv, type AuditEvent } from '@/lib/workflow/audit';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { auditActionWord, isoInVietnam } from '@/lib/studio/words';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  if (!mayPerform(await currentViewer(), 'view-audit-log')) return new Response('Chỉ quản trị viên / Admins only', { status: 403 });
  const events: AuditEvent[] = [];
  for await (const e of new AuditLog(getArchive().store).events()) events.push(e);
  // Actions in words and times on Vietnam's clock (ISO with +07:00, so spreadsheets still read them as times); auditCsv writes through lib/http/csv.ts, which neutralises formulas.
  const shown = events.map((e) => ({ ...e, at: isoInVietnam(e.at), action: auditActionWord(e.action) }));
  return new Response(auditCsv(shown), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="di-san-nhat-ky.csv"' } });
}
