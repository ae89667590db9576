/** Records as a grid of cards, with thumbnails, grouped under headings by type. */
import { getTranslations } from 'next-intl/server';
import type { Locale } from '@/lib/i18n/routing';
import { typeLabel } from '@/lib/records/labels';
import { RECORD_TYPES, type HeritageRecord } from '@/lib/records/schema';
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

export async function RecordsByType({ records, locale, vocab }: { records: HeritageRecord[]; locale: Locale; vocab: Vocabularies }) {
  const t = await getTranslations({ locale, namespace: 'site' });
  if (records.length === 0) return <p className="mt-4 text-ink/80">{t('lists.empty')}</p>;
  const sorted = [...records].sort((a, b) => a.title.vi.localeCompare(b.title.vi, 'vi'));
  return (
    <>
      {RECORD_TYPES.filter((type) => sorted.some((r) => r.type === type)).map((type) => (
        <section key={type} aria-labelledby={`type-${type}`} className="mt-8">
          <h2 id={`type-${type}`} className="text-xl font-semibold">
            {typeLabel(vocab, type, locale)}
          </h2>
          <RecordGrid records={sorted.filter((r) => r.type === type)} locale={locale} vocab={vocab} />
        </section>
      ))}
    </>
  );
}
