/** One record in a list: type and communities, title in the page's language, a short description, and a picture when it has one. */
import { Link } from '@/lib/i18n/link';
import type { Locale } from '@/lib/i18n/routing';
import { districtName, groupName, typeLabel } from '@/lib/catalog/labels';
import type { HeritageRecord } from '@/lib/records/schema';
import type { Vocabularies } from '@/lib/records/vocabularies';
import type { Thumbnail } from '@/lib/server/thumbnails';
import { Localized } from './localized';

type Props = {
  record: HeritageRecord;
  locale: Locale;
  vocab: Vocabularies;
  thumbnail?: Thumbnail;
  headingLevel?: 'h2' | 'h3';
  /** Two to a row on phones: smaller title, no description. */
  compact?: boolean;
};

/** More than three lines hold at the widest card, so line-clamp still decides where the text ends on screen. */
const DESCRIPTION_CHARS = 240;

export function RecordCard({ record, locale, vocab, thumbnail, headingLevel: Heading = 'h3', compact = false }: Props) {
  return (
    <article className="flex h-full flex-col overflow-hidden rounded-lg border border-ink/15 bg-white shadow-sm">
      {thumbnail && (
        <img
          src={thumbnail.src}
          // Compact cards (half a phone's width) take the 320 px picture: a little soft at DPR 2, a quarter of the bytes.
          srcSet={compact ? undefined : thumbnail.srcSet || undefined}
          sizes={compact ? undefined : '(min-width: 640px) 320px, 100vw'}
          width={thumbnail.width}
          height={thumbnail.height}
          alt=""
          loading="lazy"
          decoding="async"
          className="aspect-[3/2] w-full object-cover bg-ink/10"
        />
      )}
      <div className={`flex flex-1 flex-col ${compact ? 'p-3' : 'p-4'}`}>
        <p className="text-xs uppercase tracking-wide text-madder">
          {typeLabel(vocab, record.type, locale)}
          {record.ethnicGroups.length > 0 && ` · ${record.ethnicGroups.map((g) => groupName(vocab, g, locale)).join(', ')}`}
        </p>
        <Heading className={`mt-1 font-semibold leading-snug ${compact ? 'text-base' : 'text-lg'}`}>
          <Link href={`/records/${record.id}/${record.slug}`} className="hover:underline">
            <Localized value={record.title} locale={locale} />
          </Link>
        </Heading>
        {/* Three lines are shown (~150 characters on a phone): the rest of the description would be bytes for nothing. */}
        {!compact && <Localized value={record.description} locale={locale} as="p" maxChars={DESCRIPTION_CHARS} className="mt-2 line-clamp-3 text-sm text-ink/80" />}
        {record.places[0] && <p className="mt-auto pt-2 text-xs text-ink/75">{districtName(vocab, record.places[0].district, locale)}</p>}
      </div>
    </article>
  );
}
