/**
 * A record's media, in the record's order: photos (responsive AVIF/WebP/JPEG,
 * deep zoom on the IIIF tiles), video (HLS with captions), audio (waveform
 * and transcript) and documents (page images, text, the original).
 * Captions and transcripts are not items of their own: they go with the
 * media they belong to (`of`).
 *
 * Everything is server-rendered and works without JavaScript. The client
 * parts are small enhancers; hls.js and OpenSeadragon are imported only on
 * first play / on opening the zoom, so they are never in the first load.
 *
 * The page calls this only for a record the viewer may see; the URLs it
 * writes go through routes that check access again.
 */
import type { JSX, ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { Localized } from '@/app/_components/localized';
import { pick } from '@/lib/i18n/pick';
import type { DerivativeManifest } from '@/lib/derivatives/manifest';
import type { HeritageRecord, MediaEntry } from '@/lib/records/schema';
import { AudioFigure, VideoFigure } from './av-figures';
import { DocumentFigure } from './document-figure';
import { closestJpeg, derivativeUrl, fileUrl, iiifInfoUrl, largestJpeg } from '@/lib/derivatives/delivery';
import { formatBytes, srcSet } from './media-helpers';
import { PreloadPicture } from './preload-picture';
import { ZoomImage } from './zoom-image';

type Locale = 'vi' | 'en';
type Props = { record: HeritageRecord; derivatives: Map<string, DerivativeManifest>; locale: Locale };
type Kind = 'image' | 'video' | 'audio' | 'document' | 'other';

/** Laid out in the page's main column: 64rem less padding on wide screens. */
const SIZES = '(min-width: 1024px) 992px, calc(100vw - 2rem)';

export async function RecordMedia({ record, derivatives, locale }: Props): Promise<JSX.Element | null> {
  const items = record.media.filter((m) => m.kind !== 'caption' && m.kind !== 'transcript');
  if (items.length === 0) return null;
  const t = await getTranslations({ locale, namespace: 'media' });
  const firstImage = items.find((m) => m.kind === 'image');
  const firstVisual = items.find((m) => m.kind === 'image' || m.kind === 'video');
  const counts: Record<Kind, number> = { image: 0, video: 0, audio: 0, document: 0, other: 0 };

  const rendered = items.map((media, i) => {
    const kind = media.kind as Kind;
    const n = ++counts[kind];
    const id = `media-${i + 1}`;
    const generic = t(`kinds.${kind}`, { n });
    const caption = (extra?: string): ReactNode => (
      <figcaption className="mt-1 text-sm text-ink/80">
        {media.label ? <Localized value={media.label} locale={locale} /> : generic}
        {extra && <span className="text-ink/80"> · {extra}</span>}
      </figcaption>
    );
    const common = { record, media, locale, caption, id };
    switch (kind) {
      case 'image':
        return <ImageFigure key={media.path} {...common} manifest={derivatives.get(media.path)} first={media === firstImage} generic={generic} />;
      case 'video':
        return <VideoFigure key={media.path} {...common} derivatives={derivatives} lazyPoster={media !== firstVisual} />;
      case 'audio':
        return <AudioFigure key={media.path} {...common} derivatives={derivatives} />;
      case 'document':
        return <DocumentFigure key={media.path} {...common} manifest={derivatives.get(media.path)} />;
      default:
        return (
          <p key={media.path} className="text-sm">
            <a href={fileUrl(record.id, media)} className="text-madder underline">
              {t('file.open', { name: media.label ? pick(media.label, locale).text : media.path.slice('files/'.length), size: formatBytes(media.size, locale) })}
            </a>
          </p>
        );
    }
  });

  return (
    <section aria-labelledby="record-media" className="mt-6 grid gap-6" data-testid="record-media">
      <h2 id="record-media" className="sr-only">
        {t('section')}
      </h2>
      {rendered}
    </section>
  );
}

type ImageProps = {
  record: HeritageRecord;
  media: MediaEntry;
  manifest: DerivativeManifest | undefined;
  locale: Locale;
  caption: (extra?: string) => ReactNode;
  /** The first photo is the likely LCP: fetched eagerly and first. */
  first: boolean;
  /** "Photo 2", for the alt text when neither the photo nor the record has words. */
  generic: string;
};

async function ImageFigure({ record, media, manifest, locale, caption, first, generic }: ImageProps) {
  const t = await getTranslations({ locale, namespace: 'media' });
  const label = pick(media.label, locale);
  const title = pick(record.title, locale);
  const alt = label.text ? label : title.text ? title : { text: generic, lang: locale };
  const altLang = alt.lang !== locale ? alt.lang : undefined;
  const image = manifest?.kind === 'image' ? manifest.image : undefined;

  if (!image) {
    return (
      <figure>
        {/* Not derived yet: the original, lazily. */}
        <img src={fileUrl(record.id, media)} alt={alt.text} lang={altLang} className="h-auto w-full rounded" loading="lazy" decoding="async" />
        {caption()}
      </figure>
    );
  }
  const fallback = closestJpeg(image.renditions);
  const largest = largestJpeg(image.renditions);
  const src = derivativeUrl(record.id, media, (fallback ?? image.thumbnail).file);
  const avif = srcSet(record.id, media, image.renditions, 'avif');
  return (
    <figure>
      {/* The likely LCP picture, announced at the top of <head>: its download starts before the stylesheet and the scripts. */}
      {first && avif && <PreloadPicture href={src} type="image/avif" srcSet={avif} sizes={SIZES} />}
      <div className="relative">
        <picture>
          <source type="image/avif" srcSet={avif} sizes={SIZES} />
          <source type="image/webp" srcSet={srcSet(record.id, media, image.renditions, 'webp')} sizes={SIZES} />
          <img
            src={src}
            srcSet={srcSet(record.id, media, image.renditions, 'jpeg')}
            sizes={SIZES}
            width={image.width}
            height={image.height}
            alt={alt.text}
            lang={altLang}
            className="h-auto max-h-[80vh] w-full rounded bg-ink/5 object-contain"
            loading={first ? 'eager' : 'lazy'}
            fetchPriority={first ? 'high' : 'auto'}
            decoding={first ? 'auto' : 'async'}
          />
        </picture>
        {image.iiif && largest && (
          <ZoomImage
            infoUrl={iiifInfoUrl(record.id, media)}
            fullSizeUrl={derivativeUrl(record.id, media, largest.file)}
            className="absolute right-2 top-2 rounded bg-ink px-3 py-1 text-sm font-medium text-bone underline-offset-2 shadow hover:underline"
            labels={{
              open: t('zoom.open'),
              fullSize: t('zoom.fullSize'),
              title: t('zoom.title', { label: alt.text }),
              zoomIn: t('zoom.zoomIn'),
              zoomOut: t('zoom.zoomOut'),
              home: t('zoom.home'),
              close: t('zoom.close'),
              loading: t('zoom.loading'),
              failed: t('zoom.failed'),
              hint: t('zoom.hint'),
            }}
          />
        )}
      </div>
      {caption()}
    </figure>
  );
}
