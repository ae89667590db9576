/**
 * Video and audio, complete without JavaScript: native controls, every
 * source the browser may choose from, caption tracks, the waveform drawn as
 * SVG and the transcript as a list. The client components only enhance:
 * HlsVideo streams with hls.js where HLS is not native, PlayOnPicture starts
 * a video on a click on its picture, MediaSync links the waveform and
 * transcript to playback.
 */
import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import type { DerivativeManifest } from '@/lib/derivatives/manifest';
import type { Locale } from '@/lib/i18n/routing';
import type { HeritageRecord, MediaEntry } from '@/lib/records/schema';
import { HlsVideo } from './hls-video';
import { readTranscript, readWaveform, type TranscriptContent } from './load';
import { derivativeUrl, fileUrl } from '@/lib/derivatives/delivery';
import { HLS_MIME, attachmentsOf, audioSources, captionLanguage, waveformPath } from './media-helpers';
import { MediaSync } from './media-sync';
import { PlayOnPicture } from './play-on-picture';
import { formatTime } from './shared';
import { Transcript } from './transcript';

type Props = {
  record: HeritageRecord;
  media: MediaEntry;
  derivatives: Map<string, DerivativeManifest>;
  locale: Locale;
  /** The <figcaption> (label and details), made by RecordMedia. */
  caption: (extra?: string) => ReactNode;
  /** Unique within the page, for ids. */
  id: string;
};

type VideoProps = Props & {
  /**
   * A poster below the first picture is set by script as it nears the
   * viewport: browsers fetch posters at once, and on a slow line that
   * competes with the picture the visitor is looking at.
   */
  lazyPoster?: boolean;
};

const WAVE_COLUMNS = 200;

/** The entry's transcripts (captions and transcripts for audio, transcripts only for video: its captions are tracks), read from the store. */
async function transcriptsOf(record: HeritageRecord, media: MediaEntry, derivatives: Map<string, DerivativeManifest>, locale: Locale, kinds: MediaEntry['kind'][]) {
  const entries = attachmentsOf(record.media, media.path, locale).filter((m) => kinds.includes(m.kind));
  const read = await Promise.all(entries.map(async (entry) => ({ entry, content: await readTranscript(record, entry, derivatives.get(entry.path)) })));
  return read.filter((r): r is { entry: MediaEntry; content: TranscriptContent } => r.content !== undefined);
}

export async function VideoFigure({ record, media, derivatives, locale, caption, lazyPoster = false }: VideoProps) {
  const t = await getTranslations({ locale, namespace: 'media' });
  const manifest = derivatives.get(media.path);
  const derived = manifest?.kind === 'video' ? manifest.video : undefined;
  const wanted = locale === 'en' ? 'eng' : 'vie';
  const tracks = attachmentsOf(record.media, media.path, locale).flatMap((c) => {
    if (c.kind !== 'caption') return [];
    const made = derivatives.get(c.path);
    // The pipeline's WebVTT (SRT converted, checked) when there is one; a WebVTT original otherwise; an SRT without it cannot be a track.
    const src = made?.kind === 'caption' ? derivativeUrl(record.id, c, made.caption.file) : c.type === 'text/vtt' ? fileUrl(record.id, c) : undefined;
    return src ? [{ key: c.path, src, language: c.language, ...captionLanguage(c.language) }] : [];
  });
  const defaultTrack = tracks.find((tr) => tr.language === wanted) ?? tracks[0];
  const mp4 = derived ? derivativeUrl(record.id, media, derived.download.file) : fileUrl(record.id, media);
  const transcripts = await transcriptsOf(record, media, derivatives, locale, ['transcript']);

  const video = (
    <video
      controls
      playsInline
      preload={derived ? 'none' : 'metadata'}
      className="h-auto w-full rounded bg-ink"
      data-duration={derived?.durationSeconds}
      {...(derived
        ? { [lazyPoster ? 'data-poster' : 'poster']: derivativeUrl(record.id, media, derived.poster.file), width: derived.width, height: derived.height }
        : { src: fileUrl(record.id, media) })}
    >
      {derived && (
        <>
          {/* Adaptive streaming where the browser plays HLS itself (hls.js elsewhere, see HlsVideo); the MP4 rendition as the fallback. */}
          <source src={derivativeUrl(record.id, media, derived.master)} type={HLS_MIME} />
          <source src={mp4} type="video/mp4" />
        </>
      )}
      {tracks.map((tr) => (
        <track key={tr.key} kind="captions" src={tr.src} srcLang={tr.srcLang} label={tr.label} default={tr === defaultTrack} />
      ))}
      {derived?.sprite?.vtt && <track kind="metadata" label="thumbnails" src={derivativeUrl(record.id, media, derived.sprite.vtt)} />}
      <p>
        {t('video.unsupported')} <a href={mp4}>{t('video.openMp4')}</a>
      </p>
    </video>
  );
  const figure = (
    <figure>
      <PlayOnPicture>{derived ? <HlsVideo master={derivativeUrl(record.id, media, derived.master)}>{video}</HlsVideo> : video}</PlayOnPicture>
      {caption(derived ? t('duration', { time: formatTime(derived.durationSeconds) }) : undefined)}
    </figure>
  );
  if (transcripts.length === 0) return figure;
  return (
    <MediaSync>
      {figure}
      {transcripts.map(({ entry, content }, i) => (
        <Transcript key={entry.path} entry={entry} content={content} locale={locale} open={i === 0} />
      ))}
    </MediaSync>
  );
}

