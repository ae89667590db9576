/**
 * No request reads the whole store: pages, feeds, OAI-PMH, the sitemap and
 * the API answer from the index's catalog (SearchIndex.list). A scan of
 * every record costs ~1 ms a record on a local disk (10 s at 10,000) and far
 * more on S3; it is for reindex, fsck, exports and the coverage audit.
 *
 * This reads the code that serves requests (app/ and the lib/ folders only
 * requests use) for calls that walk every record. A deliberate scan (the
 * coverage audit an admin asks for) carries `store-scan: <why>` on its line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REQUEST_CODE = ['app', 'lib/api', 'lib/oai', 'lib/feeds', 'lib/server', 'lib/iiif', 'proxy.ts'];
/** Calls that visit every record (or every key) in storage. */
const WHOLE_STORE = [/\blistAllRecords\s*\(/, /\blistVisibleRecords\s*\(/, /\bloadOaiItems\s*\(/, /\brecords\.ids\s*\(/, /\.ids\(\)/, /\bstore\.list\s*\(/, /\breadAll\s*\(/];

function sources(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return fs.readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|tsx)$/.test(name))
    .map((name) => path.join(full, name));
}

describe('request paths', () => {
  const files = REQUEST_CODE.flatMap(sources);

  it('are found (the check reads real code)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith(path.join('app', '[locale]', 'page.tsx')))).toBe(true);
  });

  it('never scan the whole store', () => {
    const offending: string[] = [];
    for (const file of files) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.includes('store-scan:')) return;
          if (WHOLE_STORE.some((pattern) => pattern.test(line))) offending.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });
});
