import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and CLI-wrapping modules stay outside the server bundle; so do BullMQ (its optional Postgres and
  // Valkey backends are plain require()s a bundler would try to resolve), its Redis client, and the upload lock's
  // redis-semaphore (loaded by Node as in the tests, like the client it drives).
  serverExternalPackages: ['sharp', 'fluent-ffmpeg', '@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'unpdf', 'better-sqlite3', '@node-rs/argon2', 'bullmq', 'ioredis', 'redis-semaphore'],
  poweredByHeader: false,
  // `npm run typecheck` checks the whole project (tests and scripts too) before the build in test:all.
  typescript: { ignoreBuildErrors: true },
  // Bulk imports post a CSV and a zip of field media through a server action; big single files go through tus.
  experimental: { serverActions: { bodySizeLimit: '500mb' }, inlineCss: true },
};

export default withNextIntl(nextConfig);
