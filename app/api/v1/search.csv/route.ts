import { searchRecords } from '@/lib/api/handlers';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return searchRecords(await getSearchIndex(), 'csv')(getArchive(), request, {});
}
