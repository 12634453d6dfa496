// The sample map: a small generated town, so that a fresh clone (no OSM data imported yet) still shows a
// working map and can route. It is clearly not real: "generated sample map, not real roads" is its source's
// attribution, its OSM ids are negative (as in an unsaved JOSM edit) so they never meet real ones, and the
// first real import replaces it (MapStore.beginImport).
//
// The town is written as OSM XML and imported through the same importer as any extract, so it exercises
// it: a 7 × 7 grid of residential streets about 130 m apart, centred on the simulator's default start
// (main/simulator/vehicle.ts); two primary roads across it meeting at a roundabout; a one-way street; a
// turn restriction; names in English, Indonesian and Chinese (name, name:en, name:id, name:zh); and a few
// POIs (fuel, charging, parking, cafe, hospital, restaurant, pharmacy), two of them as building outlines.
// The XML is a pure function of the tables below.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok, type Result } from '../../common/result.js';
import { importOsm } from '../services/navigation/osm-import.js';
import { SAMPLE_ATTRIBUTION, type MapSource, type MapStore } from '../storage/maps.js';

export const SAMPLE_MAP_FILE = 'kemudi-sample-town.osm';
/** The simulator's default start (vehicle.ts), the middle of the town. */
export const SAMPLE_CENTER = { lat: 43.7384, lon: 7.4246 } as const;

const D_LAT = 0.0012; // ≈ 133 m
const D_LON = 0.0016; // ≈ 129 m at this latitude
const RING_DEG = 0.0003; // the roundabout's radius in latitude degrees, ≈ 33 m
const STEPS = [-3, -2, -1, 0, 1, 2, 3] as const;

interface Names {
  en: string;
  id: string;
  zh: string;
}

/** Streets running east–west, by row (row 0 is Harbour Road). */
const ROWS: Record<number, Names> = {
  [-3]: { en: 'Lemon Street', id: 'Jalan Jeruk', zh: '柠檬街' },
  [-2]: { en: 'Garden Street', id: 'Jalan Taman', zh: '花园街' },
  [-1]: { en: 'School Street', id: 'Jalan Sekolah', zh: '学校街' },
  0: { en: 'Harbour Road', id: 'Jalan Pelabuhan', zh: '港口路' },
  1: { en: 'Olive Street', id: 'Jalan Zaitun', zh: '橄榄街' },
  2: { en: 'Market Street', id: 'Jalan Pasar', zh: '市场街' },
  3: { en: 'Hill Street', id: 'Jalan Bukit', zh: '山丘街' },
};
/** Streets running north–south, by column (column 0 is Station Avenue). */
const COLUMNS: Record<number, Names> = {
  [-3]: { en: 'Pine Lane', id: 'Jalan Pinus', zh: '松树巷' },
  [-2]: { en: 'Bridge Lane', id: 'Jalan Jembatan', zh: '桥巷' },
  [-1]: { en: 'Lighthouse Lane', id: 'Jalan Mercusuar', zh: '灯塔巷' },
  0: { en: 'Station Avenue', id: 'Jalan Stasiun', zh: '车站大道' },
  1: { en: 'Coral Lane', id: 'Jalan Karang', zh: '珊瑚巷' },
  2: { en: 'Palm Lane', id: 'Jalan Palem', zh: '棕榈巷' },
  3: { en: 'Sea View Lane', id: 'Jalan Pantai', zh: '海景巷' },
};
const ROUNDABOUT: Names = { en: 'Fountain Circle', id: 'Bundaran Air Mancur', zh: '喷泉环岛' };

interface SamplePoi {
  tags: Record<string, string>;
  names: Names;
  /** Grid position (fractions allowed). */
  at: readonly [number, number];
  /** Drawn as a square building this many grid steps wide (its centroid is the POI), else a node. */
  outline?: number;
}

