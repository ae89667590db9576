/**
 * What changed between two versions of a record, as a reviewer reads it:
 * each field by its Vietnamese label (the editor's own, lib/studio/
 * editor-vocab.ts), vocabulary codes and statuses in words, long text as a
 * word diff, media by file name. The structured changes are rendered by the
 * studio's version history; summarizeChange makes one line of each for the
 * audit log. Nothing here prints JSON: a value the diff has no words for is
 * walked into its fields until it does.
 */
import { diffWords } from 'diff';
import type { HeritageRecord, MediaEntry } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import { ACCESS_CHOICES, RIGHTS, ROLE_LABELS, editorVocab, type Option } from './editor-vocab';
import { formatDate } from './record-form';
import { formatDateTime, recordFieldWords, statusWord } from './words';

export interface WordPart {
  text: string;
  change: 'same' | 'added' | 'removed';
}

export type FieldChange =
  /** A short value replaced (or set, or cleared): before/after in words, undefined when absent. */
  | { kind: 'value'; field: string; label: string; before?: string; after?: string }
  /** A long text edited: its words, with unchanged stretches shortened around "…". */
  | { kind: 'text'; field: string; label: string; parts: WordPart[] }
  /** Items of a list (communities, subjects, rows of places or people…) added or removed; `order` when only the order changed. */
  | { kind: 'list'; field: string; label: string; added: string[]; removed: string[]; order?: string[] }
  /**
   * The original files, by name: added, removed, replaced by a different file
   * of the same name, described differently (label, language…), and the new
   * order when the files kept from before are in a different order.
   */
  | { kind: 'media'; field: 'media'; label: string; added: string[]; removed: string[]; replaced: string[]; relabelled: string[]; order?: string[] };

/** Words for vocabulary codes; the studio builds them from the vocabularies, the audit log (which has none) keeps codes. */
export interface ValueWords {
  type(id: string): string;
  group(id: string): string;
  district(id: string): string;
  subject(id: string): string;
  language(code: string): string;
  inventory(id: string): string;
  documentKind(id: string): string;
}

const same = (id: string) => id;
const CODES: ValueWords = { type: same, group: same, district: same, subject: same, language: same, inventory: same, documentKind: same };

/** The vocabularies' Vietnamese labels, through the editor's option lists so the diff names things as the form does. */
export function recordValueWords(vocab: Vocabularies): ValueWords {
  const options = editorVocab(vocab);
  const lookup = (list: Option[]) => {
    const labels = new Map(list.map((o) => [o.id, o.label]));
    return (id: string) => labels.get(id) ?? id;
  };
  return {
    type: lookup(options.types),
    group: lookup(options.groups),
    district: lookup(options.districts),
    subject: lookup(options.subjects),
    language: lookup(options.languages),
    inventory: lookup(options.inventory),
    documentKind: lookup(options.documentKinds),
  };
}

type Say = (value: unknown, words: ValueWords) => string;
const text = (v: unknown) => String(v);
const partialDate: Say = (v) => formatDate(String(v)) ?? '';

/** Fields whose values are codes or formats, by template ("#" for a row number), and how to say them. */
const SAY_VALUE: Record<string, Say> = {
  type: (v, w) => w.type(text(v)),
  status: (v) => statusWord(text(v)),
  'access.level': (v) => ACCESS_CHOICES.find((c) => c.id === v)?.label ?? text(v),
  'rights.uri': (v) => RIGHTS.find((r) => r.id === v)?.label ?? text(v),
  'heldIn.calendar': (v) => (v === 'lunar' ? 'Âm lịch' : v === 'solar' ? 'Dương lịch' : text(v)),
  'places.#.district': (v, w) => w.district(text(v)),
  'people.#.ethnicGroup': (v, w) => w.group(text(v)),
  'people.#.consent.given': (v) => (v ? 'Đồng ý' : 'Không đồng ý'),
  'nativeText.language': (v, w) => w.language(text(v)),
  inventoryElement: (v, w) => w.inventory(text(v)),
  'document.kind': (v, w) => w.documentKind(text(v)),
  recordedOn: partialDate,
  'people.#.consent.date': partialDate,
  'document.issuedOn': partialDate,
  'document.effectiveFrom': partialDate,
  publishedAt: (v) => formatDateTime(text(v)),
  poster: (v) => fileName(text(v)),
};

/** Lists of codes, and how to say one item. */
const SAY_ITEM: Record<string, Say> = {
  ethnicGroups: (v, w) => w.group(text(v)),
  'access.communities': (v, w) => w.group(text(v)),
  subjects: (v, w) => w.subject(text(v)),
  languages: (v, w) => w.language(text(v)),
  'heldIn.months': (v) => `tháng ${text(v)}`,
  'people.#.roles': (v) => ROLE_LABELS[v as keyof typeof ROLE_LABELS] ?? text(v),
};

