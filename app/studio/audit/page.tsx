import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { AuditLog, type AuditEvent } from '@/lib/workflow/audit';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Nhật ký', robots: { index: false } };

export default async function AuditPage() {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/audit');
  if (!mayPerform(viewer, 'view-audit-log')) notFound();
  const events: AuditEvent[] = [];
  for await (const e of new AuditLog(getArchive().store).events()) events.push(e);
  return (
    <div>
      <h1 className="text-2xl font-semibold">Nhật ký thao tác</h1>
      <p className="mt-2">
        <a href="/studio/audit/csv" className="underline" download>
          Xuất CSV
        </a>
      </p>
      <table className="mt-4 w-full text-sm">
        <thead>
          <tr className="text-left text-ink/60">
            <th className="font-normal">Thời gian</th>
            <th className="font-normal">Người</th>
            <th className="font-normal">Thao tác</th>
            <th className="font-normal">Hồ sơ</th>
            <th className="font-normal hidden sm:table-cell">Từ</th>
          </tr>
        </thead>
        <tbody>
          {events.reverse().map((e, i) => (
            <tr key={i} className="border-t border-ink/10">
              <td className="py-1">{e.at.slice(0, 19).replace('T', ' ')}</td>
              <td>{e.actor}</td>
              <td>
                {e.action}
                {e.comment && <span className="block text-xs text-ink/60">{e.comment}</span>}
              </td>
              <td>{e.recordId ? `${e.recordId} v${e.version ?? ''}` : ''}</td>
              <td className="hidden sm:table-cell">{e.address ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
