import { describe, expect, it } from 'vitest';
import { groupMarkers, MAX_POINTS, type PlaceCount } from '@/app/[locale]/map/markers';

/** `n` places at distinct points spread over three districts, place i holding n − i records. */
function places(n: number): PlaceCount[] {
  return Array.from({ length: n }, (_, i) => {
    const lat = 15 + i / 10_000;
    return { value: `${lat},108|d${i % 3}|p${i}`, at: `${lat},108`, lat, lon: 108, district: `d${i % 3}`, name: `Place ${i}`, count: n - i };
  });
}

describe('map markers', () => {
  it('gives every point a marker while there are few, places sharing coordinates sharing one', () => {
    const shared = places(4);
    shared[3] = { ...shared[3]!, at: shared[0]!.at, lat: shared[0]!.lat };
    const { shown, clusters } = groupMarkers(shared);
    expect(shown).toHaveLength(3);
    expect(shown[0]!.places.map((p) => p.name)).toEqual(['Place 0', 'Place 3']);
    expect(shown[0]!.count).toBe(4 + 1);
    expect(clusters).toEqual([]);
  });

  it('keeps as many markers at 100,000 places as at a few hundred: the busiest points, the rest clustered by district with nothing lost', () => {
    const many = places(100_000);
    const { shown, clusters } = groupMarkers(many);
    expect(shown).toHaveLength(MAX_POINTS);
    expect(shown[0]!.count).toBe(100_000);
    expect(clusters.map((c) => c.district).sort()).toEqual(['d0', 'd1', 'd2']);
    const total = (list: { count: number }[]) => list.reduce((sum, p) => sum + p.count, 0);
    expect(total(shown) + total(clusters)).toBe(total(many));
    expect(clusters.reduce((sum, c) => sum + c.places, 0)).toBe(100_000 - MAX_POINTS);
  });
});
