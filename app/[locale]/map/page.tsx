/**
 * Where the records come from. The map loads Leaflet on demand from the tile
 * server set in MAP_TILE_URL; the same places are listed as text below it,
 * so the page is useful when tiles cannot load (mountain connections) or
 * without JavaScript.
 */
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Localized } from '@/app/_components/localized';
import { PlacesMap, type MapPoint } from '@/app/_components/map/places-map';
import { ANONYMOUS } from '@/lib/access/policy';
import { Link } from '@/lib/i18n/link';
import { alternatesFor, recordPath } from '@/lib/i18n/paths';
import { pick } from '@/lib/i18n/pick';
import type { Locale } from '@/lib/i18n/routing';
import { listVisibleRecords } from '@/lib/records/catalog';
import { placeCoordinates, placeName } from '@/lib/records/places';
import { getArchive } from '@/lib/server/archive';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'site' });
  return { title: t('map.title'), alternates: alternatesFor(getArchive().config.siteUrl, locale, '/map') };
}

export default async function MapPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations({ locale, namespace: 'site' });
  const { vocab, records, config } = getArchive();
  const visible = (await listVisibleRecords(records, ANONYMOUS)).map((s) => s.record).filter((r) => r.places.length > 0);
  // One marker per place: records of the same village or district share it, listed in its popup.
  const byPlace = new Map<string, MapPoint>();
  for (const record of visible) {
    for (const place of record.places) {
      const at = placeCoordinates(vocab, place);
      if (!at) continue;
      const key = `${at.lat.toFixed(3)},${at.lon.toFixed(3)}`;
      const point = byPlace.get(key) ?? { ...at, label: placeName(vocab, place, locale), links: [] };
      if (!point.links!.some((l) => l.href === recordPath(record, locale))) point.links!.push({ label: pick(record.title, locale).text, href: recordPath(record, locale) });
      byPlace.set(key, point);
    }
  }
  const points = [...byPlace.values()];
  const districts = vocab.districts
    .map((district) => ({ district, here: visible.filter((r) => r.places.some((p) => p.district === district.id)) }))
    .filter(({ here }) => here.length > 0);

  return (
    <div>
      <h1 className="font-serif text-2xl sm:text-3xl font-semibold">{t('map.title')}</h1>
      <p className="mt-2 max-w-prose text-ink/85">{t('map.intro')}</p>
      <div className="mt-4">
        <PlacesMap points={points} tileUrl={config.map.tileUrl} attribution={config.map.attribution} label={t('map.label')} tilesFailedText={t('map.tilesFailed')} className="h-[60vh] min-h-72" />
      </div>
      <section aria-labelledby="places" className="mt-8">
        <h2 id="places" className="text-xl font-semibold">{t('map.places')}</h2>
        <div className="mt-3 grid gap-6 sm:grid-cols-2" data-testid="places-list">
          {districts.map(({ district, here }) => (
            <section key={district.id} aria-labelledby={`d-${district.id}`}>
              <h3 id={`d-${district.id}`} className="font-semibold">
                {pick(district.name, locale).text} <span className="text-sm font-normal text-ink/80">({district.lat.toFixed(2)}, {district.lon.toFixed(2)})</span>
              </h3>
              <ul className="mt-1 list-disc pl-5 text-sm">
                {here.map((record) => (
                  <li key={record.id}>
                    {/* One title under another: a block 28 px tall each, so a finger can tell them apart (WCAG 2.5.8). */}
                    <Link href={`/records/${record.id}/${record.slug}`} className="block py-1 underline">
                      <Localized value={record.title} locale={locale} />
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </section>
    </div>
  );
}
