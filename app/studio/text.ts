/**
 * The studio's newer interface strings, from the site's messages (lib/i18n/messages, section `studioLists`, in
 * Vietnamese and English). The studio is Vietnamese; the English copy waits for an English studio.
 */
import { createTranslator } from 'next-intl';
import { MESSAGES } from '@/lib/i18n/messages';

export const studioText = createTranslator({ locale: 'vi', messages: MESSAGES.vi, namespace: 'site.studioLists' });

/** A pager's "51–100 / 230" figures, from the 1-based page number the links carry. */
export function pageSpan(page: number, size: number, shown: number, total: number): { from: number; to: number; total: number } {
  const from = shown === 0 ? 0 : (page - 1) * size + 1;
  return { from, to: shown === 0 ? 0 : from + shown - 1, total };
}

/** The page number a pager link carries (display only: the cursor decides what is listed). */
export function pageNumber(value: string | string[] | undefined, hasCursor: boolean): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return hasCursor && Number.isSafeInteger(n) && n > 1 ? n : 1;
}
