/** Records as a grid of cards, with thumbnails (one page of a list: pages ask the index for what they show). */
import type { Locale } from '@/lib/i18n/routing';
import type { HeritageRecord } from '@/lib/records/schema';
import type { Vocabularies } from '@/lib/records/vocabularies';
import { thumbnailOf } from '@/lib/server/thumbnails';
import { RecordCard } from './record-card';

export async function RecordGrid({ records, locale, vocab }: { records: HeritageRecord[]; locale: Locale; vocab: Vocabularies }) {
  const thumbnails = new Map(await Promise.all(records.map(async (r) => [r.id, await thumbnailOf(r)] as const)));
  return (
    <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="record-list">
      {records.map((record) => (
        <li key={record.id}>
          <RecordCard record={record} locale={locale} vocab={vocab} thumbnail={thumbnails.get(record.id)} />
        </li>
      ))}
    </ul>
  );
}
