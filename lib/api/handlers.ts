/**
 * The /api/v1 endpoints as plain functions of (archive, request), so they are
 * tested without a server; app/api/v1/** only routes to them.
 */
import { z } from 'zod';
import type { Archive } from '../archive';
import { ANONYMOUS } from '../access/policy';
import { readVisible } from '../access/reader';
import { listAllRecords, listVisibleRecords } from '../records/catalog';
import { computeCoverage } from '../records/coverage';
import { loadInventory } from '../records/inventory-store';
import { dublinCoreXml, toDublinCore } from '../records/dublin-core';
import { RECORD_ID_PATTERN } from '../records/schema';
import { toCsv } from '../http/csv';
import type { SearchIndex } from '../search';
import { queryFromParams } from '../search/url';
import { json, problem, rateLimit, withEtag } from './http';
import { openApiDocument } from './openapi';
import { recordSummary, recordView } from './views';
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
      console.error(error);
      return problem(500, 'Internal Server Error', 'The archive could not answer this request.');
    }
  };
}

const ListQuery = z.object({
  type: z.string().optional(),
  community: z.string().optional(),
  district: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .transform((c, ctx) => {
      const id = Buffer.from(c, 'base64url').toString('utf8');
      if (!RECORD_ID_PATTERN.test(id)) ctx.addIssue({ code: 'custom', message: 'cursor is not one this API gave out' });
      return id;
    })
    .optional(),
});

export const listRecords = endpoint(async (archive, request) => {
  const url = new URL(request.url);
  const parsed = ListQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return problem(400, 'Bad Request', `${issue.path.join('.')}: ${issue.message}`, { parameter: issue.path.join('.') });
  }
  const { type, community, district, limit, cursor } = parsed.data;
  const matching = (await listVisibleRecords(archive.records, ANONYMOUS))
    .map((s) => s.record)
    .filter((r) => (!type || r.type === type) && (!community || r.ethnicGroups.includes(community)) && (!district || r.places.some((p) => p.district === district)))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const start = cursor ? matching.findIndex((r) => r.id > cursor) : 0;
  const page = start < 0 ? [] : matching.slice(start, start + limit);
  const last = page[page.length - 1];
  const hasMore = start >= 0 && start + limit < matching.length;
  return json(request, {
    items: page.map((r) => recordSummary(r, archive.config.siteUrl)),
    total: matching.length,
    nextCursor: hasMore && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
  });
});

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

export const getCoverage = endpoint(async (archive, request) => {
  const records = (await listAllRecords(archive.records)).map((s) => s.record);
  return json(request, computeCoverage({ ...archive.vocab, inventory: await loadInventory(archive.store, archive.vocab) }, records));
});

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
