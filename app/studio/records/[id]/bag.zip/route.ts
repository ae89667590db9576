/** A record's BagIt bag, zipped: for staff (anyone who may see the record's history). */
import { Readable } from 'node:stream';
import { readVisible } from '@/lib/access/reader';
import { bagZip } from '@/lib/interop/bag-zip';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const { records, vocab, config } = getArchive();
  const read = await readVisible(records, await currentViewer(), id, 'view-history');
  if (!read.ok) return new Response('Không tìm thấy / Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const stored = read.stored;
  const stream = await bagZip(records, id, { vocab, siteUrl: config.siteUrl });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${id}-v${stored.head}-bagit.zip"`, 'cache-control': 'private, no-store' },
  });
}
