/**
 * A transcript under a recording, server-rendered so it reads (and is
 * indexed) without JavaScript: timed cues as a list, each with a "play from"
 * button that MediaSync brings to life, or plain text.
 */
import { getTranslations } from 'next-intl/server';
import type { Locale } from '@/lib/i18n/routing';
import type { MediaEntry } from '@/lib/records/schema';
import { cuePlainText } from './media-helpers';
import { EnabledWhenHydrated } from './media-sync';
import type { TranscriptContent } from './load';
import { formatTime } from './shared';

/** lang attribute for an ISO 639-3 code, when it differs from the page's. */
export function langAttr(code: string | undefined, locale: Locale): string | undefined {
  const lang = code === 'vie' ? 'vi' : code === 'eng' ? 'en' : code;
  return lang && lang !== locale ? lang : undefined;
}

type Props = { entry: MediaEntry; content: TranscriptContent; locale: Locale; open?: boolean };

export async function Transcript({ entry, content, locale, open }: Props) {
  const t = await getTranslations({ locale, namespace: 'media' });
  const site = await getTranslations({ locale, namespace: 'site' });
  const code = entry.language;
  const language = code && site.has(`languages.${code}` as 'languages.vie') ? site(`languages.${code}` as 'languages.vie') : code;
  const lang = langAttr(code, locale);
  return (
    <details open={open} className="mt-3 rounded border border-ink/20 bg-white">
      <summary className="cursor-pointer px-3 py-2 text-sm font-semibold">{language ? t('transcript.titleIn', { language }) : t('transcript.title')}</summary>
      {content.kind === 'cues' ? (
        <EnabledWhenHydrated className="m-0 min-w-0 border-0 p-0">
          <ol data-cues tabIndex={0} aria-label={t('transcript.cues')} className="relative max-h-72 overflow-y-auto px-1 pb-2 text-sm">
            {content.cues.map((cue, i) => (
              <li key={i} data-cue-start={cue.start} data-cue-end={cue.end} className="flex gap-3 rounded px-2 py-1 aria-[current=true]:bg-turmeric/30">
                <button
                  type="button"
                  data-seek={cue.start}
                  className="shrink-0 self-start font-mono tabular-nums text-madder underline underline-offset-2 hover:text-ink disabled:text-ink/80 disabled:no-underline"
                >
                  <span className="sr-only">{t('transcript.playFrom')} </span>
                  {formatTime(cue.start)}
                </button>
                <span lang={lang} className="whitespace-pre-line">
                  {cuePlainText(cue.text)}
                </span>
              </li>
            ))}
          </ol>
        </EnabledWhenHydrated>
      ) : (
        <div lang={lang} className="max-h-72 overflow-y-auto whitespace-pre-line px-3 pb-3 text-sm" tabIndex={0} role="region" aria-label={language ? t('transcript.titleIn', { language }) : t('transcript.title')}>
          {content.text}
        </div>
      )}
    </details>
  );
}
