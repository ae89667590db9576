/**
 * "Cite this record": APA, Chicago and BibTeX, all three shown at once so
 * the section works without JavaScript (each text is selectable in one
 * click, user-select: all); copy buttons and the .bib download are extras.
 */
import { getTranslations } from 'next-intl/server';
import type { Locale } from '@/lib/i18n/routing';
import type { Citations } from '@/lib/interop/citation';
import { CopyButton } from './copy-button';

const STYLES = ['apa', 'chicago', 'bibtex'] as const;

type Props = { citations: Citations; locale: Locale };

export async function CiteThis({ citations, locale }: Props) {
  const t = await getTranslations({ locale, namespace: 'cite' });
  const key = /^@\w+\{([^,\s]+),/.exec(citations.bibtex)?.[1] ?? 'citation';

  return (
    <section aria-labelledby="cite-heading" className="text-sm" data-testid="cite-this">
      <h2 id="cite-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="mt-1 text-ink/80">{t('intro')}</p>
      {STYLES.map((style) => {
        const id = `citation-${style}`;
        const name = t(`styles.${style}`);
        const boxClass = 'mt-1 select-all rounded border border-ink/15 bg-white p-2';
        return (
          <div key={style} className="mt-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 id={`${id}-name`} className="font-semibold">
                {name}
              </h3>
              <CopyButton
                text={citations[style]}
                targetId={id}
                citationStyle={style}
                label={t('copy', { style: name })}
                copiedLabel={t('copied')}
                selectedLabel={t('selected')}
              />
            </div>
            {style === 'bibtex' ? (
              // Scrolls sideways rather than wrapping fields: focusable so keyboard users can scroll it too. The sans
              // font because common monospace fonts lack precomposed Vietnamese letters (ễ, ợ) and draw them broken.
              <pre id={id} tabIndex={0} className={`${boxClass} overflow-x-auto font-sans text-xs leading-relaxed`} data-testid={`citation-${style}`}>
                {citations[style]}
              </pre>
            ) : (
              <p id={id} className={`${boxClass} leading-relaxed [overflow-wrap:anywhere]`} data-testid={`citation-${style}`}>
                {citations[style]}
              </p>
            )}
          </div>
        );
      })}
      <p className="mt-3">
        <a
          href={`data:application/x-bibtex;charset=utf-8,${encodeURIComponent(citations.bibtex)}`}
          download={`${key}.bib`}
          type="application/x-bibtex"
          className="text-madder underline underline-offset-2"
        >
          {t('download')}
        </a>
      </p>
    </section>
  );
}
