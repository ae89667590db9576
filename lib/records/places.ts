/** A record's place as people read it and as a map plots it. */
import { districtName, type Lang } from './labels';
import type { Place } from './schema';
import type { Vocabularies } from './vocabularies';

/** "village, commune, district (former)", whatever parts are known. */
export function placeName(vocab: Vocabularies, place: Place, lang: Lang): string {
  return [place.village, place.commune, districtName(vocab, place.district, lang)].filter(Boolean).join(', ');
}

/** The place's own coordinates, else its district's (approximate, from a map); undefined when neither is known. */
export function placeCoordinates(vocab: Vocabularies, place: Place): { lat: number; lon: number } | undefined {
  const district = vocab.districts.find((d) => d.id === place.district);
  const lat = place.lat ?? district?.lat;
  const lon = place.lon ?? district?.lon;
  return lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
}
