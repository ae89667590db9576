/**
 * The record generator of `npm run bench:pages`: a CSV of realistic
 * Vietnamese records, in the archive's own import format (the columns of
 * `CSV_COLUMNS` in lib/records/importer.ts), with one photo in ten, so the
 * archive grows "the project's own way" through `npm run archive -- import`.
 *
 * Everything comes from the demo content itself (content/): titles are built
 * from the inventory's element names and the demo records' titles,
 * descriptions from the demo descriptions' own sentences, communities,
 * districts, communes, subjects, types, document kinds and rights from the
 * vocabularies and the demo records. Statuses and access levels are mixed as
 * a province archive's are (mostly published and public; some submitted,
 * draft, withdrawn, registered-only and community-restricted).
 *
 * Deterministic: the same GENERATOR_VERSION and row count give the same CSV
 * (a fixed-seed PRNG; photos are drawn from the row number), so a fixture can
 * be cached on disk and reused. Bump GENERATOR_VERSION whenever the output
 * changes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import { prng } from './random';

/** Part of the cache key: change it whenever the generated rows or photos change. */
export const GENERATOR_VERSION = 2;

/** Side of the generated photos (a small JPEG, about 10–20 KB): big enough to be sniffed, digested and stored as a real photo. */
const PHOTO_WIDTH = 480;
const PHOTO_HEIGHT = 320;
/** One record in PHOTO_EVERY has a photo (10%). */
const PHOTO_EVERY = 10;

interface Localized {
  vi: string;
  en?: string;
}
interface DemoRecord {
  slug: string;
  type: string;
  title: Localized;
  description: Localized;
  ethnicGroups?: string[];
  subjects?: string[];
  heldIn?: { calendar: 'lunar' | 'solar'; months: number[] };
  rights: { uri: string; holder?: string; protocolNote?: Localized };
  document?: { number: string; kind: string; issuer: Localized; issuedOn: string };
}
interface EthnicGroup {
  id: string;
  name: Localized;
  language?: string;
  districts: string[];
  localGroups?: string[];
  description?: Localized;
}
interface District {
  id: string;
  name: Localized;
  lat: number;
  lon: number;
  communes?: string[];
}
interface InventoryElement {
  id: string;
  name: Localized;
  type: string;
  ethnicGroups: string[];
  districts?: string[];
}
interface Labelled {
  id: string;
  label: Localized;
}

