/** sitemap.xml: the public pages and every public record in both languages (hreflang alternates), nothing restricted. */
import type { MetadataRoute } from 'next';
import { ANONYMOUS } from '@/lib/access/policy';
import { LOCALES } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

const PAGES = ['', '/search', '/communities', '/library', '/map', '/calendar', '/about', '/contact'];

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const { config, records, vocab } = getArchive();
  const visible = await listVisibleRecords(records, ANONYMOUS);
  const inBothLanguages = (path: string, extra: Omit<MetadataRoute.Sitemap[number], 'url'>) =>
    LOCALES.map((locale) => ({
      url: `${config.siteUrl}/${locale}${path}`,
      alternates: { languages: Object.fromEntries(LOCALES.map((l) => [l, `${config.siteUrl}/${l}${path}`])) },
      ...extra,
    }));
  return [
    ...PAGES.flatMap((path) => inBothLanguages(path, { changeFrequency: 'weekly', priority: path === '' ? 1 : 0.5 })),
    ...vocab.ethnicGroups.flatMap((g) => inBothLanguages(`/communities/${g.id}`, { changeFrequency: 'weekly', priority: 0.6 })),
    ...visible.flatMap(({ record, modified }) =>
      inBothLanguages(`/records/${record.id}/${record.slug}`, { lastModified: modified, changeFrequency: 'monthly', priority: 0.7 }),
    ),
  ];
}
