import { listRecords } from '@/lib/api/handlers';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return listRecords(await getSearchIndex())(getArchive(), request, {});
}
