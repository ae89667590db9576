/** A throwaway archive on a local store in a temporary folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RecordRepository } from '@/lib/records/repository';
import type { RecordBodyInput } from '@/lib/records/schema';
import { LocalObjectStore } from '@/lib/storage/local';
import type { ObjectStore } from '@/lib/storage';

export interface TempArchive {
  dir: string;
  store: ObjectStore;
  records: RecordRepository;
  /** Every key in the store, sorted. */
  keys(prefix?: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function tempArchive(): Promise<TempArchive> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'disan-archive-'));
  const store = new LocalObjectStore({ root: path.join(dir, 'store'), tmpDir: path.join(dir, 'tmp') });
  return {
    dir,
    store,
    records: new RecordRepository(store),
    async keys(prefix = '') {
      const out: string[] = [];
      for await (const item of store.list(prefix)) out.push(item.key);
      return out;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function sampleBody(overrides: Partial<RecordBodyInput> = {}): RecordBodyInput {
  return {
    slug: 'le-hoi-dam-trau',
    type: 'festival',
    title: { vi: 'Lễ hội đâm trâu của người Cơ Tu', en: 'Buffalo sacrifice festival of the Cơ Tu' },
    description: { vi: 'Lễ hội lớn nhất trong năm của làng Cơ Tu.', en: 'The largest festival of the Cơ Tu village year.' },
    ethnicGroups: ['co-tu'],
    places: [{ district: 'nam-giang' }],
    rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
    access: { level: 'public', communities: [] },
    status: 'draft',
    ...overrides,
  };
}

export const operator = { name: 'test officer', address: 'mailto:officer@example.org' };
