/**
 * What harvesters may see, read from storage: public records, and withdrawn
 * ones that had been published publicly. Harvesters are the public: each
 * item carries the record with the names of people who did not consent
 * withheld (lib/access/consent.ts).
 */
import { withholdNames } from '../access/consent';
import { ANONYMOUS, maySeeRecord } from '../access/policy';
import type { RecordRepository } from '../records/repository';
import { oaiDatestamp, setsOf, type OaiItem } from './provider';

export async function loadOaiItems(repository: RecordRepository): Promise<OaiItem[]> {
  const items: OaiItem[] = [];
  for await (const id of repository.ids()) {
    const stored = await repository.get(id).catch(() => undefined);
    if (!stored) continue;
    const { record } = stored;
    const visible = maySeeRecord(ANONYMOUS, record);
    // A withdrawn record is announced as deleted only if harvesters could have had it.
    const withdrawnPublic = record.status === 'withdrawn' && record.access.level === 'public' && record.publishedAt !== undefined;
    if (!visible && !withdrawnPublic) continue;
    items.push({ id, datestamp: oaiDatestamp(stored.modified), deleted: !visible, sets: setsOf(record), record: withholdNames(record) });
  }
  return items;
}
