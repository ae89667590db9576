/** Errors the record repository raises; each carries what a person needs to act on it. */
import type { z } from 'zod';
import { ArchiveError, type ErrorKind } from '../errors';

export class RecordError extends ArchiveError {
  constructor(message: string, kind: ErrorKind = { code: 'record-error', status: 400 }) {
    super(message, kind);
  }
}

/** The record moved on since the caller read it: nothing was written. */
export class RecordConflictError extends RecordError {
  constructor(readonly id: string, readonly expectedVersion: number, readonly actualVersion: number | undefined, detail?: string) {
    super(
      `record ${id} changed meanwhile: expected version ${expectedVersion}, found ${actualVersion ?? 'none'}` +
        (detail ? ` (${detail})` : '') +
        '; reload it and apply your change again',
      {
        code: 'record-conflict',
        status: 409,
        text: { vi: 'Hồ sơ vừa được người khác sửa. Hãy tải lại trang và sửa lại.', en: 'Someone changed this record meanwhile: reload and edit again.' },
      },
    );
  }
}

export class RecordNotFoundError extends RecordError {
  constructor(readonly id: string) {
    super(`no record ${id}`, { code: 'record-not-found', status: 404, text: { vi: `Không có hồ sơ ${id}`, en: `No record ${id}` } });
  }
}

export class RecordExistsError extends RecordError {
  constructor(readonly id: string) {
    super(`record ${id} already exists`, { code: 'record-exists', status: 409 });
  }
}

export class SlugTakenError extends RecordError {
  constructor(readonly slug: string, readonly ownerId: string) {
    super(`slug "${slug}" is already used by record ${ownerId}`, {
      code: 'slug-taken',
      status: 409,
      text: { vi: `Đường dẫn này đã được hồ sơ ${ownerId} dùng`, en: `This slug is already used by record ${ownerId}` },
    });
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export class RecordValidationError extends RecordError {
  constructor(readonly issues: ValidationIssue[]) {
    super(`invalid record: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, { code: 'record-invalid', status: 422 });
  }

  static fromZod(error: z.ZodError, prefix = ''): RecordValidationError {
    return new RecordValidationError(
      error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'), message: issue.message })),
    );
  }
}

/** Stored data that does not parse: the store was altered or a write was cut short. */
export class CorruptRecordError extends RecordError {
  constructor(readonly id: string, detail: string) {
    super(`record ${id} is damaged: ${detail}; run \`npm run archive -- fsck\``, { code: 'record-damaged', status: 500 });
  }
}
