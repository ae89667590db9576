/**
 * "Builds the site if needed": the production build (`next build --webpack`,
 * as `npm run build`) runs only when .next/BUILD_ID is missing or older than
 * the newest file it is built from.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../../tests/helpers/cli';

/** What the build is made from: the app, its libraries, their configuration and the locked dependencies. */
const BUILD_INPUTS = ['app', 'lib', 'proxy.ts', 'middleware.ts', 'next.config.js', 'next.config.ts', 'postcss.config.mjs', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newest(file: string, found: { file: string; mtimeMs: number }): void {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file)) if (entry !== 'node_modules' && !entry.startsWith('.')) newest(path.join(file, entry), found);
  } else if (stat.mtimeMs > found.mtimeMs) {
    found.file = file;
    found.mtimeMs = stat.mtimeMs;
  }
}

export interface BuildState {
  exists: boolean;
  /** The newest build input when it is newer than the build. */
  staleBecause?: string;
  builtAt?: Date;
}

export function buildState(root: string): BuildState {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return { exists: false };
  const builtAt = statSync(buildId).mtime;
  const found = { file: '', mtimeMs: 0 };
  for (const input of BUILD_INPUTS) newest(path.join(root, input), found);
  return { exists: true, builtAt, staleBecause: found.mtimeMs > builtAt.getTime() ? path.relative(root, found.file) : undefined };
}

/** Runs `next build --webpack` in `root`, its output on our stderr (stdout stays the benchmark's report). */
export function runBuild(root: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'next'), ['build', '--webpack'], {
      cwd: root,
      env: childEnv({ NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }),
      stdio: ['ignore', process.stderr, process.stderr],
      signal,
      killSignal: 'SIGTERM',
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`next build --webpack exited ${code}`))));
  });
}
