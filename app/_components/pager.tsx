/**
 * "← Previous · Page 2 of 14 · Next →" under a long list: plain links (they
 * work without scripts and can be shared), each a finger-sized target. Shows
 * nothing when the list fits on one page.
 */
import { getTranslations } from 'next-intl/server';
import { Link } from '@/lib/i18n/link';
import type { Locale } from '@/lib/i18n/routing';

type Props = {
  page: number;
  pages: number;
  /** The link to a page (without the locale: Link adds it). */
  hrefFor: (page: number) => string;
  locale: Locale;
  className?: string;
};

const STEP = 'inline-block rounded border border-ink/30 px-3 py-1.5 hover:border-ink';

export async function Pager({ page, pages, hrefFor, locale, className = 'mt-6' }: Props) {
  if (pages <= 1) return null;
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <nav aria-label={t('pager.label')} className={`${className} flex flex-wrap items-center gap-3 text-sm`} data-testid="pager">
      {page > 1 && (
        <Link href={hrefFor(page - 1)} rel="prev" className={STEP}>
          {t('pager.previous')}
        </Link>
      )}
      <span>{t('pager.status', { page, pages })}</span>
      {page < pages && (
        <Link href={hrefFor(page + 1)} rel="next" className={STEP}>
          {t('pager.next')}
        </Link>
      )}
    </nav>
  );
}
