/**
 * Dublin Core (the 15 DCMES elements) for a record: what OAI-PMH oai_dc,
 * exports and citation tools read. Values keep their language where they
 * have one, so harvesters get both Vietnamese and English.
 *
 * Dublin Core never carries the name of a person who did not consent, even
 * when it goes into a staff export: it is a flat list of strings with no way
 * to carry the consent flag alongside a name, so once it leaves, the name
 * would travel without its restriction. (The bag's record.json keeps both.)
 */
import { xmlText } from '../http/xml-text';
import { create } from 'xmlbuilder2';
import { isWithheld, withholdNames } from '../access/consent';
import type { HeritageRecord } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import { recordUrl } from '../i18n/paths';

export const DC_ELEMENTS = [
  'title',
  'creator',
  'subject',
  'description',
  'publisher',
  'contributor',
  'date',
  'type',
  'format',
  'identifier',
  'source',
  'language',
  'relation',
  'coverage',
  'rights',
] as const;
export type DcElement = (typeof DC_ELEMENTS)[number];

export interface DcValue {
  element: DcElement;
  value: string;
  /** BCP 47 language of the value (vi, en), when it is text in a language. */
  lang?: string;
}

export interface DublinCoreContext {
  vocab: Vocabularies;
  /** Public base URL, for the record's identifier. */
  siteUrl: string;
  publisher?: { vi: string; en: string };
}

/** DCMI Type Vocabulary term for the record's kind and media. */
function dcmiTypes(record: HeritageRecord): string[] {
  const types = new Set<string>();
  if (record.type === 'document') types.add('Text');
  if (record.type === 'festival' || record.type === 'ritual' || record.type === 'performing-art') types.add('Event');
  for (const m of record.media) {
    if (m.kind === 'image') types.add('StillImage');
    if (m.kind === 'video') types.add('MovingImage');
    if (m.kind === 'audio') types.add('Sound');
    if (m.kind === 'document') types.add('Text');
  }
  if (types.size === 0) types.add('Collection');
  return [...types];
}

/** ISO 639-3 → the 2-letter code where there is one (Dublin Core recommends RFC 5646 / ISO 639). */
const ISO639_1: Record<string, string> = { vie: 'vi', eng: 'en', fra: 'fr' };

export function toDublinCore(full: HeritageRecord, context: DublinCoreContext): DcValue[] {
  const record = withholdNames(full);
  const { vocab } = context;
  const out: DcValue[] = [];
  const add = (element: DcElement, value: string | undefined, lang?: string) => {
    if (value && value.trim()) out.push({ element, value: value.trim(), ...(lang ? { lang } : {}) });
  };
  const both = (element: DcElement, text: { vi: string; en?: string } | undefined) => {
    if (!text) return;
    add(element, text.vi, 'vi');
    add(element, text.en, 'en');
  };

  both('title', record.title);
  record.alternativeTitles.forEach((t) => add('title', t));
  if (record.nativeText?.title) add('title', record.nativeText.title, record.nativeText.language);
  for (const person of record.people) {
    // Omitted, not labelled: creator and contributor name agents, and aggregators would index
    // "(giấu tên theo nguyện vọng)" as a person credited on many records. Who took part is in the JSON API.
    if (isWithheld(person)) continue;
    const element: DcElement = person.roles.some((r) => r === 'author' || r === 'recorder' || r === 'photographer') ? 'creator' : 'contributor';
    add(element, `${person.name} (${person.roles.join(', ')})`);
  }
  if (record.document) both('creator', record.document.issuer);
  for (const id of record.subjects) both('subject', vocab.subjects.find((s) => s.id === id)?.label);
  for (const id of record.ethnicGroups) both('subject', vocab.ethnicGroups.find((g) => g.id === id)?.name);
  both('description', record.description);
  both('publisher', context.publisher ?? { vi: 'Di Sản – Kho lưu trữ di sản văn hóa các dân tộc thiểu số Quảng Nam', en: 'Di Sản – Heritage archive of the ethnic minorities of Quảng Nam' });
  add('date', record.document?.issuedOn ?? record.recordedOn);
  for (const t of dcmiTypes(record)) add('type', t);
  both('type', vocab.recordTypes.find((t) => t.id === record.type)?.label);
  for (const mime of new Set(record.media.map((m) => m.type))) add('format', mime);
  add('identifier', recordUrl(context.siteUrl, record));
  add('identifier', `urn:x-di-san:record:${record.id}`);
  if (record.document) add('identifier', record.document.number);
  for (const lang of record.languages) add('language', ISO639_1[lang] ?? lang);
  for (const ref of record.references) add('relation', ref.url ? `${ref.title} <${ref.url}>` : ref.title);
  if (record.inventoryElement) both('relation', vocab.inventory.find((e) => e.id === record.inventoryElement)?.name);
  for (const place of record.places) {
    const district = vocab.districts.find((d) => d.id === place.district);
    const parts = [place.village, place.commune, district?.name.vi, 'Quảng Nam'].filter(Boolean);
    add('coverage', parts.join(', '), 'vi');
    if (place.lat !== undefined && place.lon !== undefined) add('coverage', `${place.lat}, ${place.lon}`);
  }
  if (record.heldIn) add('coverage', `${record.heldIn.calendar === 'lunar' ? 'âm lịch' : 'dương lịch'} tháng ${record.heldIn.months.join(', ')}`, 'vi');
  add('rights', record.rights.uri);
  if (record.rights.holder) add('rights', record.rights.holder);
  both('rights', record.rights.protocolNote);
  return out;
}

type XmlNode = ReturnType<typeof create>;

/** Appends an oai_dc:dc element holding the values to a parent node (an OAI-PMH <metadata>, or a new document). */
export function appendDublinCore(parent: XmlNode, values: DcValue[]): XmlNode {
  const root = parent.ele('http://www.openarchives.org/OAI/2.0/oai_dc/', 'oai_dc:dc', {
    'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
  });
  for (const v of values) {
    const el = root.ele('http://purl.org/dc/elements/1.1/', `dc:${v.element}`, v.lang ? { 'xml:lang': v.lang } : {});
    el.txt(xmlText(v.value));
  }
  return root;
}

/** The oai_dc XML document for a record (the export's tag file). */
export function dublinCoreXml(values: DcValue[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  appendDublinCore(doc, values);
  return doc.end({ prettyPrint: true });
}
