/**
 * Seeds a fresh data folder with the demo content and starts the production
 * server (`next start`, built beforehand by `next build`) on a free loopback
 * port; stops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { UserStore } from '../../lib/auth/users';
import { LocalObjectStore } from '../../lib/storage/local';
import { ROOT, runScript } from '../helpers/cli';

export const E2E_PASSWORD = 'mat-khau-thu-nghiem';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} did not answer within 60 s: ${output()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npm run build` first (npm run test:all does)');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'disan-e2e-'));
  const seeded = await runScript('scripts/seed.ts', [], { DATA_DIR: dataDir });
  if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stdout}\n${seeded.stderr}`);
  const derived = await runScript('scripts/derive.ts', ['--all'], { DATA_DIR: dataDir });
  if (derived.code !== 0) throw new Error(`deriving failed: ${derived.stdout}\n${derived.stderr}`);
  // Documents' extracted text is searchable once derived: rebuild the index as the quick start does.
  const reindexed = await runScript('scripts/reindex.ts', [], { DATA_DIR: dataDir });
  if (reindexed.code !== 0) throw new Error(`reindexing failed: ${reindexed.stdout}\n${reindexed.stderr}`);
  // A member of the Cơ Tu community, to check community protocols end to end.
  const users = new UserStore(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
  await users.create({ username: 'thanh-vien-co-tu', displayName: 'Thành viên Cơ Tu', roles: ['researcher'], communities: ['co-tu'], password: E2E_PASSWORD });
  await users.create({ username: 'can-bo', displayName: 'Cán bộ văn hóa', roles: ['officer'], communities: [], password: E2E_PASSWORD });
  await users.create({ username: 'nguoi-duyet', displayName: 'Người duyệt', roles: ['reviewer'], communities: [], password: E2E_PASSWORD });
  const port = await freePort();
  let output = '';
  const server = spawn(path.join(ROOT, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1', SITE_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForServer(baseUrl, server, () => output);
  project.provide('baseUrl', baseUrl);
  project.provide('dataDir', dataDir);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    await rm(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
  }
}
