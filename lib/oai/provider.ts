/**
 * OAI-PMH 2.0 data provider (https://www.openarchives.org/OAI/openarchivesprotocol.html):
 * the six verbs, oai_dc, sets by community and by type, selective harvesting
 * by date, and every error condition of the protocol.
 *
 * Only records the anonymous public may see are ever listed; a record that was
 * public and is now withdrawn is reported as deleted (the index keeps it as a
 * tombstone). Lists are read from the search index's catalog a page at a time,
 * in datestamp order (never a storage scan): a resumption token carries the
 * whole request and the catalog's datestamp cursor, so it survives a restart,
 * and a harvest neither skips nor repeats a record when others change meanwhile
 * (a changed record moves to the end of the list, where it is met again).
 */
import { hasNonXmlCharacters, xmlText } from '../http/xml-text';
import { create } from 'xmlbuilder2';
import { ANONYMOUS } from '../access/policy';
import { withholdNames } from '../access/consent';
import { appendDublinCore, toDublinCore } from '../interop/dublin-core';
import type { HeritageRecord } from '../records/schema';
import type { Vocabularies } from '../records/vocabularies';
import { BadCursorError, type Facet, type ListEntry, type ListQuery, type SearchIndex } from '../search/types';

export interface OaiItem {
  id: string;
  /** Last change, UTC, second granularity: 2026-11-29T03:41:17Z. */
  datestamp: string;
  deleted: boolean;
  sets: string[];
  record: HeritageRecord;
}

export interface OaiContext {
  baseUrl: string;
  siteUrl: string;
  repositoryName: string;
  adminEmail: string;
  vocab: Vocabularies;
  /** Headers or records per response (at most the catalog's page size, 1,000). */
  pageSize: number;
  now: () => Date;
  /** The catalog: what harvesters may see (public records, and tombstones of withdrawn ones that were public), by datestamp. */
  index: Pick<SearchIndex, 'list'>;
  /** One item by record id (GetRecord, ListMetadataFormats), or undefined when harvesters may not know of it: lib/oai/items.ts. */
  loadItem: (id: string) => Promise<OaiItem | undefined>;
}

type XmlNode = ReturnType<typeof create>;

type ErrorCode =
  | 'badArgument'
  | 'badResumptionToken'
  | 'badVerb'
  | 'cannotDisseminateFormat'
  | 'idDoesNotExist'
  | 'noRecordsMatch'
  | 'noMetadataFormats'
  | 'noSetHierarchy';

class OaiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const VERBS = {
  Identify: { required: [], optional: [] },
  ListMetadataFormats: { required: [], optional: ['identifier'] },
  ListSets: { required: [], optional: [], exclusive: 'resumptionToken' },
  GetRecord: { required: ['identifier', 'metadataPrefix'], optional: [] },
  ListIdentifiers: { required: ['metadataPrefix'], optional: ['from', 'until', 'set'], exclusive: 'resumptionToken' },
  ListRecords: { required: ['metadataPrefix'], optional: ['from', 'until', 'set'], exclusive: 'resumptionToken' },
} as const satisfies Record<string, { required: readonly string[]; optional: readonly string[]; exclusive?: string }>;
type Verb = keyof typeof VERBS;

const OAI_DC = {
  metadataPrefix: 'oai_dc',
  schema: 'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
  metadataNamespace: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
};

export function oaiDatestamp(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function oaiIdentifier(siteUrl: string, id: string): string {
  return `oai:${new URL(siteUrl).hostname}:${id}`;
}

/** Sets a record belongs to: one per community, one per record type. */
export function setsOf(record: HeritageRecord): string[] {
  return [...record.ethnicGroups.map((g) => `community:${g}`), `type:${record.type}`];
}

interface ListRequest {
  prefix: string;
  from?: string;
  until?: string;
  set?: string;
  /** The catalog's cursor of the next page (made by the index for exactly this request: lib/search/cursor.ts). */
  list?: string;
  /** How many items came before this page (the token's `cursor` attribute). */
  cursor: number;
}

function encodeToken(request: ListRequest): string {
  return Buffer.from(JSON.stringify({ v: 1, ...request }), 'utf8').toString('base64url');
}

function decodeToken(token: string): ListRequest {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ListRequest> & { v?: number };
    const optionalText = (x: unknown) => x === undefined || typeof x === 'string';
    const ok =
      value.v === 1 &&
      typeof value.prefix === 'string' &&
      Number.isSafeInteger(value.cursor) &&
      value.cursor! >= 0 &&
      optionalText(value.from) &&
      optionalText(value.until) &&
      optionalText(value.set) &&
      optionalText(value.list) &&
      // Tokens of the storage-scan provider ((datestamp, id) of the last item) cannot be resumed exactly: expired.
      !('after' in value);
    if (ok) return { prefix: value.prefix!, from: value.from, until: value.until, set: value.set, list: value.list, cursor: value.cursor! };
  } catch {
    // fall through
  }
  throw new OaiError('badResumptionToken', 'The resumption token is invalid or has expired');
}

