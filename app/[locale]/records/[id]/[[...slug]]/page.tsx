/**
 * A record: media, description, full metadata, people, place on a map,
 * rights and community protocol, "cite this", related records and
 * downloads. Who may see it is decided by the access policy alone; a record
 * the visitor may not see is a 404, as if it did not exist.
 */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { CiteThis } from '@/app/_components/cite/cite-this';
import { Localized } from '@/app/_components/localized';
import { PlacesMap } from '@/app/_components/map/places-map';
import { RecordMedia } from '@/app/_components/media/record-media';
import { RecordCard } from '@/app/_components/record-card';
import { RecordPeople } from '@/app/_components/record-people';
import { ANONYMOUS, mayDownloadOriginals } from '@/lib/access/policy';
import { isOpenToEveryone, readVisible } from '@/lib/access/reader';
import { Link } from '@/lib/i18n/link';
import { permanentRedirect } from '@/lib/i18n/navigation';
import { alternatesFor, recordPath } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { recordHasCanvas } from '@/lib/iiif/presentation';
import { fileUrl } from '@/lib/derivatives/delivery';
import { citeRecord } from '@/lib/interop/citation';
import { jsonLdForHtml, recordJsonLd } from '@/lib/interop/json-ld';
import { documentKindLabel, groupName, subjectLabel, typeLabel } from '@/lib/catalog/labels';
import { placeCoordinates, placeName } from '@/lib/catalog/places';
import { relatedFromIndex } from '@/lib/catalog/related';
import type { StoredRecord } from '@/lib/records/repository';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { getSearchIndex } from '@/lib/server/search';
import { derivativesOf } from '@/lib/server/iiif';
import { socialImageOf } from '@/lib/server/thumbnails';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale; id: string; slug?: string[] }> };

/** Once per request: the metadata and the page both need the record. */
const load = cache(async (id: string): Promise<StoredRecord | undefined> => {
  const read = await readVisible(getArchive().records, await currentViewer(), id);
  return read.ok ? read.stored : undefined;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, id } = await params;
  const stored = await load(id);
  const t = await getTranslations({ locale, namespace: 'site' });
  if (!stored) return { title: t('notFound.title') };
  const { record } = stored;
  const { siteUrl } = getArchive().config;
  const title = pick(record.title, locale).text;
  const description = pick(record.description, locale).text.slice(0, 200);
  const isPublic = isOpenToEveryone(record);
  // Social cards only for public records: a restricted picture must not travel in a preview.
  const image = isPublic ? await socialImageOf(record) : undefined;
  return {
    title,
    description,
    alternates: alternatesFor(siteUrl, locale, `/records/${record.id}/${record.slug}`),
    robots: isPublic ? undefined : { index: false, follow: false },
    openGraph: {
      title,
      description,
      url: `${siteUrl}${recordPath(record, locale)}`,
      type: 'article',
      ...(image ? { images: [{ url: `${siteUrl}${image.url}`, width: image.width, height: image.height }] } : {}),
    },
  };
}

