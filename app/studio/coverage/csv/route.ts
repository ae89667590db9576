import { mayPerform } from '@/lib/access/policy';
import { coverageCsv } from '@/lib/studio/coverage-csv';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { auditCoverage, currentCoverage } from '@/lib/server/coverage';

export const dynamic = 'force-dynamic';

/** The staff figures as CSV, from the index; `?audit=1` (administrators) rebuilds them from storage first. */
export async function GET(request: Request): Promise<Response> {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') return new Response('Hãy đăng nhập / Sign in', { status: 401 });
  const audit = new URL(request.url).searchParams.has('audit');
  if (audit && !mayPerform(viewer, 'view-audit-log')) return new Response('Chỉ quản trị viên / Administrators only', { status: 403 });
  const coverage = audit ? (await auditCoverage()).storage : await currentCoverage('staff');
  const csv = coverageCsv(coverage, getArchive().vocab);
  const name = `di-san-bao-phu${audit ? '-kiem-tra' : ''}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` } });
}