/** Parses an OAI date (day or second granularity); `end` makes a day mean its last second. */
function parseDate(value: string, name: string, end: boolean): { iso: string; granularity: 'day' | 'second' } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T${end ? '23:59:59' : '00:00:00'}Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return { iso: oaiDatestamp(date.toISOString()), granularity: 'day' };
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return { iso: oaiDatestamp(date.toISOString()), granularity: 'second' };
  }
  throw new OaiError('badArgument', `${name} must be a date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ`);
}

export async function handleOai(params: URLSearchParams, context: OaiContext): Promise<string> {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('http://www.openarchives.org/OAI/2.0/', 'OAI-PMH', {
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd',
  });
  root.ele('responseDate').txt(oaiDatestamp(context.now().toISOString()));
  const verb = params.get('verb');
  let args: Record<string, string> = {};
  let body: XmlNode | undefined;
  // The verb element, preceded by the request element, is made only once every check has passed,
  // because an error response echoes a different request element (spec §3.2).
  const openBody = (): XmlNode => {
    if (!body) {
      root.ele('request', xmlAttrs({ verb: verb!, ...args })).txt(context.baseUrl);
      body = root.ele(verb!);
    }
    return body;
  };
  try {
    args = validateArguments(params);
    await respond(verb as Verb, args, openBody, context);
    openBody();
  } catch (error) {
    if (!(error instanceof OaiError) || body) throw error;
    const echo = error.code === 'badVerb' || error.code === 'badArgument' ? {} : { verb, ...args };
    root.ele('request', xmlAttrs(echo)).txt(context.baseUrl);
    root.ele('error', { code: error.code }).txt(xmlText(error.message));
  }
  return doc.end({ prettyPrint: true });
}

/** The OAI-PMH schema's pattern for metadataPrefix: anything else cannot be echoed in a valid <request>. */
const METADATA_PREFIX = /^[A-Za-z0-9\-_.!~*'()]+$/;

/**
 * An absolute URI (RFC 3986): OAI identifiers are URIs (spec §2.4), and the
 * schema echoes them as xs:anyURI, which refuses broken %-escapes, a second
 * `#` or a bare `[`. Anything else is a bad argument, never echoed.
 */
const URI_CHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})";
const ABSOLUTE_URI = new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:${URI_CHAR}*(?:#${URI_CHAR}*)?$`);

/** The oai-identifier schema's repositoryIdentifier: a domain name of two or more labels, each starting with a letter. */
const REPOSITORY_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/;

/** Attributes that read back as sent (a harvester's arguments may hold `&`). */
function xmlAttrs(attrs: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [[k, xmlText(v)]])));
}

function validateArguments(params: URLSearchParams): Record<string, string> {
  // An argument XML cannot carry would make the answer itself unreadable; the protocol calls it a bad argument.
  for (const [key, value] of params) {
    if (hasNonXmlCharacters(key) || hasNonXmlCharacters(value)) throw new OaiError(key === 'verb' ? 'badVerb' : 'badArgument', `The argument ${key} holds characters XML cannot carry`);
  }
  if (params.has('metadataPrefix') && !METADATA_PREFIX.test(params.get('metadataPrefix')!)) {
    throw new OaiError('badArgument', 'metadataPrefix may hold only letters, digits and - _ . ! ~ * \' ( )');
  }
  if (params.has('identifier') && !ABSOLUTE_URI.test(params.get('identifier')!)) {
    throw new OaiError('badArgument', 'identifier must be a URI, such as oai:host:id');
  }
  const verbs = params.getAll('verb');
  if (verbs.length !== 1 || !(verbs[0]! in VERBS)) {
    throw new OaiError('badVerb', verbs.length > 1 ? 'The verb argument is repeated' : `Illegal or missing verb: ${verbs[0] ?? '(none)'}`);
  }
  const spec: { required: readonly string[]; optional: readonly string[]; exclusive?: string } = VERBS[verbs[0] as Verb];
  const args: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    if (key === 'verb') continue;
    const values = params.getAll(key);
    if (values.length > 1) throw new OaiError('badArgument', `The argument ${key} is repeated`);
    if (!spec.required.includes(key) && !spec.optional.includes(key) && spec.exclusive !== key) {
      throw new OaiError('badArgument', `Illegal argument for ${verbs[0]}: ${key}`);
    }
    args[key] = values[0]!;
  }
  if (spec.exclusive && args[spec.exclusive] !== undefined) {
    if (Object.keys(args).length > 1) throw new OaiError('badArgument', `${spec.exclusive} is an exclusive argument`);
    return args;
  }
  for (const key of spec.required) if (!args[key]) throw new OaiError('badArgument', `Missing required argument: ${key}`);
  return args;
}