export default async function RecordPage({ params }: Props) {
  const { locale, id, slug } = await params;
  setRequestLocale(locale);
  const stored = await load(id);
  if (!stored) notFound();
  const { record } = stored;
  if (slug?.[0] !== record.slug || slug.length > 1) permanentRedirect({ href: `/records/${record.id}/${record.slug}`, locale });
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab, config } = getArchive();
  const viewer = await currentViewer();
  const downloadable = mayDownloadOriginals(viewer, record);
  const derivatives = await derivativesOf(record);
  const isPublic = isOpenToEveryone(record);
  const citations = citeRecord(stored, { locale, siteUrl: config.siteUrl, accessed: new Date() });
  // Related records: a few small similarity queries of the index (lib/catalog/related.ts), not a scan.
  const related = await relatedFromIndex(await getSearchIndex(), isPublic ? ANONYMOUS : viewer, record, 4);
  const points = record.places.flatMap((place) => {
    const at = placeCoordinates(vocab, place);
    return at ? [{ ...at, label: placeName(vocab, place, locale) }] : [];
  });

  const facts: [string, React.ReactNode][] = [];
  if (record.document) {
    facts.push(
      [t('record.facts.number'), record.document.number],
      [t('record.facts.documentKind'), documentKindLabel(vocab, record.document.kind, locale)],
      [t('record.facts.issuer'), <Localized key="issuer" value={record.document.issuer} locale={locale} />],
      [t('record.facts.issuedOn'), record.document.issuedOn],
    );
  }
  facts.push(
    [t('record.facts.type'), <Link key="type" href={`/types/${record.type}`} className="underline">{typeLabel(vocab, record.type, locale)}</Link>],
    [
      t('record.facts.communities'),
      record.ethnicGroups.length > 0 && (
        // Several communities wrap onto lines 28 px apart, each link padded to 24 px: targets a finger can tell apart (WCAG 2.5.8).
        <span key="groups" className="leading-7">
          {record.ethnicGroups.map((g, i) => (
            <span key={g}>
              {i > 0 && ', '}
              <Link href={`/communities/${g}`} className="py-1 underline">{groupName(vocab, g, locale)}</Link>
            </span>
          ))}
        </span>
      ),
    ],
    [t('record.facts.places'), record.places.map((p) => placeName(vocab, p, locale)).join('; ')],
    [
      t('record.facts.heldIn'),
      record.heldIn && (
        <span key="held">
          {t(`record.heldIn.${record.heldIn.calendar}`, { months: record.heldIn.months.join(', ') })}
          {record.heldIn.note && <Localized value={record.heldIn.note} locale={locale} className="block text-ink/80" />}
        </span>
      ),
    ],
    [t('record.facts.recordedOn'), record.recordedOn ?? ''],
    [t('record.facts.subjects'), record.subjects.map((s) => subjectLabel(vocab, s, locale)).join(', ')],
    [t('record.facts.languages'), record.languages.map((l) => (t.has(`languages.${l}` as 'languages.vie') ? t(`languages.${l}` as 'languages.vie') : l)).join(', ')],
    [t('record.facts.alternativeTitles'), record.alternativeTitles.join('; ')],
  );

  return (
    <article className="break-words">
      {isPublic && (
        // JSON-LD is data, not markup: escape "<" so a title can never close the script element.
        <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdForHtml(recordJsonLd(record, vocab, config.siteUrl, derivatives)) }} />
      )}
      <nav aria-label={t('record.breadcrumb')} className="mb-4 text-sm">
        <ol className="flex flex-wrap gap-1 text-ink/80">
          <li><Link href="/" className="underline">{t('nav.home')}</Link> ›</li>
          {record.type === 'document' ? (
            <li><Link href="/library" className="underline">{t('nav.library')}</Link> ›</li>
          ) : (
            record.ethnicGroups[0] && <li><Link href={`/communities/${record.ethnicGroups[0]}`} className="underline">{groupName(vocab, record.ethnicGroups[0], locale)}</Link> ›</li>
          )}
          <li><Link href={`/types/${record.type}`} className="underline">{typeLabel(vocab, record.type, locale)}</Link></li>
        </ol>
      </nav>
      <p className="text-xs uppercase tracking-wide text-madder">{typeLabel(vocab, record.type, locale)}</p>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold leading-tight">
        <Localized value={record.title} locale={locale} />
      </h1>
      {locale === 'vi' && record.title.en && <p className="text-lg text-ink/80" lang="en">{record.title.en}</p>}
      {locale === 'en' && record.title.en && <p className="text-lg text-ink/80" lang="vi">{record.title.vi}</p>}
      {!isPublic && (
        <p className="mt-2 inline-block rounded bg-turmeric/25 px-2 py-1 text-sm" data-testid="restriction">
          {record.status !== 'published' && t('record.status', { status: record.status })}{' '}
          {record.access.level === 'community' && t('record.communityOnly', { communities: record.access.communities.map((c) => groupName(vocab, c, locale)).join(', ') })}
          {record.access.level === 'registered' && t('record.registeredOnly')}
        </p>
      )}

      <RecordMedia record={record} derivatives={derivatives} locale={locale} />

      <section className="mt-6 max-w-prose" aria-labelledby="description">
        <h2 id="description" className="sr-only">{t('record.description')}</h2>
        <Localized value={record.description} locale={locale} as="div" className="whitespace-pre-line leading-relaxed" />
      </section>

      {/* Every column here is minmax(0, …): a grid's auto column grows to its widest unbreakable line (the BibTeX above all), which
          would push the page past a phone's screen; at zero minimum, long lines wrap or scroll inside their own box instead. */}
      <div className="mt-8 grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] content-start gap-8">
          <section aria-labelledby="facts">
            <h2 id="facts" className="text-lg font-semibold">{t('record.details')}</h2>
            <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[11rem_minmax(0,1fr)]">
              {facts
                .filter(([, value]) => value)
                .map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="font-medium text-ink/80">{key}</dt>
                    <dd className="mb-1 sm:mb-0">{value}</dd>
                  </div>
                ))}
            </dl>
          </section>

          <RecordPeople record={record} viewer={viewer} locale={locale} vocab={vocab} />

          <section aria-labelledby="rights" className="text-sm">
            <h2 id="rights" className="text-lg font-semibold">{t('record.rights')}</h2>
            <p className="mt-2">
              <a href={record.rights.uri} className="underline break-all" rel="license">
                {record.rights.uri}
              </a>
              {record.rights.holder && ` – ${record.rights.holder}`}
            </p>
            {record.rights.protocolNote && (
              <div className="mt-2 rounded border-l-4 border-turmeric bg-white p-3">
                <p className="font-semibold">{t('record.protocol')}</p>
                <Localized value={record.rights.protocolNote} locale={locale} as="p" />
              </div>
            )}
            {downloadable && record.media.length > 0 && (
              <>
                <h3 className="mt-4 font-semibold">{t('record.downloads')}</h3>
                {/* Each row 28 px apart and each link padded to 24 px tall (WCAG 2.5.8), so a finger picks the file it means. */}
                <ul className="mt-1 list-disc pl-5">
                  {record.media.map((m) => (
                    <li key={m.path} className="py-1">
                      <a href={fileUrl(record.id, m, true)} className="py-1 underline wrap-anywhere" download>
                        {m.path.slice('files/'.length)}
                      </a>{' '}
                      <span className="text-ink/80">({new Intl.NumberFormat(locale).format(Math.ceil(m.size / 1024))} KB)</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          {isPublic && <CiteThis citations={citations} locale={locale} />}

          {record.references.length > 0 && (
            <section aria-labelledby="references" className="text-sm">
              <h2 id="references" className="text-lg font-semibold">{t('record.references')}</h2>
              <ul className="mt-2 list-disc pl-5">
                {/* A block per reference, 28 px tall at least: a list of links is a list of targets (WCAG 2.5.8). */}
                {record.references.map((r, i) => (
                  <li key={i}>{r.url ? <a href={r.url} className="block py-1 underline">{r.title}</a> : <span className="block py-1">{r.title}</span>}</li>
                ))}
              </ul>
            </section>
          )}
        </div>

        {points.length > 0 && (
          <aside aria-labelledby="place" className="text-sm">
            <h2 id="place" className="text-lg font-semibold">{t('record.place')}</h2>
            <PlacesMap points={points} tileUrl={config.map.tileUrl} attribution={config.map.attribution} label={t('map.label')} tilesFailedText={t('map.tilesFailed')} className="mt-2 h-56" />
            <ul className="mt-2">
              {points.map((p) => (
                <li key={p.label}>
                  {p.label} <span className="text-ink/80">({p.lat.toFixed(3)}, {p.lon.toFixed(3)})</span>
                </li>
              ))}
            </ul>
          </aside>
        )}
      </div>

      {related.length > 0 && (
        <section aria-labelledby="related" className="mt-10">
          <h2 id="related" className="text-lg font-semibold">{t('record.related')}</h2>
          <ul className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-4">
            {related.map((r) => (
              <li key={r.id}>
                <RecordCard record={r} locale={locale} vocab={vocab} compact />
              </li>
            ))}
          </ul>
        </section>
      )}

      <p className="mt-8 text-xs text-ink/75">
        {t('record.version', { id: record.id, version: stored.head, date: stored.modified.slice(0, 10) })}
        {isPublic && (
          <>
            {' · '}
            {recordHasCanvas(record, derivatives) && (
              <>
                <a href={`/iiif/${record.id}/manifest.json`} className="underline">IIIF</a>
                {' · '}
              </>
            )}
            <a href={`/api/v1/records/${record.id}`} className="underline">JSON</a>
            {' · '}
            <a href={`/api/v1/records/${record.id}/dublin-core.xml`} className="underline">Dublin Core</a>
          </>
        )}
      </p>
    </article>
  );
}
