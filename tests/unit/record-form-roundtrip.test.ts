/**
 * The editor must never lose data: for every demo record and for generated
 * records, record → form values → record is the identity, and saving an
 * unchanged form through the workflow makes no new version.
 *
 * The form is driven as a browser would post it: a FormData with every value
 * recordToValues() gives, each as a string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecordEditor } from '@/app/studio/records/record-editor';
import type { Viewer } from '@/lib/access/policy';
import { ACCESS_LEVELS, DOCUMENT_KINDS, PERSON_ROLES, RECORD_STATUSES, RECORD_TYPES, RecordBody, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { editorMap, editorVocab } from '@/lib/studio/editor-vocab';
import { EDITED_FIELDS, recordToValues, validateRecordForm, type FormValues } from '@/lib/studio/record-form';
import { AuditLog } from '@/lib/workflow/audit';
import { Workflow, type Actor } from '@/lib/workflow/transitions';
import { ROOT } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';

// The editor's server action needs a running archive; rendering the form does not.
vi.mock('@/app/studio/records/actions', () => ({ saveRecord: async () => ({}) }));

const vocab = loadVocabularies(path.join(ROOT, 'content'));

/** The demo records, read as the seed reads them (scripts/seed.ts → importer: RecordBody.parse of the JSON). */
const demoDir = path.join(ROOT, 'content', 'records');
const demo = readdirSync(demoDir)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((name) => ({ name, body: RecordBody.parse(JSON.parse(readFileSync(path.join(demoDir, name), 'utf8'))) }));

/** What a browser posts for these values: every value a string, in order. */
function post(values: FormValues): FormData {
  const form = new FormData();
  for (const [name, items] of Object.entries(values)) for (const item of items) form.append(name, item);
  return form;
}

function throughForm(body: RecordBody): RecordBody {
  const result = validateRecordForm(post(recordToValues(body)), vocab, 'vi', body);
  if (!result.ok) throw new Error(`the unchanged form was refused: ${JSON.stringify(result.errors)}`);
  return result.body;
}

/**
 * What a browser posts for the editor's markup: React's static HTML read the
 * way HTML forms build their data — ticked boxes only, the selected option,
 * a text box's value without line breaks, a textarea's text with line breaks
 * sent as CRLF.
 */
function browserPost(html: string): FormData {
  const form = new FormData();
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  const attributes = (source: string) => {
    const found: Record<string, string> = {};
    for (const m of source.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) found[m[1]!] = unescape(m[2] ?? '');
    return found;
  };
  const tags = /<input\b([^>]*)\/?>|<select\b([^>]*)>([\s\S]*?)<\/select>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g;
  for (const m of html.matchAll(tags)) {
    const a = attributes(m[1] ?? m[2] ?? m[4] ?? '');
    if (!a.name || 'disabled' in a) continue;
    if (m[1] !== undefined) {
      if (a.type === 'checkbox' || a.type === 'radio') {
        if ('checked' in a) form.append(a.name, a.value ?? 'on');
      } else form.append(a.name, (a.value ?? '').replace(/[\r\n]/g, ''));
    } else if (m[2] !== undefined) {
      const options = [...m[3]!.matchAll(/<option\b([^>]*)>/g)].map((o) => attributes(o[1]!));
      const chosen = options.find((o) => 'selected' in o) ?? options[0];
      if (chosen) form.append(a.name, chosen.value ?? '');
    } else {
      form.append(a.name, unescape(m[5]!).replace(/^\n/, '').replace(/\r?\n/g, '\r\n'));
    }
  }
  return form;
}

const rendered = (values: FormValues) =>
  renderToStaticMarkup(createElement(RecordEditor, { id: 'abcdefgh', version: 3, initial: values, vocab: editorVocab(vocab), map: editorMap(vocab, { tileUrl: '', attribution: '' }) }));

/** Record → the editor as a browser gets it → what the browser posts back unchanged → record. */
function throughEditor(body: RecordBody): RecordBody {
  const result = validateRecordForm(browserPost(rendered(recordToValues(body))), vocab, 'vi', body);
  if (!result.ok) throw new Error(`the unchanged editor was refused: ${JSON.stringify(result.errors)}`);
  return result.body;
}

describe('record → rendered editor → record', () => {
  it.each(demo.map((d) => [d.name, d.body] as const))('is the identity for %s', (_name, body) => {
    expect(throughEditor(body)).toEqual(body);
  });

  it('is the identity for generated records', () => {
    fc.assert(
      fc.property(recordBody, (input) => {
        const body = RecordBody.parse(input);
        expect(throughEditor(body)).toEqual(body);
      }),
      { numRuns: 100 },
    );
  });

  it('renders a control for every value it is given', () => {
    for (const { body } of demo) {
      const posted = browserPost(rendered(recordToValues(body)));
      for (const [name, values] of Object.entries(recordToValues(body))) {
        const sent = posted.getAll(name).map((v) => String(v).replace(/\r\n/g, '\n'));
        expect(sent, name).toEqual(expect.arrayContaining(values));
      }
    }
  });
});