export const SAMPLE_POIS: readonly SamplePoi[] = [
  { tags: { amenity: 'fuel', brand: 'Kemudi Fuel' }, names: { en: 'Harbour Fuel', id: 'SPBU Pelabuhan', zh: '港口加油站' }, at: [0.15, 2.5] },
  { tags: { amenity: 'charging_station', capacity: '4' }, names: { en: 'Kemudi Charging Hub', id: 'SPKLU Kemudi', zh: '驾驶充电站' }, at: [1.5, -0.15] },
  { tags: { amenity: 'parking', parking: 'surface' }, names: { en: 'Market Car Park', id: 'Parkir Pasar', zh: '市场停车场' }, at: [2.5, 1.5], outline: 0.3 },
  { tags: { amenity: 'cafe' }, names: { en: 'Lighthouse Cafe', id: 'Kafe Mercusuar', zh: '灯塔咖啡馆' }, at: [-0.85, -1.5] },
  { tags: { amenity: 'hospital', building: 'hospital', emergency: 'yes' }, names: { en: 'Harbour Hospital', id: 'Rumah Sakit Pelabuhan', zh: '港口医院' }, at: [-2.5, 1.5], outline: 0.4 },
  { tags: { amenity: 'restaurant', cuisine: 'seafood' }, names: { en: 'Coral Restaurant', id: 'Restoran Karang', zh: '珊瑚餐厅' }, at: [1.15, 1.5] },
  { tags: { amenity: 'pharmacy' }, names: { en: 'Pine Pharmacy', id: 'Apotek Pinus', zh: '松树药店' }, at: [-1.5, -2.85] },
];

// ---------------------------------------------------------------------------------------------------------

const esc = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const coord = (x: number): string => x.toFixed(7);
const latOf = (row: number): number => SAMPLE_CENTER.lat + row * D_LAT;
const lonOf = (col: number): number => SAMPLE_CENTER.lon + col * D_LON;
const gridId = (row: number, col: number): number => -(1000 + (row + 3) * 10 + (col + 3));
const nameTags = (n: Names): Record<string, string> => ({ name: n.en, 'name:en': n.en, 'name:id': n.id, 'name:zh': n.zh });