async function respond(verb: Verb, args: Record<string, string>, body: () => XmlNode, context: OaiContext): Promise<void> {
  switch (verb) {
    case 'Identify':
      return identify(body, context);
    case 'ListMetadataFormats':
      if (args.identifier) await findItem(args.identifier, context);
      {
        const format = body().ele('metadataFormat');
        format.ele('metadataPrefix').txt(OAI_DC.metadataPrefix);
        format.ele('schema').txt(OAI_DC.schema);
        format.ele('metadataNamespace').txt(OAI_DC.metadataNamespace);
      }
      return;
    case 'ListSets':
      if (args.resumptionToken) throw new OaiError('badResumptionToken', 'ListSets is complete in one response');
      return listSets(body, context);
    case 'GetRecord': {
      if (args.metadataPrefix !== OAI_DC.metadataPrefix) throw new OaiError('cannotDisseminateFormat', `Only oai_dc is available, not ${args.metadataPrefix}`);
      const item = await findItem(args.identifier!, context);
      appendRecord(body(), item, context, true);
      return;
    }
    case 'ListIdentifiers':
    case 'ListRecords':
      return list(verb, args, body, context);
  }
}

async function identify(openBody: () => XmlNode, context: OaiContext): Promise<void> {
  // The first item of the whole list by datestamp (tombstones included): one entry from the index, never a scan.
  const first = (await context.index.list({ ...harvestQuery(context, {}), limit: 1 })).entries[0];
  const body = openBody();
  const earliest = first ? itemOf(first, context).datestamp : oaiDatestamp(context.now().toISOString());
  body.ele('repositoryName').txt(xmlText(context.repositoryName));
  body.ele('baseURL').txt(context.baseUrl);
  body.ele('protocolVersion').txt('2.0');
  body.ele('adminEmail').txt(context.adminEmail);
  body.ele('earliestDatestamp').txt(earliest);
  body.ele('deletedRecord').txt('persistent');
  body.ele('granularity').txt('YYYY-MM-DDThh:mm:ssZ');
  // The oai-identifier scheme is for repositories named by a domain name; a server reached as localhost,
  // an IP address or a bare host name (SITE_URL unset) describes none rather than a schema-invalid one.
  const host = new URL(context.siteUrl).hostname;
  if (REPOSITORY_IDENTIFIER.test(host)) {
    const identifier = body.ele('description').ele('http://www.openarchives.org/OAI/2.0/oai-identifier', 'oai-identifier', {
      'xsi:schemaLocation': 'http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd',
    });
    identifier.ele('scheme').txt('oai');
    identifier.ele('repositoryIdentifier').txt(host);
    identifier.ele('delimiter').txt(':');
    identifier.ele('sampleIdentifier').txt(oaiIdentifier(context.siteUrl, 'fhgmqwqp'));
  }
}

function listSets(openBody: () => XmlNode, context: OaiContext): void {
  const { vocab } = context;
  const body = openBody();
  const set = (spec: string, name: string) => {
    const el = body.ele('set');
    el.ele('setSpec').txt(spec);
    el.ele('setName').txt(xmlText(name));
  };
  set('community', 'Cộng đồng / Communities');
  for (const g of vocab.ethnicGroups) set(`community:${g.id}`, `${g.name.vi} / ${g.name.en}`);
  set('type', 'Loại hồ sơ / Record types');
  for (const t of vocab.recordTypes) set(`type:${t.id}`, `${t.label.vi} / ${t.label.en}`);
}

async function findItem(identifier: string, context: OaiContext): Promise<OaiItem> {
  const prefix = `${oaiIdentifier(context.siteUrl, '')}`;
  const id = identifier.startsWith(prefix) ? identifier.slice(prefix.length) : undefined;
  const item = id ? await context.loadItem(id) : undefined;
  if (!item) throw new OaiError('idDoesNotExist', `No item has the identifier ${identifier}`);
  return item;
}

function appendRecord(parent: XmlNode, item: OaiItem, context: OaiContext, withMetadata: boolean): void {
  const container = withMetadata ? parent.ele('record') : parent;
  const header = container.ele('header', item.deleted ? { status: 'deleted' } : {});
  header.ele('identifier').txt(oaiIdentifier(context.siteUrl, item.id));
  header.ele('datestamp').txt(item.datestamp);
  for (const spec of item.sets) header.ele('setSpec').txt(spec);
  if (withMetadata && !item.deleted) {
    appendDublinCore(container.ele('metadata'), toDublinCore(item.record, { vocab: context.vocab, siteUrl: context.siteUrl }));
  }
}

