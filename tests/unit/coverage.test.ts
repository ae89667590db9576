import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { computeCoverage, coverageDifferences, coverageFromIndex } from '@/lib/catalog/coverage';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import type { ListQuery, SearchIndex } from '@/lib/search/types';
import { HeritageRecord, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { coverageCsv } from '@/lib/studio/coverage-csv';
import { auditCsv } from '@/lib/workflow/audit';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
const [first, second, third, fourth, fifth] = vocab.inventory;
const record = (id: string, overrides: Partial<RecordBodyInput>) => HeritageRecord.parse({ ...sampleBody({ slug: id, ...overrides }), id });

describe('inventory coverage', () => {
  const records = [
    record('aaaaaaaa', { inventoryElement: first!.id, status: 'published' }),
    record('bbbbbbbb', { inventoryElement: first!.id, status: 'draft' }),
    record('cccccccc', { inventoryElement: second!.id, status: 'published', access: { level: 'community', communities: ['co-tu'] } }),
    record('dddddddd', { inventoryElement: third!.id, status: 'withdrawn' }),
  ];
  const coverage = computeCoverage(vocab, records);

  it('counts an element published once any public record of it is published, recorded when only restricted or unpublished ones exist', () => {
    expect(coverage.elements.find((e) => e.id === first!.id)!.state).toBe('published');
    expect(coverage.elements.find((e) => e.id === second!.id)!.state).toBe('recorded');
    expect(coverage.elements.find((e) => e.id === third!.id)!.state).toBe('not-recorded');
    const n = vocab.inventory.length;
    expect(coverage.overall).toEqual({ total: n, published: 1, recorded: 1, preservedPercent: Math.round((1000 * 2) / n) / 10, publishedPercent: Math.round(1000 / n) / 10 });
    expect(coverage.targets).toEqual([{ year: 2023, preservedPercent: 80 }, { year: 2025, preservedPercent: 100 }]);
  });

  it('exports figures and elements as CSV a spreadsheet opens with Vietnamese intact', () => {
    const csv = coverageCsv(coverage, vocab);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.slice(1), { relax_column_count: true }) as string[][];
    expect(rows[1]!.slice(0, 4)).toEqual(['overall', 'all', 'Toàn tỉnh', String(vocab.inventory.length)]);
    expect(rows.some((r) => r[0] === 'community' && r[2] === 'Cơ Tu')).toBe(true);
    expect(rows.filter((r) => r[0] === 'element')).toHaveLength(vocab.inventory.length + 1);
    expect(auditCsv([{ at: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'publish', recordId: 'x', comment: 'có dấu, phẩy' }])).toContain('"có dấu, phẩy"');
  });
});

describe('inventory coverage from the index', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-coverage-'));
  const index = EmbeddedSearchIndex.open({ dir, synonyms: [] });
  afterAll(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const records = [
    record('aaaaaaaa', { inventoryElement: first!.id, status: 'published' }),
    record('bbbbbbbb', { inventoryElement: first!.id, status: 'draft' }),
    record('cccccccc', { inventoryElement: second!.id, status: 'published', access: { level: 'community', communities: ['co-tu'] } }),
    record('dddddddd', { inventoryElement: third!.id, status: 'withdrawn' }),
    record('eeeeeeee', { inventoryElement: fourth!.id, status: 'submitted' }),
    record('ffffffff', { inventoryElement: fifth!.id, status: 'published', access: { level: 'registered', communities: [] } }),
    record('gggggggg', { status: 'published' }),
  ];

  it('gives the figures the records give, for staff (restricted records count) and for the public (they do not)', async () => {
    await index.upsert(records.map((r) => toSearchDocument(r, vocab)));
    const asked: ListQuery[] = [];
    const counting: Pick<SearchIndex, 'list'> = { list: (q) => (asked.push(q), index.list(q)) };
    const staff = await coverageFromIndex(counting, vocab, 'staff');
    expect(staff).toEqual(computeCoverage(vocab, records, 'staff'));
    expect(staff).toEqual(computeCoverage(vocab, records));
    const state = (c: typeof staff, id: string) => c.elements.find((e) => e.id === id)!.state;
    expect([first, second, third, fourth, fifth].map((e) => state(staff, e!.id))).toEqual(['published', 'recorded', 'not-recorded', 'recorded', 'recorded']);
    // Aggregations only: no query asks for a record.
    expect(asked.every((q) => q.limit === 0 && q.facets?.includes('element'))).toBe(true);

    const open = await coverageFromIndex(index, vocab, 'public');
    expect(open).toEqual(computeCoverage(vocab, records, 'public'));
    expect([first, second, third, fourth, fifth].map((e) => state(open, e!.id))).toEqual(['published', 'not-recorded', 'not-recorded', 'recorded', 'not-recorded']);
    expect(coverageDifferences(open, staff).map((d) => d.id)).toEqual([second!.id, fifth!.id]);
    expect(coverageDifferences(staff, staff)).toEqual([]);
  });
});
