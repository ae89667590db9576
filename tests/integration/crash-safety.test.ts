/**
 * Kills a writer with SIGKILL at random moments, many times, and checks after
 * each kill that every committed version is whole and readable, that fsck
 * finds no damage (only leftovers), and that fsck --repair leaves a clean
 * archive the next writer can continue on.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsck } from '@/lib/records/fsck';
import { ROOT } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';

const KILLS = 24;
let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

function runAndKill(seed: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // node with tsx as a loader (not the tsx wrapper), so SIGKILL hits the writer itself.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/helpers/crash-writer.ts'), archive.dir, path.join(ROOT, 'content'), String(seed)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early (${code}): ${stderr}`))));
  });
}

async function verifyEveryCommittedVersion(): Promise<number> {
  let files = 0;
  for await (const id of archive.records.ids()) {
    const head = await archive.records.get(id);
    if (!head) continue; // creation never committed: invisible, as it should be
    for (const v of head.versions) {
      const stored = await archive.records.require(id, v.number);
      for (const media of stored.record.media) {
        const { body } = await archive.records.openFile(id, media.path, { version: v.number });
        const hash = createHash('sha512');
        for await (const chunk of body) hash.update(chunk as Buffer);
        expect(hash.digest('hex'), `${id} v${v.number} ${media.path}`).toBe(media.digest);
        files++;
      }
    }
  }
  return files;
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs during imports, creates and updates`, async () => {
    let leftoversSeen = 0;
    for (let i = 0; i < KILLS; i++) {
      await runAndKill(i, 20 + Math.floor(Math.random() * 700));
      const check = await fsck(archive.store);
      expect(check.findings.filter((f) => f.severity === 'error')).toEqual([]);
      leftoversSeen += check.findings.length;
      await verifyEveryCommittedVersion();
      const repaired = await fsck(archive.store, { repair: true });
      expect(repaired.unresolved).toBe(0);
      expect((await fsck(archive.store)).findings).toEqual([]);
    }
    const files = await verifyEveryCommittedVersion();
    const summary = await fsck(archive.store);
    console.info(`[crash-safety] ${KILLS} kills, ${summary.records} records, ${files} file versions verified, ${leftoversSeen} leftovers found and repaired`);
    expect(summary.records).toBeGreaterThan(5);
  }, 240_000);
});
