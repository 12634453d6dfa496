// The geocoder on the shared extracts, in three languages: streets with and without abbreviations, POIs by
// name and by kind, typos, ranking by distance, saved places and recent destinations.
import { beforeAll, describe, expect, it } from 'vitest';
import { Geocoder, searchPlaces } from '../../main/services/navigation/geocoder.js';
import { haversineMeters } from '../../main/simulator/geo.js';
import { openDatabase } from '../../main/storage/db.js';
import { MapStore, type Place } from '../../main/storage/maps.js';
import { hasExtracts, storeWith, titled } from './extracts.js';

const EXTRACTS = ['monaco.osm.pbf', 'jakarta_jatinegara.osm', 'bandung_coblong_dago.osm', 'beijing_bupt_map.osm', 'shanghai_shu_baoshan_map.osm'] as const;
const ready = hasExtracts(EXTRACTS);

const MONACO = { lat: 43.7384, lon: 7.4246 };
const JATINEGARA = { lat: -6.2135, lon: 106.9056 };
const DAGO = { lat: -6.89, lon: 107.61 };
const BUPT = { lat: 39.96, lon: 116.355 };
const SHU = { lat: 31.31, lon: 121.39 };

let store: MapStore;
let geocoder: Geocoder;
beforeAll(async () => {
  if (!ready) return;
  store = (await storeWith(EXTRACTS)).store;
  geocoder = new Geocoder(store);
}, 120_000);

const first = (query: string, options: Parameters<Geocoder['searchPlaces']>[1] = {}): Place | undefined => geocoder.searchPlaces(query, options)[0];
const t = (title: string): string => titled(title, EXTRACTS);

