/**
 * Errors of the media pipeline. A MediaRefusedError means "this input will
 * never work" (wrong type, bomb, playlist, too long): the job fails at once
 * with the message as its human-readable reason. Anything else (a tool
 * crash, a timeout, a store hiccup) is worth retrying.
 */
import { ArchiveError } from '../errors';

export class MediaRefusedError extends ArchiveError {
  constructor(
    /** The file as people know it (files/<name>), not a temp path. */
    readonly file: string,
    /** What was found, in words ("an HLS playlist", "a PNG declaring 60000×60000 pixels"). */
    readonly found: string,
    reason: string,
  ) {
    super(`${file}: refused, found ${found}: ${reason}`, { code: 'media-refused', status: 422 });
  }
}

/** A tool ran past its wall-clock limit and was killed. */
export class MediaTimeoutError extends ArchiveError {
  constructor(tool: string, file: string, readonly limitMs: number) {
    super(`${file}: ${tool} ran longer than ${Math.round(limitMs / 1000)} s and was stopped`, { code: 'media-timeout', status: 500 });
  }
}

/** A tool failed; the message carries the tail of its stderr. */
export class MediaToolError extends ArchiveError {
  constructor(tool: string, file: string, detail: string) {
    super(`${file}: ${tool} failed: ${detail.trim().split('\n').slice(-4).join(' | ').slice(0, 600)}`, { code: 'media-tool-failed', status: 500 });
  }
}
