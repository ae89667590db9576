/**
 * The /api/v1 endpoints as plain functions of (archive, request), so they are
 * tested without a server; app/api/v1/** only routes to them. Lists and
 * counts come from the search index (given to the endpoints that need it),
 * one record from storage through the viewer-scoped reader: no endpoint
 * reads the whole store.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { Archive } from '../archive';
import { ANONYMOUS, type Viewer } from '../access/policy';
import { readVisible } from '../access/reader';
import { coverageFromIndex } from '../catalog/coverage';
import { loadInventory } from '../records/inventory-store';
import { dublinCoreXml, toDublinCore } from '../interop/dublin-core';
import { toCsv } from '../http/csv';
import { httpError } from '../http/errors';
import { BadCursorError, type SearchIndex } from '../search';
import { queryFromParams } from '../search/url';
import { json, problem, rateLimit, withEtag } from './http';
import { openApiDocument } from './openapi';
import { RECORD_LIST_SORTS, recordSummary, recordView } from './views';
import { recordUrl } from '../i18n/paths';

type Handler = (archive: Archive, request: Request, params: Record<string, string>) => Promise<Response>;

/** Wraps an endpoint with the rate limit and turns unexpected failures into a 500 problem. */
export function endpoint(handler: Handler): Handler {
  return async (archive, request, params) => {
    const limited = await rateLimit(request, archive.config);
    if (limited) return limited;
    try {
      return await handler(archive, request, params);
    } catch (error) {
      const answer = httpError(error);
      if (answer.expected) return problem(answer.status, STATUS_CODES[answer.status] ?? 'Error', answer.text.en, { code: answer.code });
      console.error(error);
      return problem(500, 'Internal Server Error', 'The archive could not answer this request.');
    }
  };
}

const ListParams = z.object({
  type: z.string().optional(),
  community: z.string().optional(),
  district: z.string().optional(),
  sort: z.enum(RECORD_LIST_SORTS).default('modified-asc'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // Opaque (lib/search/cursor.ts): checked here for its alphabet, by the index for being its own and for this query.
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,8000}$/, 'cursor is not one this API gave out').optional(),
});

/**
 * GET /records: public records a page at a time, from the index's catalog. `nextCursor` (and `next`, the
 * whole URL, also sent as a Link header) continues the same query; a cursor from another query, an edited one or
 * one from before is a 400. By default the order is by last change, oldest first, whose cursors neither skip nor
 * repeat a record when others change during the walk (a changed record moves to the end, where it is met again).
 */
export function listRecords(index: Pick<SearchIndex, 'list'>) {
  return endpoint(async (archive, request) => {
    const url = new URL(request.url);
    const parsed = ListParams.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return problem(400, 'Bad Request', `${issue.path.join('.')}: ${issue.message}`, { parameter: issue.path.join('.') });
    }
    const { type, community, district, sort, limit, cursor } = parsed.data;
    const filters = { ...(type ? { type: [type] } : {}), ...(community ? { ethnicGroup: [community] } : {}), ...(district ? { district: [district] } : {}) };
    let page;
    try {
      page = await index.list({ viewer: ANONYMOUS, filters, sort, limit, ...(cursor ? { cursor } : {}) });
    } catch (error) {
      if (error instanceof BadCursorError) return problem(400, 'Bad Request', 'cursor: not one this API gave out for this query (or it has expired); start again without it', { parameter: 'cursor' });
      throw error;
    }
    const siteUrl = archive.config.siteUrl;
    let next: string | null = null;
    if (page.next) {
      const params = new URLSearchParams(url.searchParams);
      params.set('cursor', page.next);
      next = `${siteUrl}/api/v1/records?${params}`;
    }
    const response = json(request, {
      items: page.entries.map((e) => recordSummary(e.record, siteUrl, e.modified)),
      total: page.total,
      nextCursor: page.next ?? null,
      next,
    });
    if (next) response.headers.set('link', `<${next}>; rel="next"`);
    return response;
  });
}

