/**
 * The map's markers from the index's place counts: places that share
 * coordinates share a point; the MAX_POINTS points with the most records get
 * a marker each, and the rest are clustered by district, so the page weighs
 * the same whatever the archive's size.
 */

export interface PlaceCount {
  /** The facet value: the filter that lists the place's records. */
  value: string;
  /** "lat,lon": the marker the place is drawn at. */
  at: string;
  lat: number;
  lon: number;
  district: string;
  name: string;
  count: number;
}

export interface Point {
  at: string;
  lat: number;
  lon: number;
  /** Most records first. */
  places: PlaceCount[];
  count: number;
}

export interface DistrictCluster {
  district: string;
  /** Places (not points) folded into the cluster. */
  places: number;
  count: number;
}

/** Markers of single points at most (those with the most records); the rest are clustered by district. */
export const MAX_POINTS = 120;

export function groupMarkers(places: PlaceCount[], maxPoints = MAX_POINTS): { points: Point[]; shown: Point[]; clusters: DistrictCluster[] } {
  const byAt = new Map<string, Point>();
  for (const place of places) {
    const point = byAt.get(place.at) ?? { at: place.at, lat: place.lat, lon: place.lon, places: [], count: 0 };
    point.places.push(place);
    point.count += place.count;
    byAt.set(place.at, point);
  }
  const points = [...byAt.values()].sort((a, b) => b.count - a.count || a.at.localeCompare(b.at));
  for (const point of points) point.places.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'vi'));
  const clustered = new Map<string, DistrictCluster>();
  for (const point of points.slice(maxPoints)) {
    for (const place of point.places) {
      const cluster = clustered.get(place.district) ?? { district: place.district, places: 0, count: 0 };
      cluster.places++;
      cluster.count += place.count;
      clustered.set(place.district, cluster);
    }
  }
  return { points, shown: points.slice(0, maxPoints), clusters: [...clustered.values()] };
}
