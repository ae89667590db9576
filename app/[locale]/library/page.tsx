/**
 * The e-library of ethnic-affairs documents: laws, decrees, decisions and
 * plans that govern heritage work, filtered by kind, issuer and year. The
 * filters are a GET form, so every view is a link and works without scripts.
 */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Localized } from '@/app/_components/localized';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { documentKindLabel } from '@/lib/records/labels';
import type { HeritageRecord } from '@/lib/records/schema';
import { fold } from '@/lib/search/text';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('library.title'), description: t('library.intro'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/library') };
}

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim().slice(0, 200);
const issuerOf = (r: HeritageRecord) => r.document?.issuer.vi ?? '';
const yearOf = (r: HeritageRecord) => r.document?.issuedOn.slice(0, 4) ?? '';

const FIELD = 'w-full rounded border border-ink/40 bg-white px-2 py-2';

/** One labelled filter: "any" first, then the values present in the library. */
function FilterSelect({ name, label, any, value, options }: { name: string; label: string; any: string; value: string; options: [string, string][] }) {
  return (
    <div>
      <label htmlFor={`lib-${name}`} className="block text-sm font-medium">{label}</label>
      <select id={`lib-${name}`} name={name} defaultValue={value} className={FIELD}>
        <option value="">{any}</option>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>{text}</option>
        ))}
      </select>
    </div>
  );
}

export default async function LibraryPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const filters = await searchParams;
  const kind = one(filters.kind);
  const issuer = one(filters.issuer);
  const year = one(filters.year);
  const q = one(filters.q);
  const { vocab, records } = getArchive();
  const documents = (await listVisibleRecords(records, ANONYMOUS)).map((s) => s.record).filter((r) => r.type === 'document' && r.document);
  const folded = fold(q);
  const shown = documents
    .filter((r) => !kind || r.document!.kind === kind)
    .filter((r) => !issuer || issuerOf(r) === issuer)
    .filter((r) => !year || yearOf(r) === year)
    .filter((r) => !q || fold(`${r.document!.number} ${r.title.vi} ${r.title.en ?? ''}`).includes(folded))
    .sort((a, b) => b.document!.issuedOn.localeCompare(a.document!.issuedOn));
  const kinds = vocab.documentKinds.filter((k) => documents.some((r) => r.document!.kind === k.id));
  const issuers = [...new Map(documents.map((r) => [issuerOf(r), r.document!.issuer])).entries()].sort(([a], [b]) => a.localeCompare(b, 'vi'));
  const years = [...new Set(documents.map(yearOf))].sort().reverse();

  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('library.title')}</h1>
      <p className="mt-2 max-w-prose text-ink/85">{t('library.intro')}</p>

      <form method="get" className="mt-4 grid gap-3 rounded-lg border border-ink/15 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end" aria-label={t('library.filters')}>
        <div className="lg:col-span-2">
          <label htmlFor="lib-q" className="block text-sm font-medium">{t('library.q')}</label>
          <input id="lib-q" name="q" type="search" defaultValue={q} className={FIELD} placeholder={t('library.qPlaceholder')} />
        </div>
        <FilterSelect name="kind" label={t('library.kind')} any={t('library.any')} value={kind} options={kinds.map((k) => [k.id, pick(k.label, locale).text])} />
        <FilterSelect name="issuer" label={t('library.issuer')} any={t('library.any')} value={issuer} options={issuers.map(([value, name]) => [value, pick(name, locale).text])} />
        <FilterSelect name="year" label={t('library.year')} any={t('library.any')} value={year} options={years.map((y) => [y, y])} />
        <div className="flex gap-3 sm:col-span-2 lg:col-span-5">
          <button className="rounded bg-ink px-4 py-2 font-semibold text-bone">{t('library.apply')}</button>
          {(kind || issuer || year || q) && (
            <Link href="/library" className="self-center text-sm underline">{t('search.clearAll')}</Link>
          )}
        </div>
      </form>

      <p className="mt-4 text-sm text-ink/80" data-testid="library-total" role="status">
        {t('library.total', { count: shown.length })}
      </p>
      {shown.length === 0 ? (
        <p className="mt-4">{t('library.empty')}</p>
      ) : (
        <ol className="mt-3 divide-y divide-ink/10 rounded-lg border border-ink/15 bg-white" data-testid="library-list">
          {shown.map((r) => (
            <li key={r.id} className="p-4">
              <p className="text-xs uppercase tracking-wide text-madder">
                {documentKindLabel(vocab, r.document!.kind, locale)} · {r.document!.issuedOn}
              </p>
              <h2 className="mt-1 font-semibold leading-snug">
                <Link href={`/records/${r.id}/${r.slug}`} className="hover:underline">
                  {r.document!.number} – <Localized value={r.title} locale={locale} />
                </Link>
              </h2>
              <p className="text-sm text-ink/80">
                <Localized value={r.document!.issuer} locale={locale} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
