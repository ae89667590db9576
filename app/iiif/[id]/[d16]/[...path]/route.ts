/** IIIF Image API 3 (level 0): info.json and static tiles, for the viewer of this request (see lib/server/derivatives.ts). */
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { serveIiifImage } from '@/lib/server/derivatives';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return serveIiifImage(request, await currentViewer(), getArchive());
}

export { handle as GET, handle as HEAD };
