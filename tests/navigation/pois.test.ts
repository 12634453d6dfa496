// POIs by category near a point, and the roads in a box for the on-screen map, on the shared extracts.
import { beforeAll, describe, expect, it } from 'vitest';
import { haversineMeters } from '../../main/simulator/geo.js';
import { POI_CATEGORIES, type MapStore } from '../../main/storage/maps.js';
import { hasExtracts, storeWith, titled } from './extracts.js';

const EXTRACTS = ['monaco.osm.pbf', 'beijing_bupt_map.osm', 'shanghai_shu_baoshan_map.osm'] as const;
const ready = hasExtracts(EXTRACTS);
const t = (title: string): string => titled(title, EXTRACTS);

const MONACO = { lat: 43.7384, lon: 7.4246 };
const BUPT = { lat: 39.96, lon: 116.355 };

let store: MapStore;
beforeAll(async () => {
  if (ready) store = (await storeWith(EXTRACTS)).store;
}, 120_000);

describe.skipIf(!ready)('nearbyPois', () => {
  it(t('gives the POIs of a category within the radius, nearest first, at most the limit'), () => {
    const fuel = store.nearbyPois('fuel', MONACO, { limit: 5, radiusM: 3000 });
    expect(fuel.length).toBeGreaterThan(2);
    expect(fuel.length).toBeLessThanOrEqual(5);
    for (const poi of fuel) {
      expect(poi.category).toBe('fuel');
      expect(poi.distanceM).toBe(Math.round(haversineMeters([MONACO.lat, MONACO.lon], [poi.lat, poi.lon])));
      expect(poi.distanceM).toBeLessThanOrEqual(3000);
    }
    const distances = fuel.map((p) => p.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(store.nearbyPois('fuel', MONACO, { limit: 2 })).toEqual(fuel.slice(0, 2));
    const near = store.nearbyPois('fuel', MONACO, { radiusM: 550, limit: 50 });
    expect(near.length).toBeLessThan(store.nearbyPois('fuel', MONACO, { radiusM: 5000, limit: 50 }).length);
    expect(near.every((p) => p.distanceM <= 550)).toBe(true);
  });

  it(t('finds several categories in Monaco, Beijing and Shanghai, with names in the language asked'), () => {
    const found = Object.fromEntries(POI_CATEGORIES.map((category) => [category, store.nearbyPois(category, MONACO, { radiusM: 5000, limit: 100 }).length]));
    console.log('Monaco POIs within 5 km by category:', JSON.stringify(found));
    for (const category of ['fuel', 'parking', 'restaurant', 'cafe', 'pharmacy', 'hotel'] as const) expect(found[category], category).toBeGreaterThan(0);
    const charging = store.nearbyPois('charging', BUPT, { radiusM: 2000 });
    expect(charging.length).toBeGreaterThan(0);
    expect(store.nearbyPois('restaurant', BUPT, { radiusM: 2000, limit: 20 }).map((p) => p.name)).toContain('麦当劳');
    expect(store.nearbyPois('restaurant', { lat: 31.31, lon: 121.39 }, { radiusM: 5000 }).length).toBeGreaterThan(0);
    // Nothing in the middle of the sea, nor for a category that is not one.
    expect(store.nearbyPois('fuel', { lat: 0, lon: 0 })).toEqual([]);
    expect(store.nearbyPois('casino' as never, MONACO)).toEqual([]);
  });
});

describe.skipIf(!ready)('roadsInBox', () => {
  const box = [43.725, 7.36, 43.755, 7.44] as const;

  it(t('gives the roads in a box by class, rounded to 5 decimals, most important first'), () => {
    const roads = store.roadsInBox(box);
    expect(roads.length).toBeGreaterThan(100);
    expect(new Set(roads.map((r) => r.cls))).toEqual(new Set([0, 1, 2, 3]));
    const classes = roads.map((r) => r.cls);
    expect(classes).toEqual([...classes].sort((a, b) => a - b));
    for (const road of roads) {
      expect(road.points.length % 2).toBe(0);
      expect(road.points.length).toBeGreaterThanOrEqual(4);
      for (const x of road.points) expect(Math.round(x * 1e5) / 1e5).toBe(x);
    }
    // A road touching the box comes whole; at least one of its points is in or near it.
    const inside = (lat: number, lon: number): boolean => lat >= box[0] - 0.01 && lat <= box[2] + 0.01 && lon >= box[1] - 0.01 && lon <= box[3] + 0.01;
    expect(roads.every((r) => r.points.some((x, i) => i % 2 === 0 && inside(x, r.points[i + 1] as number)))).toBe(true);
    expect(roads.find((r) => r.name === 'Boulevard Albert 1er')).toMatchObject({ cls: 1 });
    // Pieces of one way are joined: fewer roads than edges.
    const edges = store.db.prepare<[number, number, number, number], { n: number }>('SELECT count(*) AS n FROM map_edges_rtree WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?').get(box[0], box[2], box[1], box[3]);
    expect(roads.length).toBeLessThan(edges?.n ?? 0);
  });

  it(t('keeps the most important roads when asked for fewer, and simplifies a wide view'), () => {
    const few = store.roadsInBox(box, { maxRoads: 10 });
    expect(few).toHaveLength(10);
    expect(few.every((r) => r.cls <= 1)).toBe(true);
    const wide = store.roadsInBox([43.6, 7.2, 43.9, 7.6]);
    const points = (roads: typeof wide): number => roads.reduce((n, r) => n + r.points.length, 0);
    const detailed = store.roadsInBox([43.7, 7.38, 43.78, 7.46]);
    expect(points(wide)).toBeLessThan(points(detailed));
    // Wider than about 10 km: no residential or service streets.
    expect(wide.every((r) => r.cls <= 2)).toBe(true);
    expect(detailed.some((r) => r.cls === 3)).toBe(true);
    expect(store.roadsInBox([10, 10, 10.1, 10.1])).toEqual([]);
    expect(store.roadsInBox([44, 7, 43, 8])).toEqual([]);
  });
});
