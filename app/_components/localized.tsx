/**
 * Shows record text in the page's language; where only Vietnamese exists on
 * an English page, shows it with lang="vi" (screen readers switch voice) and
 * a visible "in Vietnamese" mark, so a reader knows why.
 */
import { getTranslations } from 'next-intl/server';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';

type Props = {
  value: { vi: string; en?: string } | undefined;
  locale: Locale;
  className?: string;
  as?: 'span' | 'p' | 'div';
  /** Sends at most this many characters (cut at a word, with "…"): for a preview the page clamps to a few lines anyway. */
  maxChars?: number;
};

export async function Localized({ value, locale, className, as: Tag = 'span', maxChars }: Props) {
  const picked = pick(value, locale);
  if (!picked.text) return null;
  const text = maxChars ? shorten(picked.text, maxChars) : picked.text;
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <Tag className={className}>
      <span lang={picked.lang !== locale ? picked.lang : undefined}>{text}</span>
      {picked.fallback && (
        <span className="ml-1 inline-block rounded bg-ink/10 px-1 align-middle text-[0.7rem] font-normal not-italic text-ink" data-testid="fallback-mark">
          {t('fallback')}
        </span>
      )}
    </Tag>
  );
}

/** The text, or its first words up to `max` characters followed by "…". */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:–-]+$/u, '')}…`;
}
