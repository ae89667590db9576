/**
 * Editorial steps as they are kept: a version written by a workflow
 * transition carries the step's name, and a reviewer's comment after it
 * ("submit", "return: Thiếu ảnh"), as its OCFL version message. Written by
 * lib/workflow/transitions.ts, read back by the review queue and the studio's
 * words; defined here, with the rest of what a record keeps.
 */
export type Transition = 'submit' | 'publish' | 'return' | 'withdraw' | 'restore';

const WORKFLOW_MESSAGE = /^(submit|publish|return|withdraw|restore)(?:: ([\s\S]+))?$/;

/** A version message written by Workflow.transition ("return: Thiếu ảnh"), read back; undefined for any other message. */
export function readWorkflowMessage(message: string | undefined): { transition: Transition; comment?: string } | undefined {
  const m = message === undefined ? null : WORKFLOW_MESSAGE.exec(message);
  if (!m) return undefined;
  return m[2] === undefined ? { transition: m[1] as Transition } : { transition: m[1] as Transition, comment: m[2] };
}
