/** A record's original files, for the viewer of this request (see lib/server/originals.ts). */
import { corsPreflight } from '@/lib/http/serve-object';
import { serveOriginal } from '@/lib/server/originals';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return serveOriginal(request, await currentViewer(), getArchive());
}

/** CORS preflight (a player's Range request from another origin): see lib/http/serve-object.ts. */
export function OPTIONS(): Response {
  return corsPreflight();
}

export { handle as GET, handle as HEAD };
