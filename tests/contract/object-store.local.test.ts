import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalObjectStore } from '@/lib/storage/local';
import { objectStoreContract } from './object-store.contract';

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else out.push(path.relative(base, full));
  }
  return out.sort();
}

objectStoreContract('local', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'disan-local-'));
  const store = new LocalObjectStore({ root: path.join(dir, 'store'), tmpDir: path.join(dir, 'tmp') });
  return {
    store,
    // Everything under the data folder, including what a traversal would write outside the store.
    rawKeys: () => walk(dir),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});