/** The demo content and vocabularies the generator draws its words from. */
export interface SourceContent {
  records: DemoRecord[];
  groups: EthnicGroup[];
  districts: District[];
  inventory: InventoryElement[];
  subjects: Labelled[];
  types: Labelled[];
  documentKinds: Labelled[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export function loadSourceContent(contentDir: string): SourceContent {
  const recordsDir = path.join(contentDir, 'records');
  const vocab = (name: string) => path.join(contentDir, 'vocabularies', `${name}.json`);
  return {
    records: readdirSync(recordsDir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => readJson<DemoRecord>(path.join(recordsDir, n))),
    groups: readJson<EthnicGroup[]>(vocab('ethnic-groups')),
    districts: readJson<District[]>(vocab('districts')),
    inventory: readJson<InventoryElement[]>(path.join(contentDir, 'inventory.json')),
    subjects: readJson<Labelled[]>(vocab('subjects')),
    types: readJson<Labelled[]>(vocab('record-types')),
    documentKinds: readJson<Labelled[]>(vocab('document-kinds')),
  };
}

/** How many demo records `npm run seed` brings (content/records/*.json). */
export function demoRecordCount(contentDir: string): number {
  return readdirSync(path.join(contentDir, 'records')).filter((n) => n.endsWith('.json')).length;
}

// ---------------------------------------------------------------- randomness

class Dice {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[Math.floor(this.next() * list.length)]!;
  }
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
  /** Up to `n` distinct items, in the list's order. */
  some<T>(list: readonly T[], n: number): T[] {
    const chosen = new Set<number>();
    const want = Math.min(n, list.length);
    while (chosen.size < want) chosen.add(Math.floor(this.next() * list.length));
    return [...chosen].sort((a, b) => a - b).map((i) => list[i]!);
  }
}

// ---------------------------------------------------------------- words

/** Lower-case ASCII words joined by hyphens: Vietnamese letters lose their marks, đ becomes d. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function sentences(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 25 && !/demo/i.test(s));
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const clip = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max - 1).trimEnd() + '…');

/** The parts of the demo content each generated record is assembled from, prepared once. */
interface Pools {
  heritageTypes: string[];
  byType: Map<string, DemoRecord[]>;
  heritage: DemoRecord[];
  documents: DemoRecord[];
  viSentences: Map<string, string[]>;
  enSentences: Map<string, string[]>;
  allViSentences: string[];
  allEnSentences: string[];
  documentViSentences: string[];
  documentEnSentences: string[];
  /** What follows the number in a demo document's title ("phê duyệt Chương trình …"). */
  documentTails: { vi: string; en: string }[];
  villages: string[];
  holders: string[];
  protocolNotes: string[];
  subjectIds: Set<string>;
}

function preparePools(src: SourceContent): Pools {
  const heritage = src.records.filter((r) => r.type !== 'document');
  const documents = src.records.filter((r) => r.type === 'document');
  const byType = new Map<string, DemoRecord[]>();
  for (const r of src.records) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const viSentences = new Map<string, string[]>();
  const enSentences = new Map<string, string[]>();
  for (const [type, list] of byType) {
    viSentences.set(type, list.flatMap((r) => sentences(r.description.vi)));
    enSentences.set(type, list.flatMap((r) => sentences(r.description.en)));
  }
  const documentTails: { vi: string; en: string }[] = [];
  for (const d of documents) {
    const number = d.document?.number;
    if (!number) continue;
    const tailVi = d.title.vi.split(number)[1]?.trim();
    const tailEn = d.title.en?.split(number)[1]?.trim();
    if (tailVi && tailVi.length > 8 && !tailVi.startsWith('của') && !tailVi.startsWith('(')) documentTails.push({ vi: tailVi, en: tailEn && tailEn.length > 8 ? tailEn : 'on ethnic affairs and cultural heritage' });
  }
  // Village names: the communes' own words ("A Tiêng", "Bhalêê", "Jơ Ngây"…), as a village of the same area might be called.
  const villages = [...new Set(src.districts.flatMap((d) => d.communes ?? []).map((c) => c.replace(/\s*\(.*\)$/, '')))];
  const holders = [...new Set(src.records.map((r) => r.rights.holder?.replace(/\s*\([^)]*demo[^)]*\)/i, '').trim()).filter((h): h is string => Boolean(h)))];
  const protocolNotes = [...new Set(src.records.map((r) => r.rights.protocolNote?.vi).filter((n): n is string => Boolean(n) && !/Luật Sở hữu trí tuệ/.test(n!)))];
  return {
    heritageTypes: src.types.map((t) => t.id).filter((t) => t !== 'document'),
    byType,
    heritage,
    documents,
    viSentences,
    enSentences,
    allViSentences: heritage.flatMap((r) => sentences(r.description.vi)),
    allEnSentences: heritage.flatMap((r) => sentences(r.description.en)),
    documentViSentences: documents.flatMap((r) => sentences(r.description.vi)),
    documentEnSentences: documents.flatMap((r) => sentences(r.description.en)),
    documentTails,
    villages,
    holders,
    protocolNotes,
    subjectIds: new Set(src.subjects.map((s) => s.id)),
  };
}

// ---------------------------------------------------------------- rows

/** The CSV columns written, all of them columns of the archive's CSV import (lib/records/importer.ts CSV_COLUMNS). */
export const COLUMNS = [
  'slug',
  'type',
  'title_vi',
  'title_en',
  'description_vi',
  'description_en',
  'ethnic_groups',
  'district',
  'commune',
  'village',
  'lat',
  'lon',
  'recorded_on',
  'calendar',
  'months',
  'subjects',
  'languages',
  'rights_uri',
  'rights_holder',
  'protocol_note_vi',
  'access',
  'communities',
  'status',
  'inventory_element',
  'document_number',
  'document_kind',
  'document_issuer_vi',
  'document_issuer_en',
  'document_issued_on',
  'files',
] as const;
export type Row = Record<(typeof COLUMNS)[number], string>;

