/**
 * The e-library of ethnic-affairs documents: laws, decrees, decisions and
 * plans that govern heritage work, filtered by kind, issuer and year. The
 * filters are a GET form, so every view is a link and works without scripts.
 * The list, its pages (`?page=2`) and the filters' choices are the index's
 * (a page of documents and facet counts), never a read of every record.
 */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { listPage, pageNumber } from '@/app/_components/list-page';
import { Localized } from '@/app/_components/localized';
import { Pager } from '@/app/_components/pager';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { documentKindLabel } from '@/lib/catalog/labels';
import type { HeritageRecord } from '@/lib/records/schema';
import type { Facet, ListQuery } from '@/lib/search/types';
import { searchHref } from '@/lib/search/url';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('library.title'), description: t('library.intro'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/library') };
}

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim().slice(0, 200);
/** Documents read to find the English names of issuers (the facet knows them by their Vietnamese name). */
const ISSUER_NAMES_FROM = 100;

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

/** The facets the filters offer. */
const CHOICES: Facet[] = ['documentKind', 'issuer', 'year'];

/**
 * Issuers' names in the page's language, by their Vietnamese name (the facet's value). English names come from the
 * documents at hand, then, if some are still missing, from the newest documents; a name not found stays Vietnamese.
 */
async function issuerNamesIn(locale: Locale, issuers: string[], atHand: HeritageRecord[], more: () => Promise<HeritageRecord[]>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (locale === 'vi') return names;
  const learn = (records: HeritageRecord[]) => {
    for (const r of records) if (r.document && !names.has(r.document.issuer.vi)) names.set(r.document.issuer.vi, pick(r.document.issuer, locale).text);
  };
  learn(atHand);
  if (issuers.some((i) => !names.has(i))) learn(await more());
  return names;
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
  const { vocab } = getArchive();
  const index = await getSearchIndex();
  const viewer = ANONYMOUS;
  const page = pageNumber(filters.page);
  const chosen: Partial<Record<Facet, string[]>> = {
    type: ['document'],
    ...(kind ? { documentKind: [kind] } : {}),
    ...(issuer ? { issuer: [issuer] } : {}),
    ...(year ? { year: [year] } : {}),
  };
  const filtered = !!(kind || issuer || year || q);
  // Newest issued first. The filters offer every kind, issuer and year in the library, whatever is chosen now:
  // unfiltered, one query gives both the page and those choices.
  const listed: Omit<ListQuery, 'cursor' | 'limit' | 'sort'> = { viewer, filters: chosen, ...(q ? { q } : {}), ...(filtered ? {} : { facets: CHOICES }) };
  const [shown, everything] = await Promise.all([
    listPage(index, { ...listed, sort: 'date-desc' }, page),
    filtered ? index.list({ viewer, filters: { type: ['document'] }, facets: CHOICES, limit: 0 }) : undefined,
  ]);
  if (page > shown.pages) notFound();
  const choices = (everything ?? shown).facets;
  const values = (facet: Facet) => (choices[facet] ?? []).map((c) => c.value);
  const kinds = vocab.documentKinds.filter((k) => values('documentKind').includes(k.id));
  const issuers = [...values('issuer')].sort((a, b) => a.localeCompare(b, 'vi'));
  const years = [...values('year')].sort().reverse();
  const issuerNames = await issuerNamesIn(locale, issuers, shown.entries.map((e) => e.record), () =>
    index.list({ viewer, filters: { type: ['document'] }, sort: 'date-desc', limit: ISSUER_NAMES_FROM }).then((p) => p.entries.map((e) => e.record)),
  );
  const documents = shown.entries.map((e) => e.record).filter((r) => r.document);

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
        <FilterSelect name="issuer" label={t('library.issuer')} any={t('library.any')} value={issuer} options={issuers.map((value) => [value, issuerNames.get(value) ?? value])} />
        <FilterSelect name="year" label={t('library.year')} any={t('library.any')} value={year} options={years.map((y) => [y, y])} />
        <div className="flex gap-3 sm:col-span-2 lg:col-span-5">
          <button className="rounded bg-ink px-4 py-2 font-semibold text-bone">{t('library.apply')}</button>
          {(kind || issuer || year || q) && (
            <Link href="/library" className="self-center text-sm underline">{t('search.clearAll')}</Link>
          )}
        </div>
      </form>

      <p className="mt-4 text-sm text-ink/80" data-testid="library-total" role="status">
        {t('library.total', { count: shown.total })}
      </p>
      {documents.length === 0 ? (
        <p className="mt-4">{t('library.empty')}</p>
      ) : (
        <ol className="mt-3 divide-y divide-ink/10 rounded-lg border border-ink/15 bg-white" data-testid="library-list">
          {documents.map((r) => (
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
      <Pager page={shown.page} pages={shown.pages} hrefFor={(p) => searchHref(filters, { page: p > 1 ? String(p) : undefined }, '/library')} locale={locale} />
    </div>
  );
}