describe.skipIf(!ready)('searchPlaces on the shared extracts', () => {
  it(t('finds a Monaco street and POI, by name, by kind, and with a slip or a different spelling'), () => {
    expect(first('Boulevard Albert 1er', { near: MONACO })).toMatchObject({ kind: 'street', name: 'Boulevard Albert 1er' });
    expect(first('boulevard albert premier', { near: MONACO })).toMatchObject({ kind: 'street', name: 'Boulevard Albert 1er' });
    expect(first('boulevard albret 1er', { near: MONACO })).toMatchObject({ kind: 'street', name: 'Boulevard Albert 1er' });
    expect(first('bulevard princesse charlotte', { near: MONACO })).toMatchObject({ kind: 'street', name: 'Boulevard Princesse Charlotte' });
    expect(first('Casino de Monte-Carlo', { near: MONACO })).toMatchObject({ kind: 'poi', name: 'Casino de Monte Carlo', type: 'amenity=casino' });
    // "the casino" is a casino, before a shop that is called Casino.
    expect(first('the casino', { near: MONACO })).toMatchObject({ kind: 'poi', name: 'Casino de Monte Carlo' });
    expect(first('the casino', { near: MONACO, lang: 'en' })).toMatchObject({ name: 'Monte-Carlo Casino and Opera House' });
    expect(geocoder.searchPlaces('qwzxv plorkt', { near: MONACO })).toEqual([]);
    expect(geocoder.searchPlaces('', { near: MONACO })).toEqual([]);
    expect(geocoder.searchPlaces('"AND( NEAR*', { near: MONACO })).toEqual(expect.any(Array));
  });

  it(t('finds a Jakarta "Jalan …" street with and without "jl", and Bandung\'s Jalan Ir. H. Juanda'), () => {
    for (const query of ['Jalan Pemuda', 'jl pemuda', 'Jl. Pemuda', 'jln pemuda', 'pemuda', 'ke jalan pemuda']) {
      expect(first(query, { near: JATINEGARA }), query).toMatchObject({ kind: 'street', name: 'Jalan Pemuda' });
    }
    expect(first('jl radin intem', { near: JATINEGARA })).toMatchObject({ kind: 'street', name: 'Jalan Radin Inten' });
    for (const query of ['Jalan Ir. H. Juanda', 'jl ir h juanda', 'Jalan Insinyur Haji Juanda']) {
      expect(first(query, { near: DAGO }), query).toMatchObject({ kind: 'street', name: 'Jalan Insinyur Haji Juanda' });
    }
    const juanda = geocoder.searchPlaces('jl juanda', { near: DAGO }).map((p) => p.name);
    expect(juanda).toEqual(expect.arrayContaining(['Jalan Insinyur Haji Juanda', 'Jalan Juanda Dalam']));
  });

  it(t('finds Chinese streets in Beijing and Shanghai, said with or without "navigate to"'), () => {
    for (const query of ['西土城路', '导航到西土城路', '去西土城路吧']) expect(first(query, { near: BUPT, lang: 'zh' }), query).toMatchObject({ kind: 'street', name: '西土城路' });
    expect(first('南陈路', { near: SHU, lang: 'zh' })).toMatchObject({ kind: 'street', name: '南陈路' });
    expect(first('上大路', { near: SHU })).toMatchObject({ kind: 'street', name: '上大路' });
    expect(first('麦当劳', { near: BUPT })).toMatchObject({ kind: 'poi', name: '麦当劳', category: 'restaurant' });
  });

  it(t('gives a street’s point nearest `near`, on an edge of the road graph'), () => {
    const graph = store.loadRoadGraph();
    const west = { lat: 43.7337, lon: 7.4183 };
    const east = { lat: 43.7455, lon: 7.4295 };
    const a = first('Boulevard Albert 1er', { near: west }) as Place;
    const b = first('Boulevard Albert 1er', { near: east }) as Place;
    expect(a.lat === b.lat && a.lon === b.lon).toBe(false);
    for (const [place, near] of [
      [a, west],
      [b, east],
    ] as const) {
      expect(place.distanceM).toBe(Math.round(haversineMeters([near.lat, near.lon], [place.lat, place.lon])));
      const edge = place.edge as number;
      expect(graph.names[graph.edgeName[edge] as number]?.name).toBe('Boulevard Albert 1er');
      const points = Array.from({ length: (graph.geometryStart[edge + 1] as number) - (graph.geometryStart[edge] as number) }, (_, i) => [
        graph.geometryLat[(graph.geometryStart[edge] as number) + i],
        graph.geometryLon[(graph.geometryStart[edge] as number) + i],
      ]);
      expect(points).toContainEqual([place.lat, place.lon]);
    }
    // Without `near`: its middle, the same every time.
    const middle = first('Boulevard Albert 1er') as Place;
    expect(middle.distanceM).toBeUndefined();
    expect(first('Boulevard Albert 1er')).toEqual(middle);
  });

  it(t('ranks equal matches by distance, and finds POIs by kind in any language: "SPBU", "加油站", "pharmacy"'), () => {
    for (const query of ['fuel station', 'SPBU', 'pom bensin', '加油站', 'pharmacy', 'apotek', 'restaurant']) {
      const places = geocoder.searchPlaces(query, { near: MONACO, limit: 8 });
      expect(places.length, query).toBeGreaterThan(2);
      const distances = places.map((p) => p.distanceM as number);
      expect(distances, query).toEqual([...distances].sort((x, y) => x - y));
      expect(new Set(places.map((p) => p.kind)), query).toEqual(new Set(['poi']));
    }
    expect(first('加油站', { near: MONACO })).toMatchObject({ category: 'fuel' });
    // Far away, a kind is not an answer: no Monaco fuel station for "SPBU" in Jakarta.
    expect(geocoder.searchPlaces('SPBU', { near: JATINEGARA })).toEqual([]);
    // Nearer first: the same query from two places.
    const fromMonaco = first('pharmacy', { near: MONACO }) as Place;
    const fromFontvieille = first('pharmacy', { near: { lat: 43.7285, lon: 7.4155 } }) as Place;
    expect(fromMonaco.id).not.toBe(fromFontvieille.id);
    expect(searchPlaces(store, 'pharmacy', { near: MONACO, limit: 3 })).toHaveLength(3);
  });
});

