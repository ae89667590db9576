import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { CSV_COLUMNS } from '@/lib/records/importer';
import { readReport } from '@/lib/studio/bulk-import';
import { formatDateTime, importFieldWords, importMessageWords } from '@/lib/studio/words';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { confirmImport } from '../actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Kết quả nhập', robots: { index: false } };

const STATUS = { created: 'tạo mới', updated: 'cập nhật', unchanged: 'không đổi', invalid: 'có lỗi' } as const;

export default async function ImportReportPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/import');
  const { id } = await params;
  // Only the person who staged the import sees its report; to anyone else it does not exist.
  const report = await readReport(getArchive(), id, viewer);
  if (!report) notFound();
  const invalid = report.outcomes.filter((o) => o.status === 'invalid');
  const problems = invalid.flatMap((o) => o.problems.map((p) => ({ source: o.source, ...p })));
  return (
    <div className="max-w-3xl">
      <h1 className="text-2xl font-semibold">{report.dryRun ? 'Kết quả kiểm tra' : 'Đã nhập'}</h1>
      <p className="text-sm text-ink/70">
        <time dateTime={report.at}>{formatDateTime(report.at)}</time>
      </p>
      <p className="mt-2 text-sm" data-testid="import-summary">
        {(['created', 'updated', 'unchanged', 'invalid'] as const).map((s) => `${report.outcomes.filter((o) => o.status === s).length} ${STATUS[s]}`).join(' · ')}
      </p>
      {problems.length > 0 && (
        <table className="mt-4 w-full text-sm" data-testid="import-problems">
          <thead>
            <tr className="text-left text-ink/60">
              <th className="font-normal">Dòng</th>
              <th className="font-normal">Cột</th>
              <th className="font-normal">Lỗi</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i} className="border-t border-ink/10 align-top">
                <td className="py-1 pr-2 whitespace-nowrap">{p.source.replace(/^.* row /, '')}</td>
                <td className="pr-2 wrap-anywhere">{importFieldWords(p.field, CSV_COLUMNS)}</td>
                <td className="wrap-anywhere">{importMessageWords(p.message)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.dryRun && invalid.length === 0 && (
        <form action={confirmImport} className="mt-6">
          <input type="hidden" name="id" value={report.id} />
          <button className="min-h-11 rounded bg-ink px-4 py-2 font-semibold text-bone">Nhập {report.outcomes.length} hồ sơ</button>
        </form>
      )}
      {report.dryRun && invalid.length > 0 && <p className="mt-4 text-sm">Sửa các lỗi trong CSV rồi <Link href="/studio/import" className="inline-flex min-h-11 items-center underline">kiểm tra lại</Link>. Chưa có gì được ghi vào kho.</p>}
      {!report.dryRun && (
        <ul className="mt-4 text-sm">
          {report.outcomes.map((o) => (
            <li key={o.source}>
              {o.id ? <Link href={`/studio/records/${o.id}`} className="inline-flex min-h-11 items-center underline wrap-anywhere">{o.slug}</Link> : o.slug} – {STATUS[o.status]}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
