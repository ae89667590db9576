import { coverageCsv } from '@/lib/studio/coverage-csv';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { currentCoverage } from '@/lib/server/coverage';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  if ((await currentViewer()).kind === 'anonymous') return new Response('Hãy đăng nhập / Sign in', { status: 401 });
  const csv = coverageCsv(await currentCoverage(), getArchive().vocab);
  return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="di-san-bao-phu-${new Date().toISOString().slice(0, 10)}.csv"` } });
}
