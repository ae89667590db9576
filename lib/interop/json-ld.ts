/**
 * schema.org JSON-LD for a record page (https://schema.org).
 *
 * A record is the archive's documentation of something, so the page is a
 * CreativeWork (Legislation for ethnic-affairs documents): licence, place
 * of creation and media belong to it. A festival or ritual is not itself
 * the page: when the record says when it was recorded, the occasion it
 * documents is an Event with that date as its startDate, which the record
 * is about and was recorded at (`recordedAt` / `recordedIn`). Without a
 * date there is no Event, since an Event needs a startDate. A video is a
 * VideoObject only when its poster frame is known (thumbnailUrl), otherwise
 * a plain MediaObject.
 */
import type { DerivativeManifest } from '../derivatives/manifest';
import type { HeritageRecord } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import { recordUrl } from '../i18n/paths';
import { derivativeUrl, fileUrl } from '../derivatives/delivery';

type JsonLd = Record<string, unknown>;

/**
 * @param derivatives what has been derived from the record's originals, by media path
 *   (lib/server/iiif.ts derivativesOf): a video's poster frame comes from there.
 */
export function recordJsonLd(record: HeritageRecord, vocab: Vocabularies, siteUrl: string, derivatives?: ReadonlyMap<string, DerivativeManifest>): JsonLd {
  const url = recordUrl(siteUrl, record);
  const place = record.places[0];
  const district = place ? vocab.districts.find((d) => d.id === place.district) : undefined;
  const location = district
    ? {
        '@type': 'Place',
        name: `${district.name.vi}, Quảng Nam`,
        address: { '@type': 'PostalAddress', addressLocality: district.name.vi, addressRegion: 'Quảng Nam', addressCountry: 'VN' },
        geo: { '@type': 'GeoCoordinates', latitude: place!.lat ?? district.lat, longitude: place!.lon ?? district.lon },
      }
    : undefined;
  const communities = record.ethnicGroups.map((g) => ({
    '@type': 'Thing',
    name: vocab.ethnicGroups.find((e) => e.id === g)?.name.vi ?? g,
    url: `${siteUrl}/vi/communities/${g}`,
  }));
  const occasion = (record.type === 'festival' || record.type === 'ritual') && record.recordedOn ? eventOf(record, url, location, communities) : undefined;
  const about = [...(occasion ? [{ '@id': occasion['@id'] }] : []), ...communities];
  const alternateName = [...(record.title.en ? [record.title.en] : []), ...record.alternativeTitles];
  const media = record.media.flatMap((m) => mediaObject(record, m, siteUrl, derivatives?.get(m.path)));
  return {
    '@context': 'https://schema.org',
    '@type': record.type === 'document' ? 'Legislation' : 'CreativeWork',
    '@id': url,
    url,
    name: record.title.vi,
    ...(alternateName.length ? { alternateName } : {}),
    description: record.description.vi,
    inLanguage: ['vi', ...(record.description.en ? ['en'] : [])],
    license: record.rights.uri,
    ...(about.length ? { about } : {}),
    ...(record.recordedOn ? { dateCreated: record.recordedOn } : {}),
    ...(record.publishedAt ? { datePublished: record.publishedAt } : {}),
    ...(location ? { locationCreated: location } : {}),
    ...(occasion ? { recordedAt: occasion } : {}),
    ...(record.document
      ? { legislationIdentifier: record.document.number, legislationDate: record.document.issuedOn, legislationPassedBy: { '@type': 'Organization', name: record.document.issuer.vi } }
      : {}),
    ...(media.length ? { associatedMedia: media } : {}),
  };
}

/** The occasion a festival or ritual record documents: held where it was recorded, starting the day (month, year) it was recorded. */
function eventOf(record: HeritageRecord, url: string, location: JsonLd | undefined, communities: JsonLd[]): JsonLd & { '@id': string } {
  return {
    '@type': 'Event',
    '@id': `${url}#event`,
    name: record.title.vi,
    description: record.description.vi,
    startDate: record.recordedOn!,
    eventStatus: 'https://schema.org/EventScheduled',
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    ...(location ? { location } : {}),
    ...(communities.length ? { about: communities } : {}),
    recordedIn: { '@id': url },
  };
}

/** A media original as schema.org describes it; captions, transcripts and scans are not listed. */
function mediaObject(record: HeritageRecord, media: HeritageRecord['media'][number], siteUrl: string, manifest: DerivativeManifest | undefined): JsonLd[] {
  if (media.kind !== 'video' && media.kind !== 'audio' && media.kind !== 'image') return [];
  const common = { contentUrl: `${siteUrl}${fileUrl(record.id, media)}`, encodingFormat: media.type, name: media.label?.vi ?? record.title.vi };
  if (media.kind === 'image') return [{ '@type': 'ImageObject', ...common }];
  if (media.kind === 'audio') return [{ '@type': 'AudioObject', ...common }];
  // A VideoObject needs a thumbnail: the poster frame, once the video has been derived.
  if (manifest?.kind !== 'video') return [{ '@type': 'MediaObject', ...common }];
  const seconds = Math.round(manifest.video.durationSeconds);
  return [
    {
      '@type': 'VideoObject',
      ...common,
      description: record.description.vi.slice(0, 200),
      thumbnailUrl: `${siteUrl}${derivativeUrl(record.id, media, manifest.video.poster.file)}`,
      uploadDate: record.publishedAt ?? record.recordedOn ?? manifest.createdAt,
      ...(seconds > 0 ? { duration: `PT${seconds}S` } : {}),
    },
  ];
}

/**
 * JSON for the inside of a <script type="application/ld+json"> element.
 * The HTML parser ends a script at the first `</script` and treats `<!--`
 * specially, whatever the JSON means, and titles are typed by people: so
 * `<`, `>` and `&` are written as \u escapes (JSON reads them back as the
 * same characters), and so are U+2028 and U+2029, which older JavaScript
 * engines refuse inside strings should the block ever be read as script.
 */
export function jsonLdForHtml(value: Record<string, unknown>): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
