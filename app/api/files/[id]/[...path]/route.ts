/** A record's original files, for the viewer of this request (see lib/http/originals.ts). */
import { serveOriginal } from '@/lib/http/originals';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return serveOriginal(request, await currentViewer(), getArchive());
}

export { handle as GET, handle as HEAD };
