/**
 * deploy/compose.yaml stays true to the code: every variable it sets for the
 * archive's processes (web, worker) is one lib/config.ts reads — a misspelt or
 * removed setting would otherwise be ignored in silence — and the services of
 * the topology are there. Parsed as Compose reads it (YAML merge keys).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '@/lib/config';
import { ROOT } from '../helpers/cli';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
}
type Compose = { services: Record<string, Service> };

const compose = parse(readFileSync(path.join(ROOT, 'deploy/compose.yaml'), 'utf8'), { merge: true }) as Compose;

/** The names a service's environment sets, in either of Compose's forms (map, or list of NAME=value). */
function variablesOf(service: Service): string[] {
  const env = service.environment ?? {};
  return Array.isArray(env) ? env.map((entry) => entry.split('=')[0]!) : Object.keys(env);
}

/** Variables that lib/config.ts does not read. */
function unknownVariables(names: string[]): string[] {
  const known = new Set(Object.keys(EnvSchema.shape));
  return names.filter((name) => !known.has(name));
}

describe('deploy/compose.yaml', () => {
  it('has the topology: a proxy, web and worker from one image, Redis, Meilisearch, an S3 store and its bucket step', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['proxy', 'web', 'worker', 'redis', 'meilisearch', 'minio', 'bucket']));
    const { web, worker } = compose.services;
    expect(web!.command).toEqual(['npm', 'start']);
    expect(worker!.command).toEqual(['npm', 'run', 'worker']);
    expect(web!.image).toBe(worker!.image);
    expect(web!.depends_on).toMatchObject({ bucket: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
  });

  it.each(['web', 'worker'])('%s sets only variables lib/config.ts reads, and the ones the topology needs', (name) => {
    const names = variablesOf(compose.services[name]!);
    expect(unknownVariables(names)).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['STORAGE_DRIVER', 'S3_BUCKET', 'SEARCH_DRIVER', 'MEILI_HOST', 'REDIS_URL', 'DATA_DIR']));
  });

  it('the check reports a variable lib/config.ts does not read (in both environment forms)', () => {
    expect(unknownVariables(variablesOf({ environment: { REDIS_URL: 'redis://x', REDIS_URI: 'redis://x' } }))).toEqual(['REDIS_URI']);
    expect(unknownVariables(variablesOf({ environment: ['MEDIA_WORKERS=1', 'MEDIA_WORKER=1'] }))).toEqual(['MEDIA_WORKER']);
  });

  it('the web servers do not transcode, and believe forwarding headers from the proxy only', () => {
    const env = compose.services.web!.environment as Record<string, string>;
    expect(env.MEDIA_WEB_WORKER).toBe('false');
    expect(env.TRUST_PROXY).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const proxy = compose.services.proxy as Service & { networks: Record<string, { ipv4_address: string }> };
    expect(Object.values(proxy.networks).map((n) => n.ipv4_address)).toContain(env.TRUST_PROXY);
  });
});
