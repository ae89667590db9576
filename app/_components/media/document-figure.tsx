/**
 * A PDF: images of its first pages, its extracted text page by page (in the
 * HTML, so it is readable without JavaScript and indexable), a note when it
 * is a scan without a text layer, and links to the original.
 */
import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { mayDownloadOriginals } from '@/lib/access/policy';
import type { Locale } from '@/lib/i18n/routing';
import type { DerivativeManifest } from '@/lib/derivatives/manifest';
import type { HeritageRecord, MediaEntry } from '@/lib/records/schema';
import { currentViewer } from '@/lib/server/auth';
import { readPdfPages } from './load';
import { derivativeUrl, fileUrl } from '@/lib/derivatives/delivery';
import { formatBytes } from './media-helpers';

/** More text than this is not inlined into the page (the PDF has it all). */
const MAX_TEXT_CHARS = 150_000;

type Props = {
  record: HeritageRecord;
  media: MediaEntry;
  manifest: DerivativeManifest | undefined;
  locale: Locale;
  caption: (extra?: string) => ReactNode;
  /** Unique within the page, for ids. */
  id: string;
};

export async function DocumentFigure({ record, media, manifest, locale, caption, id }: Props) {
  const t = await getTranslations({ locale, namespace: 'media' });
  const pdf = manifest?.kind === 'document' ? manifest.pdf : undefined;
  const downloadable = mayDownloadOriginals(await currentViewer(), record);
  const allPages = manifest ? ((await readPdfPages(manifest)) ?? []) : [];
  const pages: typeof allPages = [];
  let chars = 0;
  for (const page of allPages) {
    if (chars > 0 && chars + page.text.length > MAX_TEXT_CHARS) break;
    pages.push(page);
    chars += page.text.length;
  }
  const withText = pages.filter((p) => p.text.trim() !== '');
  const pageCount = pdf ? t('document.pages', { count: pdf.pages }) : undefined;
  const size = formatBytes(media.size, locale);

  return (
    <div>
      <figure>
        {pdf && pdf.pageImages.length > 0 && (
          <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {pdf.pageImages.map((img, i) => (
              <li key={img.file}>
                <img
                  src={derivativeUrl(record.id, media, img.file)}
                  width={img.width}
                  height={img.height}
                  alt={t('document.page', { n: img.page })}
                  loading={i === 0 ? 'eager' : 'lazy'}
                  decoding="async"
                  className="h-auto w-full rounded border border-ink/20 bg-white"
                />
              </li>
            ))}
          </ol>
        )}
        {caption(pageCount)}
      </figure>
      {pdf && pdf.pages > pdf.pageImages.length && pdf.pageImages.length > 0 && (
        <p className="mt-1 text-sm text-ink/80">{t('document.preview', { shown: pdf.pageImages.length, pages: pdf.pages })}</p>
      )}
      {pdf?.scanned && (
        <p className="mt-2 rounded border-l-4 border-turmeric bg-white p-2 text-sm" data-testid="scanned-note">
          {t('document.scanned')}
        </p>
      )}
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <a href={fileUrl(record.id, media)} className="font-medium text-madder underline" type="application/pdf">
          {t('document.open', { size })}
        </a>
        {downloadable && (
          <a href={fileUrl(record.id, media, true)} className="text-madder underline" download>
            {t('document.download')}
          </a>
        )}
      </p>
      {withText.length > 0 && (
        <details className="mt-3 rounded border border-ink/20 bg-white">
          <summary className="cursor-pointer px-3 py-2 text-sm font-semibold">{t('document.text', { pages: pageCount ?? t('document.pages', { count: allPages.length }) })}</summary>
          <div className="px-3 pb-3">
            {withText.map((p) => (
              <section key={p.page} aria-labelledby={`${id}-p${p.page}`} className="mt-3">
                <h3 id={`${id}-p${p.page}`} className="text-sm font-semibold text-ink/80">
                  {t('document.page', { n: p.page })}
                </h3>
                <p className="mt-1 whitespace-pre-line text-sm leading-relaxed" lang={langOfText(record, locale)}>
                  {p.text}
                </p>
              </section>
            ))}
            {pages.length < allPages.length && <p className="mt-3 text-sm font-medium">{t('document.truncated')}</p>}
          </div>
        </details>
      )}
    </div>
  );
}

/** Documents in this library are Vietnamese unless the record says otherwise: mark the text so an English page reads it with the right voice. */
function langOfText(record: HeritageRecord, locale: Locale): string | undefined {
  const first = record.languages[0];
  const lang = first === 'eng' ? 'en' : first === undefined || first === 'vie' ? 'vi' : first;
  return lang === locale ? undefined : lang;
}
