/**
 * IIIF Image API 3, level 0: info.json and the static tiles made by the media
 * pipeline, with CORS so any IIIF viewer can open them. info.json's id is
 * rewritten from the pipeline's placeholder to this service's public URL.
 */
import { IIIF_ID_PLACEHOLDER } from '@/lib/media/image';
import { serveObject } from '@/lib/http/serve-object';
import { getArchive } from '@/lib/server/archive';
import { derivativeAccess, derivativePath } from '@/lib/server/derivatives';

export const dynamic = 'force-dynamic';

type Params = Promise<{ id: string; d16: string; path: string[] }>;

async function handle(request: Request, context: { params: Params }): Promise<Response> {
  const { id, d16, path } = await context.params;
  const access = await derivativeAccess(id, d16);
  const relative = derivativePath(path);
  if (!access || !relative) return new Response('Not found', { status: 404, headers: { 'access-control-allow-origin': '*' } });
  const { store, config } = getArchive();
  const service = `${config.siteUrl}/iiif/${id}/${d16}`;
  const isInfo = relative === 'info.json';
  return serveObject(request, store, `${access.prefix}/image/iiif/${relative}`, {
    visibility: access.visibility,
    immutable: !isInfo,
    headers: { 'access-control-allow-origin': '*', ...(isInfo ? { 'content-type': 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"' } : {}) },
    ...(isInfo ? { transform: (text: string) => text.replaceAll(`${IIIF_ID_PLACEHOLDER}/iiif`, service).replaceAll(IIIF_ID_PLACEHOLDER, service) } : {}),
  });
}

export { handle as GET, handle as HEAD };
