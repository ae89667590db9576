/**
 * The one base of the archive's errors. Each says what went wrong three
 * ways: a stable `code` (for programs, logs and API problem types), the
 * HTTP `status` it answers with, and `text`, a sentence for people in
 * Vietnamese and English. `message` stays what it always was (logs, CLIs).
 * lib/http/errors.ts is the one mapping of errors to HTTP; an error that is
 * not an ArchiveError is a fault of ours (500) and says nothing of its cause.
 */
export interface Bilingual {
  vi: string;
  en: string;
}

export interface ErrorKind {
  code: string;
  status: number;
  /** For people; the message in both languages when absent. */
  text?: Bilingual;
}

export class ArchiveError extends Error {
  readonly code: string;
  readonly status: number;
  readonly #text: Bilingual | undefined;

  constructor(message: string, kind: ErrorKind) {
    super(message);
    this.name = new.target.name;
    this.code = kind.code;
    this.status = kind.status;
    this.#text = kind.text;
  }

  /** For people: the words given, else the message (in both languages). */
  get text(): Bilingual {
    return this.#text ?? { vi: this.message, en: this.message };
  }
}
