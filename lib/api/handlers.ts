/**
 * The /api/v1 endpoints as plain functions of (archive, request), so they are
 * tested without a server; app/api/v1/** only routes to them.
 */
import { z } from 'zod';
import type { Archive } from '../archive';
import { ANONYMOUS, maySeeRecord } from '../access/policy';
import { listVisibleRecords } from '../records/catalog';
import { computeCoverage } from '../records/coverage';
import { dublinCoreXml, toDublinCore } from '../records/dublin-core';
import { RECORD_ID_PATTERN } from '../records/schema';
import { json, problem, rateLimit, withEtag } from './http';
import { openApiDocument } from './openapi';
import { recordSummary, recordView } from './views';

type Handler = (archive: Archive, request: Request, params: Record<string, string>) => Promise<Response>;

/** Wraps an endpoint with the rate limit and turns unexpected failures into a 500 problem. */
export function endpoint(handler: Handler): Handler {
  return async (archive, request, params) => {
    const limited = await rateLimit(request, archive.config.apiRateLimitPerMinute);
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

async function publicRecord(archive: Archive, id: string) {
  if (!RECORD_ID_PATTERN.test(id)) return undefined;
  const visible = await archive.records.get(id).catch(() => undefined);
  // Restricted and missing records answer alike.
  return visible && maySeeRecord(ANONYMOUS, visible.record) ? visible : undefined;
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
  const records = [];
  for await (const id of archive.records.ids()) {
    const stored = await archive.records.get(id).catch(() => undefined);
    if (stored) records.push(stored.record);
  }
  return json(request, computeCoverage(archive.vocab, records));
});

export const getOpenApi = endpoint(async (archive, request) => json(request, openApiDocument(archive.config.siteUrl), 'public, max-age=3600'));