/** What every list asks the catalog: the anonymous public's records and tombstones, by datestamp, in the harvest's range and set. */
function harvestQuery(context: OaiContext, request: { from?: string; until?: string; set?: string }): Omit<ListQuery, 'limit' | 'cursor'> {
  const modified = request.from || request.until ? { modified: { ...(request.from ? { from: request.from } : {}), ...(request.until ? { until: request.until } : {}) } } : {};
  const filters = request.set ? setFilters(request.set, context.vocab) : undefined;
  return { viewer: ANONYMOUS, sort: 'modified-asc', tombstones: true, ...modified, ...(filters ? { filters } : {}) };
}

/**
 * A set as catalog filters (the sets of setsOf): `community:<id>` and `type:<id>` are facet values; `community` is
 * every record of some community, `type` every record. An unknown id filters on a value no record has: an empty list.
 */
function setFilters(set: string, vocab: Vocabularies): Partial<Record<Facet, string[]>> | undefined {
  const [kind, value] = set.split(':') as ['community' | 'type', string | undefined];
  if (kind === 'community') return { ethnicGroup: value ? [value] : vocab.ethnicGroups.map((g) => g.id) };
  return value ? { type: [value] } : undefined;
}

/** A catalog entry as an OAI item (the entry's record is already the public copy; withholding again costs nothing). */
function itemOf(entry: ListEntry, context: OaiContext): OaiItem {
  // Every indexed record carries its head version's time; one indexed before that did falls back to its publication.
  const modified = entry.modified ?? entry.record.publishedAt ?? context.now().toISOString();
  return { id: entry.id, datestamp: oaiDatestamp(modified), deleted: entry.deleted, sets: setsOf(entry.record), record: withholdNames(entry.record) };
}

/** The last second of an OAI `until` (second granularity): the catalog's datestamps have milliseconds. */
function endOfSecond(iso: string): string {
  return new Date(Date.parse(iso) + 999).toISOString();
}

async function list(verb: 'ListIdentifiers' | 'ListRecords', args: Record<string, string>, openBody: () => XmlNode, context: OaiContext): Promise<void> {
  if (!args.resumptionToken) return listPage(verb, { prefix: args.metadataPrefix!, from: args.from, until: args.until, set: args.set, cursor: 0 }, false, openBody, context);
  try {
    return await listPage(verb, decodeToken(args.resumptionToken), true, openBody, context);
  } catch (error) {
    // What a token carries was not the harvester's argument: a token whose request does not hold is a bad token.
    if (error instanceof OaiError && error.code === 'badArgument') throw new OaiError('badResumptionToken', `The resumption token is invalid: ${error.message}`);
    throw error;
  }
}

async function listPage(verb: 'ListIdentifiers' | 'ListRecords', request: ListRequest, resumed: boolean, openBody: () => XmlNode, context: OaiContext): Promise<void> {
  const from = request.from ? parseDate(request.from, 'from', false) : undefined;
  const until = request.until ? parseDate(request.until, 'until', true) : undefined;
  if (from && until && from.granularity !== until.granularity) throw new OaiError('badArgument', 'from and until must have the same granularity');
  if (from && until && from.iso > until.iso) throw new OaiError('badArgument', 'from is later than until');
  if (request.prefix !== OAI_DC.metadataPrefix) throw new OaiError('cannotDisseminateFormat', `Only oai_dc is available, not ${request.prefix}`);
  if (request.set && !/^(community|type)(:[a-z0-9-]+)?$/.test(request.set)) throw new OaiError('badArgument', `Unknown set ${request.set}`);

  const query: ListQuery = {
    ...harvestQuery(context, { from: from?.iso, until: until ? endOfSecond(until.iso) : undefined, set: request.set }),
    limit: Math.max(1, Math.min(context.pageSize, 1000)),
    ...(request.list !== undefined ? { cursor: request.list } : {}),
  };
  let page;
  try {
    page = await context.index.list(query);
  } catch (error) {
    // The catalog refuses a cursor it did not make for exactly this request.
    if (error instanceof BadCursorError) throw new OaiError('badResumptionToken', 'The resumption token is invalid or has expired');
    throw error;
  }
  if (page.entries.length === 0) {
    if (resumed) throw new OaiError('badResumptionToken', 'The resumption token no longer matches any record');
    throw new OaiError('noRecordsMatch', 'No records match the request');
  }
  const body = openBody();
  for (const entry of page.entries) appendRecord(body, itemOf(entry, context), context, verb === 'ListRecords');
  if (page.next || resumed) {
    const token = page.next ? encodeToken({ ...request, list: page.next, cursor: request.cursor + page.entries.length }) : '';
    // The list's size as the catalog counts it now (records changed meanwhile may move it: the protocol allows an estimate).
    const size = Math.max(page.total, request.cursor + page.entries.length);
    body.ele('resumptionToken', { completeListSize: String(size), cursor: String(request.cursor) }).txt(token);
  }
}
