/**
 * IIIF Presentation 3 manifest of a record anyone may see, when it has
 * something to show: a record with no canvas (no media, or none derived yet)
 * has no manifest (404), exactly like a hidden or missing one.
 */
import { ANONYMOUS } from '@/lib/access/policy';
import { readVisible } from '@/lib/access/reader';
import { json } from '@/lib/api/http';
import { recordHasCanvas, recordManifest } from '@/lib/iiif/presentation';
import { getArchive } from '@/lib/server/archive';
import { derivativesOf } from '@/lib/server/iiif';

export const dynamic = 'force-dynamic';

function notFound(): Response {
  return new Response('Không tìm thấy / Not found', { status: 404, headers: { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const { records, vocab, config } = getArchive();
  // Manifests are for sharing (and cached by anyone): read as an anonymous visitor would, whoever asks.
  const read = await readVisible(records, ANONYMOUS, id);
  if (!read.ok) return notFound();
  const { record } = read.stored;
  const derivatives = await derivativesOf(record);
  // A manifest without a canvas is one no viewer can open (and a collection does not list it); the record page asks the same question before linking here.
  if (!recordHasCanvas(record, derivatives)) return notFound();
  const manifest = recordManifest(record, { siteUrl: config.siteUrl, vocab, derivatives });
  const response = json(request, manifest);
  response.headers.set('content-type', 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
  return response;
}
