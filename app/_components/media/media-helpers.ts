/**
 * Pure helpers of the record page's media (URLs are in lib/derivatives/delivery):
 * source lists, caption languages, the waveform's SVG path
 * (WebVTT cue text is lib/media/caption-text.ts). No server or browser APIs here, so unit tests (and,
 * through ./shared, client components) can use them.
 */
import type { AudioRendition } from '@/lib/media/audio';
import type { ImageFormat, ImageRendition } from '@/lib/media/image';
import { derivativeUrl } from '@/lib/derivatives/delivery';
import type { MediaEntry } from '@/lib/records/schema';

export { HLS_MIME } from './shared';
export { cuePlainText } from '@/lib/media/caption-text';

/** `url 320w, url 640w…` of one format, narrowest first. */
export function srcSet(recordId: string, media: Pick<MediaEntry, 'digest'>, renditions: readonly ImageRendition[], format: ImageFormat): string {
  return renditions
    .filter((r) => r.format === format)
    .sort((a, b) => a.width - b.width)
    .map((r) => `${derivativeUrl(recordId, media, r.file)} ${r.width}w`)
    .join(', ');
}

/** `<source>`s of an audio: Opus first (fewer bytes; browsers without it skip to AAC), then AAC. */
export function audioSources(renditions: readonly AudioRendition[]): Array<{ file: string; type: string }> {
  const order = { opus: 0, aac: 1 } as const;
  return [...renditions]
    .sort((a, b) => order[a.codec] - order[b.codec])
    .map((r) => ({ file: r.file, type: r.codec === 'opus' ? 'audio/ogg; codecs=opus' : 'audio/mp4; codecs=mp4a.40.2' }));
}

const BCP47: Record<string, string> = { vie: 'vi', eng: 'en' };
/** Track labels are in the language of the track itself, as players list them. */
const AUTONYM: Record<string, string> = { vie: 'Tiếng Việt', eng: 'English' };

/** srclang and label of a caption track from its ISO 639-3 code (3-letter codes without a 2-letter one are valid BCP 47 as they are). */
export function captionLanguage(code: string | undefined): { srcLang: string; label: string } {
  if (!code) return { srcLang: 'vi', label: AUTONYM.vie! };
  return { srcLang: BCP47[code] ?? code, label: AUTONYM[code] ?? code };
}

/** The caption and transcript entries that belong to a media entry, those in the reader's language first. */
export function attachmentsOf<T extends Pick<MediaEntry, 'kind' | 'of' | 'language'>>(media: readonly T[], path: string, locale: 'vi' | 'en'): T[] {
  const wanted = locale === 'en' ? 'eng' : 'vie';
  return media
    .filter((m) => (m.kind === 'caption' || m.kind === 'transcript') && m.of === path)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => Number(b.m.language === wanted) - Number(a.m.language === wanted) || a.i - b.i)
    .map(({ m }) => m);
}

/**
 * The waveform's peaks (min/max pairs, −128…127, as the pipeline stores
 * them) as one SVG path of `columns` bars in a `columns` × 100 box, centred
 * on y = 50. Each bar covers the loudest of the points that fall in it.
 */
export function waveformPath(data: readonly number[], columns = 200): string {
  const points = Math.floor(data.length / 2);
  if (points === 0 || columns <= 0) return '';
  const bars = Math.min(columns, points);
  const width = columns / bars;
  const bar = Math.max(0.2, width * 0.7);
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = '';
  for (let b = 0; b < bars; b++) {
    const from = Math.floor((b * points) / bars);
    const to = Math.max(from + 1, Math.floor(((b + 1) * points) / bars));
    let lo = 0;
    let hi = 0;
    for (let p = from; p < to; p++) {
      lo = Math.min(lo, data[p * 2] ?? 0);
      hi = Math.max(hi, data[p * 2 + 1] ?? 0);
    }
    // Silence still shows as a thin line, so the bar stays clickable and the track visible.
    const top = Math.min(49.5, 50 - (hi / 128) * 50);
    const bottom = Math.max(50.5, 50 - (lo / 128) * 50);
    d += `M${r(b * width + (width - bar) / 2)} ${r(top)}h${r(bar)}V${r(bottom)}h${r(-bar)}Z`;
  }
  return d;
}

/** A file size for people: "208 kB", "1,2 MB" (in the page's number format). */
export function formatBytes(bytes: number, locale: string): string {
  const mb = bytes >= 1024 * 1024;
  const value = mb ? bytes / (1024 * 1024) : Math.max(1, Math.ceil(bytes / 1024));
  return new Intl.NumberFormat(locale, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', unitDisplay: 'short', maximumFractionDigits: mb ? 1 : 0 }).format(value);
}
