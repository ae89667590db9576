/**
 * What a file on disk really is, from its bytes (never its name or the
 * browser's claim). The decision itself lives in ./sniff-bytes, a pure module
 * the studio's uploader also runs in the browser, so that what the browser
 * refuses before sending is exactly what the server would refuse after
 * receiving; this module only reads the head of a file for it.
 *
 * SVG, HTML, XHTML, XML, JavaScript and playlists are named for what they are
 * and given the kind 'other', which every caller (tus uploads, bulk import,
 * the media pipeline) refuses, whatever the file is called.
 */
import fs from 'node:fs/promises';
import { HEAD_BYTES, sniffBuffer, type SniffedType } from './sniff-bytes';

export { HEAD_BYTES, isBrowserExecutable, nameContentMismatch, sniffBuffer, uploadRefusal, type Refusal, type SniffedType } from './sniff-bytes';

export async function sniffFile(file: string): Promise<SniffedType | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return sniffBuffer(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
