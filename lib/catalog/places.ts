/** A record's place as people read it and as a map plots it. */
import { districtName, type Lang } from './labels';
import type { Place } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';

export { placeCoordinates } from '../records/vocabularies';

/** "village, commune, district (former)", whatever parts are known. */
export function placeName(vocab: Vocabularies, place: Place, lang: Lang): string {
  return [place.village, place.commune, districtName(vocab, place.district, lang)].filter(Boolean).join(', ');
}
