/** Derivatives (renditions, HLS, posters, waveforms, page images) for the viewer of this request (see lib/server/derivatives.ts). */
import { corsPreflight } from '@/lib/http/serve-object';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { serveDerivative } from '@/lib/server/derivatives';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return serveDerivative(request, await currentViewer(), getArchive());
}

/** CORS preflight (a player's Range request from another origin): see lib/http/serve-object.ts. */
export function OPTIONS(): Response {
  return corsPreflight();
}

export { handle as GET, handle as HEAD };
