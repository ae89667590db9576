import { getRecord } from '@/lib/api/handlers';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return getRecord(getArchive(), request, await context.params);
}
