/**
 * Seeds a fresh data folder with the demo content (seed, derive, reindex, as
 * the quick start does), adds test accounts, and starts the production
 * server (`next start`, built beforehand by `npm run build`) on a free
 * loopback port; stops it afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { UserStore } from '../../lib/auth/users';
import { LocalObjectStore } from '../../lib/storage/local';
import { hasProductionBuild, seedDemoData, startServer } from '../helpers/demo-server';

export const E2E_PASSWORD = 'mat-khau-thu-nghiem';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasProductionBuild()) throw new Error('no production build: run `npm run build` first (npm run test:all does)');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'disan-e2e-'));
  await seedDemoData(dataDir);
  const users = new UserStore(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
  // A member of the Cơ Tu community, to check community protocols end to end.
  await users.create({ username: 'thanh-vien-co-tu', displayName: 'Thành viên Cơ Tu', roles: ['researcher'], communities: ['co-tu'], password: E2E_PASSWORD });
  await users.create({ username: 'can-bo', displayName: 'Cán bộ văn hóa', roles: ['officer'], communities: [], password: E2E_PASSWORD });
  await users.create({ username: 'nguoi-duyet', displayName: 'Người duyệt', roles: ['reviewer'], communities: [], password: E2E_PASSWORD });
  const server = await startServer({ dataDir });
  project.provide('baseUrl', server.baseUrl);
  project.provide('dataDir', dataDir);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
  }
}
