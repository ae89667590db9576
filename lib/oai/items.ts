/**
 * What harvesters may see. Lists come from the search index's catalog read
 * (lib/oai/provider.ts asks it by datestamp, with tombstones); one item asked
 * for by identifier (GetRecord, ListMetadataFormats) is read from storage here:
 * a public record, or a withdrawn one that had been published publicly
 * (reported as deleted). Harvesters are the public: each item carries the
 * record with the names of people who did not consent withheld
 * (lib/access/consent.ts).
 */
import { withholdNames } from '../access/consent';
import { ANONYMOUS } from '../access/policy';
import { readVisible } from '../access/reader';
import type { RecordRepository } from '../records/repository';
import { RECORD_ID_PATTERN } from '../records/schema';
import { isTombstone } from '../search/document';
import { oaiDatestamp, setsOf, type OaiItem } from './provider';

/** The item of one record, or undefined when harvesters may not know of it (missing, restricted, never public). */
export async function loadOaiItem(repository: Pick<RecordRepository, 'get'>, id: string): Promise<OaiItem | undefined> {
  if (!RECORD_ID_PATTERN.test(id)) return undefined;
  const visible = await readVisible(repository, ANONYMOUS, id).catch(() => undefined);
  if (visible?.ok) {
    const { record, modified } = visible.stored;
    return { id, datestamp: oaiDatestamp(modified), deleted: false, sets: setsOf(record), record };
  }
  // A withdrawn record is announced as deleted only if harvesters could have had it (the index's tombstone rule).
  const stored = await repository.get(id).catch(() => undefined);
  if (!stored || !isTombstone(stored.record)) return undefined;
  return { id, datestamp: oaiDatestamp(stored.modified), deleted: true, sets: setsOf(stored.record), record: withholdNames(stored.record) };
}
