import { getOpenApi } from '@/lib/api/handlers';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return getOpenApi(getArchive(), request, {});
}