/** The sample town as OSM XML (nodes, then ways, then relations, as extracts are ordered). */
export function sampleMapXml(): string {
  const nodes: string[] = [];
  const ways: string[] = [];
  const relations: string[] = [];
  const node = (id: number, lat: number, lon: number, tags: Record<string, string> = {}): void => {
    const inner = Object.entries(tags).map(([k, v]) => `\n    <tag k="${esc(k)}" v="${esc(v)}"/>`);
    nodes.push(inner.length === 0 ? `  <node id="${id}" lat="${coord(lat)}" lon="${coord(lon)}"/>` : `  <node id="${id}" lat="${coord(lat)}" lon="${coord(lon)}">${inner.join('')}\n  </node>`);
  };
  const way = (id: number, refs: readonly number[], tags: Record<string, string>): void => {
    const nds = refs.map((ref) => `\n    <nd ref="${ref}"/>`).join('');
    const tagLines = Object.entries(tags)
      .map(([k, v]) => `\n    <tag k="${esc(k)}" v="${esc(v)}"/>`)
      .join('');
    ways.push(`  <way id="${id}">${nds}${tagLines}\n  </way>`);
  };

  // The grid, without its middle: the roundabout is there.
  for (const row of STEPS) for (const col of STEPS) if (row !== 0 || col !== 0) node(gridId(row, col), latOf(row), lonOf(col));
  // The roundabout: 8 nodes, counter-clockwise (as driven on the right), starting east.
  const ring: number[] = [];
  const lonScale = D_LON / D_LAT;
  for (let k = 0; k < 8; k++) {
    const angle = (k * Math.PI) / 4;
    ring.push(-(2000 + k));
    node(-(2000 + k), SAMPLE_CENTER.lat + RING_DEG * Math.sin(angle), SAMPLE_CENTER.lon + RING_DEG * lonScale * Math.cos(angle));
  }
  const [ringE, , ringN, , ringW, , ringS] = ring as [number, number, number, number, number, number, number, number];

  let wayId = -1;
  let coralSouth = 0;
  let oliveWest = 0;
  const residential = (names: Names, extra: Record<string, string> = {}): Record<string, string> => ({ highway: 'residential', maxspeed: '30', ...nameTags(names), ...extra });
  const primary = (names: Names): Record<string, string> => ({ highway: 'primary', maxspeed: '50', lanes: '2', ...nameTags(names) });

  // East–west streets. Harbour Road runs through the roundabout: two ways, west and east of it.
  for (const row of STEPS) {
    const names = ROWS[row] as Names;
    if (row === 0) {
      way(wayId--, [...[-3, -2, -1].map((c) => gridId(0, c)), ringW], primary(names));
      way(wayId--, [ringE, ...[1, 2, 3].map((c) => gridId(0, c))], primary(names));
    } else if (row === 1) {
      // Olive Street in two ways meeting at Coral Lane, for the turn restriction below.
      oliveWest = wayId;
      way(wayId--, [-3, -2, -1, 0, 1].map((c) => gridId(1, c)), residential(names));
      way(wayId--, [1, 2, 3].map((c) => gridId(1, c)), residential(names));
    } else if (row === 2) {
      // Market Street is one-way, eastbound.
      way(wayId--, STEPS.map((c) => gridId(2, c)), residential(names, { oneway: 'yes' }));
    } else {
      way(wayId--, STEPS.map((c) => gridId(row, c)), residential(names));
    }
  }
  // North–south streets. Station Avenue runs through the roundabout.
  for (const col of STEPS) {
    const names = COLUMNS[col] as Names;
    if (col === 0) {
      way(wayId--, [...[-3, -2, -1].map((r) => gridId(r, 0)), ringS], primary(names));
      way(wayId--, [ringN, ...[1, 2, 3].map((r) => gridId(r, 0))], primary(names));
    } else if (col === 1) {
      coralSouth = wayId;
      way(wayId--, [-3, -2, -1, 0, 1].map((r) => gridId(r, 1)), residential(names));
      way(wayId--, [1, 2, 3].map((r) => gridId(r, 1)), residential(names));
    } else {
      way(wayId--, STEPS.map((r) => gridId(r, col)), residential(names));
    }
  }
  // The roundabout, closed.
  way(wayId--, [...ring, ringE], { highway: 'primary', junction: 'roundabout', maxspeed: '30', ...nameTags(ROUNDABOUT) });

  // POIs: nodes, or square outlines whose centroid is the POI.
  let poiNode = -3000;
  for (const poi of SAMPLE_POIS) {
    const [row, col] = poi.at;
    const tags = { ...poi.tags, ...nameTags(poi.names) };
    if (poi.outline === undefined) {
      node(poiNode--, latOf(row), lonOf(col), tags);
      continue;
    }
    const h = poi.outline / 2;
    const corners = [
      [row - h, col - h],
      [row - h, col + h],
      [row + h, col + h],
      [row + h, col - h],
    ] as const;
    const ids = corners.map(([r, c]) => {
      const id = poiNode--;
      node(id, latOf(r), lonOf(c));
      return id;
    });
    way(wayId--, [...ids, ids[0] as number], tags);
  }

  // Coming north up Coral Lane to Olive Street, no left turn (west).
  relations.push(
    `  <relation id="-1">\n    <member type="way" ref="${coralSouth}" role="from"/>\n    <member type="node" ref="${gridId(1, 1)}" role="via"/>\n    <member type="way" ref="${oliveWest}" role="to"/>\n    <tag k="type" v="restriction"/>\n    <tag k="restriction" v="no_left_turn"/>\n  </relation>`,
  );

  const bounds = `  <bounds minlat="${coord(latOf(-3.5))}" minlon="${coord(lonOf(-3.5))}" maxlat="${coord(latOf(3.5))}" maxlon="${coord(lonOf(3.5))}"/>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- ${SAMPLE_ATTRIBUTION}: a town Kemudi generates for the simulator (main/simulator/sample-map.ts) -->`,
    `<osm version="0.6" generator="kemudi sample-map">`,
    bounds,
    ...nodes,
    ...ways,
    ...relations,
    `</osm>`,
    '',
  ].join('\n');
}

/** Writes the sample town's XML into `dir` (through a temporary file and a rename) and returns its path. */
export function writeSampleMap(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, SAMPLE_MAP_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, sampleMapXml());
  renameSync(temp, file);
  return file;
}

/** Imports the sample town when the store has no map at all; null when it has one (sample or real). */
export async function ensureSampleMap(store: MapStore, options: { dir?: string } = {}): Promise<Result<MapSource | null>> {
  if (store.sources().length > 0) return ok(null);
  const file = writeSampleMap(options.dir ?? join(tmpdir(), 'kemudi-sample-map'));
  const imported = await importOsm(store, file, { sample: true, attribution: SAMPLE_ATTRIBUTION });
  return imported.ok ? ok(imported.value.source) : imported;
}
