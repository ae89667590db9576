/**
 * Controlled vocabularies kept in content/vocabularies: the communities, the
 * former districts, subjects and the province's inventory of festivals and
 * customs. Records refer to their entries by id; checkRecordVocabulary()
 * tells which references are unknown.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LanguageCode, LocalizedText, LocalizedTitle, RECORD_TYPES, VocabularyId, DOCUMENT_KINDS } from './schema';
import type { Place, RecordBody } from './schema';

export const EthnicGroup = z.object({
  id: VocabularyId,
  name: LocalizedTitle.required(),
  /** Other names and spellings (Katu, Ka Tu, C'tu…): search treats them as synonyms. */
  otherNames: z.array(z.string().min(1)).default([]),
  /** Local groups counted within this one (e.g. Ca Dong within Xơ Đăng). */
  localGroups: z.array(z.string().min(1)).default([]),
  language: LanguageCode.optional(),
  population2019: z.number().int().positive().optional(),
  districts: z.array(VocabularyId).default([]),
  description: LocalizedText,
});
export type EthnicGroup = z.infer<typeof EthnicGroup>;

export const District = z.object({
  id: VocabularyId,
  name: LocalizedTitle.required(),
  /** Districts were abolished in 2025: names are shown as former districts. */
  former: z.boolean().default(true),
  lat: z.number().min(14).max(17),
  lon: z.number().min(106).max(109.5),
  /** Where the coordinates come from (e.g. read from a map, approximate). */
  coordinateSource: z.string().min(1),
  communes: z.array(z.string().min(1)).default([]),
});
export type District = z.infer<typeof District>;

export const Subject = z.object({ id: VocabularyId, label: LocalizedTitle.required() });
export type Subject = z.infer<typeof Subject>;

export const RecordTypeLabel = z.object({ id: z.enum(RECORD_TYPES), label: LocalizedTitle.required(), plural: LocalizedTitle.required() });
export const DocumentKindLabel = z.object({ id: z.enum(DOCUMENT_KINDS), label: LocalizedTitle.required() });

export const InventoryElement = z.object({
  id: VocabularyId,
  name: LocalizedTitle.required(),
  type: z.enum(RECORD_TYPES),
  ethnicGroups: z.array(VocabularyId).min(1),
  districts: z.array(VocabularyId).default([]),
  /** National intangible heritage listing, when there is one (decision number and date). */
  nationalListing: z.string().optional(),
  note: LocalizedText.optional(),
});
export type InventoryElement = z.infer<typeof InventoryElement>;

export interface Vocabularies {
  ethnicGroups: EthnicGroup[];
  districts: District[];
  subjects: Subject[];
  recordTypes: z.infer<typeof RecordTypeLabel>[];
  documentKinds: z.infer<typeof DocumentKindLabel>[];
  inventory: InventoryElement[];
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function uniqueIds<T extends { id: string }>(file: string, items: T[]): T[] {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new Error(`${file}: duplicate id ${item.id}`);
    seen.add(item.id);
  }
  return items;
}

export function loadVocabularies(contentDir: string): Vocabularies {
  const dir = path.join(contentDir, 'vocabularies');
  const load = <T extends { id: string }>(name: string, schema: z.ZodType<T>) => {
    const file = path.join(dir, name);
    return uniqueIds(file, readJson(file, z.array(schema)));
  };
  return {
    ethnicGroups: load('ethnic-groups.json', EthnicGroup),
    districts: load('districts.json', District),
    subjects: load('subjects.json', Subject),
    recordTypes: load('record-types.json', RecordTypeLabel),
    documentKinds: load('document-kinds.json', DocumentKindLabel),
    inventory: uniqueIds(path.join(contentDir, 'inventory.json'), readJson(path.join(contentDir, 'inventory.json'), z.array(InventoryElement))),
  };
}

/** Every reference from a record to a vocabulary that does not exist, as "field: message" lines. */
export function checkRecordVocabulary(record: RecordBody, vocab: Vocabularies): string[] {
  const problems: string[] = [];
  const has = (list: { id: string }[], id: string) => list.some((e) => e.id === id);
  record.ethnicGroups.forEach((g, i) => {
    if (!has(vocab.ethnicGroups, g)) problems.push(`ethnicGroups.${i}: unknown ethnic group "${g}"`);
  });
  record.access.communities.forEach((g, i) => {
    if (!has(vocab.ethnicGroups, g)) problems.push(`access.communities.${i}: unknown community "${g}"`);
  });
  record.places.forEach((p, i) => {
    if (!has(vocab.districts, p.district)) problems.push(`places.${i}.district: unknown district "${p.district}"`);
  });
  record.subjects.forEach((s, i) => {
    if (!has(vocab.subjects, s)) problems.push(`subjects.${i}: unknown subject "${s}"`);
  });
  if (record.inventoryElement && !has(vocab.inventory, record.inventoryElement)) {
    problems.push(`inventoryElement: unknown inventory element "${record.inventoryElement}"`);
  }
  return problems;
}

/** The place's own coordinates, else its district's (approximate, from a map); undefined when neither is known. */
export function placeCoordinates(vocab: Vocabularies, place: Place): { lat: number; lon: number } | undefined {
  const district = vocab.districts.find((d) => d.id === place.district);
  const lat = place.lat ?? district?.lat;
  const lon = place.lon ?? district?.lon;
  return lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
}
