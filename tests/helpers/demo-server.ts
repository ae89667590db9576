/**
 * The production server on the demo content, for end-to-end tests and
 * benchmarks: seed a data folder (seed → derive --all → reindex, as the quick
 * start does), start the production server (`npm start`) on a free loopback port with SITE_URL set,
 * stop it again. Needs a production build (`npm run build`) in ROOT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT, type CliResult } from './cli';

export function hasProductionBuild(root: string = ROOT): boolean {
  return existsSync(path.join(root, '.next', 'BUILD_ID'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs a script under tsx with the environment `runScript` (./cli) gives; an abort kills it. */
function runStep(script: string, args: string[], env: Record<string, string>, signal?: AbortSignal): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CONTENT_DIR: path.join(ROOT, 'content'), ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGTERM',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Seeds the demo records with their generated media, derives every
 * derivative and rebuilds the search index (~1.5 min on 2 cores).
 * Aborting `signal` stops the running step and rejects.
 */
export async function seedDemoData(dataDir: string, options: { log?: (step: string) => void; signal?: AbortSignal; derive?: boolean } = {}): Promise<void> {
  const steps: [string, string, string[]][] = [
    ['seeding', 'scripts/seed.ts', []],
    ...(options.derive === false ? [] : [['deriving', 'scripts/derive.ts', ['--all']] as [string, string, string[]]]),
    // Documents' extracted text is searchable once derived: rebuild the index as the quick start does.
    ['reindexing', 'scripts/reindex.ts', []],
  ];
  for (const [name, script, args] of steps) {
    options.signal?.throwIfAborted();
    options.log?.(name);
    const result = await runStep(script, args, { DATA_DIR: dataDir }, options.signal);
    if (result.code !== 0) throw new Error(`${name} failed (${script} exited ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Stops the server (and anything it started); safe to call twice. */
  stop(): Promise<void>;
}

async function waitForServer(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} did not answer within ${timeoutMs / 1000} s: ${output()}`);
}

/** Starts the production server (scripts/serve.ts) on 127.0.0.1 with the given data folder; resolves once it answers. */
export async function startServer(options: { dataDir: string; root?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunningServer> {
  const root = options.root ?? ROOT;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  // Its own process group, so stopping it also stops any worker it forks.
  // The production server as `npm start` runs it (scripts/serve.ts: Next behind the client-address resolver).
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'scripts/serve.ts')], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', DATA_DIR: options.dataDir, NEXT_TELEMETRY_DISABLED: '1', SITE_URL: baseUrl, PORT: String(port), HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForServer(baseUrl, child, () => output, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, port, output: () => output, stop };
}

export interface SearchApiHit {
  id: string;
  slug: string;
  type: string;
  title: { vi: string; en?: string };
}

/**
 * A public record with a video, through the search API (`media=video` is the
 * media-kind facet): the first hit for `q`, else any record with a video.
 */
export async function findVideoRecord(baseUrl: string, q = 'le hoi dam trau'): Promise<SearchApiHit> {
  for (const params of [{ q, media: 'video' }, { media: 'video' }] as Record<string, string>[]) {
    const url = `${baseUrl}/api/v1/search?${new URLSearchParams(params)}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const body = (await response.json()) as { hits: SearchApiHit[] };
    if (body.hits[0]) return body.hits[0];
  }
  throw new Error('no public demo record has a video: is ffmpeg (with libx264/aac) installed? Without it the seed makes images only');
}
