/**
 * The one mapping of errors to HTTP. An ArchiveError (lib/errors.ts) below
 * 500 is the caller's to fix: it answers with its own status, code and
 * words. Anything else, or an ArchiveError of ours (damaged record, failed
 * tool, store down), is a 500 that names no cause: the details go to the
 * log, never to the client.
 */
import { ArchiveError, type Bilingual } from '../errors';

export interface HttpError {
  status: number;
  code: string;
  text: Bilingual;
  /** False for a fault of ours: log it. */
  expected: boolean;
}

const INTERNAL: Bilingual = { vi: 'Máy chủ gặp lỗi; hãy thử lại', en: 'The server failed; please try again' };

export function httpError(error: unknown): HttpError {
  if (error instanceof ArchiveError && error.status < 500) return { status: error.status, code: error.code, text: error.text, expected: true };
  return { status: 500, code: 'internal', text: INTERNAL, expected: false };
}

/** Both languages in one line, the way plain-text answers and forms show them. */
export function bilingual(text: Bilingual): string {
  return text.vi === text.en ? text.en : `${text.vi} / ${text.en}`;
}
