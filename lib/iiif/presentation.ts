/**
 * IIIF Presentation API 3 documents: a manifest per public record (image
 * canvases on the level-0 tiles, audio and video canvases with their
 * durations, captions as supplementing annotations, labels in both
 * languages, rights) and a collection per community.
 *
 * Manifests are for sharing, so they are always built from the public copy
 * (lib/access/consent.ts): whatever record a route hands in, a name withheld
 * for lack of consent never reaches a label, summary or metadata value.
 */
import { withholdNames } from '../access/consent';
import type { DerivativeManifest } from '../derivatives/manifest';
import { derivativeUrl as derivativePath, fileUrl as filePath } from '../derivatives/delivery';
import { digestPrefix } from '../derivatives/manifest';
import type { HeritageRecord, MediaEntry } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import { recordUrl } from '../i18n/paths';

const CONTEXT = 'http://iiif.io/api/presentation/3/context.json';

type Lang = Record<string, string[]>;

function languageMap(text: { vi: string; en?: string }): Lang {
  return { vi: [text.vi], ...(text.en ? { en: [text.en] } : {}) };
}

/**
 * IIIF "rights" must be a Creative Commons or RightsStatements.org URI (the
 * record schema guarantees that much) in its http:// form: the form the
 * Presentation API and its validator require, whichever one the record holds.
 */
