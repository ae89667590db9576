/** Search state ⇄ URL query, shared by the search page and the JSON API, so a search is a shareable link. */
import type { Facet, SearchQuery, SortOrder } from './types';

/** URL parameter for each facet (people read "community", the engine says "ethnicGroup"). */
export const FACET_PARAMS = {
  ethnicGroup: 'community',
  type: 'type',
  district: 'district',
  decade: 'decade',
  language: 'language',
  mediaKind: 'media',
} as const satisfies Partial<Record<Exclude<Facet, 'accessLevel' | 'status'>, string>>;
export const PUBLIC_FACETS = Object.keys(FACET_PARAMS) as (keyof typeof FACET_PARAMS)[];
const SORTS: SortOrder[] = ['relevance', 'date-desc', 'date-asc', 'title'];

export type SearchParams = Record<string, string | string[] | undefined>;

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat().filter((x) => x.trim() !== '').slice(0, 20));

export function queryFromParams(params: SearchParams): Omit<SearchQuery, 'viewer'> {
  const filters: SearchQuery['filters'] = {};
  for (const facet of PUBLIC_FACETS) {
    const chosen = values(params[FACET_PARAMS[facet]]);
    if (chosen.length) filters[facet] = chosen;
  }
  const sort = values(params.sort)[0] as SortOrder | undefined;
  const page = Number(values(params.page)[0] ?? 1);
  return {
    q: (values(params.q)[0] ?? '').slice(0, 200),
    filters,
    facets: [...PUBLIC_FACETS],
    sort: sort && SORTS.includes(sort) ? sort : undefined,
    page: Number.isInteger(page) && page >= 1 && page <= 500 ? page : 1,
    pageSize: 20,
  };
}

/** The URL of the same search with some parameters changed (undefined removes one). */
export function searchHref(params: SearchParams, changes: Record<string, string | string[] | undefined>, path = '/search'): string {
  const url = new URLSearchParams();
  const merged = { ...params, ...changes };
  for (const [key, value] of Object.entries(merged)) for (const v of values(value)) url.append(key, v);
  if (!('page' in changes)) url.delete('page');
  const query = url.toString();
  return query ? `${path}?${query}` : path;
}

/** Adds or removes one facet value from the URL state. */
export function toggleFacet(params: SearchParams, param: string, value: string): string {
  const current = values(params[param]);
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return searchHref(params, { [param]: next.length ? next : undefined });
}