const TYPE_WEIGHTS = {
  festival: 14,
  ritual: 12,
  custom: 9,
  craft: 12,
  'performing-art': 7,
  music: 10,
  'oral-tradition': 9,
  knowledge: 8,
  place: 4,
  document: 15,
};
const { document: DOCUMENT_WEIGHT, ...HERITAGE_TYPE_WEIGHTS } = TYPE_WEIGHTS;
const GROUP_WEIGHTS = { 'co-tu': 40, 'xo-dang': 25, 'gie-trieng': 18, co: 17 };
const STATUS_WEIGHTS = { published: 88, submitted: 6, draft: 5, withdrawn: 1 };
const ACCESS_WEIGHTS = { public: 90, registered: 6, community: 4 };

const HERITAGE_RIGHTS = ['http://rightsstatements.org/vocab/InC-EDU/1.0/', 'https://creativecommons.org/licenses/by-nc/4.0/'];
const DOCUMENT_RIGHTS = 'https://creativecommons.org/publicdomain/mark/1.0/';

/** Number formats and issuers of Vietnamese administrative documents, by kind. */
const DOCUMENT_STYLES: Record<string, { suffix: (year: number) => string; issuers: [string, string][] }> = {
  luat: { suffix: (y) => `/${y}/QH${Math.max(10, Math.min(15, Math.floor((y - 1946) / 5)))}`, issuers: [['Quốc hội', 'National Assembly']] },
  'nghi-quyet': {
    suffix: (y) => `/${y}/NQ-HĐND`,
    issuers: [['Hội đồng nhân dân tỉnh Quảng Nam', 'Quảng Nam Provincial People’s Council']],
  },
  'nghi-dinh': { suffix: (y) => `/${y}/NĐ-CP`, issuers: [['Chính phủ', 'Government']] },
  'quyet-dinh': {
    suffix: () => '/QĐ-UBND',
    issuers: [
      ['Ủy ban nhân dân tỉnh Quảng Nam', 'Quảng Nam Provincial People’s Committee'],
      ['Ủy ban nhân dân huyện Nam Giang', 'Nam Giang District People’s Committee'],
      ['Ủy ban nhân dân huyện Tây Giang', 'Tây Giang District People’s Committee'],
    ],
  },
  'thong-tu': { suffix: (y) => `/${y}/TT-BVHTTDL`, issuers: [['Bộ Văn hóa, Thể thao và Du lịch', 'Ministry of Culture, Sports and Tourism']] },
  'chi-thi': { suffix: () => '/CT-UBND', issuers: [['Ủy ban nhân dân tỉnh Quảng Nam', 'Quảng Nam Provincial People’s Committee']] },
  'ke-hoach': {
    suffix: () => '/KH-UBND',
    issuers: [
      ['Ủy ban nhân dân tỉnh Quảng Nam', 'Quảng Nam Provincial People’s Committee'],
      ['Ủy ban nhân dân huyện Đông Giang', 'Đông Giang District People’s Committee'],
    ],
  },
  'cong-van': { suffix: () => '/SVHTTDL-QLVH', issuers: [['Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Nam', 'Quảng Nam Department of Culture, Sports and Tourism']] },
  'bao-cao': { suffix: () => '/BC-BDT', issuers: [['Ban Dân tộc tỉnh Quảng Nam', 'Quảng Nam Committee for Ethnic Affairs']] },
  other: { suffix: () => '/TB-UBND', issuers: [['Ủy ban nhân dân tỉnh Quảng Nam', 'Quảng Nam Provincial People’s Committee']] },
};

function partialDate(d: Dice, year: number): string {
  const r = d.float();
  if (r < 0.4) return String(year);
  const month = String(d.int(1, 12)).padStart(2, '0');
  if (r < 0.7) return `${year}-${month}`;
  return `${year}-${month}-${String(d.int(1, 28)).padStart(2, '0')}`;
}

function emptyRow(): Row {
  return Object.fromEntries(COLUMNS.map((c) => [c, ''])) as Row;
}

