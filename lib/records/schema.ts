/**
 * The heritage record: what the archive keeps about one festival, ritual,
 * custom, craft, performance, document… One zod schema shared by the
 * importers, the studio forms and the API, so a value that passes here is
 * valid everywhere.
 */
import { z } from 'zod';
import { MEDIA_KINDS } from '../media/kinds';

export const RECORD_TYPES = [
  'festival',
  'ritual',
  'custom',
  'craft',
  'performing-art',
  'music',
  'oral-tradition',
  'knowledge',
  'place',
  'document',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const RECORD_STATUSES = ['draft', 'submitted', 'published', 'withdrawn'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** public: everyone; registered: signed-in users; community: members of the named communities (Mukurtu-style protocol). */
export const ACCESS_LEVELS = ['public', 'registered', 'community'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const PERSON_ROLES = [
  'recorder',
  'performer',
  'elder',
  'informant',
  'translator',
  'photographer',
  'researcher',
  'author',
] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export { MEDIA_KINDS, type MediaKind } from '../media/kinds';

/** Record ids: 8 characters of Crockford base32 (no i, l, o, u), short enough to read aloud. */
export const RECORD_ID_PATTERN = /^[0-9abcdefghjkmnpqrstvwxyz]{8}$/;
export const RecordId = z.string().regex(RECORD_ID_PATTERN, 'id must be 8 characters of Crockford base32');

export const Slug = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be lower-case ASCII words joined by hyphens');

/** Vocabulary identifiers (ethnic groups, districts, subjects…) share one shape. */
export const VocabularyId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'not a vocabulary id');

const text = (max: number) => z.string().trim().min(1).max(max);

/** Vietnamese is required (the archive's working language); English may follow before publication. */
export const LocalizedText = z.object({ vi: text(20_000), en: text(20_000).optional() });
export type LocalizedText = z.infer<typeof LocalizedText>;
export const LocalizedTitle = z.object({ vi: text(300), en: text(300).optional() });

/** Partial ISO 8601 date: a year, a month or a day, as field records often only know the year. */
export const PartialDate = z
  .string()
  .regex(/^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/, 'date must be YYYY, YYYY-MM or YYYY-MM-DD');
export const IsoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'date must be YYYY-MM-DD');

/** ISO 639-3 language code (vie, eng, and the communities' own: Katu, Sedang, …). */
export const LanguageCode = z.string().regex(/^[a-z]{3}$/, 'language must be an ISO 639-3 code');

export const Place = z.object({
  district: VocabularyId,
  commune: text(120).optional(),
  village: text(120).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});
export type Place = z.infer<typeof Place>;

export const HeldIn = z.object({
  calendar: z.enum(['lunar', 'solar']),
  months: z.array(z.number().int().min(1).max(12)).min(1).max(12),
  note: LocalizedText.optional(),
});

export const Person = z.object({
  name: text(200),
  roles: z.array(z.enum(PERSON_ROLES)).min(1),
  ethnicGroup: VocabularyId.optional(),
  consent: z.object({
    given: z.boolean(),
    /** How and when consent was given, or why it is not needed (e.g. a public official acting in office). */
    note: text(1000).optional(),
    date: PartialDate.optional(),
  }),
});
export type Person = z.infer<typeof Person>;

const RIGHTS_URI = /^https?:\/\/(rightsstatements\.org\/vocab\/[A-Za-z-]+\/1\.0\/|creativecommons\.org\/(licenses\/[a-z-]+\/\d\.\d\/|publicdomain\/(zero\/1\.0|mark\/1\.0)\/))$/;
export const Rights = z.object({
  uri: z.string().regex(RIGHTS_URI, 'rights must be a rightsstatements.org or Creative Commons URI'),
  holder: text(300).optional(),
  /** Free-text community protocol: who may see, use or reproduce, and how to ask. */
  protocolNote: LocalizedText.optional(),
});

export const Access = z
  .object({
    level: z.enum(ACCESS_LEVELS),
    /** Ethnic-group ids whose members may see a community-restricted record. */
    communities: z.array(VocabularyId).default([]),
  })
  .refine((a) => a.level !== 'community' || a.communities.length > 0, {
    message: 'a community-restricted record must name at least one community',
    path: ['communities'],
  });

/** Logical path of an original inside the record: files/<name>. */
export const MediaPath = z
  .string()
  .regex(/^files\/[^/\\\0]{1,200}$/, 'media path must be files/<name>')
  .refine((p) => !/^files\/\.\.?$/.test(p), 'media path must be files/<name>');

export const MediaEntry = z.object({
  path: MediaPath,
  kind: z.enum(MEDIA_KINDS),
  /** SHA-512 of the original, hex, recorded at ingest. */
  digest: z.string().regex(/^[0-9a-f]{128}$/),
  size: z.number().int().nonnegative(),
  type: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/i, 'type must be a MIME type'),
  label: LocalizedText.optional(),
  /** For captions and transcripts: the language they are in. */
  language: LanguageCode.optional(),
  /** For captions and transcripts: the media they belong to. */
  of: MediaPath.optional(),
});
export type MediaEntry = z.infer<typeof MediaEntry>;

