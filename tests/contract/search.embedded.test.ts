import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { demoSynonyms, searchContract } from './search.contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

searchContract('embedded (SQLite FTS5)', async () => EmbeddedSearchIndex.open({ dir, synonyms: demoSynonyms }));