function heritageRow(i: number, d: Dice, src: SourceContent, pools: Pools): Row {
  const row = emptyRow();
  const type: string = d.weighted(HERITAGE_TYPE_WEIGHTS);
  const groupId = d.weighted(GROUP_WEIGHTS);
  const group = src.groups.find((g) => g.id === groupId) ?? d.pick(src.groups);
  const districtId = d.pick(group.districts.length ? group.districts : src.districts.map((x) => x.id));
  const district = src.districts.find((x) => x.id === districtId) ?? d.pick(src.districts);
  const commune = district.communes?.length ? d.pick(district.communes).replace(/\s*\(.*\)$/, '') : undefined;
  const village = d.chance(0.5) ? `làng ${d.pick(pools.villages)}` : `thôn ${d.int(1, 12)}`;
  const year = d.int(1998, 2025);
  const people = group.localGroups?.length && d.chance(0.3) ? d.pick(group.localGroups) : group.name.vi;

  // Title: an inventory element of this type and community, else a demo title of the type, said of this community.
  const elements = src.inventory.filter((e) => e.type === type && e.ethnicGroups.includes(group.id));
  const element = elements.length && d.chance(0.65) ? d.pick(elements) : undefined;
  const demo = pools.byType.get(type)?.length ? d.pick(pools.byType.get(type)!) : d.pick(pools.heritage);
  const typeLabel = src.types.find((t) => t.id === type)?.label ?? { vi: type, en: type };
  let stemVi: string;
  let stemEn: string;
  if (element) {
    stemVi = element.name.vi;
    stemEn = element.name.en ?? typeLabel.en ?? type;
  } else {
    const [head] = demo.title.vi.split(/ (?:của|giữa các làng) (?:người|đồng bào)? ?/);
    stemVi = `${head!.replace(/\s*\(.*\)$/, '').replace(/\s+(?:năm \d{4}|lần thứ [IVX]+)$/, '')} của người ${people}`;
    stemEn = `${group.name.en ?? group.name.vi} ${lowerFirst(typeLabel.en ?? type)}`;
  }
  const where = commune ? `${village}, xã ${commune}` : `${village}, ${district.name.vi}`;
  row.status = d.weighted(STATUS_WEIGHTS);
  row.title_vi = clip(`${stemVi} ở ${where} (${year})`, 300);
  // A published record needs an English title (the record schema's rule); others have one half the time.
  if (row.status === 'published' || d.chance(0.5)) row.title_en = clip(`${stemEn}, ${commune ?? district.name.en ?? district.name.vi} (${year})`, 300);

  // Description: sentences of demo records of the same type, one of the community's own description, where and when.
  const vi = d.some(pools.viSentences.get(type)?.length ? pools.viSentences.get(type)! : pools.allViSentences, d.int(2, 4));
  if (d.chance(0.25)) vi.push(...d.some(sentences(group.description?.vi), 1));
  vi.push(`Tư liệu do cán bộ văn hóa ghi tại ${village}, ${commune ? `xã ${commune}, ` : ''}${district.name.vi} năm ${year}.`);
  row.description_vi = vi.join(' ');
  if (row.title_en && d.chance(0.8)) {
    const en = d.some(pools.enSentences.get(type)?.length ? pools.enSentences.get(type)! : pools.allEnSentences, d.int(1, 3));
    en.push(`Recorded by a cultural officer in ${village.replace(/^làng /, '').replace(/^thôn /, 'hamlet ')}${commune ? `, ${commune} commune` : ''}, ${district.name.en ?? district.name.vi}, in ${year}.`);
    row.description_en = en.join(' ');
  }

  row.type = type;
  row.ethnic_groups = group.id;
  row.district = district.id;
  row.commune = commune ?? '';
  row.village = village;
  row.lat = (district.lat + (d.float() - 0.5) * 0.16).toFixed(4);
  row.lon = (district.lon + (d.float() - 0.5) * 0.16).toFixed(4);
  row.recorded_on = partialDate(d, year);
  if ((type === 'festival' || type === 'ritual') && d.chance(0.75)) {
    const held = pools.byType.get(type)?.filter((r) => r.heldIn) ?? [];
    if (held.length && d.chance(0.5)) {
      const h = d.pick(held).heldIn!;
      row.calendar = h.calendar;
      row.months = h.months.join(';');
    } else {
      const first = d.int(1, 12);
      row.calendar = 'lunar';
      row.months = (d.chance(0.3) ? [first, (first % 12) + 1] : [first]).join(';');
    }
  }
  const typeSubjects = [...new Set((pools.byType.get(type) ?? []).flatMap((r) => r.subjects ?? []))].filter((s) => pools.subjectIds.has(s));
  const subjects = new Set(d.some(typeSubjects.length ? typeSubjects : [...pools.subjectIds], d.int(1, 3)));
  if (d.chance(0.3)) subjects.add(d.pick(src.subjects).id);
  row.subjects = [...subjects].join(';');
  row.languages = ['vie', ...(group.language ? [group.language] : [])].join(';');
  row.rights_uri = d.pick(HERITAGE_RIGHTS);
  row.rights_holder = d.chance(0.5) ? `Cộng đồng ${village} và người ghi chép` : d.pick(pools.holders);
  if ((type === 'ritual' || type === 'festival') && pools.protocolNotes.length && d.chance(0.4)) row.protocol_note_vi = d.pick(pools.protocolNotes);
  row.access = d.weighted(ACCESS_WEIGHTS);
  if (row.access === 'community') row.communities = group.id;
  if (element) row.inventory_element = element.id;
  row.slug = `${slugify(stemVi).slice(0, 70).replace(/-+$/, '')}-${slugify(commune ?? district.id)}-g${i + 1}`;
  return row;
}

