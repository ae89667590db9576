/**
 * Environment → typed configuration. The only module that reads process.env:
 * everything else receives a Config. A bad value stops the process at start
 * with one message naming the variable.
 */
import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';
import { ArchiveError } from './errors';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalText = z.string().trim().min(1).optional();
/**
 * The store's top-level folders (README, "Storage layout"): the OCFL root, derivatives, system. Upload staging
 * must stay out of them, so that fsck, reindex and backups of records never meet a half-sent file.
 */
const ARCHIVE_TOP_FOLDERS = ['records', 'derivatives', 'system'];

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Where the local store, derived files and the embedded search index live. */
    DATA_DIR: z.string().min(1).default('./data'),
    /** Demo content and vocabularies. */
    CONTENT_DIR: z.string().min(1).default('./content'),
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    S3_ENDPOINT: z.url().optional(),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name (3–63 lower-case letters, digits, dots, hyphens)')
      .optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: optionalText,
    S3_SECRET_ACCESS_KEY: optionalText,
    /** Path-style URLs (http://host/bucket/key): needed by MinIO, Ceph, Garage and most self-hosted servers. */
    S3_FORCE_PATH_STYLE: bool.default(true),
    /** Streams larger than this are sent as multipart uploads, in parts of this size. */
    S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(512).default(8),
    /**
     * With S3: where unfinished tus uploads wait, in the same bucket, so that any web process can
     * resume any upload. A folder-like prefix outside the archive's own top-level folders.
     */
    UPLOAD_STAGING_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\/$/, 'must be a folder-like prefix ending in / (lower-case letters, digits, . _ -)')
      .refine((prefix) => !ARCHIVE_TOP_FOLDERS.includes(prefix.split('/')[0]!), "must not be inside the archive's own folders (records/, derivatives/, system/)")
      .default('uploads/'),
    /**
     * Where browsers fetch media bytes: `server` streams every byte through the
     * web process (the default; works with any store); `bucket` (S3 only) lets
     * the access-checking routes answer with a redirect to the bucket, so web
     * processes carry no media bytes (lib/http/bucket-redirect.ts).
     */
    MEDIA_DELIVERY: z.enum(['server', 'bucket']).default('server'),
    /**
     * With MEDIA_DELIVERY=bucket: the public URL (a CDN, or the bucket itself)
     * under which object keys of derivatives are readable without signature.
     * Derivatives of public records are sent there; unset, they get presigned
     * URLs like everything else and the bucket stays wholly private.
     */
    MEDIA_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine((v) => !/[?#]/.test(v), 'must be a base URL without query or fragment')
      .optional(),
    /** Public base URL of the site, for links in feeds, sitemaps and citations; http://localhost:PORT when unset. */
    SITE_URL: z.url().optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Address the server listens on (scripts/serve.ts). */
    HOST: z.string().min(1).default('0.0.0.0'),
    /**
     * The reverse proxies whose forwarding headers (X-Forwarded-For, -Proto,
     * -Host) are believed: a comma-separated list of IP addresses, or
     * `loopback`. Unset, nobody's are: the client is the socket's peer.
     */
    TRUST_PROXY: z
      .string()
      .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
      .pipe(z.array(z.union([z.literal('loopback'), z.ipv4(), z.ipv6()], { error: 'must list IP addresses or `loopback`, separated by commas' })))
      .default([]),
    /** Set by scripts/serve.ts for its own process: the unguessable header that carries the client address it resolved. */
    DISAN_CLIENT_ADDRESS_HEADER: z.string().regex(/^x-disan-client-[0-9a-f]{32}$/).optional(),
    /** Contact address published to harvesters (OAI-PMH Identify). */
    ADMIN_EMAIL: z.email().default('archive@example.org'),
    /** Requests per minute one client may make to the JSON API. */
    API_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Map tiles for the studio's place picker and the public map ({z}/{x}/{y} template); pages still work when tiles cannot load. */
    MAP_TILE_URL: z.string().regex(/^https?:\/\/.*\{z\}.*\{x\}.*\{y\}/, 'must be a tile URL template with {z}, {x} and {y}').default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    MAP_ATTRIBUTION: z.string().default('© OpenStreetMap contributors'),
    /** Largest original one upload may bring, in megabytes (10 GB by default). */
    UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(1_000_000).default(10_240),
    // ---- search (lib/search) ----
    /** embedded: SQLite FTS5 file under DATA_DIR/search, no service; meilisearch: a Meilisearch server. */
    SEARCH_DRIVER: z.enum(['embedded', 'meilisearch']).default('embedded'),
    MEILI_HOST: z.url().optional(),
    MEILI_API_KEY: optionalText,
    /** Meilisearch index uid (letters, digits, - and _). */
    MEILI_INDEX: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be letters, digits, - or _').default('disan-records'),
    // ---- end search ----
    /**
     * Redis shared by several processes or machines: the derivative job queue
     * (BullMQ) and the API / sign-in limits. Unset: SQLite jobs under DATA_DIR
     * and limits in memory (one machine, no service).
     */
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    // ---- media pipeline (lib/media, lib/jobs) ----
    /** Derivative jobs run at once by one worker; default cores − 1, at least 1. */
    MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    /** Wall-clock limit of one ffmpeg/ffprobe/pdftoppm run, in seconds. */
    MEDIA_TOOL_TIMEOUT_S: z.coerce.number().int().min(5).max(86_400).default(3600),
    /** Longest audio or video accepted for derivatives, in seconds (4 hours by default). */
    MEDIA_MAX_DURATION_S: z.coerce.number().int().min(1).max(86_400).default(14_400),
    /** Largest image (width × height) sharp may decode, in megapixels. */
    IMAGE_MAX_MEGAPIXELS: z.coerce.number().min(1).max(1000).default(150),
    /** Largest image file accepted for derivatives, in megabytes. */
    IMAGE_MAX_MB: z.coerce.number().int().min(1).max(10_000).default(300),
    /** Attempts of one derivative job before it fails permanently. */
    MEDIA_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    /** How long a worker's claim on a job holds without a heartbeat, in seconds: a dead worker's job is taken again after it. */
    MEDIA_JOB_LEASE_S: z.coerce.number().int().min(2).max(3600).default(60),
    /** Whether the web server runs derivative jobs in its own process too; default: yes without REDIS_URL, no with it. */
    MEDIA_WEB_WORKER: bool.optional(),
    /** Videos longer than this (seconds) are encoded rendition by rendition, so their job resumes from finished renditions. */
    MEDIA_RESUMABLE_VIDEO_S: z.coerce.number().int().min(1).max(86_400).default(300),
    // ---- end media pipeline ----
  })
  .superRefine((env, ctx) => {
    if (env.SEARCH_DRIVER === 'meilisearch' && !env.MEILI_HOST) {
      ctx.addIssue({ code: 'custom', path: ['MEILI_HOST'], message: 'is required when SEARCH_DRIVER=meilisearch' });
    }
    if (env.MEDIA_BASE_URL && env.MEDIA_DELIVERY !== 'bucket') {
      ctx.addIssue({ code: 'custom', path: ['MEDIA_BASE_URL'], message: 'is used only with MEDIA_DELIVERY=bucket' });
    }
    if (env.MEDIA_DELIVERY === 'bucket' && env.STORAGE_DRIVER !== 's3') {
      ctx.addIssue({ code: 'custom', path: ['MEDIA_DELIVERY'], message: 'bucket needs STORAGE_DRIVER=s3' });
    }
    if (env.STORAGE_DRIVER !== 's3') return;
    for (const name of ['S3_BUCKET'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when STORAGE_DRIVER=s3' });
    }
    if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together' });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  dataDir: string;
  contentDir: string;
  siteUrl: string;
  port: number;
  host: string;
  /** Reverse proxies whose forwarding headers are believed (see lib/http/client-address.ts). */
  trustProxy: string[];
  /** The header in which scripts/serve.ts hands the resolved client address to the app; unset under a plain `next start`. */
  clientAddressHeader?: string;
  /** Whether cookies must be Secure: the public address is https. */
  secureCookies: boolean;
  adminEmail: string;
  apiRateLimitPerMinute: number;
  uploadMaxBytes: number;
  map: { tileUrl: string; attribution: string };
  /** Where resumable uploads wait until they are complete (derived, deletable). */
  uploadDir: string;
  storage:
    | { driver: 'local'; root: string; tmpDir: string }
    | {
        driver: 's3';
        endpoint?: string;
        bucket: string;
        region: string;
        credentials?: { accessKeyId: string; secretAccessKey: string };
        forcePathStyle: boolean;
        partSizeBytes: number;
        /** Where unfinished uploads wait in the bucket (tus staging), outside the archive's folders; ends in '/'. */
        uploadStagingPrefix: string;
      };
  cores: number;
  /** Search engine (lib/search). */
  search:
    | { driver: 'embedded'; dir: string }
    | { driver: 'meilisearch'; host: string; apiKey?: string; index: string };
  /** Media pipeline (lib/media, lib/jobs). */
  media: MediaConfig;
  /** Redis for what several processes share (jobs, rate limits and sign-in throttles, the catalog generation, upload locks); absent: embedded (SQLite, memory). */
  redis?: { url: string };
  /** Media bytes fetched by browsers from the bucket or a CDN (MEDIA_DELIVERY=bucket); absent: streamed by the web process. */
  delivery?: MediaDelivery;
}

export interface MediaDelivery {
  /** Unsigned base URL (ending in /) under which derivative keys of public records are readable; absent: those are presigned too. */
  publicBaseUrl?: string;
  /** Lifetime of a presigned URL: long enough to start a download or a segment, short enough that a shared link soon dies. */
  signedUrlSeconds: number;
  /** Origins browsers fetch media from (the CDN, the bucket's presigned URLs), for the pages' Content-Security-Policy. */
  origins: string[];
}

/** At most five minutes: a presigned URL is a bearer token for whoever holds it. */
export const SIGNED_MEDIA_URL_SECONDS = 300;

/**
 * The origin presigned URLs of this bucket point at, as the AWS SDK builds
 * them: the endpoint itself with path-style URLs, the bucket as a subdomain
 * of it otherwise (virtual-hosted style); AWS's regional endpoint when no
 * endpoint is given. tests/unit/config.test.ts checks it against the SDK.
 */
export function bucketOrigin(storage: { endpoint?: string; bucket: string; region: string; forcePathStyle: boolean }): string {
  const endpoint = new URL(storage.endpoint ?? `https://s3.${storage.region}.amazonaws.com`);
  // A dotted bucket name would not match the endpoint's TLS certificate as a subdomain: over https the SDK falls back to path style.
  const pathStyle = storage.forcePathStyle || (storage.bucket.includes('.') && endpoint.protocol === 'https:');
  return pathStyle ? endpoint.origin : `${endpoint.protocol}//${storage.bucket}.${endpoint.host}`;
}

// ---- media pipeline (lib/media, lib/jobs) ----
export interface MediaConfig {
  /** Jobs run at once by one worker. */
  workers: number;
  /** SQLite file of the derivative job queue (derived data: deletable, rebuilt by `derive --all`). */
  jobsFile: string;
  toolTimeoutMs: number;
  maxDurationSeconds: number;
  maxImagePixels: number;
  maxImageBytes: number;
  maxAttempts: number;
  /** How long a claim holds without a heartbeat (ms). */
  jobLeaseMs: number;
  /** The web server runs a derivative worker in its own process (the one-machine default). */
  webWorker: boolean;
  /** Videos longer than this are encoded rendition by rendition, each kept as it is finished (lib/media/video.ts). */
  resumableVideoSeconds: number;
}
// ---- end media pipeline ----

export class ConfigError extends ArchiveError {
  constructor(readonly variable: string, message: string) {
    super(`Configuration error: ${variable} ${message}`, { code: 'config', status: 500 });
  }
}

/** Parses an environment (process.env by default) into a Config, or throws one ConfigError naming the first bad variable. */
export function parseConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `FOO= npm start` should behave like no FOO.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = cleaned[variable];
    const shown = value === undefined || /SECRET|KEY|REDIS_URL/.test(variable) ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  // Links, feeds and the origin check use the address people open; without SITE_URL that is this server's own port.
  const siteUrl = (env.SITE_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  return {
    env: env.NODE_ENV,
    dataDir,
    contentDir: path.resolve(env.CONTENT_DIR),
    siteUrl,
    port: env.PORT,
    host: env.HOST,
    trustProxy: env.TRUST_PROXY,
    ...(env.DISAN_CLIENT_ADDRESS_HEADER ? { clientAddressHeader: env.DISAN_CLIENT_ADDRESS_HEADER } : {}),
    // A Secure cookie sent over plain http is dropped by browsers: follow the scheme people actually use.
    secureCookies: siteUrl.startsWith('https:'),
    adminEmail: env.ADMIN_EMAIL,
    apiRateLimitPerMinute: env.API_RATE_LIMIT,
    uploadMaxBytes: env.UPLOAD_MAX_MB * 1024 * 1024,
    map: { tileUrl: env.MAP_TILE_URL, attribution: env.MAP_ATTRIBUTION },
    uploadDir: path.join(dataDir, 'uploads'),
    storage:
      env.STORAGE_DRIVER === 's3'
        ? {
            driver: 's3',
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET!,
            region: env.S3_REGION,
            credentials:
              env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
            partSizeBytes: env.S3_PART_SIZE_MB * 1024 * 1024,
            uploadStagingPrefix: env.UPLOAD_STAGING_PREFIX,
          }
        : { driver: 'local', root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') },
    cores: os.availableParallelism(),
    search:
      env.SEARCH_DRIVER === 'meilisearch'
        ? { driver: 'meilisearch', host: env.MEILI_HOST!, ...(env.MEILI_API_KEY ? { apiKey: env.MEILI_API_KEY } : {}), index: env.MEILI_INDEX }
        : { driver: 'embedded', dir: path.join(dataDir, 'search') },
    ...(env.REDIS_URL ? { redis: { url: env.REDIS_URL } } : {}),
    ...(env.MEDIA_DELIVERY === 'bucket' ? { delivery: mediaDelivery(env) } : {}),
    // ---- media pipeline ----
    media: {
      workers: env.MEDIA_WORKERS ?? Math.max(1, os.availableParallelism() - 1),
      jobsFile: path.join(dataDir, 'jobs', 'jobs.sqlite'),
      toolTimeoutMs: env.MEDIA_TOOL_TIMEOUT_S * 1000,
      maxDurationSeconds: env.MEDIA_MAX_DURATION_S,
      maxImagePixels: Math.round(env.IMAGE_MAX_MEGAPIXELS * 1_000_000),
      maxImageBytes: env.IMAGE_MAX_MB * 1024 * 1024,
      maxAttempts: env.MEDIA_JOB_ATTEMPTS,
      jobLeaseMs: env.MEDIA_JOB_LEASE_S * 1000,
      // On one machine the web server transcodes too; with Redis, workers run apart and scale apart.
      webWorker: env.MEDIA_WEB_WORKER ?? !env.REDIS_URL,
      resumableVideoSeconds: env.MEDIA_RESUMABLE_VIDEO_S,
    },
  };
}

function mediaDelivery(env: Env): MediaDelivery {
  const publicBaseUrl = env.MEDIA_BASE_URL?.replace(/\/*$/, '/');
  const signed = bucketOrigin({ endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET!, region: env.S3_REGION, forcePathStyle: env.S3_FORCE_PATH_STYLE });
  const origins = [...new Set([...(publicBaseUrl ? [new URL(publicBaseUrl).origin] : []), signed])];
  return { ...(publicBaseUrl ? { publicBaseUrl } : {}), signedUrlSeconds: SIGNED_MEDIA_URL_SECONDS, origins };
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/**
 * Called once by the web server (scripts/serve.ts) before anything reads the
 * configuration: it picks an unguessable header name in which it hands each
 * request's resolved client address to the app. A client cannot forge a
 * header whose name it does not know; under a plain `next start` the header is
 * unset and no client-supplied address is believed at all.
 */
export function assignClientAddressHeader(randomHex: string): string {
  process.env.DISAN_CLIENT_ADDRESS_HEADER = `x-disan-client-${randomHex}`;
  cached = undefined;
  return process.env.DISAN_CLIENT_ADDRESS_HEADER;
}