export const DOCUMENT_KINDS = [
  'luat',
  'nghi-quyet',
  'nghi-dinh',
  'quyet-dinh',
  'thong-tu',
  'chi-thi',
  'ke-hoach',
  'cong-van',
  'bao-cao',
  'other',
] as const;
export const DocumentFields = z.object({
  number: text(80),
  kind: z.enum(DOCUMENT_KINDS),
  issuer: LocalizedTitle,
  issuedOn: PartialDate,
  effectiveFrom: IsoDate.optional(),
  signer: text(200).optional(),
});

/** Only web links: a `javascript:` or `data:` URL typed into a reference must never become a link. */
export const Reference = z.object({ title: text(500), url: z.url({ protocol: /^https?$/ }).optional() });

/** Everything an author provides. The archive adds id, media digests and status transitions. */
export const RecordBody = z.object({
  slug: Slug,
  type: z.enum(RECORD_TYPES),
  title: LocalizedTitle,
  /** Other names, e.g. the name in the community's language or older spellings. */
  alternativeTitles: z.array(text(300)).default([]),
  description: LocalizedText,
  /** Text in the community's own language, with its language code. */
  nativeText: z.object({ language: LanguageCode, title: text(300).optional(), text: text(20_000).optional() }).optional(),
  ethnicGroups: z.array(VocabularyId).default([]),
  places: z.array(Place).default([]),
  recordedOn: PartialDate.optional(),
  heldIn: HeldIn.optional(),
  subjects: z.array(VocabularyId).default([]),
  languages: z.array(LanguageCode).default([]),
  people: z.array(Person).default([]),
  rights: Rights,
  access: Access,
  status: z.enum(RECORD_STATUSES).default('draft'),
  /** Id of the element in the province's inventory of festivals and customs (content/inventory.json). */
  inventoryElement: VocabularyId.optional(),
  document: DocumentFields.optional(),
  references: z.array(Reference).default([]),
  featured: z.boolean().default(false),
});
export type RecordBody = z.infer<typeof RecordBody>;
export type RecordBodyInput = z.input<typeof RecordBody>;

export const HeritageRecord = RecordBody.extend({
  id: RecordId,
  /** Order matters: it is the order pages show the media in. */
  media: z.array(MediaEntry).default([]),
  /** The image that stands for the record (thumbnails, social cards, video poster); the first image otherwise. */
  poster: MediaPath.optional(),
  publishedAt: z.iso.datetime().optional(),
}).superRefine((r, ctx) => {
  if (r.type === 'document' && !r.document) {
    ctx.addIssue({ code: 'custom', path: ['document'], message: 'a document record needs its number, kind, issuer and date' });
  }
  const paths = new Set<string>();
  for (const [i, m] of r.media.entries()) {
    if (paths.has(m.path)) ctx.addIssue({ code: 'custom', path: ['media', i, 'path'], message: `duplicate media path ${m.path}` });
    paths.add(m.path);
  }
  for (const [i, m] of r.media.entries()) {
    if (m.of && !paths.has(m.of)) ctx.addIssue({ code: 'custom', path: ['media', i, 'of'], message: `${m.of} is not a media file of this record` });
  }
  if (r.poster && r.media.find((m) => m.path === r.poster)?.kind !== 'image') {
    ctx.addIssue({ code: 'custom', path: ['poster'], message: 'the poster must be one of the record’s images' });
  }
  if (r.status === 'published' && !r.title.en) {
    ctx.addIssue({ code: 'custom', path: ['title', 'en'], message: 'an English title is needed before publication' });
  }
});
export type HeritageRecord = z.infer<typeof HeritageRecord>;
export type HeritageRecordInput = z.input<typeof HeritageRecord>;
