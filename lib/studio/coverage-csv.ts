/** The coverage export as CSV (the audit log's is lib/workflow/audit.ts), through the one CSV writer (BOM, cells that cannot run as formulas). */
import { toCsv, type CsvCell } from '../http/csv';
import type { Coverage } from '../catalog/coverage';
import type { Vocabularies } from '../records/vocabularies';

export function coverageCsv(coverage: Coverage, vocab: Vocabularies): string {
  const rows: CsvCell[][] = [['nhóm / group', 'mục / key', 'tên / name', 'tổng / total', 'đã ghi / recorded', 'đã công bố / published', '% lưu giữ / preserved', '% công bố / published']];
  const add = (group: string, key: string, name: string, f: Coverage['overall']) => rows.push([group, key, name, f.total, f.recorded, f.published, f.preservedPercent, f.publishedPercent]);
  add('overall', 'all', 'Toàn tỉnh', coverage.overall);
  for (const [k, f] of Object.entries(coverage.byCommunity)) add('community', k, vocab.ethnicGroups.find((g) => g.id === k)?.name.vi ?? k, f);
  for (const [k, f] of Object.entries(coverage.byDistrict)) add('district', k, vocab.districts.find((d) => d.id === k)?.name.vi ?? k, f);
  for (const [k, f] of Object.entries(coverage.byType)) add('type', k, vocab.recordTypes.find((t) => t.id === k)?.label.vi ?? k, f);
  rows.push([]);
  rows.push(['element', 'id', 'tên / name', 'loại / type', 'trạng thái / state', 'cộng đồng / communities', 'huyện / districts']);
  for (const e of coverage.elements) rows.push(['element', e.id, e.name.vi, e.type, e.state, e.ethnicGroups.join(';'), e.districts.join(';')]);
  return toCsv(rows);
}
