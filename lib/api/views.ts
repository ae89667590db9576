/**
 * What the public JSON API shows of a record: its metadata and links, never
 * consent details or internal notes. The API is public, so it always shows
 * the public copy (lib/access/consent.ts): a person who did not consent is
 * `{ name: "(giấu tên theo nguyện vọng)", roles, withheld: true }`.
 */
import { isWithheld, WITHHELD_LABEL, withholdNames } from '../access/consent';
import type { HeritageRecord } from '../records/schema';
import { recordUrl } from '../i18n/paths';

/** The orders GET /records offers; the first is the default (handlers.ts, openapi.ts). */
export const RECORD_LIST_SORTS = ['modified-asc', 'published-desc', 'modified-desc', 'date-desc', 'date-asc', 'title'] as const;

export interface RecordSummaryView {
  id: string;
  slug: string;
  type: string;
  title: { vi: string; en?: string };
  ethnicGroups: string[];
  districts: string[];
  publishedAt?: string;
  /** When its current version was committed (lists from the index). */
  modified?: string;
  url: string;
  api: string;
}

export function recordSummary(full: HeritageRecord, siteUrl: string, modified?: string): RecordSummaryView {
  const record = withholdNames(full);
  return {
    id: record.id,
    slug: record.slug,
    type: record.type,
    title: record.title,
    ethnicGroups: record.ethnicGroups,
    districts: [...new Set(record.places.map((p) => p.district))],
    ...(record.publishedAt ? { publishedAt: record.publishedAt } : {}),
    ...(modified ? { modified } : {}),
    url: recordUrl(siteUrl, record),
    api: `${siteUrl}/api/v1/records/${record.id}`,
  };
}

/**
 * A withheld person keeps a name string (the Vietnamese label, the archive's
 * working language) so that clients which print `name` print the label, and
 * `withheld: true` so that they can tell it from a name.
 */
function personView(p: HeritageRecord['people'][number]) {
  if (isWithheld(p)) return { name: WITHHELD_LABEL.vi, roles: p.roles, withheld: true as const };
  return { name: p.name, roles: p.roles, ...(p.ethnicGroup ? { ethnicGroup: p.ethnicGroup } : {}) };
}

export function recordView(full: HeritageRecord, siteUrl: string, version: { head: number; modified: string }) {
  const record = withholdNames(full);
  const { people, media, access, featured: _featured, ...rest } = record;
  return {
    ...rest,
    access: { level: access.level },
    people: people.map(personView),
    media: media.map((m) => ({
      path: m.path,
      kind: m.kind,
      type: m.type,
      size: m.size,
      sha512: m.digest,
      ...(m.label ? { label: m.label } : {}),
      ...(m.language ? { language: m.language } : {}),
      ...(m.of ? { of: m.of } : {}),
      url: `${siteUrl}/api/files/${record.id}/${m.path.split('/').map(encodeURIComponent).join('/')}`,
    })),
    version: version.head,
    modified: version.modified,
    links: {
      html: recordUrl(siteUrl, record),
      dublinCore: `${siteUrl}/api/v1/records/${record.id}/dublin-core.xml`,
      oai: `${siteUrl}/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${new URL(siteUrl).hostname}:${record.id}`,
    },
  };
}
