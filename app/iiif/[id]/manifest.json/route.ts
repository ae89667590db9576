/** IIIF Presentation 3 manifest of a public record. */
import { ANONYMOUS, maySeeRecord } from '@/lib/access/policy';
import { json } from '@/lib/api/http';
import { recordManifest } from '@/lib/iiif/presentation';
import { RECORD_ID_PATTERN } from '@/lib/records/schema';
import { getArchive } from '@/lib/server/archive';
import { derivativesOf } from '@/lib/server/iiif';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const { records, vocab, config } = getArchive();
  const stored = RECORD_ID_PATTERN.test(id) ? await records.get(id) : undefined;
  // Manifests are for sharing: only records anyone may see.
  if (!stored || !maySeeRecord(ANONYMOUS, stored.record)) return new Response('Not found', { status: 404, headers: { 'access-control-allow-origin': '*' } });
  const manifest = recordManifest(stored.record, { siteUrl: config.siteUrl, vocab, derivatives: await derivativesOf(stored.record) });
  const response = json(request, manifest);
  response.headers.set('content-type', 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
  return response;
}