function documentRow(i: number, d: Dice, src: SourceContent, pools: Pools): Row {
  const row = emptyRow();
  const kinds = src.documentKinds.map((k) => k.id).filter((k) => k in DOCUMENT_STYLES);
  const kind = d.chance(0.45) ? 'quyet-dinh' : d.chance(0.4) ? 'ke-hoach' : d.pick(kinds);
  const style = DOCUMENT_STYLES[kind]!;
  const kindLabel = src.documentKinds.find((k) => k.id === kind)?.label ?? { vi: kind, en: kind };
  const year = d.int(2001, 2025);
  const number = `${d.int(1, 4999)}${style.suffix(year)}`;
  const [issuerVi, issuerEn] = d.pick(style.issuers);
  // The subject: a demo document's own words, or the protection of one inventory element.
  let tailVi: string;
  let tailEn: string;
  if (pools.documentTails.length && d.chance(0.5)) {
    ({ vi: tailVi, en: tailEn } = d.pick(pools.documentTails));
  } else {
    const element = d.pick(src.inventory);
    tailVi = `về bảo tồn và phát huy giá trị ${lowerFirst(element.name.vi)}`;
    tailEn = `on safeguarding and promoting ${element.name.en ? lowerFirst(element.name.en) : 'an element of intangible heritage'}`;
    row.inventory_element = element.id;
    row.ethnic_groups = element.ethnicGroups.join(';');
  }
  const month = d.int(1, 12);
  const day = d.int(1, 28);
  row.type = 'document';
  row.status = d.weighted(STATUS_WEIGHTS);
  row.title_vi = clip(`${kindLabel.vi} số ${number} ${tailVi}`, 300);
  if (row.status === 'published' || d.chance(0.5)) row.title_en = clip(`${kindLabel.en ?? kind} ${number} ${tailEn}`, 300);
  const vi = d.some(pools.documentViSentences, d.int(1, 3));
  vi.unshift(`Văn bản của ${issuerVi} ban hành ngày ${day}/${month}/${year}.`);
  row.description_vi = vi.join(' ');
  if (row.title_en && d.chance(0.8)) row.description_en = [`Issued by the ${issuerEn} on ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}.`, ...d.some(pools.documentEnSentences, d.int(1, 2))].join(' ');
  if (d.chance(0.3)) {
    const district = d.pick(src.districts);
    row.district = district.id;
    row.lat = district.lat.toFixed(4);
    row.lon = district.lon.toFixed(4);
  }
  const docSubjects = [...new Set(pools.documents.flatMap((r) => r.subjects ?? []))].filter((s) => pools.subjectIds.has(s));
  row.subjects = d.some(docSubjects, d.int(1, 3)).join(';');
  row.languages = 'vie';
  row.rights_uri = DOCUMENT_RIGHTS;
  row.access = 'public';
  row.document_number = number;
  row.document_kind = kind;
  row.document_issuer_vi = issuerVi;
  row.document_issuer_en = issuerEn;
  row.document_issued_on = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  row.slug = `${slugify(`${kindLabel.vi} ${number}`).slice(0, 60).replace(/-+$/, '')}-g${i + 1}`;
  return row;
}

