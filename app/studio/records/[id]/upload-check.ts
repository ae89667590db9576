/**
 * The server's verdict on a file, given in the browser before a byte is sent:
 * a 2 GB text file named .mp4 used to travel up a 3G line only to be refused
 * at the end. Size first (free), then the first bytes, read and judged as the
 * upload server does (lib/media/sniff-bytes, the very same code).
 */
import { HEAD_BYTES, sniffBuffer, uploadRefusal, type SniffedType } from '@/lib/media/sniff-bytes';
import { formatBytes } from './upload-format';

export type Check = { ok: true; sniffed: SniffedType } | { ok: false; message: string };

/** The part of a File this needs (a Blob with a name), so Node tests can pass a File too. */
export type PickedFile = Blob & { readonly name: string };

export async function checkBeforeUpload(file: PickedFile, maxBytes: number): Promise<Check> {
  // The server names files in NFC (macOS hands out NFD names): judge the name it will judge.
  const name = file.name.normalize('NFC');
  if (file.size > maxBytes) {
    return { ok: false, message: `${name}: tệp quá lớn (${formatBytes(file.size)}; tối đa ${formatBytes(maxBytes)}) / File too large` };
  }
  if (file.size === 0) {
    return { ok: false, message: `${name}: tệp rỗng (0 byte); có thể tệp chưa được lưu xong trên máy / Empty file` };
  }
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const sniffed = await sniffBuffer(head);
  const refusal = uploadRefusal(name, sniffed);
  if (refusal) return { ok: false, message: `${refusal.vi} / ${refusal.en}` };
  // uploadRefusal refuses content it cannot name, so here it has a name.
  return { ok: true, sniffed: sniffed! };
}
