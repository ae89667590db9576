/**
 * Review as a conversation: the queue of submissions a reviewer may decide
 * on, and the comment a reviewer returned a record with, which the officer
 * sees until they submit again.
 *
 * Both read the version summaries a record list already holds (the
 * messages Workflow.transition writes: "submit", "return: <comment>"), so
 * neither needs a scan of the audit log.
 */
import { mayPerform, type Viewer } from '../access/policy';
import type { StoredRecord, VersionSummary } from '../records/repository';
import type { Transition } from './transitions';

const WORKFLOW_MESSAGE = /^(submit|publish|return|withdraw|restore)(?:: ([\s\S]+))?$/;

/** A version message written by Workflow.transition ("return: Thiếu ảnh"), read back; undefined for any other message. */
export function readWorkflowMessage(message: string | undefined): { transition: Transition; comment?: string } | undefined {
  const m = message === undefined ? null : WORKFLOW_MESSAGE.exec(message);
  if (!m) return undefined;
  return m[2] === undefined ? { transition: m[1] as Transition } : { transition: m[1] as Transition, comment: m[2] };
}

export interface Submission {
  stored: StoredRecord;
  /** When it was (last) submitted: the time the reviewer has kept the officer waiting since. */
  submittedAt: string;
  submittedBy?: string;
}

export interface ReviewQueue {
  /** Oldest first: whoever has waited longest is answered first. */
  submissions: Submission[];
  /** Submissions per community (the records' ethnic groups; undefined for records of none), most first. */
  byCommunity: { community: string | undefined; count: number }[];
}

/** The last version at which the record was submitted; the head if it arrived submitted another way (an import). */
function submissionVersion(versions: readonly VersionSummary[]): VersionSummary | undefined {
  return versions.findLast((v) => readWorkflowMessage(v.message)?.transition === 'submit') ?? versions.at(-1);
}

/**
 * The submissions this viewer may publish or return, from a list the viewer
 * may see. The policy decides (mayPerform 'publish'): officers and
 * researchers get nothing; a reviewer gets the open submissions and those
 * restricted to communities they belong to; an admin gets all.
 */
export function reviewQueue(viewer: Viewer, records: readonly StoredRecord[]): ReviewQueue {
  const submissions = records
    .filter((stored) => stored.record.status === 'submitted' && mayPerform(viewer, 'publish', stored.record))
    .map((stored): Submission => {
      const version = submissionVersion(stored.versions);
      return { stored, submittedAt: version?.created ?? stored.modified, submittedBy: version?.user?.name };
    })
    .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0));
  const counts = new Map<string | undefined, number>();
  for (const { stored } of submissions) {
    const groups = stored.record.ethnicGroups.length ? stored.record.ethnicGroups : [undefined];
    for (const group of groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const byCommunity = [...counts]
    .map(([community, count]) => ({ community, count }))
    // Most first; records of no community last, as the remainder.
    .sort((a, b) => Number(a.community === undefined) - Number(b.community === undefined) || b.count - a.count || (a.community ?? '').localeCompare(b.community ?? ''));
  return { submissions, byCommunity };
}

/** Whether the viewer reviews at all (reviewers and admins), so is offered the queue. Which records, the policy decides per record. */
export function reviews(viewer: Viewer): boolean {
  return viewer.kind === 'user' && (viewer.roles.includes('reviewer') || viewer.roles.includes('admin'));
}

/**
 * Whether the queue may be missing work for want of membership: a reviewer
 * (not an admin) in no community cannot review any community-restricted
 * record, and should be told so rather than shown an empty list.
 */
export function queueNeedsMembership(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.roles.includes('reviewer') && !viewer.roles.includes('admin') && viewer.communities.length === 0;
}

export interface ReturnNote {
  comment: string;
  by?: string;
  at: string;
  version: number;
}

/**
 * The reviewer's comment on a returned record, while it is still the
 * officer's turn: from the return until the next submission. Undefined
 * when the record is not a draft (submitted again, or moved on).
 */
export function pendingReturn(stored: Pick<StoredRecord, 'record' | 'versions'>): ReturnNote | undefined {
  if (stored.record.status !== 'draft') return undefined;
  for (const v of [...stored.versions].reverse()) {
    const step = readWorkflowMessage(v.message);
    if (step?.transition === 'submit') return undefined;
    if (step?.transition === 'return' && step.comment) return { comment: step.comment, by: v.user?.name, at: v.created, version: v.number };
  }
  return undefined;
}
