/**
 * Whose name may leave the archive (DESIGN principle 8). A person whose
 * consent is not given is withheld from every public exit: pages, lists,
 * search, the API, OAI-PMH/Dublin Core, IIIF, JSON-LD, feeds and citations.
 * Staff, who keep the record, still see the name.
 *
 * The decision lives here and nowhere else. It is applied where records are
 * read (lib/access/reader.ts readVisible, lib/catalog/catalog.ts), so an
 * output written tomorrow receives the withheld copy without knowing about
 * consent; the public formats (Dublin Core, citations, IIIF, the JSON API,
 * the search document) apply it again themselves, because some callers hand
 * them the stored record directly. Applying it twice changes nothing.
 *
 * A withheld person keeps their roles ("a performer took part") and loses
 * everything else: name, community, consent note and date. Where the
 * record's own text names them (a title, a description), the name is
 * replaced by the label, or the text would undo the withholding. Their empty name
 * also fails the record schema, so a withheld copy can never be saved over
 * the real record by mistake.
 */
import { MESSAGES } from '../i18n/messages';
import type { StoredRecord } from '../records/repository';
import type { HeritageRecord, Person } from '../records/schema';
import { isStaffViewer, type Viewer } from './policy';

export type Lang = 'vi' | 'en';

/** What pages and the API show where a withheld name would be: "(giấu tên theo nguyện vọng)" / "(name withheld at their request)". */
export const WITHHELD_LABEL: Readonly<Record<Lang, string>> = {
  vi: MESSAGES.vi.site.record.withheldName,
  en: MESSAGES.en.site.record.withheldName,
};

/** A person as a public exit receives them: either named, or withheld (empty name, `withheld: true`). */
export type ShownPerson = Person & { withheld?: true };

/** Whether this person on a withheld copy stands for someone whose name is withheld. */
export function isWithheld(person: Person): person is ShownPerson & { withheld: true } {
  return (person as ShownPerson).withheld === true;
}

function withheldPerson(person: Person): ShownPerson {
  return { name: '', roles: person.roles, consent: { given: false }, withheld: true };
}

/**
 * Fields that identify or link rather than describe: never rewritten, since a
 * changed slug, path or URL would break links, and they hold no prose.
 */
const STRUCTURAL_KEYS = new Set(['id', 'slug', 'path', 'of', 'poster', 'digest', 'uri', 'url', 'type', 'kind', 'status', 'language', 'languages', 'district', 'ethnicGroups', 'subjects', 'access', 'inventoryElement']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces whole-name occurrences of the withheld names in a piece of text
 * with the label. An officer who writes "sung by X" in a description or a
 * title would otherwise publish the name the people list withholds.
 *
 * The match is exact and case-sensitive, between non-letters: names are
 * capitalised in Vietnamese, and many are also common words ("Hoa", "Mai"),
 * so "hoa văn" (a pattern) must stay as it is when a Hoa is withheld.
 */
function nameRedactor(names: string[]): (text: string, lang?: Lang) => string {
  const wanted = [...new Set(names.map((n) => n.normalize('NFC').trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return (text) => text;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])(?:${wanted.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}\\p{M}])`, 'gu');
  return (text, lang = 'vi') => {
    const nfc = text.normalize('NFC');
    pattern.lastIndex = 0;
    return pattern.test(nfc) ? nfc.replace(pattern, WITHHELD_LABEL[lang]) : text;
  };
}

/** The names of the people on this record who have not consented (and are not withheld already). */
function withheldNamesOf(record: Pick<HeritageRecord, 'people'>): string[] {
  return record.people.filter((p) => !p.consent.given && !isWithheld(p)).map((p) => p.name);
}

/** A redactor for text that belongs to this record but is not in it (transcripts, a document's extracted text). */
export function redactorFor(record: Pick<HeritageRecord, 'people'>): (text: string, lang?: Lang) => string {
  return nameRedactor(withheldNamesOf(record));
}

/** Rewrites every prose string of a value; `lang` follows the { vi, en } objects the schema uses for text. */
function redactDeep(value: unknown, redact: (text: string, lang: Lang) => string, lang: Lang): unknown {
  if (typeof value === 'string') return redact(value, lang);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, lang));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, STRUCTURAL_KEYS.has(key) ? v : redactDeep(v, redact, key === 'en' ? 'en' : key === 'vi' ? 'vi' : lang)]),
    );
  }
  return value;
}

/**
 * The public copy of a record: people without consent carry no name (and a
 * `withheld: true` marker), and their names are replaced by the label in
 * its text. A record where everyone consented is returned as it is.
 */
export function withholdNames<R extends HeritageRecord>(record: R): R {
  const names = withheldNamesOf(record);
  if (names.length === 0) return record;
  const redact = nameRedactor(names);
  const { people, ...rest } = record;
  return {
    ...(redactDeep(rest, redact, 'vi') as Omit<R, 'people'>),
    // Consenting people are kept as they are: their own names are theirs to show, even if they contain a withheld one.
    people: people.map((p) => (p.consent.given || isWithheld(p) ? p : withheldPerson(p))),
  } as R;
}

/** The record as this viewer may read it: staff see every name, everyone else the withheld copy. */
export function publicRecordFor<R extends HeritageRecord>(viewer: Viewer, record: R): R {
  return isStaffViewer(viewer) ? record : withholdNames(record);
}

/** The same for a stored record (versions and dates kept, the record replaced). */
export function publicStoredFor<S extends Pick<StoredRecord, 'record'>>(viewer: Viewer, stored: S): S {
  const record = publicRecordFor(viewer, stored.record);
  return record === stored.record ? stored : ({ ...stored, record } as S);
}
