import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { AuditLog, type AuditEvent } from '@/lib/workflow/audit';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { auditActionWord, formatDateTime } from '@/lib/studio/words';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Nhật ký', robots: { index: false } };

export default async function AuditPage() {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/audit');
  if (!mayPerform(viewer, 'view-audit-log')) notFound();
  const events: AuditEvent[] = [];
  for await (const e of new AuditLog(getArchive().store).events()) events.push(e);
  return (
    <div className="min-w-0">
      <p className="text-sm">
        <Link href="/studio" className="inline-flex min-h-11 items-center underline">
          ← Studio
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Nhật ký thao tác</h1>
      <p className="mt-1 text-sm text-ink/70">Giờ Việt Nam (UTC+7), mới nhất trước.</p>
      <p className="mt-2">
        <a href="/studio/audit/csv" className="inline-flex min-h-11 items-center underline" download>
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
            <tr key={i} className="border-t border-ink/10 align-top">
              <td className="py-1 pr-2">
                <time dateTime={e.at}>{formatDateTime(e.at, { seconds: true })}</time>
              </td>
              <td className="pr-2 wrap-anywhere">{e.actor}</td>
              <td className="pr-2 wrap-anywhere">
                {auditActionWord(e.action)}
                {typeof e.detail?.from === 'number' && ` (từ phiên bản ${e.detail.from})`}
                {typeof e.detail?.element === 'string' && ` (${e.detail.element})`}
                {e.comment && <span className="block text-xs text-ink/60">{e.comment}</span>}
              </td>
              <td className="pr-2">
                {e.recordId && (
                  <Link href={`/studio/records/${e.recordId}`} className="inline-flex min-h-11 items-center underline">
                    {e.recordId}
                    {e.version !== undefined && ` v${e.version}`}
                  </Link>
                )}
              </td>
              <td className="hidden wrap-anywhere sm:table-cell">{e.address ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