describe('saved places and recent destinations', () => {
  const empty = (): MapStore => new MapStore(openDatabase(':memory:'));

  it('answers "home", "rumah", "家" and "take me home" with the saved home, and "kantor" with work', () => {
    const mine = empty();
    expect(searchPlaces(mine, 'home')).toEqual([]);
    expect(mine.setSavedPlace('home', { name: 'Jalan Mawar 12', lat: -6.2, lon: 106.9 })).toBe('home');
    expect(mine.setSavedPlace('公司', { name: 'Kemudi HQ', lat: -6.19, lon: 106.82 })).toBe('work');
    expect(mine.setSavedPlace('Gym', { name: 'Fit Club', lat: -6.21, lon: 106.85 })).toBe('gym');
    for (const query of ['home', 'Home', 'rumah', '家', 'take me home', 'ke rumah', '回家']) {
      expect(searchPlaces(mine, query, { near: { lat: -6.2, lon: 106.91 } }), query).toEqual([
        { kind: 'saved', label: 'home', name: 'Jalan Mawar 12', lat: -6.2, lon: 106.9, distanceM: 1105 },
      ]);
    }
    for (const query of ['work', 'kantor', 'office', '公司']) expect(searchPlaces(mine, query)[0], query).toMatchObject({ kind: 'saved', label: 'work', name: 'Kemudi HQ' });
    expect(searchPlaces(mine, 'gym')[0]).toMatchObject({ kind: 'saved', label: 'gym' });
    expect(mine.savedPlace('rumah')).toMatchObject({ name: 'Jalan Mawar 12' });
    expect(mine.savedPlaces().map((p) => p.label)).toEqual(['gym', 'home', 'work']);
    mine.setSavedPlace('rumah', { name: 'Jalan Melati 3', lat: -6.3, lon: 106.8 });
    expect(mine.savedPlace('home')).toMatchObject({ name: 'Jalan Melati 3' });
    expect(mine.removeSavedPlace('家')).toBe(true);
    expect(mine.savedPlace('home')).toBeUndefined();
    expect(() => mine.setSavedPlace('home', { name: '', lat: 0, lon: 0 })).toThrow();
    expect(() => mine.setSavedPlace('home', { name: 'x', lat: 99, lon: 0 })).toThrow();
  });

  it('keeps recent destinations newest first, one per place, and finds them by name', () => {
    let now = 1_000;
    const mine = new MapStore(openDatabase(':memory:'), { now: () => now++ });
    mine.recordDestination({ name: 'Rumah Nenek', lat: -6.25, lon: 106.85, kind: 'address' });
    mine.recordDestination({ name: 'Kedai Kopi Senja', lat: -6.2, lon: 106.9, kind: 'poi', category: 'cafe' });
    mine.recordDestination({ name: 'Rumah Nenek', lat: -6.25001, lon: 106.85001 });
    expect(mine.recentDestinations()).toEqual([
      { kind: 'recent', name: 'Rumah Nenek', lat: -6.25001, lon: 106.85001 },
      { kind: 'recent', name: 'Kedai Kopi Senja', lat: -6.2, lon: 106.9, category: 'cafe' },
    ]);
    expect(mine.recentDestinations(1)).toHaveLength(1);
    expect(searchPlaces(mine, 'nenek')).toEqual([{ kind: 'recent', name: 'Rumah Nenek', lat: -6.25001, lon: 106.85001 }]);
    expect(searchPlaces(mine, 'kopi senja', { near: { lat: -6.2, lon: 106.9 } })).toEqual([
      { kind: 'recent', name: 'Kedai Kopi Senja', lat: -6.2, lon: 106.9, category: 'cafe', distanceM: 0 },
    ]);
    expect(() => mine.recordDestination({ name: 'x', lat: Number.NaN, lon: 0 })).toThrow();
  });

  it.skipIf(!ready)(t('puts a recent destination the map also has once, not twice'), () => {
    const casino = first('Casino de Monte-Carlo', { near: MONACO }) as Place;
    store.recordDestination(casino);
    const places = geocoder.searchPlaces('casino de monte carlo', { near: MONACO });
    expect(places.filter((p) => p.name === 'Casino de Monte Carlo')).toHaveLength(1);
  });
});
