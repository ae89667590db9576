import type { MetadataRoute } from 'next';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

export default function robots(): MetadataRoute.Robots {
  const { siteUrl } = getArchive().config;
  return { rules: [{ userAgent: '*', allow: '/', disallow: ['/studio', '/api/uploads', '/api/auth'] }], sitemap: `${siteUrl}/sitemap.xml` };
}
