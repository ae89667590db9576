/** schema.org JSON-LD for a record page: Event for festivals and rituals, Legislation for documents, CreativeWork otherwise. */
import type { HeritageRecord } from './schema';
import type { Vocabularies } from './vocabularies';
import { recordUrl } from '../i18n/paths';
import { fileUrl } from '../media/delivery';

export function recordJsonLd(record: HeritageRecord, vocab: Vocabularies, siteUrl: string): Record<string, unknown> {
  const url = recordUrl(siteUrl, record);
  const type = record.type === 'document' ? 'Legislation' : record.type === 'festival' || record.type === 'ritual' ? 'Event' : 'CreativeWork';
  const place = record.places[0];
  const district = place ? vocab.districts.find((d) => d.id === place.district) : undefined;
  const media = record.media.filter((m) => m.kind === 'video' || m.kind === 'audio' || m.kind === 'image');
  return {
    '@context': 'https://schema.org',
    '@type': type,
    '@id': url,
    url,
    name: record.title.vi,
    ...(record.title.en ? { alternateName: [record.title.en, ...record.alternativeTitles] } : {}),
    description: record.description.vi,
    inLanguage: ['vi', ...(record.description.en ? ['en'] : [])],
    license: record.rights.uri,
    about: record.ethnicGroups.map((g) => vocab.ethnicGroups.find((e) => e.id === g)?.name.vi ?? g),
    ...(district
      ? { locationCreated: { '@type': 'Place', name: `${district.name.vi}, Quảng Nam`, geo: { '@type': 'GeoCoordinates', latitude: place!.lat ?? district.lat, longitude: place!.lon ?? district.lon } } }
      : {}),
    ...(type === 'Event' && district ? { location: { '@type': 'Place', name: `${district.name.vi}, Quảng Nam` }, eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode' } : {}),
    ...(record.document
      ? { legislationIdentifier: record.document.number, legislationDate: record.document.issuedOn, legislationPassedBy: { '@type': 'Organization', name: record.document.issuer.vi } }
      : {}),
    ...(media.length
      ? {
          associatedMedia: media.map((m) => ({
            '@type': m.kind === 'video' ? 'VideoObject' : m.kind === 'audio' ? 'AudioObject' : 'ImageObject',
            contentUrl: `${siteUrl}${fileUrl(record.id, m)}`,
            encodingFormat: m.type,
            name: m.label?.vi ?? record.title.vi,
            ...(m.kind === 'video' ? { description: record.description.vi.slice(0, 200), uploadDate: record.publishedAt ?? record.recordedOn } : {}),
          })),
        }
      : {}),
  };
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
