import { getRecordDublinCore } from '@/lib/api/handlers';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return getRecordDublinCore(getArchive(), request, await context.params);
}
