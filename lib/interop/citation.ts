/**
 * "Cite this record": APA 7, Chicago (notes-bibliography, bibliography entry)
 * and a BibTeX entry for one record, in Vietnamese or English.
 *
 * Citations are plain text (no italics), so a page, an e-mail or a clipboard
 * all get the same string. Names are given whole, as the record spells them:
 * Vietnamese and minority names (Alăng Ngước, Bhriu Liếc) have no reliable
 * given/family split, so inverting or abbreviating them ("Ngước, A.") would
 * misname people.
 *
 * A citation is made to be copied out of the archive, so it is always built
 * from the public copy (lib/access/consent.ts): people who did not consent
 * are left out of the authors (the label credits no one), and their names
 * are withheld from the title.
 */
import { isWithheld, withholdNames } from '../access/consent';
import { recordUrl } from '../i18n/paths';
import type { StoredRecord } from '../records/repository';
import type { HeritageRecord, PersonRole } from '../records/schema';

export type CitationLocale = 'vi' | 'en';

export interface Citations {
  apa: string;
  chicago: string;
  bibtex: string;
}

export interface CitationOptions {
  locale: CitationLocale;
  /** Public base URL of the site (config SITE_URL). */
  siteUrl: string;
  /** When the reader looked at the record: the "Retrieved"/"Accessed" date. */
  accessed: Date;
}

/** What a citation needs from a stored record: the record and when it was created and last changed. */
export type CitableRecord = Pick<StoredRecord, 'record' | 'created' | 'modified'>;

const SITE_NAME = 'Di Sản';

/** Stands in as author when no person is credited: the archive itself. */
export const CORPORATE_AUTHOR: Record<CitationLocale, string> = {
  vi: 'Di Sản – Kho di sản văn hóa các dân tộc thiểu số Quảng Nam',
  en: "Di Sản – Heritage Archive of Quảng Nam's Ethnic Minorities",
};

/** Roles that make someone an author of the record (elders and informants are sources, not authors). */
const AUTHOR_ROLES: readonly PersonRole[] = ['author', 'recorder', 'researcher'];

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const WORDS = {
  vi: {
    heritageRecord: 'Hồ sơ di sản',
    retrieved: (date: string, url: string) => `Truy xuất ${date}, từ ${url}`,
    lastModified: 'Cập nhật lần cuối',
    accessed: 'Truy cập',
    number: 'số',
    and: 'và',
    bibNumber: 'Số hiệu',
    langid: 'vietnamese',
  },
  en: {
    heritageRecord: 'Heritage record',
    retrieved: (date: string, url: string) => `Retrieved ${date}, from ${url}`,
    lastModified: 'Last modified',
    accessed: 'Accessed',
    number: 'No.',
    and: 'and',
    bibNumber: 'No.',
    langid: 'english',
  },
} as const;

interface DateParts {
  year: number;
  month?: number;
  day?: number;
}

function parsePartialDate(value: string): DateParts {
  const [year, month, day] = value.split('-').map(Number);
  return { year: year!, ...(month ? { month } : {}), ...(day ? { day } : {}) };
}