describe('record → form → record', () => {
  it('has demo records to check', () => {
    expect(demo.length).toBeGreaterThan(10);
  });

  it.each(demo.map((d) => [d.name, d.body] as const))('is the identity for %s', (_name, body) => {
    expect(throughForm(body)).toEqual(body);
  });

  it('is the identity for generated records', () => {
    fc.assert(
      fc.property(recordBody, (input) => {
        const body = RecordBody.parse(input);
        expect(throughForm(body)).toEqual(body);
      }),
      { numRuns: 300 },
    );
  });

  it('carries exactly the fields it does not show', () => {
    // The schema's fields the editor has no control for; a new schema field joins this list (and is kept) by default.
    const carried = Object.keys(RecordBody.shape).filter((k) => !(EDITED_FIELDS as readonly string[]).includes(k));
    expect(carried.sort()).toEqual(['featured', 'nativeText', 'references', 'status']);
  });

  it('takes what the form shows from the form and carries the rest from the stored record', () => {
    // The form's values of one record saved over another: every field the form shows comes from the
    // form (so it represents them completely), every other field is kept from the stored record.
    fc.assert(
      fc.property(recordBody, recordBody, (shownInput, storedInput) => {
        // A published record keeps needing its English title, whichever form is saved over it.
        const shown = RecordBody.parse(storable({ ...shownInput, status: storedInput.status }));
        const stored = RecordBody.parse(storedInput);
        const result = validateRecordForm(post(recordToValues(shown)), vocab, 'vi', stored);
        const carried = Object.fromEntries(Object.keys(RecordBody.shape).filter((k) => !(EDITED_FIELDS as readonly string[]).includes(k)).map((k) => [k, stored[k as keyof RecordBody]]));
        const expected = RecordBody.parse({ ...shown, ...carried });
        // Ticked lists keep the stored record's order for what stays ticked, so compare them as sets.
        expect(result.ok && sortLists(result.body)).toEqual(sortLists(expected));
      }),
      { numRuns: 100 },
    );
  });
});

/** The record with its ticked (set-like) lists sorted. */
function sortLists(body: RecordBody): RecordBody {
  const sorted = <T>(list: T[]) => [...list].sort();
  return {
    ...body,
    ethnicGroups: sorted(body.ethnicGroups),
    subjects: sorted(body.subjects),
    languages: sorted(body.languages),
    access: { ...body.access, communities: sorted(body.access.communities) },
    heldIn: body.heldIn && { ...body.heldIn, months: sorted(body.heldIn.months) },
    people: body.people.map((p) => ({ ...p, roles: sorted(p.roles) })),
  };
}

describe('saving an unchanged form', () => {
  let temp: TempArchive;
  let audit: AuditLog;
  let workflow: Workflow;
  const officer: Actor = { name: 'officer', viewer: { kind: 'user', id: 'officer', roles: ['admin'], communities: [] } as Viewer };
  beforeAll(async () => {
    temp = await tempArchive();
    audit = new AuditLog(temp.store);
    workflow = new Workflow(temp.records, audit);
  });
  afterAll(async () => temp.cleanup());

  it.each(demo.slice(0, 12).map((d) => [d.name, d.body] as const))('makes no new version of %s', async (_name, body) => {
    const created = await workflow.create(officer, { body });
    const keys = await temp.keys();
    const update = vi.spyOn(temp.records, 'update');
    const stored = RecordBody.parse(created.record);
    const saved = await workflow.edit(officer, created.record.id, { expectedVersion: created.head, body: throughForm(stored) });
    expect(saved.head).toBe(created.head);
    expect(update).not.toHaveBeenCalled();
    update.mockRestore();
    expect(await temp.keys()).toEqual(keys);
    const events: string[] = [];
    for await (const e of audit.events({ recordId: created.record.id })) events.push(e.action);
    expect(events).toEqual(['create']);
  });
});

/* Arbitraries of the record body. Text is what a person can type into the field that shows it:
   single-line fields never hold a line break (a browser's <input> strips them), and no text holds
   a carriage return (browsers post every line break as CRLF, so the form reads both as \n). */

