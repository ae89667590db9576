/**
 * The adversarial suite's server: the demo content (seeded, indexed; media
 * derivatives are not needed to attack the archive, so they are skipped to
 * save a minute), accounts of every role in two communities, and the
 * production server on a free loopback port. Needs `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { UserStore } from '../../lib/auth/users';
import { LocalObjectStore } from '../../lib/storage/local';
import { hasProductionBuild, seedDemoData, startServer } from '../helpers/demo-server';
import { ACCOUNTS, PASSWORD } from './accounts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasProductionBuild()) throw new Error('no production build: run `npm run build` first (npm run test:security and test:all do)');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'disan-security-'));
  await seedDemoData(dataDir, { derive: false });
  const users = new UserStore(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
  for (const account of Object.values(ACCOUNTS)) await users.create({ ...account, password: PASSWORD });
  const server = await startServer({ dataDir });
  project.provide('securityBaseUrl', server.baseUrl);
  project.provide('securityDataDir', dataDir);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    securityBaseUrl: string;
    securityDataDir: string;
  }
}