/** The calendar date in Vietnam (UTC+7, no daylight saving): the archive's time zone, so a citation made at 23:30 in Hà Nội carries that day. */
function vietnamDate(instant: Date): Required<DateParts> {
  const shifted = new Date(instant.getTime() + 7 * 3_600_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** "March 5, 2026" / "ngày 5 tháng 3 năm 2026"; partial dates drop what they do not know. */
function longDate(d: DateParts, locale: CitationLocale): string {
  if (locale === 'vi') {
    return [d.day ? `ngày ${d.day}` : '', d.month ? `tháng ${d.month}` : '', `năm ${d.year}`].filter(Boolean).join(' ');
  }
  if (!d.month) return String(d.year);
  return d.day ? `${MONTHS_EN[d.month - 1]} ${d.day}, ${d.year}` : `${MONTHS_EN[d.month - 1]} ${d.year}`;
}

/** APA puts the year first: (2011, January 14) / (2011, ngày 14 tháng 1). */
function apaDate(d: DateParts, locale: CitationLocale): string {
  if (!d.month) return `(${d.year})`;
  const rest = locale === 'vi' ? [d.day ? `ngày ${d.day}` : '', `tháng ${d.month}`].filter(Boolean).join(' ') : [MONTHS_EN[d.month - 1], d.day].filter(Boolean).join(' ');
  return `(${d.year}, ${rest})`;
}

function isoDate(d: DateParts): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return [String(d.year), d.month ? pad(d.month) : '', d.day ? pad(d.day) : ''].filter(Boolean).join('-');
}

/** Ends a citation element with a full stop unless it already ends in punctuation. */
function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function localized(text: { vi: string; en?: string }, locale: CitationLocale): string {
  return locale === 'en' ? (text.en ?? text.vi) : text.vi;
}

interface Parts {
  authors: string[];
  corporate: boolean;
  title: string;
  /** The language the title is actually in (English may fall back to Vietnamese). */
  titleLang: CitationLocale;
  date: DateParts;
  url: string;
  number?: string;
  isDocument: boolean;
}

function partsOf(stored: CitableRecord, opts: CitationOptions): Parts {
  const record = withholdNames(stored.record);
  const { locale } = opts;
  // With every author withheld, the archive stands in as author, as for a record that credits no one.
  const people = record.people.filter((p) => !isWithheld(p) && p.roles.some((r) => AUTHOR_ROLES.includes(r))).map((p) => p.name);
  const authors = record.document ? [localized(record.document.issuer, locale)] : people.length ? people : [CORPORATE_AUTHOR[locale]];
  const title = localized(record.title, locale);
  const number = record.document?.number;
  return {
    authors,
    corporate: !record.document && people.length === 0,
    title,
    titleLang: locale === 'en' && record.title.en ? 'en' : 'vi',
    date: datePartsOf(stored),
    url: recordUrl(opts.siteUrl.replace(/\/+$/, ''), record, locale),
    // A document's title usually carries its number already ("Nghị định số 05/2011/NĐ-CP…"); say it only when it does not.
    ...(number && !title.normalize('NFC').includes(number.normalize('NFC')) ? { number } : {}),
    isDocument: Boolean(record.document),
  };
}

/** Issued on for documents, else when it was recorded, else the year the archive created the record. */
function datePartsOf(stored: CitableRecord): DateParts {
  const { record } = stored;
  const partial = record.document?.issuedOn ?? record.recordedOn;
  return partial ? parsePartialDate(partial) : { year: vietnamDate(new Date(stored.created)).year };
}

/** APA: "A", "A, & B", "A, B, & C". */
function apaAuthors(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')}, & ${names[names.length - 1]}`;
}

/** Chicago: "A", "A and B", "A, B, and C" (Vietnamese: "A, B và C", without the serial comma). */
function chicagoAuthors(names: string[], locale: CitationLocale): string {
  const and = WORDS[locale].and;
  if (names.length <= 1) return names[0] ?? '';
  if (names.length === 2) return `${names[0]} ${and} ${names[1]}`;
  const serial = locale === 'en' ? ',' : '';
  return `${names.slice(0, -1).join(', ')}${serial} ${and} ${names[names.length - 1]}`;
}

function withNumber(p: Parts, locale: CitationLocale): string {
  return p.number ? `${p.title} (${WORDS[locale].number} ${p.number})` : p.title;
}

function apa(p: Parts, opts: CitationOptions): string {
  const w = WORDS[opts.locale];
  const title = p.isDocument ? withNumber(p, opts.locale) : `${p.title} [${w.heritageRecord}]`;
  return [
    sentence(apaAuthors(p.authors)),
    `${apaDate(p.date, opts.locale)}.`,
    sentence(title),
    // APA leaves out the site name when it is also the author.
    p.corporate ? '' : `${SITE_NAME}.`,
    // A record is revised over time, so APA wants the date it was retrieved.
    w.retrieved(longDate(vietnamDate(opts.accessed), opts.locale), p.url),
  ]
    .filter(Boolean)
    .join(' ');
}

function chicago(p: Parts, modified: string, opts: CitationOptions): string {
  const w = WORDS[opts.locale];
  const title = withNumber(p, opts.locale);
  // The closing period goes inside the quotation marks (American punctuation, also usual in Vietnamese).
  const quoted = `“${sentence(title)}”`;
  return [
    sentence(chicagoAuthors(p.authors, opts.locale)),
    quoted,
    `${SITE_NAME}, ${longDate(p.date, opts.locale)}.`,
    `${w.lastModified} ${longDate(vietnamDate(new Date(modified)), opts.locale)}.`,
    `${w.accessed} ${longDate(vietnamDate(opts.accessed), opts.locale)}.`,
    `${p.url}.`,
  ].join(' ');
}

const BIBTEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '%': '\\%',
  '&': '\\&',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/** Escapes LaTeX specials in one pass (so the braces of \textbackslash{} are not escaped again); diacritics stay UTF-8 for biblatex/biber. */
export function escapeBibtex(text: string): string {
  return text.replace(/[\\{}%&$#_~^]/g, (c) => BIBTEX_SPECIAL[c]!);
}

function bibtex(p: Parts, record: HeritageRecord, opts: CitationOptions): string {
  const w = WORDS[opts.locale];
  // Each name in its own braces: BibTeX must neither split a corporate name at "and" nor reorder or abbreviate a Vietnamese name.
  const author = p.authors.map((a) => `{${escapeBibtex(a)}}`).join(' and ');
  const fields: [string, string][] = [
    ['author', author],
    // Double braces keep the title's capitalisation (proper nouns) in styles that lower-case titles.
    ['title', `{${escapeBibtex(p.title)}}`],
    ['date', isoDate(p.date)],
    ['howpublished', escapeBibtex(SITE_NAME)],
    ...(p.isDocument ? [] : ([['type', escapeBibtex(w.heritageRecord)]] as [string, string][])),
    ...(record.document ? ([['note', escapeBibtex(`${w.bibNumber} ${record.document.number}`)]] as [string, string][]) : []),
    // url is read verbatim by biblatex: not escaped.
    ['url', p.url],
    ['urldate', isoDate(vietnamDate(opts.accessed))],
    ['langid', WORDS[p.titleLang].langid],
  ];
  return `@misc{disan-${record.id},\n${fields.map(([k, v]) => `  ${k} = {${v}},`).join('\n')}\n}`;
}

export function citeRecord(stored: CitableRecord, opts: CitationOptions): Citations {
  const parts = partsOf(stored, opts);
  // NFC: LaTeX and many reference managers mishandle decomposed diacritics (e + combining marks).
  return {
    apa: apa(parts, opts).normalize('NFC'),
    chicago: chicago(parts, stored.modified, opts).normalize('NFC'),
    bibtex: bibtex(parts, stored.record, opts).normalize('NFC'),
  };
}
