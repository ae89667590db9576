/** Runs the archive CLI as a user would, in a child process with its own environment. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a child process of ours gets: PATH and HOME from ours, the content folder, and `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CONTENT_DIR: path.join(ROOT, 'content'), ...env } as unknown as NodeJS.ProcessEnv;
}

export function runScript(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function runArchiveCli(args: string[], dataDir: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runScript('scripts/archive.ts', args, { DATA_DIR: dataDir, ...env });
}

/**
 * `npm run worker` as a separate process: node with tsx as a loader (not the tsx wrapper), so that a SIGKILL hits
 * the worker itself. Its output is collected; `exited` resolves with how it ended.
 */
export function startWorkerProcess(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/worker.ts'), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}