const CHARS = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠÚ0189 áàảãạếềểễệốồổỗộứừửữựýỳ-_.,;:|/()\'"&<>?!#%@*ʼ’“”–'];
const chars = (extra: string[] = []) => fc.constantFrom(...CHARS, ...extra);
const line = (max = 40) =>
  fc
    .string({ unit: chars(), minLength: 1, maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const paragraph = fc
  .string({ unit: chars(['\n', '\n', '\t']), minLength: 1, maxLength: 80 })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const ids = (list: { id: string }[]) => fc.constantFrom(...list.map((e) => e.id));
const someOf = <T>(arb: fc.Arbitrary<T>, maxLength = 4) => fc.uniqueArray(arb, { maxLength });
const vocabularyId = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const year = fc.integer({ min: 0, max: 9999 }).map((y) => pad(y, 4));
const month = fc.integer({ min: 1, max: 12 }).map((m) => pad(m));
const day = fc.integer({ min: 1, max: 31 }).map((d) => pad(d));
const isoDate = fc.tuple(year, month, day).map((parts) => parts.join('-'));
const partialDate = fc.oneof(year, fc.tuple(year, month).map((parts) => parts.join('-')), isoDate);
const coordinate = (limit: number) => fc.double({ min: -limit, max: limit, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const localized = (text: fc.Arbitrary<string>) => fc.record({ vi: text, en: opt(text) }, { requiredKeys: ['vi'] });
const languageCode = fc.oneof(fc.constantFrom('vie', 'eng', 'ktv', 'sed', 'cua', 'jeh'), fc.stringMatching(/^[a-z]{3}$/));
const rightsUri = fc.oneof(
  fc.constantFrom('http://rightsstatements.org/vocab/InC-EDU/1.0/', 'https://creativecommons.org/licenses/by/4.0/', 'https://creativecommons.org/publicdomain/mark/1.0/'),
  fc.tuple(fc.constantFrom('http', 'https'), fc.stringMatching(/^[A-Za-z-]{1,10}$/)).map(([scheme, code]) => `${scheme}://rightsstatements.org/vocab/${code}/1.0/`),
  fc.tuple(fc.constantFrom('by-sa', 'by-nc-nd', 'x'), fc.integer({ min: 1, max: 4 })).map(([kind, v]) => `https://creativecommons.org/licenses/${kind}/${v}.0/`),
);

const place = fc.record(
  { district: ids(vocab.districts), commune: opt(line()), village: opt(line()), lat: opt(coordinate(90)), lon: opt(coordinate(180)) },
  { requiredKeys: ['district'] },
);
const person = fc.record({
  name: line(),
  roles: fc.uniqueArray(fc.constantFrom(...PERSON_ROLES), { minLength: 1 }),
  ethnicGroup: opt(fc.oneof(ids(vocab.ethnicGroups), vocabularyId)),
  consent: fc.record({ given: fc.boolean(), note: opt(line(60)), date: opt(partialDate) }, { requiredKeys: ['given'] }),
});
const access = fc.oneof(
  fc.record({ level: fc.constantFrom(...ACCESS_LEVELS.filter((l) => l !== 'community')), communities: someOf(ids(vocab.ethnicGroups)) }),
  fc.record({ level: fc.constant('community' as const), communities: fc.uniqueArray(ids(vocab.ethnicGroups), { minLength: 1, maxLength: 3 }) }),
);
const document = fc.record(
  { number: line(20), kind: fc.constantFrom(...DOCUMENT_KINDS), issuer: localized(line()), issuedOn: partialDate, effectiveFrom: opt(isoDate), signer: opt(line()) },
  { requiredKeys: ['number', 'kind', 'issuer', 'issuedOn'] },
);

const recordBody: fc.Arbitrary<RecordBodyInput> = fc.record(
  {
    slug: fc.stringMatching(/^[a-z0-9]{1,10}(?:-[a-z0-9]{1,10}){0,4}$/),
    type: fc.constantFrom(...RECORD_TYPES),
    title: localized(line()),
    alternativeTitles: fc.array(line(), { maxLength: 3 }),
    description: localized(paragraph),
    nativeText: opt(fc.record({ language: languageCode, title: opt(line()), text: opt(paragraph) }, { requiredKeys: ['language'] })),
    ethnicGroups: someOf(ids(vocab.ethnicGroups)),
    places: fc.array(place, { maxLength: 4 }),
    recordedOn: opt(partialDate),
    heldIn: opt(
      fc.record(
        { calendar: fc.constantFrom('lunar' as const, 'solar' as const), months: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }), note: opt(localized(line())) },
        { requiredKeys: ['calendar', 'months'] },
      ),
    ),
    subjects: someOf(ids(vocab.subjects)),
    languages: someOf(languageCode),
    people: fc.array(person, { maxLength: 4 }),
    rights: fc.record({ uri: rightsUri, holder: opt(line()), protocolNote: opt(localized(paragraph)) }, { requiredKeys: ['uri'] }),
    access,
    status: fc.constantFrom(...RECORD_STATUSES),
    inventoryElement: opt(ids(vocab.inventory)),
    document: opt(document),
    references: fc.array(fc.record({ title: line(), url: opt(fc.webUrl()) }, { requiredKeys: ['title'] }), { maxLength: 3 }),
    featured: fc.boolean(),
  },
  { requiredKeys: ['slug', 'type', 'title', 'description', 'rights', 'access'] },
).map(storable);

/** The rules the archive checks when a record is stored (HeritageRecord), so that generated records could exist. */
function storable(body: RecordBodyInput): RecordBodyInput {
  const title = body.status === 'published' ? { ...body.title, en: body.title.en ?? 'English title' } : body.title;
  const type = body.type === 'document' && !body.document ? 'custom' : body.type;
  return { ...body, title, type };
}