/** Row `i` of the generated collection (0-based). Rows depend only on their index and GENERATOR_VERSION. */
export function generateRow(i: number, src: SourceContent, pools: Pools = preparePools(src)): Row {
  const d = new Dice(prng(0x5eed0000 + GENERATOR_VERSION * 7919 + i * 2654435761));
  const row = d.chance(DOCUMENT_WEIGHT / Object.values(TYPE_WEIGHTS).reduce((a, b) => a + b, 0)) ? documentRow(i, d, src, pools) : heritageRow(i, d, src, pools);
  if (i % PHOTO_EVERY === PHOTO_EVERY - 1) row.files = `photos/${row.slug}.jpg`;
  return row;
}

/** A small photo, different for every row: a two-colour gradient with some noise, as JPEG. */
export async function generatePhoto(i: number): Promise<Buffer> {
  const d = new Dice(prng(0xf070 + i * 40503));
  const a = [d.int(20, 235), d.int(20, 235), d.int(20, 235)];
  const b = [d.int(20, 235), d.int(20, 235), d.int(20, 235)];
  const raw = Buffer.alloc(PHOTO_WIDTH * PHOTO_HEIGHT * 3);
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      const t = (x / PHOTO_WIDTH + y / PHOTO_HEIGHT) / 2;
      const o = (y * PHOTO_WIDTH + x) * 3;
      for (let c = 0; c < 3; c++) raw[o + c] = Math.max(0, Math.min(255, Math.round(a[c]! * (1 - t) + b[c]! * t + (d.float() - 0.5) * 24)));
    }
  }
  return sharp(raw, { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } }).jpeg({ quality: 72 }).toBuffer();
}

export interface Fixture {
  /** The folder holding records.csv and photos/. */
  dir: string;
  csv: string;
  rows: number;
  photos: number;
  /** False when an earlier run's fixture was reused. */
  generated: boolean;
}

interface FixtureManifest {
  generatorVersion: number;
  rows: number;
  photos: number;
  created: string;
}

/**
 * The generated collection of `rows` records in `<cacheDir>/fixture/`
 * (records.csv + photos/), made once and reused while GENERATOR_VERSION and
 * the row count stay the same. Written to a temporary folder and renamed
 * when complete, so an interrupted run never leaves half a fixture.
 */
export async function ensureFixture(cacheDir: string, rows: number, contentDir: string, log: (message: string) => void): Promise<Fixture> {
  const dir = path.join(cacheDir, 'fixture');
  const manifestFile = path.join(dir, 'fixture.json');
  if (existsSync(manifestFile)) {
    const manifest = readJson<FixtureManifest>(manifestFile);
    if (manifest.generatorVersion === GENERATOR_VERSION && manifest.rows === rows) {
      log(`reusing the generated fixture ${dir} (${rows} records, ${manifest.photos} photos, made ${manifest.created})`);
      return { dir, csv: path.join(dir, 'records.csv'), rows, photos: manifest.photos, generated: false };
    }
    log(`the fixture in ${dir} is for other settings: making it again`);
    await fs.rm(dir, { recursive: true, force: true });
  }
  const started = Date.now();
  const src = loadSourceContent(contentDir);
  const pools = preparePools(src);
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(path.join(tmp, 'photos'), { recursive: true });
  try {
    sharp.concurrency(1); // the machine is shared: one core for the photos is plenty
    const out: Row[] = [];
    let photos = 0;
    for (let i = 0; i < rows; i++) {
      const row = generateRow(i, src, pools);
      if (row.files) {
        await fs.writeFile(path.join(tmp, row.files), await generatePhoto(i));
        photos++;
      }
      out.push(row);
      if ((i + 1) % 5000 === 0) log(`  generated ${i + 1}/${rows} records`);
    }
    await fs.writeFile(path.join(tmp, 'records.csv'), stringify(out, { header: true, columns: [...COLUMNS] }));
    const manifest: FixtureManifest = { generatorVersion: GENERATOR_VERSION, rows, photos, created: new Date().toISOString() };
    await fs.writeFile(path.join(tmp, 'fixture.json'), JSON.stringify(manifest, null, 2) + '\n');
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
    log(`generated ${rows} records (${photos} with a photo) into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { dir, csv: path.join(dir, 'records.csv'), rows, photos, generated: true };
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
