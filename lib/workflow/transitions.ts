/**
 * The editorial workflow: draft → submitted → published, or returned to
 * draft with a comment; withdraw and restore; restore of an earlier version.
 * Each step asks the access policy, writes a new version (never rewriting an
 * old one) and appends to the audit log.
 */
import { mayPerform, type Action, type Viewer } from '../access/policy';
import { ArchiveError } from '../errors';
import { RecordBody, type HeritageRecord, type RecordStatus } from '../records/schema';
import type { CreateInput, RecordRepository, StoredRecord, UpdateInput } from '../records/repository';
import type { AuditLog } from './audit';
import { diffRecord, summarizeChange } from '../studio/record-diff';

import type { Transition } from '../records/version-message';

export type { Transition };

const TARGET: Record<Transition, RecordStatus> = { submit: 'submitted', publish: 'published', return: 'draft', withdraw: 'withdrawn', restore: 'published' };
const FROM: Record<Transition, RecordStatus[]> = { submit: ['draft'], publish: ['submitted'], return: ['submitted'], withdraw: ['published'], restore: ['withdrawn'] };

export class ForbiddenError extends ArchiveError {
  constructor(readonly action: Action) {
    super(`Bạn không có quyền thực hiện thao tác này (${action}) / You may not do this (${action})`, {
      code: 'forbidden',
      status: 403,
      text: { vi: `Bạn không có quyền thực hiện thao tác này (${action})`, en: `You may not do this (${action})` },
    });
  }
}

export class TransitionError extends ArchiveError {
  constructor(message: string) {
    super(message, { code: 'transition-not-allowed', status: 409 });
  }
}

export interface Actor {
  viewer: Viewer;
  name: string;
  address?: string;
}

export class Workflow {
  constructor(
    private readonly records: RecordRepository,
    private readonly audit: AuditLog,
  ) {}

  async transition(actor: Actor, id: string, transition: Transition, expectedVersion: number, comment?: string): Promise<StoredRecord> {
    const current = await this.records.require(id);
    if (!mayPerform(actor.viewer, transition, current.record)) throw new ForbiddenError(transition);
    if (!FROM[transition].includes(current.record.status)) {
      throw new TransitionError(`cannot ${transition} a record that is ${current.record.status}`);
    }
    if (transition === 'return' && !comment?.trim()) throw new TransitionError('a returned record needs a comment saying what to change');
    const body = { ...RecordBody.parse(current.record), status: TARGET[transition] };
    const updated = await this.records.update(id, {
      expectedVersion,
      body,
      user: { name: actor.name },
      message: comment?.trim() ? `${transition}: ${comment.trim()}` : transition,
    });
    await this.audit.append({ actor: actor.name, action: transition, recordId: id, version: updated.head, comment: comment?.trim() || undefined, address: actor.address });
    return updated;
  }

  /** A new record, as a draft of the actor (whatever status the input says). */
  async create(actor: Actor, input: Omit<CreateInput, 'user'>): Promise<StoredRecord> {
    const body = RecordBody.parse(input.body);
    const draft = { ...body, status: 'draft' as const };
    if (!mayPerform(actor.viewer, 'create', draft)) throw new ForbiddenError('create');
    const created = await this.records.create({ ...input, body: draft, user: { name: actor.name } });
    await this.audit.append({ actor: actor.name, action: 'create', recordId: created.record.id, version: created.head, address: actor.address });
    return created;
  }

  /** New metadata and/or files; the status is only changed by transitions. */
  async edit(actor: Actor, id: string, input: Omit<UpdateInput, 'user'>): Promise<StoredRecord> {
    const current = await this.records.require(id);
    if (!mayPerform(actor.viewer, 'edit', current.record)) throw new ForbiddenError('edit');
    const body = input.body ? { ...RecordBody.parse(input.body), status: current.record.status } : undefined;
    if (body && !mayPerform(actor.viewer, 'edit', body)) throw new ForbiddenError('edit'); // cannot restrict a record away from oneself
    // Saving an unchanged form is common (an officer checks a record and presses save): no version, no audit entry.
    if (changesNothing(current, input, body)) return current;
    const updated = await this.records.update(id, { ...input, body, user: { name: actor.name } });
    if (updated.head !== current.head) {
      await this.audit.append({ actor: actor.name, action: 'edit', recordId: id, version: updated.head, address: actor.address, detail: { changes: diffRecords(current.record, updated.record).slice(0, 50) } });
    }
    return updated;
  }

  /** Makes an earlier version's metadata the new head (a new version: history is kept). */
  async restoreVersion(actor: Actor, id: string, version: number, expectedVersion: number): Promise<StoredRecord> {
    const current = await this.records.require(id);
    if (!mayPerform(actor.viewer, 'edit', current.record)) throw new ForbiddenError('edit');
    const old = await this.records.require(id, version);
    const updated = await this.records.update(id, {
      expectedVersion,
      body: { ...RecordBody.parse(old.record), status: current.record.status },
      user: { name: actor.name },
      message: `restore metadata of v${version}`,
    });
    await this.audit.append({ actor: actor.name, action: 'restore-version', recordId: id, version: updated.head, detail: { from: version }, address: actor.address });
    return updated;
  }
}

/**
 * Whether an edit asks for nothing new: made against the head, with the
 * head's metadata and media as they are. A stale edit is not "nothing": the
 * repository reports it as a conflict.
 */
function changesNothing(current: StoredRecord, input: Omit<UpdateInput, 'user'>, body: RecordBody | undefined): boolean {
  const { record } = current;
  const sameOrder = !input.mediaOrder || canonicalJson(input.mediaOrder) === canonicalJson(record.media.map((m) => m.path));
  const samePoster = input.poster === undefined || (input.poster ?? undefined) === record.poster;
  return (
    input.expectedVersion === current.head &&
    !input.addFiles?.length &&
    !input.removeFiles?.length &&
    sameOrder &&
    samePoster &&
    (body === undefined || canonicalJson(body) === canonicalJson(RecordBody.parse(record)))
  );
}

/** JSON with object keys sorted, so two equal records compare equal whatever order their keys were built in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * What an edit changed, one Vietnamese line per field, for the audit log
 * ("Tên (tiếng Anh): “a” → “b”", "Tệp gốc: thêm a.jpg"). The structured
 * diff the studio shows is lib/studio/record-diff.ts; the log has no
 * vocabularies at hand, so codes stay codes there (stable, unlike labels).
 */
export function diffRecords(before: HeritageRecord, after: HeritageRecord): string[] {
  return diffRecord(before, after).map(summarizeChange);
}
