/**
 * The studio's tus-js-client options for one file: where it goes, what it
 * says about itself, and the retry policy of ./upload-policy wired into tus's
 * onShouldRetry, so that a refusal ends the upload at once (one request, the
 * server's own words) while a dropped line is retried with backoff.
 * Kept free of React and of the DOM so it runs under Node against the real
 * upload server in tests.
 */
import type { DetailedError, UploadOptions } from 'tus-js-client';
import { refusalMessage, RETRY_DELAYS, retryVerdict, stalledMessage } from './upload-policy';
import { fingerprintOf, type FileIdentity } from './upload-resume';

/** lib/uploads/tus.ts's UPLOAD_PATH, not imported: that module is the server's (node:fs, sessions). */
export const UPLOAD_ENDPOINT = '/api/uploads';

/**
 * Big enough that a fast line is not slowed by round trips, small enough to
 * show progress on 3G; the server keeps what arrived of a cut chunk anyway.
 */
const CHUNK_BYTES = 2 * 1024 * 1024;

export interface UploadTarget {
  recordId: string;
  file: FileIdentity;
  /** More Upload-Metadata: a caption's language and recording, a checksum. */
  metadata?: Record<string, string>;
}

export interface UploadEvents {
  onProgress(sent: number, total: number): void;
  /** tus will try again; fresh: as a new upload from the first byte. status 0: no answer came. */
  onRetry(retry: { status: number; fresh: boolean }): void;
  /** Final: the server said no. */
  onRefused(refusal: { status: number; message: string }): void;
  /** Retries ran out without a refusal: the upload can be resumed later. */
  onStalled(message: string): void;
  onSuccess(): void;
}

function statusOf(error: Error | DetailedError): number {
  return ('originalResponse' in error && error.originalResponse?.getStatus()) || 0;
}

function bodyOf(error: Error | DetailedError): string {
  return ('originalResponse' in error && error.originalResponse?.getBody()) || '';
}

export function tusOptions(target: UploadTarget, events: UploadEvents): UploadOptions {
  // Counted here, not from tus's retryAttempt, which starts over whenever bytes got through.
  let checksumRetries = 0;
  return {
    endpoint: UPLOAD_ENDPOINT,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS,
    metadata: { filename: target.file.name, filetype: target.file.type, recordId: target.recordId, ...target.metadata },
    fingerprint: async () => fingerprintOf(target.recordId, target.file),
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => events.onProgress(sent, total),
    onShouldRetry(error) {
      const status = statusOf(error);
      const verdict = retryVerdict(status, checksumRetries);
      if (verdict === 'final') return false;
      // The server dropped the mismatched upload, so tus's resume finds it gone (404) and starts a new one.
      if (verdict === 'fresh') checksumRetries++;
      events.onRetry({ status, fresh: verdict === 'fresh' });
      return true;
    },
    onError(error) {
      const status = statusOf(error);
      if (status && retryVerdict(status, checksumRetries) === 'final') events.onRefused({ status, message: refusalMessage(status, bodyOf(error)) });
      else if (status || 'originalRequest' in error) events.onStalled(stalledMessage(status, bodyOf(error)));
      // Not an HTTP failure at all (the file could not be read, say): nothing a retry would mend.
      else events.onRefused({ status: 0, message: `không đọc được tệp trên máy (${error.message})` });
    },
    onSuccess: () => events.onSuccess(),
  };
}