/** The record as the anonymous public reads it (the API serves no one else): restricted, missing and unreadable records answer alike; names withheld. */
async function publicRecord(archive: Archive, id: string) {
  const read = await readVisible(archive.records, ANONYMOUS, id).catch(() => undefined);
  return read?.ok ? read.stored : undefined;
}

export const getRecord = endpoint(async (archive, request, params) => {
  const stored = await publicRecord(archive, params.id ?? '');
  if (!stored) return problem(404, 'Not Found', `No public record ${params.id}`);
  return json(request, recordView(stored.record, archive.config.siteUrl, stored));
});

export const getRecordDublinCore = endpoint(async (archive, request, params) => {
  const stored = await publicRecord(archive, params.id ?? '');
  if (!stored) return problem(404, 'Not Found', `No public record ${params.id}`);
  const xml = dublinCoreXml(toDublinCore(stored.record, { vocab: archive.vocab, siteUrl: archive.config.siteUrl }));
  return withEtag(request, xml, 'application/xml; charset=utf-8');
});

export const getVocabularies = endpoint(async (archive, request) => json(request, archive.vocab, 'public, max-age=3600'));

/** The archive counting itself: an admin sees every record, whatever its community protocol or status. */
const KEEPER: Viewer = { kind: 'user', id: 'system:coverage', roles: ['admin'], communities: [] };

/**
 * Coverage of the inventory from the index's facet counts: an element is preserved when some record that is not
 * withdrawn holds it, published when some record the public may see does. Counts per element only, so an element
 * preserved in a restricted record counts without revealing it (lib/catalog/coverage.ts).
 */
/** The public figures: restricted records (community, sign-in only) count nowhere here; staff see theirs in the studio. */
export function getCoverage(index: Pick<SearchIndex, 'list'>) {
  return endpoint(async (archive, request) => {
    const inventory = await loadInventory(archive.store, archive.vocab);
    return json(request, await coverageFromIndex(index, { inventory }, 'public'));
  });
}

export const getOpenApi = endpoint(async (archive, request) => json(request, openApiDocument(archive.config.siteUrl), 'public, max-age=3600'));

/** Search with the site's parameters (q, community, type, district, decade, language, media, sort, page), as JSON or CSV. */
export function searchRecords(index: SearchIndex, format: 'json' | 'csv') {
  return endpoint(async (archive, request) => {
    const params = Object.fromEntries([...new URL(request.url).searchParams.keys()].map((k) => [k, new URL(request.url).searchParams.getAll(k)]));
    const query = queryFromParams(params);
    const siteUrl = archive.config.siteUrl;
    if (format === 'csv') {
      // Every matching record, up to 1,000, for spreadsheets and citation managers.
      const rows: string[][] = [['id', 'title_vi', 'title_en', 'type', 'date', 'url']];
      for (let page = 1; page <= 10; page++) {
        const result = await index.search({ ...query, viewer: ANONYMOUS, page, pageSize: 100 });
        for (const hit of result.hits) rows.push([hit.id, hit.title.vi, hit.title.en ?? '', hit.type, hit.date ?? '', recordUrl(siteUrl, hit)]);
        if (page * 100 >= result.total) break;
      }
      return withEtag(request, toCsv(rows), 'text/csv; charset=utf-8');
    }
    const result = await index.search({ ...query, viewer: ANONYMOUS });
    return json(request, {
      q: query.q ?? '',
      total: result.total,
      page: result.page,
      pageSize: result.pageSize,
      hits: result.hits.map((hit) => ({
        id: hit.id,
        slug: hit.slug,
        type: hit.type,
        title: hit.title,
        ...(hit.date ? { date: hit.date } : {}),
        snippet: hit.snippet.map((s) => s.text).join(''),
        url: recordUrl(siteUrl, hit),
        api: `${siteUrl}/api/v1/records/${hit.id}`,
      })),
      facets: result.facets,
      // A corrected query ("did you mean"), from words of public records only: present when the query had typos.
      ...(result.didYouMean ? { didYouMean: result.didYouMean } : {}),
    });
  });
}