export function rightsUri(uri: string): string {
  return uri.replace(/^https:\/\/(creativecommons\.org|rightsstatements\.org)\//, 'http://$1/');
}

/** Whether an original's derivatives give a canvas (an image, a sound, a video, a PDF's page images): captions and text give none. */
export function yieldsCanvas(derived: DerivativeManifest): boolean {
  if (derived.kind === 'document') return derived.pdf.pageImages.length > 0;
  return derived.kind === 'image' || derived.kind === 'video' || derived.kind === 'audio';
}

/**
 * Whether the record has a manifest at all: some original of it has been
 * derived into a canvas. The manifest route answers 404 without one, and the
 * record page links to the manifest only with one; both ask this, so the
 * page never links to a manifest that is not there. `derivatives` as
 * `recordManifest` takes them (lib/server/iiif.ts derivativesOf).
 */
export function recordHasCanvas(record: Pick<HeritageRecord, 'media'>, derivatives: ReadonlyMap<string, DerivativeManifest>): boolean {
  return record.media.some((media) => {
    const derived = derivatives.get(media.path);
    return derived !== undefined && yieldsCanvas(derived);
  });
}

export interface ManifestContext {
  siteUrl: string;
  vocab: Vocabularies;
  /** Derivative manifests by media path (only media that have them get canvases with content). */
  derivatives: Map<string, DerivativeManifest>;
}

export function manifestUrl(siteUrl: string, id: string): string {
  return `${siteUrl}/iiif/${id}/manifest.json`;
}

export function recordManifest(full: HeritageRecord, context: ManifestContext): Record<string, unknown> {
  const record = withholdNames(full);
  const { siteUrl } = context;
  const id = manifestUrl(siteUrl, record.id);
  const derivativeUrl = (m: MediaEntry, file: string) => `${siteUrl}${derivativePath(record.id, m, file)}`;
  const captionsOf = (m: MediaEntry) => record.media.filter((c) => c.kind === 'caption' && c.of === m.path);
  /** The pipeline's normalised WebVTT when it has run (an SRT original is no WebVTT at all), else the original if it is WebVTT already. */
  const captionUrl = (c: MediaEntry): string | undefined => {
    const derived = context.derivatives.get(c.path);
    if (derived?.kind === 'caption') return derivativeUrl(c, derived.caption.file);
    return c.type === 'text/vtt' ? `${siteUrl}${filePath(record.id, c)}` : undefined;
  };
  const items: Record<string, unknown>[] = [];
  record.media.forEach((media, index) => {
    const derived = context.derivatives.get(media.path);
    // Exactly the originals recordHasCanvas counts: a manifest has items if and only if it says so.
    if (!derived || !yieldsCanvas(derived)) return;
    const canvasId = `${id}/canvas/${index + 1}`;
    const label = media.label ? languageMap(media.label) : languageMap(record.title);
    const page = (body: Record<string, unknown>) => ({
      id: `${canvasId}/page`,
      type: 'AnnotationPage',
      items: [{ id: `${canvasId}/page/painting`, type: 'Annotation', motivation: 'painting', body, target: canvasId }],
    });
    const captions = captionsOf(media).flatMap((c) => {
      const url = captionUrl(c);
      return url ? [{ caption: c, url }] : [];
    }).map(({ caption: c, url }, i) => ({
      id: `${canvasId}/captions/${i + 1}`,
      type: 'Annotation',
      motivation: 'supplementing',
      body: { id: url, type: 'Text', format: 'text/vtt', ...(c.language ? { language: c.language === 'vie' ? 'vi' : c.language === 'eng' ? 'en' : c.language } : {}), label: { vi: [c.language === 'eng' ? 'Phụ đề tiếng Anh' : 'Phụ đề'] } },
      target: canvasId,
    }));
    const annotations = captions.length ? [{ id: `${canvasId}/annotations`, type: 'AnnotationPage', items: captions }] : undefined;
    if (derived.kind === 'image') {
      const largest = [...derived.image.renditions].filter((r) => r.format === 'jpeg').sort((a, b) => b.width - a.width)[0]!;
      items.push({
        id: canvasId,
        type: 'Canvas',
        label,
        width: derived.image.width,
        height: derived.image.height,
        thumbnail: [{ id: derivativeUrl(media, derived.image.thumbnail.file), type: 'Image', format: 'image/jpeg', width: derived.image.thumbnail.width, height: derived.image.thumbnail.height }],
        items: [
          page({
            id: derivativeUrl(media, largest.file),
            type: 'Image',
            format: 'image/jpeg',
            width: largest.width,
            height: largest.height,
            service: [{ id: `${siteUrl}/iiif/${record.id}/${digestPrefix(media.digest)}`, type: 'ImageService3', profile: 'level0' }],
          }),
        ],
      });
    } else if (derived.kind === 'video') {
      const v = derived.video;
      items.push({
        id: canvasId,
        type: 'Canvas',
        label,
        width: v.width,
        height: v.height,
        duration: v.durationSeconds,
        thumbnail: [{ id: derivativeUrl(media, v.poster.file), type: 'Image', format: 'image/jpeg', width: v.poster.width, height: v.poster.height }],
        items: [page({ id: derivativeUrl(media, v.download.file), type: 'Video', format: 'video/mp4', width: v.download.width, height: v.download.height, duration: v.durationSeconds })],
        ...(annotations ? { annotations } : {}),
        rendering: [{ id: derivativeUrl(media, v.master), type: 'Video', format: 'application/vnd.apple.mpegurl', label: { vi: ['Phát trực tuyến (HLS)'], en: ['Streaming (HLS)'] } }],
      });
    } else if (derived.kind === 'audio') {
      const a = derived.audio;
      const aac = a.renditions.find((r) => r.codec === 'aac') ?? a.renditions[0]!;
      items.push({
        id: canvasId,
        type: 'Canvas',
        label,
        duration: a.durationSeconds,
        items: [page({ id: derivativeUrl(media, aac.file), type: 'Sound', format: 'audio/mp4', duration: a.durationSeconds })],
        ...(annotations ? { annotations } : {}),
      });
    } else if (derived.kind === 'document') {
      for (const p of derived.pdf.pageImages) {
        const pageCanvas = `${canvasId}/p${p.page}`;
        items.push({
          id: pageCanvas,
          type: 'Canvas',
          label: { vi: [`Trang ${p.page}`], en: [`Page ${p.page}`] },
          width: p.width,
          height: p.height,
          items: [{ id: `${pageCanvas}/page`, type: 'AnnotationPage', items: [{ id: `${pageCanvas}/page/painting`, type: 'Annotation', motivation: 'painting', body: { id: derivativeUrl(media, p.file), type: 'Image', format: 'image/jpeg', width: p.width, height: p.height }, target: pageCanvas }] }],
        });
      }
    }
  });
  const groups = record.ethnicGroups.map((g) => context.vocab.ethnicGroups.find((e) => e.id === g)?.name).filter(Boolean) as { vi: string; en: string }[];
  return {
    '@context': CONTEXT,
    id,
    type: 'Manifest',
    label: languageMap(record.title),
    summary: languageMap({ vi: record.description.vi.slice(0, 500), en: record.description.en?.slice(0, 500) }),
    metadata: [
      ...(groups.length ? [{ label: { vi: ['Cộng đồng'], en: ['Community'] }, value: { vi: [groups.map((g) => g.vi).join(', ')], en: [groups.map((g) => g.en).join(', ')] } }] : []),
      ...(record.recordedOn ? [{ label: { vi: ['Ngày ghi'], en: ['Recorded'] }, value: { none: [record.recordedOn] } }] : []),
    ],
    rights: rightsUri(record.rights.uri),
    ...(record.rights.protocolNote ? { requiredStatement: { label: { vi: ['Quy ước cộng đồng'], en: ['Community protocol'] }, value: languageMap(record.rights.protocolNote) } } : {}),
    homepage: [{ id: recordUrl(siteUrl, record), type: 'Text', format: 'text/html', label: languageMap(record.title) }],
    provider: [{ id: `${siteUrl}/`, type: 'Agent', label: { vi: ['Di Sản – Kho di sản văn hóa các dân tộc thiểu số Quảng Nam'], en: ['Di Sản – Heritage archive of the ethnic minorities of Quảng Nam'] } }],
    items,
  };
}

export function communityCollection(group: { id: string; name: { vi: string; en: string } }, records: HeritageRecord[], siteUrl: string): Record<string, unknown> {
  return {
    '@context': CONTEXT,
    id: `${siteUrl}/iiif/collection/${group.id}`,
    type: 'Collection',
    label: { vi: [`Di sản ${group.name.vi}`], en: [`${group.name.en} heritage`] },
    items: records.map(withholdNames).map((r) => ({ id: manifestUrl(siteUrl, r.id), type: 'Manifest', label: languageMap(r.title) })),
  };
}
