import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { catalogContract } from './catalog.contract';
import { demoSynonyms } from './search.contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

catalogContract('embedded (SQLite FTS5)', async () => EmbeddedSearchIndex.open({ dir, synonyms: demoSynonyms }));
