/** Derivatives (renditions, HLS, posters, waveforms, page images) for the viewer of this request (see lib/server/derivatives.ts). */
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { serveDerivative } from '@/lib/server/derivatives';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return serveDerivative(request, await currentViewer(), getArchive());
}

export { handle as GET, handle as HEAD };
