/**
 * Record → search document: the flat projection both engines index. It is
 * a pure function of the stored record (plus the vocabularies and any text
 * read from its media), so the index can always be rebuilt from storage.
 *
 * One index serves every viewer (staff included), and suggestions, snippets
 * and the CSV are cut from it, so the document is made from the public copy
 * (lib/access/consent.ts): a name withheld for lack of consent is in no
 * field, and is replaced by the label in the media text too.
 */
import { redactorFor, withholdNames } from '../access/consent';
import { ANONYMOUS, maySeeRecord, recordAccessTokens } from '../access/policy';
import type { HeritageRecord, Place } from '../records/schema';
import { placeCoordinates, type Vocabularies } from '../records/vocabularies';
import { groupNames } from './synonyms';
import { fold } from './text';
import { TOMBSTONE_TOKEN, type Facet, type SearchDocument, type TextField } from './types';

// Community names and synonyms live in synonyms.ts; re-exported for the callers that found them here.
export { groupNames, splitBracketed, synonymGroups } from './synonyms';

/** Text that lives in media rather than in record.json (transcripts, captions, a document's extracted text). */
export interface MediaText {
  transcripts?: string[];
  fulltext?: string[];
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length > 0))];
}

/** "2019-05" → "2010s". */
export function decadeOf(date: string | undefined): string | undefined {
  const year = date ? Number(date.slice(0, 4)) : NaN;
  return Number.isFinite(year) ? `${Math.floor(year / 10) * 10}s` : undefined;
}

/** Facet value of a place (the map's point): its coordinates (its own, else its district's) and its parts, "lat,lon|district|commune|village". */
export function placeFacetValue(vocab: Vocabularies, place: Place): string | undefined {
  const at = placeCoordinates(vocab, place);
  // Names are free text (a village may be called anything, "|" included): each part is %-encoded.
  return at ? [`${at.lat.toFixed(3)},${at.lon.toFixed(3)}`, place.district, place.commune ?? '', place.village ?? ''].map(encodeURIComponent).join('|') : undefined;
}

/** The parts of a place facet value. */
export function parsePlaceFacetValue(value: string): { lat: number; lon: number; place: Place } | undefined {
  let parts: string[];
  try {
    parts = value.split('|').map(decodeURIComponent);
  } catch {
    return undefined; // not one of ours
  }
  if (parts.length !== 4) return undefined;
  const [at, district, commune, village] = parts;
  const [lat, lon] = (at ?? '').split(',').map(Number);
  if (!district || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  return { lat: lat!, lon: lon!, place: { district, ...(commune ? { commune } : {}), ...(village ? { village } : {}) } };
}

/**
 * A withdrawn record harvesters could have had (published, public): OAI-PMH reports it as deleted. The same rule
 * as lib/oai: a record withdrawn from a restricted level was never theirs to know of.
 */
export function isTombstone(record: HeritageRecord): boolean {
  return record.status === 'withdrawn' && record.access.level === 'public' && record.publishedAt !== undefined;
}

export function toSearchDocument(full: HeritageRecord, vocab: Vocabularies, media: MediaText = {}, versions: { modified?: string } = {}): SearchDocument {
  const record = withholdNames(full);
  // Transcripts and extracted text are read from files, outside the record: the same names are withheld from them.
  // (So this takes the stored record, as indexableDocument gives it: a public copy no longer knows the names.)
  const redact = redactorFor(full);
  const transcripts = (media.transcripts ?? []).map((t) => redact(t));
  const fulltext = (media.fulltext ?? []).map((t) => redact(t));
  const groups = record.ethnicGroups.map((id) => vocab.ethnicGroups.find((g) => g.id === id)).filter((g) => g !== undefined);
  const subjects = record.subjects.map((id) => vocab.subjects.find((s) => s.id === id)).filter((s) => s !== undefined);
  const districts = record.places.map((p) => vocab.districts.find((d) => d.id === p.district));
  const typeLabel = vocab.recordTypes.find((t) => t.id === record.type);
  const inventory = record.inventoryElement ? vocab.inventory.find((e) => e.id === record.inventoryElement) : undefined;
  const documentKind = record.document ? vocab.documentKinds.find((k) => k.id === record.document!.kind) : undefined;

  const text: Record<TextField, string[]> = {
    title: unique([record.title.vi, record.title.en, ...record.alternativeTitles, record.nativeText?.title, record.document?.number]),
    // Community names go with the subjects so that Katu, Sedang, Cor… find a group's records even when the text never says them.
    subjects: unique([
      ...subjects.flatMap((s) => [s.label.vi, s.label.en]),
      ...groups.flatMap(groupNames),
      typeLabel?.label.vi,
      typeLabel?.label.en,
      documentKind?.label.vi,
      documentKind?.label.en,
      record.document?.issuer.vi,
      record.document?.issuer.en,
      inventory?.name.vi,
      inventory?.name.en,
    ]),
    place: unique([
      ...districts.flatMap((d) => (d ? [d.name.vi, d.name.en] : [])),
      ...record.places.flatMap((p) => [p.commune, p.village]),
    ]),
    description: unique([record.description.vi, record.description.en, record.heldIn?.note?.vi, record.heldIn?.note?.en]),
    transcript: unique([record.nativeText?.text, ...transcripts]),
    fulltext: unique([...fulltext, ...record.references.map((r) => r.title), record.document?.signer]),
  };

  const date = record.recordedOn ?? record.document?.issuedOn;
  const facets: Record<Facet, string[]> = {
    ethnicGroup: unique(record.ethnicGroups),
    type: [record.type],
    district: unique(record.places.map((p) => p.district)),
    decade: unique([decadeOf(date)]),
    language: unique(record.languages),
    mediaKind: unique(record.media.map((m) => m.kind)),
    accessLevel: [record.access.level],
    status: [record.status],
    subject: unique(record.subjects),
    element: unique([record.inventoryElement]),
    // 'unknown' when no month is given: the calendar lists festivals and rituals of unknown month (MONTH_UNKNOWN in lib/records/festival-calendar.ts).
    month: record.heldIn ? unique(record.heldIn.months.map((m) => `${record.heldIn!.calendar}-${m}`)) : ['unknown'],
    place: unique(record.places.map((p) => placeFacetValue(vocab, p))),
    documentKind: unique([record.document?.kind]),
    issuer: unique([record.document?.issuer.vi]),
    year: unique([date?.slice(0, 4)]),
    featured: record.featured ? ['true'] : [],
  };

  // Withdrawn records keep their access tokens (staff see them); tombstones are also listed to harvesters, as deleted.
  const tombstone = isTombstone(record) && !maySeeRecord(ANONYMOUS, record);
  const placed = record.places.find((p) => p.lat !== undefined && p.lon !== undefined);
  const district = districts.find((d) => d !== undefined);
  const geo = placed ? { lat: placed.lat!, lon: placed.lon! } : district ? { lat: district.lat, lon: district.lon } : undefined;

  return {
    id: record.id,
    slug: record.slug,
    type: record.type,
    status: record.status,
    title: { vi: record.title.vi, ...(record.title.en ? { en: record.title.en } : {}) },
    text,
    facets,
    access: tombstone ? [...recordAccessTokens(record), TOMBSTONE_TOKEN] : recordAccessTokens(record),
    ...(geo ? { geo } : {}),
    ...(date ? { date } : {}),
    titleSort: fold(record.title.vi),
    ...(record.publishedAt ? { publishedAt: record.publishedAt } : {}),
    ...(versions.modified ? { modified: versions.modified } : {}),
    record,
    ...(tombstone ? { tombstone } : {}),
  };
}
