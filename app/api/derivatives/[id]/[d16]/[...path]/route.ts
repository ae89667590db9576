/** Derivatives (renditions, HLS, posters, waveforms, page images) after the access check, cached forever when public. */
import { serveObject } from '@/lib/http/serve-object';
import { getArchive } from '@/lib/server/archive';
import { derivativeAccess, derivativePath } from '@/lib/server/derivatives';

export const dynamic = 'force-dynamic';

type Params = Promise<{ id: string; d16: string; path: string[] }>;

async function handle(request: Request, context: { params: Params }): Promise<Response> {
  const { id, d16, path } = await context.params;
  const access = await derivativeAccess(id, d16);
  const relative = derivativePath(path);
  if (!access || !relative) return new Response('Không tìm thấy / Not found', { status: 404 });
  return serveObject(request, getArchive().store, `${access.prefix}/${relative}`, { visibility: access.visibility, immutable: true });
}

export { handle as GET, handle as HEAD };