type Row = Record<string, unknown>;
/** Rows of a repeated field, each summed up in one line when a row comes or goes. */
const SAY_ROW: Record<string, (row: Row, words: ValueWords) => string> = {
  places: (p, w) => [p.village, p.commune, typeof p.district === 'string' ? w.district(p.district) : undefined].filter(Boolean).join(', '),
  people: (p, w) => {
    const roles = Array.isArray(p.roles) ? p.roles.map((r) => SAY_ITEM['people.#.roles']!(r, w)).join(', ') : '';
    const consent = (p.consent as { given?: boolean } | undefined)?.given ? 'đồng ý công bố tên' : 'không đồng ý công bố tên';
    return `${text(p.name)} (${[roles, consent].filter(Boolean).join('; ')})`;
  },
  references: (r) => (r.url ? `${text(r.title)} (${text(r.url)})` : text(r.title)),
};

/** The order fields appear in on the form, so a diff reads top to bottom like the record. */
const FIELD_ORDER = ['title', 'alternativeTitles', 'slug', 'type', 'description', 'nativeText', 'ethnicGroups', 'places', 'recordedOn', 'heldIn', 'subjects', 'languages', 'people', 'inventoryElement', 'rights', 'access', 'document', 'references', 'featured', 'status', 'publishedAt', 'media', 'poster'];

/** Text longer than this (or on several lines) is shown as a word diff rather than as before → after. */
const LONG_TEXT = 60;
/** Words kept on each side of a change when a long unchanged stretch is shortened. */
const CONTEXT_WORDS = 6;

export function diffRecord(before: HeritageRecord, after: HeritageRecord, words: ValueWords = CODES): FieldChange[] {
  const b = before as unknown as Row;
  const a = after as unknown as Row;
  const rest = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !FIELD_ORDER.includes(k)).sort();
  const changes: FieldChange[] = [];
  for (const key of [...FIELD_ORDER, ...rest]) {
    if (key === 'media') {
      const media = diffMedia(before.media, after.media);
      if (media) changes.push(media);
    } else {
      walk(key, b[key], a[key], words, changes);
    }
  }
  return changes;
}

const templateOf = (path: string) => path.replace(/\.\d+(?=\.|$)/g, '.#');
const isObject = (x: unknown): x is Row => typeof x === 'object' && x !== null && !Array.isArray(x);
const labelOf = (path: string) => recordFieldWords(path) ?? recordFieldWords(templateOf(path)) ?? `Trường “${path}”`;

/** Deep equality where a missing member equals an undefined one (stored JSON has neither, built objects may). */
function equal(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => equal(v, y[i]));
  if (isObject(x) && isObject(y)) return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => equal(x[k], y[k]));
  return false;
}

function walk(path: string, before: unknown, after: unknown, words: ValueWords, out: FieldChange[]): void {
  if (equal(before, after)) return;
  const template = templateOf(path);
  const label = labelOf(path);
  const rowSummary = SAY_ROW[path];
  if (rowSummary) {
    const b = (Array.isArray(before) ? before : []) as Row[];
    const a = (Array.isArray(after) ? after : []) as Row[];
    // Places and people keep their row numbers while the count stays (the editor only appends or removes rows): compare field by field.
    if (path !== 'references' && b.length === a.length) {
      b.forEach((row, i) => walk(`${path}.${i}`, row, a[i], words, out));
      return;
    }
    const say = (row: Row) => rowSummary(row, words);
    out.push({ kind: 'list', field: path, label, ...listChange(b.map(say), a.map(say)) });
    return;
  }
  const sayItem = SAY_ITEM[template];
  if (sayItem || Array.isArray(before) || Array.isArray(after)) {
    const say = (v: unknown) => (sayItem ? sayItem(v, words) : sayLeaf(template, v, words));
    out.push({ kind: 'list', field: path, label, ...listChange((Array.isArray(before) ? before : []).map(say), (Array.isArray(after) ? after : []).map(say)) });
    return;
  }
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {};
    const a = isObject(after) ? after : {};
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) walk(`${path}.${key}`, b[key], a[key], words, out);
    return;
  }
  const long = [before, after].some((v) => typeof v === 'string' && (v.length > LONG_TEXT || v.includes('\n')));
  if (long && !SAY_VALUE[template]) {
    out.push({ kind: 'text', field: path, label, parts: wordParts(typeof before === 'string' ? before : '', typeof after === 'string' ? after : '') });
    return;
  }
  out.push({ kind: 'value', field: path, label, before: before === undefined ? undefined : sayLeaf(template, before, words), after: after === undefined ? undefined : sayLeaf(template, after, words) });
}

