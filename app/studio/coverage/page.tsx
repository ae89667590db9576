import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import type { CoverageFigures } from '@/lib/catalog/coverage';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { auditCoverage, currentCoverage, type CoverageAudit } from '@/lib/server/coverage';
import { COVERAGE_STATE_WORDS } from '@/lib/studio/words';
import { studioText as t } from '../text';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Mức độ bao phủ', robots: { index: false } };

/** A bar per row: published, then recorded-not-published, against the 80% and 100% targets. */
function Bars({ rows }: { rows: { name: string; f: CoverageFigures }[] }) {
  return (
    <ul className="grid gap-2">
      {rows.map(({ name, f }) => (
        <li key={name} className="grid grid-cols-[9rem_1fr_4rem] items-center gap-2 text-sm">
          <span className="truncate">{name}</span>
          <span className="relative h-4 rounded bg-ink/10" role="img" aria-label={`${name}: ${f.preservedPercent}% lưu giữ, ${f.publishedPercent}% công bố`}>
            <span className="absolute inset-y-0 left-0 rounded-l bg-moss" style={{ width: `${f.publishedPercent}%` }} />
            <span className="absolute inset-y-0 bg-turmeric" style={{ left: `${f.publishedPercent}%`, width: `${Math.max(0, f.preservedPercent - f.publishedPercent)}%` }} />
            <span className="absolute inset-y-[-3px] w-px bg-madder" style={{ left: '80%' }} />
          </span>
          <span className="text-right tabular-nums">{f.preservedPercent}%</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The figures come from the search index's aggregations (lib/server/coverage.ts), for staff: restricted and
 * unpublished records count. `?audit=1` (administrators) rebuilds them from every record in storage instead,
 * and lists the elements the index has wrong.
 */
export default async function CoveragePage({ searchParams }: { searchParams?: Promise<{ audit?: string | string[] }> } = {}) {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/coverage');
  const asked = (await searchParams)?.audit !== undefined;
  const mayAudit = mayPerform(viewer, 'view-audit-log');
  const audit: CoverageAudit | undefined = asked && mayAudit ? await auditCoverage() : undefined;
  const coverage = audit ? audit.storage : await currentCoverage('staff');
  const { vocab } = getArchive();
  const rows = <T extends string>(by: Record<T, CoverageFigures>, name: (k: T) => string) => (Object.entries(by) as [T, CoverageFigures][]).map(([k, f]) => ({ name: name(k), f }));
  return (
    <div className="max-w-3xl">
      <h1 className="text-2xl font-semibold">Mức độ bao phủ danh mục di sản</h1>
      <p className="mt-1 text-sm text-ink/70">
        Mục tiêu của tỉnh: 80% lễ hội, phong tục được số hóa lưu giữ (2023), 100% (2025). Xanh: đã công bố; vàng: đã ghi, chưa công bố; vạch đỏ: 80%.
      </p>
      <dl className="mt-4 flex flex-wrap gap-6" data-testid="coverage-overall">
        <div>
          <dt className="text-sm text-ink/60">Đã lưu giữ</dt>
          <dd className="text-3xl font-semibold">{coverage.overall.preservedPercent}%</dd>
        </div>
        <div>
          <dt className="text-sm text-ink/60">Đã công bố</dt>
          <dd className="text-3xl font-semibold">{coverage.overall.publishedPercent}%</dd>
        </div>
        <div>
          <dt className="text-sm text-ink/60">Số mục</dt>
          <dd className="text-3xl font-semibold">{coverage.overall.total}</dd>
        </div>
      </dl>
      {audit ? (
        <section className="mt-3 rounded border-l-4 border-turmeric bg-white p-3 text-sm" aria-labelledby="coverage-audit" data-testid="coverage-audit">
          <h2 id="coverage-audit" className="font-semibold">
            {t('coverage.auditTitle')}
          </h2>
          <p className="mt-1">{t('coverage.auditNote', { records: audit.records })}</p>
          {audit.differences.length === 0 ? (
            <p className="mt-1">{t('coverage.auditAgrees')}</p>
          ) : (
            <>
              <p className="mt-1 font-semibold text-madder">{t('coverage.auditDiffers', { count: audit.differences.length })}</p>
              <ul className="mt-1 list-disc pl-5">
                {audit.differences.map((d) => (
                  <li key={d.id}>{t('coverage.auditRow', { name: d.name.vi, index: COVERAGE_STATE_WORDS[d.index], storage: COVERAGE_STATE_WORDS[d.storage] })}</li>
                ))}
              </ul>
            </>
          )}
          <p className="mt-1">
            <Link href="/studio/coverage" className="inline-flex min-h-11 items-center underline">
              {t('coverage.backToIndex')}
            </Link>
          </p>
        </section>
      ) : (
        <p className="mt-3 text-sm text-ink/70" data-testid="coverage-source">
          {t('coverage.source')}{' '}
          {asked && !mayAudit && <strong className="text-ink">{t('coverage.auditAdminsOnly')} </strong>}
          {mayAudit && (
            <>
              <Link href="/studio/coverage?audit=1" className="inline-flex min-h-11 items-center underline">
                {t('coverage.auditLink')}
              </Link>{' '}
              {t('coverage.auditHint')}
            </>
          )}
        </p>
      )}
      <p className="mt-3">
        <a href={audit ? '/studio/coverage/csv?audit=1' : '/studio/coverage/csv'} className="inline-flex min-h-11 items-center underline" download>
          {audit ? t('coverage.csvAudit') : 'Tải bảng số liệu (CSV)'}
        </a>
      </p>
      <h2 className="mt-6 text-lg font-semibold">Theo cộng đồng</h2>
      <Bars rows={rows(coverage.byCommunity, (k) => vocab.ethnicGroups.find((g) => g.id === k)?.name.vi ?? k)} />
      <h2 className="mt-6 text-lg font-semibold">Theo huyện (cũ)</h2>
      <Bars rows={rows(coverage.byDistrict, (k) => vocab.districts.find((d) => d.id === k)?.name.vi ?? k)} />
      <h2 className="mt-6 text-lg font-semibold">Theo loại</h2>
      <Bars rows={rows(coverage.byType, (k) => vocab.recordTypes.find((t) => t.id === k)?.label.vi ?? k)} />
      <h2 className="mt-6 text-lg font-semibold">Danh mục</h2>
      <ul className="mt-2 grid gap-1 text-sm">
        {coverage.elements.map((e) => (
          <li key={e.id} className="flex justify-between gap-2 border-b border-ink/10 py-1">
            <span>{e.name.vi}</span>
            <span className={e.state === 'published' ? 'text-moss' : e.state === 'recorded' ? 'text-ink' : 'text-madder'}>{COVERAGE_STATE_WORDS[e.state]}</span>
          </li>
        ))}
      </ul>
      <p className="mt-6 text-sm">
        <Link href="/studio" className="inline-flex min-h-11 items-center underline">
          ← Studio
        </Link>
      </p>
    </div>
  );
}
