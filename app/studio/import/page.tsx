import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { currentViewer } from '@/lib/server/auth';
import { checkImport } from './actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Nhập hàng loạt', robots: { index: false } };

export default async function ImportPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/import');
  // The action refuses too (before writing anything); this only spares the person a useless form.
  if (!mayPerform(viewer, 'create')) return <p>Tài khoản của bạn không nhập được hồ sơ. / Your account cannot import records.</p>;
  const { error } = await searchParams;
  return (
    <div className="max-w-2xl">
      <h1 className="text-2xl font-semibold">Nhập hồ sơ hàng loạt</h1>
      <p className="mt-2 text-sm text-ink/70">
        Điền <a href="/studio/import/template.csv" className="underline">bảng mẫu CSV</a> (mỗi dòng một hồ sơ; cột <code>files</code> liệt kê tên tệp, cách nhau bởi dấu ;) và nén các tệp vào một tệp ZIP. Bước đầu chỉ kiểm tra và báo lỗi theo dòng và cột; chưa ghi gì vào kho.
      </p>
      {error && (
        <p role="alert" className="mt-4 rounded border-l-4 border-madder bg-white p-3 text-sm">
          {error === 'csv' ? 'Hãy chọn tệp CSV. / Choose a CSV file.' : error}
        </p>
      )}
      <form action={checkImport} className="mt-6 grid gap-4">
        <label className="grid gap-1 text-sm">
          Tệp CSV
          <input type="file" name="csv" accept=".csv,text/csv" required className="min-h-11 w-full min-w-0 rounded border border-ink/30 bg-white p-2 text-sm" />
        </label>
        <label className="grid gap-1 text-sm">
          Tệp ZIP chứa ảnh, ghi âm, video (không bắt buộc)
          <input type="file" name="zip" accept=".zip,application/zip" className="min-h-11 w-full min-w-0 rounded border border-ink/30 bg-white p-2 text-sm" />
        </label>
        <button className="min-h-11 justify-self-start rounded bg-ink px-4 py-2 font-semibold text-bone">Kiểm tra</button>
      </form>
    </div>
  );
}
