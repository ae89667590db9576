/**
 * When an upload is worth trying again, and what to tell people when it is
 * not. A refusal from the server is an answer, not a fault: sending the same
 * bytes again gets the same answer, so it is final and shown at once. Only
 * what may go away by itself (a dropped line, a server fault, a lock) is
 * retried, with backoff.
 */

/** 'fresh': try once more as a new upload from the first byte; 'final': stop and show the answer. */
export type RetryVerdict = 'retry' | 'fresh' | 'final';

/** The upload server's "the file that arrived is not the file sent" (lib/uploads/tus.ts). */
export const CHECKSUM_MISMATCH = 460;

/**
 * Conflicts of the moment: 409 (the offset moved; a HEAD puts it right),
 * 423 (another request holds the upload), 429 (slow down).
 */
const TRANSIENT = new Set([409, 423, 429]);

/**
 * Backoff between tries, in ms. Mountain connections drop for minutes; the
 * count starts over whenever some bytes got through, and the uploader also
 * tries at once when the browser says the line is back.
 */
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 60_000, 60_000, 60_000];

/**
 * status: the HTTP status of the failed request, 0 when none came back.
 * checksumRetries: fresh tries already spent on a 460 for this file.
 */
export function retryVerdict(status: number, checksumRetries: number): RetryVerdict {
  // A 460 may be a byte flipped on the way: one fresh upload tells that apart from a file that changed on disk.
  if (status === CHECKSUM_MISMATCH) return checksumRetries < 1 ? 'fresh' : 'final';
  if (status >= 400 && status < 500 && !TRANSIENT.has(status)) return 'final';
  return 'retry';
}

/** For tus's own English-only answers (and empty ones): what the status means, in Vietnamese. */
const MEANING: Record<number, string> = {
  400: 'Máy chủ không nhận yêu cầu tải lên này',
  401: 'Phiên đăng nhập đã hết; hãy đăng nhập lại rồi chọn lại tệp',
  403: 'Bạn không được tải tệp lên hồ sơ này',
  404: 'Không tìm thấy tệp đang tải lên',
  410: 'Máy chủ đã xoá phần tệp gửi dở; hãy chọn lại tệp để gửi lại từ đầu',
  413: 'Tệp vượt quá dung lượng cho phép',
  415: 'Kho lưu trữ không nhận loại tệp này',
  460: 'Tệp nhận được khác với tệp đã gửi',
};

/**
 * What a refused upload shows. The upload server answers every refusal with
 * "tiếng Việt / English": shown as it is. tus's own protocol answers are
 * English only, so a Vietnamese sentence goes first.
 */
export function refusalMessage(status: number, body: string): string {
  const text = body.trim();
  if (text.includes(' / ')) return text;
  const meaning = MEANING[status] ?? `Máy chủ từ chối tệp (mã ${status})`;
  return text ? `${meaning} / ${text}` : meaning;
}

/**
 * What a file that stopped moving shows once tus has run out of retries:
 * nothing was refused, so it waits to be resumed (by a tap, or by itself when
 * the browser says the line is back).
 */
export function stalledMessage(status: number, body: string): string {
  if (status === 0) return 'mất kết nối quá lâu; sẽ tự tải tiếp khi có mạng, hoặc bấm “Tiếp tục”';
  const text = body.trim();
  if (text.includes(' / ')) return `${text} (bấm “Tiếp tục” để thử lại)`;
  return `máy chủ tạm thời chưa nhận tệp (mã ${status}); bấm “Tiếp tục” để thử lại`;
}
