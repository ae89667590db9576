/**
 * Where the records come from. The map loads Leaflet on demand from the tile
 * server set in MAP_TILE_URL; the same places are listed as text below it,
 * so the page is useful when tiles cannot load (mountain connections) or
 * without JavaScript.
 *
 * Everything comes from the index's place facet (`lat,lon|district|commune|village`
 * with counts), never from the records themselves: one marker per point (places
 * sharing coordinates share it), its popup saying how many records are there
 * and linking to them (`?at=lat,lon`, or `?place=` for one place: a numbered
 * list on this page). A page shows at most MAX_POINTS markers (the points with
 * the most records); the other points are clustered on the server, one marker
 * per district at its centre linking to the district's records, so the page
 * weighs the same at 100,000 records as at 2,000. Record titles are shown
 * under each place only while places are few.
 */
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { listPage, pageNumber } from '@/app/_components/list-page';
import { Localized } from '@/app/_components/localized';
import { PlacesMap, type MapPoint } from '@/app/_components/map/places-map';
import { groupMarkers, type PlaceCount, type Point } from './markers';
import { Pager } from '@/app/_components/pager';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor, recordPath } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { typeLabel } from '@/lib/catalog/labels';
import { placeName } from '@/lib/catalog/places';
import type { HeritageRecord } from '@/lib/records/schema';
import { parsePlaceFacetValue, placeFacetValue } from '@/lib/search/document';
import { searchHref } from '@/lib/search/url';
import { getArchive } from '@/lib/server/archive';
import { getSearchIndex } from '@/lib/server/search';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Places listed under each district at most; the district's search covers the rest. */
const MAX_PLACES_PER_DISTRICT = 8;
/** Record titles are fetched for each place (one small query each) only when there are this few places. */
const TITLES_WHEN_PLACES_AT_MOST = 24;
const TITLES_PER_PLACE = 3;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('map.title'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/map') };
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export default async function MapPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const query = await searchParams;
  const { vocab, config } = getArchive();
  const index = await getSearchIndex();
  const viewer = ANONYMOUS;

  const { facets } = await index.list({ viewer, facets: ['place', 'district'], limit: 0 });
  const places: PlaceCount[] = (facets.place ?? []).flatMap(({ value, count }) => {
    const parsed = parsePlaceFacetValue(value);
    if (!parsed) return [];
    return [{ value, at: value.split('|')[0]!, lat: parsed.lat, lon: parsed.lon, district: parsed.place.district, name: placeName(vocab, parsed.place, locale), count }];
  });
  // A few titles per place while places are few: one small query each, in parallel. Their records also name the
  // place exactly as it was typed (the facet value's parts cannot hold every character a village name may have).
  const titles = new Map<string, HeritageRecord[]>();
  if (places.length <= TITLES_WHEN_PLACES_AT_MOST) {
    const lists = await Promise.all(places.map((p) => index.list({ viewer, filters: { place: [p.value] }, sort: 'title', limit: TITLES_PER_PLACE })));
    places.forEach((p, i) => {
      const records = lists[i]!.entries.map((e) => e.record);
      titles.set(p.value, records);
      const typed = records.flatMap((r) => r.places).find((q) => placeFacetValue(vocab, q) === p.value);
      if (typed) p.name = placeName(vocab, typed, locale);
    });
  }
  const { points, shown: shownPoints, clusters } = groupMarkers(places);
  const byAt = new Map(points.map((p) => [p.at, p]));

  const placeHref = (place: PlaceCount) => `/map?place=${encodeURIComponent(place.value)}#records-here`;
  const pointHref = (point: Point) => `/map?at=${point.at}#records-here`;

  const pointMarkers: MapPoint[] = shownPoints.map((point) => {
    const records = [...new Map(point.places.flatMap((p) => titles.get(p.value) ?? []).map((r) => [r.id, r])).values()].slice(0, 5);
    return {
      lat: point.lat,
      lon: point.lon,
      label: point.places[0]!.name,
      count: point.count,
      links: [
        ...records.map((r) => ({ label: pick(r.title, locale).text, href: recordPath(r, locale) })),
        { label: t('map.recordsHere', { count: point.count }), href: `/${locale}${pointHref(point)}` },
      ],
    };
  });
  // The points past the cap: one marker per district, at its centre, leading to the district's records.
  const clusterMarkers: MapPoint[] = clusters.flatMap((cluster) => {
    const district = vocab.districts.find((d) => d.id === cluster.district);
    if (!district) return [];
    return [
      {
        lat: district.lat,
        lon: district.lon,
        label: t('map.cluster', { district: pick(district.name, locale).text, places: cluster.places }),
        count: cluster.count,
        links: [{ label: t('map.clusterRecords', { count: cluster.count }), href: `/${locale}/search?district=${district.id}` }],
      },
    ];
  });
  const mapPoints = [...pointMarkers, ...clusterMarkers];

  // The records at one point or place, when a popup or the list below asked for them (a place no longer there: the map as usual).
  const atParam = one(query.at);
  const placeParam = one(query.place);
  const focus = atParam ? byAt.get(atParam)?.places : placeParam ? places.filter((p) => p.value === placeParam) : undefined;
  const focusName = focus?.[0]?.name;
  const here =
    focus && focus.length > 0
      ? await listPage(index, { viewer, filters: { place: focus.map((p) => p.value) }, sort: 'title' }, pageNumber(query.page))
      : undefined;
  if (here && here.page > here.pages) notFound();

  const districtCount = (id: string) => facets.district?.find((c) => c.value === id)?.count ?? 0;
  const districts = vocab.districts
    .map((district) => ({ district, here: places.filter((p) => p.district === district.id).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'vi')) }))
    .filter(({ here }) => here.length > 0);

  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('map.title')}</h1>
      <p className="mt-2 max-w-prose text-ink/85">{t('map.intro')}</p>
      <div className="mt-4">
        <PlacesMap points={mapPoints} tileUrl={config.map.tileUrl} attribution={config.map.attribution} label={t('map.label')} tilesFailedText={t('map.tilesFailed')} className="h-[60vh] min-h-72" />
        {points.length > shownPoints.length && <p className="mt-1 text-sm text-ink/80">{t('map.capped', { shown: shownPoints.length, rest: points.length - shownPoints.length })}</p>}
      </div>

      {here && focusName && (
        <section id="records-here" aria-labelledby="records-here-title" className="mt-6 rounded-lg border border-ink/15 bg-white p-4" data-testid="records-here">
          <p className="text-sm">
            <Link href="/map" className="inline-block py-0.5 underline text-madder">{t('map.allPlaces')}</Link>
          </p>
          <h2 id="records-here-title" className="mt-1 text-xl font-semibold">{t('map.recordsAt', { place: focusName })}</h2>
          <p className="text-sm text-ink/80">{t('home.recordCount', { count: here.total })}</p>
          <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
            {here.entries.map(({ record }) => (
              <li key={record.id} className="min-w-0">
                <Link href={`/records/${record.id}/${record.slug}`} className="block py-1 underline [overflow-wrap:anywhere]">
                  <Localized value={record.title} locale={locale} />
                </Link>
                <span className="text-xs text-ink/75">{typeLabel(vocab, record.type, locale)}</span>
              </li>
            ))}
          </ul>
          <Pager
            page={here.page}
            pages={here.pages}
            hrefFor={(p) => `${searchHref(query, { page: p > 1 ? String(p) : undefined }, '/map')}#records-here`}
            locale={locale}
            className="mt-4"
          />
        </section>
      )}

      <section aria-labelledby="places" className="mt-8">
        <h2 id="places" className="text-xl font-semibold">{t('map.places')}</h2>
        <div className="mt-3 grid gap-6 sm:grid-cols-2" data-testid="places-list">
          {districts.map(({ district, here: inDistrict }) => (
            <section key={district.id} aria-labelledby={`d-${district.id}`}>
              <h3 id={`d-${district.id}`} className="font-semibold">
                {pick(district.name, locale).text} <span className="text-sm font-normal text-ink/80">({district.lat.toFixed(2)}, {district.lon.toFixed(2)})</span>
              </h3>
              <p className="text-sm text-ink/80">{t('home.recordCount', { count: districtCount(district.id) })}</p>
              <ul className="mt-1 list-disc pl-5 text-sm">
                {inDistrict.slice(0, MAX_PLACES_PER_DISTRICT).map((place) => (
                  <li key={place.value}>
                    {/* One link under another: a block 28 px tall each, so a finger can tell them apart (WCAG 2.5.8). */}
                    <Link href={placeHref(place)} className="block py-1 underline">
                      {place.name} ({t('home.recordCount', { count: place.count })})
                    </Link>
                    {(titles.get(place.value) ?? []).length > 0 && (
                      <ul className="pl-4">
                        {titles.get(place.value)!.map((record) => (
                          <li key={record.id}>
                            <Link href={`/records/${record.id}/${record.slug}`} className="block py-1 underline">
                              <Localized value={record.title} locale={locale} />
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
              {inDistrict.length > MAX_PLACES_PER_DISTRICT && (
                <p className="mt-1 text-sm">
                  <Link href={`/search?district=${district.id}`} className="inline-block py-1 underline text-madder">
                    {t('map.morePlaces', { count: inDistrict.length - MAX_PLACES_PER_DISTRICT })}
                  </Link>
                </p>
              )}
            </section>
          ))}
        </div>
      </section>
    </div>
  );
}