function sayLeaf(template: string, value: unknown, words: ValueWords): string {
  const say = SAY_VALUE[template];
  if (say) return say(value, words);
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  return text(value);
}

/** Items added and removed, counting repeats (two people of the same name are two rows); the new order if only the order changed. */
function listChange(before: string[], after: string[]): { added: string[]; removed: string[]; order?: string[] } {
  const remaining = [...before];
  const added: string[] = [];
  for (const item of after) {
    const at = remaining.indexOf(item);
    if (at >= 0) remaining.splice(at, 1);
    else added.push(item);
  }
  const removed = remaining;
  return added.length || removed.length ? { added, removed } : { added, removed, order: after };
}

const fileName = (path: string) => path.replace(/^files\//, '');

function diffMedia(before: MediaEntry[], after: MediaEntry[]): FieldChange | undefined {
  const was = new Map(before.map((m) => [m.path, m]));
  const now = new Map(after.map((m) => [m.path, m]));
  const added = after.filter((m) => !was.has(m.path)).map((m) => fileName(m.path));
  const removed = before.filter((m) => !now.has(m.path)).map((m) => fileName(m.path));
  const kept = after.filter((m) => was.has(m.path));
  const replaced = kept.filter((m) => was.get(m.path)!.digest !== m.digest).map((m) => fileName(m.path));
  const relabelled = kept.filter((m) => was.get(m.path)!.digest === m.digest && !equal({ ...was.get(m.path) }, { ...m })).map((m) => fileName(m.path));
  // Added files at the end are not a reordering: only the relative order of the files both versions have counts.
  const keptBefore = before.filter((m) => now.has(m.path)).map((m) => m.path);
  const reordered = !equal(keptBefore, kept.map((m) => m.path));
  if (!added.length && !removed.length && !replaced.length && !relabelled.length && !reordered) return undefined;
  return { kind: 'media', field: 'media', label: recordFieldWords('media')!, added, removed, replaced, relabelled, order: reordered ? after.map((m) => fileName(m.path)) : undefined };
}

/** A word diff, with long unchanged stretches cut to a few words either side of the changes. */
function wordParts(before: string, after: string): WordPart[] {
  const parts = diffWords(before, after).map((c): WordPart => ({ text: c.value, change: c.added ? 'added' : c.removed ? 'removed' : 'same' }));
  return parts.map((p, i) => (p.change === 'same' ? { ...p, text: elide(p.text, i > 0, i < parts.length - 1) } : p));
}

/** Keeps CONTEXT_WORDS words at the ends that touch a change (after one: the start; before one: the end). */
function elide(text: string, afterChange: boolean, beforeChange: boolean): string {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const keep = (afterChange ? CONTEXT_WORDS : 0) + (beforeChange ? CONTEXT_WORDS : 0);
  if (words.length <= keep + 2) return text;
  const head = afterChange ? words.slice(0, CONTEXT_WORDS).join('') : '';
  const tail = beforeChange ? words.slice(-CONTEXT_WORDS).join('') : '';
  return `${head}${head && !/\s$/.test(head) ? ' ' : ''}…${tail ? ' ' : ''}${tail.trimStart()}`;
}

const countWords = (parts: WordPart[], change: WordPart['change']) =>
  parts.filter((p) => p.change === change).reduce((n, p) => n + (p.text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0), 0);

const quoted = (value: string | undefined) => (value === undefined ? '(trống)' : `“${value.length > 80 ? `${value.slice(0, 79)}…` : value}”`);

/** One line per change, for the audit log: "Tên (tiếng Anh): “a” → “b”", "Tệp gốc: thêm a.jpg". */
export function summarizeChange(change: FieldChange): string {
  switch (change.kind) {
    case 'value':
      return `${change.label}: ${quoted(change.before)} → ${quoted(change.after)}`;
    case 'text':
      return `${change.label}: đã sửa (thêm ${countWords(change.parts, 'added')} từ, bỏ ${countWords(change.parts, 'removed')} từ)`;
    case 'list':
      return `${change.label}: ${listWords(change).join('; ')}`;
    case 'media':
      return `${change.label}: ${[
        ...listWords(change),
        ...(change.replaced.length ? [`thay ${change.replaced.join(', ')}`] : []),
        ...(change.relabelled.length ? [`sửa mô tả ${change.relabelled.join(', ')}`] : []),
      ].join('; ')}`;
  }
}

function listWords(change: { added: string[]; removed: string[]; order?: string[] }): string[] {
  return [
    ...(change.added.length ? [`thêm ${change.added.join(', ')}`] : []),
    ...(change.removed.length ? [`bỏ ${change.removed.join(', ')}`] : []),
    ...(change.order ? [`sắp xếp lại: ${change.order.join(', ')}`] : []),
  ];
}
