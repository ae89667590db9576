/**
 * The audit log: who did what, when and from where. Append-only: each event
 * is its own create-only object under system/audit/<yyyy>/<mm>/, named by
 * time and a random suffix, so concurrent writers never overwrite each
 * other and nothing is ever rewritten. Admins read and export it.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { toCsv } from '../http/csv';
import { getJson, type ObjectStore } from '../storage';

export const AuditEvent = z.object({
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  recordId: z.string().optional(),
  version: z.number().int().optional(),
  comment: z.string().optional(),
  address: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export class AuditLog {
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(event: Omit<AuditEvent, 'at'>): Promise<AuditEvent> {
    const at = this.now();
    const full = AuditEvent.parse({ ...event, at: at.toISOString() });
    const stamp = at.toISOString().replace(/[:.]/g, '-');
    // The counter keeps one process's events in order within a millisecond; the random part keeps processes apart.
    const sequence = String(this.sequence++ % 1_000_000).padStart(6, '0');
    const key = `system/audit/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp}-${sequence}-${randomBytes(4).toString('hex')}.json`;
    await this.store.putIfAbsent(key, JSON.stringify(full), { contentType: 'application/json' });
    return full;
  }

  /** Events in time order, optionally for one record. */
  async *events(filter: { recordId?: string } = {}): AsyncIterable<AuditEvent> {
    for await (const item of this.store.list('system/audit/')) {
      const event = AuditEvent.parse(await getJson(this.store, item.key));
      if (!filter.recordId || event.recordId === filter.recordId) yield event;
    }
  }
}

/** The audit log as CSV, through the one CSV writer (BOM, cells that cannot run as formulas). */
export function auditCsv(events: AuditEvent[]): string {
  // Comments are typed by staff and the address comes from the request: both are text to neutralise.
  return toCsv([['at', 'actor', 'action', 'record', 'version', 'comment', 'address'], ...events.map((e) => [e.at, e.actor, e.action, e.recordId ?? '', e.version ?? '', e.comment ?? '', e.address ?? ''])]);
}
