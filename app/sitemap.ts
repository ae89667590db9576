/** sitemap.xml: the home page and every public record, nothing restricted. */
import type { MetadataRoute } from 'next';
import { ANONYMOUS } from '@/lib/access/policy';
import { listVisibleRecords } from '@/lib/records/catalog';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const { config, records } = getArchive();
  const visible = await listVisibleRecords(records, ANONYMOUS);
  return [
    { url: `${config.siteUrl}/`, changeFrequency: 'daily', priority: 1 },
    ...visible.map(({ record, modified }) => ({ url: `${config.siteUrl}/records/${record.id}/${record.slug}`, lastModified: modified, changeFrequency: 'monthly' as const, priority: 0.7 })),
  ];
}