export async function AudioFigure({ record, media, derivatives, locale, caption, id }: Props) {
  const t = await getTranslations({ locale, namespace: 'media' });
  const manifest = derivatives.get(media.path);
  const derived = manifest?.kind === 'audio' ? manifest.audio : undefined;
  const [wave, transcripts] = await Promise.all([manifest ? readWaveform(manifest) : undefined, transcriptsOf(record, media, derivatives, locale, ['caption', 'transcript'])]);
  const path = wave ? waveformPath(wave.data, WAVE_COLUMNS) : '';
  const waveId = `${id}-wave`;

  return (
    <MediaSync>
      <figure>
        {path ? (
          // Decorative for assistive technology (the native controls seek by keyboard); a click seeks once MediaSync runs.
          <div data-waveform data-duration={derived?.durationSeconds} aria-hidden="true" className="relative h-16 w-full cursor-pointer select-none">
            <svg viewBox={`0 0 ${WAVE_COLUMNS} 100`} preserveAspectRatio="none" focusable="false" className="absolute inset-0 h-full w-full text-ink/35">
              <path id={waveId} d={path} fill="currentColor" />
            </svg>
            <svg
              viewBox={`0 0 ${WAVE_COLUMNS} 100`}
              preserveAspectRatio="none"
              focusable="false"
              className="absolute inset-0 h-full w-full text-madder"
              style={{ clipPath: 'inset(0 calc(100% - var(--progress, 0%)) 0 0)' }}
            >
              <use href={`#${waveId}`} />
            </svg>
          </div>
        ) : (
          derived?.waveform?.png && (
            // The pipeline's PNG when the peaks cannot be read: still a picture of the recording.
            <img src={derivativeUrl(record.id, media, derived.waveform.png)} alt="" width={1200} height={160} loading="lazy" className="h-16 w-full" data-waveform data-duration={derived.durationSeconds} aria-hidden="true" />
          )
        )}
        <audio controls preload="none" className="mt-2 w-full" data-duration={derived?.durationSeconds} {...(derived ? {} : { src: fileUrl(record.id, media) })}>
          {derived && audioSources(derived.renditions).map((s) => <source key={s.file} src={derivativeUrl(record.id, media, s.file)} type={s.type} />)}
          <p>
            {t('audio.unsupported')} <a href={fileUrl(record.id, media)}>{t('audio.openOriginal')}</a>
          </p>
        </audio>
        {caption(derived ? t('duration', { time: formatTime(derived.durationSeconds) }) : undefined)}
      </figure>
      {transcripts.map(({ entry, content }, i) => (
        <Transcript key={entry.path} entry={entry} content={content} locale={locale} open={i === 0} />
      ))}
    </MediaSync>
  );
}
