/** The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json; tests check responses against it. */
import { RECORD_LIST_SORTS } from './views';

const Localized = { type: 'object', required: ['vi'], properties: { vi: { type: 'string' }, en: { type: 'string' } } } as const;
const LocalizedBoth = { type: 'object', required: ['vi', 'en'], properties: { vi: { type: 'string' }, en: { type: 'string' } } } as const;
const Figures = {
  type: 'object',
  required: ['total', 'recorded', 'published', 'preservedPercent', 'publishedPercent'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    recorded: { type: 'integer', minimum: 0 },
    published: { type: 'integer', minimum: 0 },
    preservedPercent: { type: 'number', minimum: 0, maximum: 100 },
    publishedPercent: { type: 'number', minimum: 0, maximum: 100 },
  },
} as const;

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9abcdefghjkmnpqrstvwxyz]{8}$' } } as const;

export function openApiDocument(siteUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Di Sản API',
      version: '1.0.0',
      description:
        'Public records of the Di Sản heritage archive of the ethnic minorities of Quảng Nam. Only records the public may see are ever returned. Errors are RFC 9457 problem documents; responses carry ETags for conditional GET; clients are rate limited (429 with Retry-After).',
    },
    servers: [{ url: `${siteUrl}/api/v1` }],
    paths: {
      '/records': {
        get: {
          operationId: 'listRecords',
          summary: 'Public records, a page at a time',
          description:
            'Follow `next` (or `nextCursor` as the cursor parameter, with the same other parameters; also sent as a Link rel="next" header) until it is null. By default records come by last change, oldest first: a walk then neither skips nor repeats a record when others change meanwhile (a record changed during the walk is met again at the end, with its new `modified`). Other orders page by position.',
          parameters: [
            { name: 'type', in: 'query', schema: { type: 'string' } },
            { name: 'community', in: 'query', schema: { type: 'string' }, description: 'Ethnic group id, e.g. co-tu' },
            { name: 'district', in: 'query', schema: { type: 'string' } },
            {
              name: 'sort',
              in: 'query',
              schema: { enum: [...RECORD_LIST_SORTS], default: RECORD_LIST_SORTS[0] },
              description: 'modified-asc: by last change, oldest first; published-desc: newest publications first; modified-desc; date-desc/date-asc: by date recorded or issued; title',
            },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' }, description: 'nextCursor of the previous page, with the same other parameters (any other cursor is a 400)' },
          ],
          responses: {
            '200': {
              description: 'A page of records',
              headers: { Link: { description: '<next>; rel="next" while more pages follow', schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/RecordList' } } },
            },
            '304': { description: 'Not modified (If-None-Match)' },
            '400': problemResponse('Invalid parameter, or a cursor this API did not give out for this query'),
            '429': problemResponse('Too many requests'),
          },
        },
      },
      '/search': {
        get: {
          operationId: 'searchRecords',
          summary: 'Search public records with the same parameters as the site (Vietnamese folded: "le hoi" finds "lễ hội"; one typo from 4 letters; synonyms such as nhà rông / gươl)',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' } },
            ...['community', 'type', 'district', 'decade', 'language', 'media'].map((name) => ({ name, in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true })),
            { name: 'sort', in: 'query', schema: { enum: ['relevance', 'date-desc', 'date-asc', 'title'] } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
          ],
          responses: {
            '200': { description: 'A page of results with facet counts', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResult' } } } },
            '429': problemResponse('Too many requests'),
          },
        },
      },
      '/search.csv': {
        get: {
          operationId: 'searchRecordsCsv',
          summary: 'The same search as CSV (up to 1,000 records)',
          responses: { '200': { description: 'CSV: id, title_vi, title_en, type, date, url', content: { 'text/csv': { schema: { type: 'string' } } } } },
        },
      },
      '/records/{id}': {
        get: {
          operationId: 'getRecord',
          parameters: [idParameter],
          responses: {
            '200': { description: 'The record', content: { 'application/json': { schema: { $ref: '#/components/schemas/Record' } } } },
            '304': { description: 'Not modified (If-None-Match)' },
            '404': problemResponse('No such public record'),
            '429': problemResponse('Too many requests'),
          },
        },
      },
      '/records/{id}/dublin-core.xml': {
        get: {
          operationId: 'getRecordDublinCore',
          parameters: [idParameter],
          responses: {
            '200': { description: 'The record as oai_dc XML', content: { 'application/xml': { schema: { type: 'string' } } } },
            '404': problemResponse('No such public record'),
          },
        },
      },
      '/vocabularies': {
        get: {
          operationId: 'getVocabularies',
          responses: { '200': { description: 'Controlled vocabularies', content: { 'application/json': { schema: { $ref: '#/components/schemas/Vocabularies' } } } } },
        },
      },
      '/coverage': {
        get: {
          operationId: 'getCoverage',
          summary: 'Coverage of the inventory of festivals and customs against the province targets',
          responses: { '200': { description: 'Coverage figures', content: { 'application/json': { schema: { $ref: '#/components/schemas/Coverage' } } } } },
        },
      },
    },
    components: {
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
        },
        SearchResult: {
          type: 'object',
          additionalProperties: false,
          required: ['q', 'total', 'page', 'pageSize', 'hits', 'facets'],
          properties: {
            q: { type: 'string' },
            total: { type: 'integer', minimum: 0 },
            page: { type: 'integer', minimum: 1 },
            pageSize: { type: 'integer', minimum: 1 },
            hits: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'slug', 'type', 'title', 'snippet', 'url', 'api'],
                properties: { id: { type: 'string' }, slug: { type: 'string' }, type: { type: 'string' }, title: Localized, date: { type: 'string' }, snippet: { type: 'string' }, url: { type: 'string', format: 'uri' }, api: { type: 'string', format: 'uri' } },
              },
            },
            facets: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object', required: ['value', 'count'], properties: { value: { type: 'string' }, count: { type: 'integer' } } } } },
            didYouMean: {
              type: 'string',
              description: 'The query with its typos corrected to words of public records ("le hoi dam trua" → "le hoi dam trau"), when it found records only through typos or found few; run it as q',
            },
          },
        },
        RecordSummary: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'slug', 'type', 'title', 'ethnicGroups', 'districts', 'url', 'api'],
          properties: {
            id: { type: 'string' },
            slug: { type: 'string' },
            type: { type: 'string' },
            title: Localized,
            ethnicGroups: { type: 'array', items: { type: 'string' } },
            districts: { type: 'array', items: { type: 'string' } },
            publishedAt: { type: 'string', format: 'date-time' },
            modified: { type: 'string', format: 'date-time', description: 'When the current version was committed' },
            url: { type: 'string', format: 'uri' },
            api: { type: 'string', format: 'uri' },
          },
        },
        RecordList: {
          type: 'object',
          additionalProperties: false,
          required: ['items', 'total', 'nextCursor', 'next'],
          properties: {
            items: { type: 'array', items: { $ref: '#/components/schemas/RecordSummary' } },
            total: { type: 'integer', minimum: 0, description: 'Records matching the query (the whole list, not this page)' },
            nextCursor: { type: ['string', 'null'], description: 'The cursor parameter of the next page; null on the last' },
            next: { type: ['string', 'null'], format: 'uri', description: 'The URL of the next page; null on the last' },
          },
        },
        Record: {
          type: 'object',
          required: ['id', 'slug', 'type', 'title', 'description', 'rights', 'access', 'media', 'people', 'version', 'modified', 'links'],
          properties: {
            id: { type: 'string' },
            slug: { type: 'string' },
            type: { type: 'string' },
            title: Localized,
            description: Localized,
            ethnicGroups: { type: 'array', items: { type: 'string' } },
            places: { type: 'array', items: { type: 'object', required: ['district'], properties: { district: { type: 'string' }, lat: { type: 'number' }, lon: { type: 'number' } } } },
            rights: { type: 'object', required: ['uri'], properties: { uri: { type: 'string' } } },
            access: { type: 'object', required: ['level'], additionalProperties: false, properties: { level: { const: 'public' } } },
            people: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name', 'roles'], properties: { name: { type: 'string', description: 'The person’s name, or "(giấu tên theo nguyện vọng)" when they did not consent to be named' }, roles: { type: 'array', items: { type: 'string' } }, ethnicGroup: { type: 'string' }, withheld: { const: true, description: 'Present when the name is withheld at the person’s request' } } } },
            media: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'kind', 'type', 'size', 'sha512', 'url'],
                properties: { path: { type: 'string' }, kind: { type: 'string' }, type: { type: 'string' }, size: { type: 'integer' }, sha512: { type: 'string', pattern: '^[0-9a-f]{128}$' }, url: { type: 'string', format: 'uri' } },
              },
            },
            version: { type: 'integer', minimum: 1 },
            modified: { type: 'string', format: 'date-time' },
            links: { type: 'object', required: ['html', 'dublinCore', 'oai'], properties: { html: { type: 'string' }, dublinCore: { type: 'string' }, oai: { type: 'string' } } },
          },
        },
        Vocabularies: {
          type: 'object',
          required: ['ethnicGroups', 'districts', 'subjects', 'recordTypes', 'documentKinds', 'inventory'],
          properties: {
            ethnicGroups: { type: 'array', items: { type: 'object', required: ['id', 'name', 'otherNames'], properties: { id: { type: 'string' }, name: LocalizedBoth, otherNames: { type: 'array', items: { type: 'string' } } } } },
            districts: { type: 'array', items: { type: 'object', required: ['id', 'name', 'lat', 'lon'], properties: { id: { type: 'string' }, name: LocalizedBoth, lat: { type: 'number' }, lon: { type: 'number' } } } },
            subjects: { type: 'array', items: { type: 'object', required: ['id', 'label'] } },
            recordTypes: { type: 'array', items: { type: 'object', required: ['id', 'label'] } },
            documentKinds: { type: 'array', items: { type: 'object', required: ['id', 'label'] } },
            inventory: { type: 'array', items: { type: 'object', required: ['id', 'name', 'type', 'ethnicGroups'] } },
          },
        },
        Coverage: {
          type: 'object',
          required: ['overall', 'byCommunity', 'byDistrict', 'byType', 'elements', 'targets'],
          properties: {
            overall: Figures,
            byCommunity: { type: 'object', additionalProperties: Figures },
            byDistrict: { type: 'object', additionalProperties: Figures },
            byType: { type: 'object', additionalProperties: Figures },
            elements: {
              type: 'array',
              items: { type: 'object', required: ['id', 'name', 'type', 'state'], properties: { id: { type: 'string' }, name: LocalizedBoth, type: { type: 'string' }, state: { enum: ['not-recorded', 'recorded', 'published'] } } },
            },
            targets: { type: 'array', items: { type: 'object', required: ['year', 'preservedPercent'], properties: { year: { type: 'integer' }, preservedPercent: { type: 'number' } } } },
          },
        },
      },
    },
  };
}
