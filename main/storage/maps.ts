// Offline maps: what the OSM importer (main/services/navigation/osm-import.ts) wrote, read back for routing
// (loadRoadGraph), the on-screen map (roadsInBox), "find a fuel station" (nearbyPois) and the geocoder
// (main/services/navigation/geocoder.ts, through the search primitives at the end), plus the driver's saved
// places and recent destinations. Schema and its reasons: migrations/006-maps.ts.
//
// Writing goes through a MapImport (beginImport): rows are staged in TEMP tables while the file is read,
// then moved into place in one transaction, so a re-import replaces a source's rows whole, a failed or
// cancelled one leaves the old map as it was, and nothing holds the database's write lock while the file
// is read (see STAGING, below).
import * as z from 'zod';
import type { Lang } from '../../common/contract.js';
import type { RoadGraph } from '../services/navigation/graph.js';
import { haversineMeters } from '../simulator/geo.js';
import type { Db } from './db.js';
import { foldForIndex } from './media.js';

/** The road classes kept, in the order of RoadGraph.highwayClasses (as migration 006 checks them). */
export const HIGHWAY_CLASSES = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
] as const;
export type HighwayClass = (typeof HIGHWAY_CLASSES)[number];

/** The POI categories of navigation.find_poi (intents/intents.yaml). */
export const POI_CATEGORIES = [
  'fuel',
  'charging',
  'parking',
  'restaurant',
  'cafe',
  'hospital',
  'pharmacy',
  'atm',
  'toilet',
  'hotel',
  'supermarket',
  'car_wash',
  'repair',
  'police',
  'mosque',
] as const;
export const PoiCategory = z.enum(POI_CATEGORIES);
export type PoiCategory = z.infer<typeof PoiCategory>;

/** What a category is called, in English, Indonesian and Chinese: indexed with every POI of it, so "SPBU",
 *  "pom bensin" and "加油站" all find fuel stations. Keep the first word of each the plain English name. */
export const CATEGORY_WORDS: Readonly<Record<PoiCategory, readonly string[]>> = {
  fuel: ['fuel', 'fuel station', 'petrol', 'petrol station', 'gas station', 'gasoline', 'filling station', 'SPBU', 'pom bensin', 'bensin', 'pertamina', 'isi bensin', '加油站', '加油'],
  charging: ['charging station', 'charger', 'EV charging', 'electric charging', 'SPKLU', 'stasiun pengisian', 'cas mobil listrik', '充电站', '充电桩', '充电'],
  parking: ['parking', 'car park', 'parking lot', 'parkir', 'tempat parkir', 'lahan parkir', '停车场', '停车'],
  restaurant: ['restaurant', 'food', 'fast food', 'dining', 'restoran', 'rumah makan', 'warung makan', 'tempat makan', '餐厅', '饭店', '餐馆', '快餐'],
  cafe: ['cafe', 'coffee', 'coffee shop', 'kafe', 'kedai kopi', 'warung kopi', 'ngopi', '咖啡馆', '咖啡厅', '咖啡'],
  hospital: ['hospital', 'emergency', 'rumah sakit', 'RS', 'RSUD', 'IGD', '医院', '急诊'],
  pharmacy: ['pharmacy', 'chemist', 'drugstore', 'apotek', 'apotik', 'farmasi', '药店', '药房'],
  atm: ['ATM', 'cash machine', 'cashpoint', 'anjungan tunai', 'tarik tunai', '取款机', '自动取款机'],
  toilet: ['toilet', 'toilets', 'restroom', 'bathroom', 'WC', 'kamar kecil', 'kamar mandi', '厕所', '洗手间', '卫生间'],
  hotel: ['hotel', 'motel', 'inn', 'guest house', 'penginapan', 'losmen', 'wisma', '酒店', '宾馆', '旅馆'],
  supermarket: ['supermarket', 'grocery', 'swalayan', 'pasar swalayan', '超市'],
  car_wash: ['car wash', 'cuci mobil', 'doorsmeer', '洗车'],
  repair: ['car repair', 'garage', 'mechanic', 'workshop', 'tyres', 'bengkel', 'bengkel mobil', 'tambal ban', '修车', '汽修', '修理厂'],
  police: ['police', 'police station', 'polisi', 'kantor polisi', 'polsek', 'polres', '警察局', '派出所', '公安局'],
  mosque: ['mosque', 'masjid', 'musala', 'musholla', 'mushola', 'surau', '清真寺'],
};

export const SAMPLE_ATTRIBUTION = 'generated sample map, not real roads';
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/** [minLat, minLon, maxLat, maxLon]. */
export type BBox = readonly [number, number, number, number];

export interface MapCounts {
  vertices: number;
  edges: number;
  streets: number;
  pois: number;
  addresses: number;
  restrictions: number;
}

export interface MapSource extends MapCounts {
  id: number;
  /** The file name the map came from; a file of this name (or these bytes) imported again replaces it. */
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  format: 'pbf' | 'xml';
  /** What was kept spans this; null when nothing was. */
  bbox: BBox | null;
  importedAt: number;
  /** How long the import took. */
  ms: number;
  /** Show it wherever the map is drawn. */
  attribution: string;
  sample: boolean;
}

export type PlaceKind = 'street' | 'poi' | 'address' | 'saved' | 'recent';

/** A place a driver can be taken to: what the geocoder answers, what saved places and recents hold. */
export interface Place {
  kind: PlaceKind;
  name: string;
  lat: number;
  lon: number;
  /** From the `near` point of a search. */
  distanceM?: number;
  category?: PoiCategory;
  /** For a street: the RoadGraph edge (an index into loadRoadGraph()'s edges) its point lies on. */
  edge?: number;
  /** The map_places row, for map results. */
  id?: number;
  /** What OSM calls it ('amenity=casino', 'highway=primary'). */
  type?: string;
  /** Street and house number, when the data has them. */
  address?: string;
  /** A saved place's label ('home', 'work', …). */
  label?: string;
}

/** A place as given to setSavedPlace and recordDestination: checked, since it may come over IPC. */
export const PlaceInput = z.object({
  name: z.string().trim().min(1).max(300),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  kind: z.enum(['street', 'poi', 'address', 'saved', 'recent']).optional(),
  category: PoiCategory.optional(),
});
export type PlaceInput = z.input<typeof PlaceInput>;

export interface Poi {
  id: number;
  category: PoiCategory;
  name: string;
  names: { en?: string; id?: string; zh?: string };
  lat: number;
  lon: number;
  distanceM: number;
  type: string | null;
  address?: string;
  sourceId: number;
}

export interface MapRoad {
  /** 0 motorway/trunk, 1 primary/secondary, 2 tertiary/unclassified/named residential, 3 the rest. */
  cls: 0 | 1 | 2 | 3;
  /** lat, lon, lat, lon, … rounded to 5 decimals (about a metre). */
  points: number[];
  name?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Geometry blobs: little-endian int32 pairs, lat and lon in 1e-7 degrees.

const E7 = 1e7;

export function encodeGeometry(lat: ArrayLike<number>, lon: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(lat.length * 8);
  for (let i = 0; i < lat.length; i++) {
    buffer.writeInt32LE(Math.round((lat[i] as number) * E7), i * 8);
    buffer.writeInt32LE(Math.round((lon[i] as number) * E7), i * 8 + 4);
  }
  return buffer;
}

/** Appends a blob's points to `lat`/`lon` from `at`; returns the number of points. */
export function decodeGeometryInto(blob: Buffer, lat: Float64Array, lon: Float64Array, at: number): number {
  const n = blob.length >> 3;
  for (let i = 0; i < n; i++) {
    lat[at + i] = blob.readInt32LE(i * 8) / E7;
    lon[at + i] = blob.readInt32LE(i * 8 + 4) / E7;
  }
  return n;
}

export function decodeGeometry(blob: Buffer): { lat: Float64Array; lon: Float64Array } {
  const n = blob.length >> 3;
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  decodeGeometryInto(blob, lat, lon, 0);
  return { lat, lon };
}

// ---------------------------------------------------------------------------------------------------------
// Saved places: 'home' and 'work' by any of their names.

const SAVED_ALIASES: Readonly<Record<string, readonly string[]>> = {
  home: ['home', 'my home', 'my house', 'house', 'rumah', 'rumah saya', 'rumahku', 'pulang', 'ke rumah', '家', '我家', '回家', '家里'],
  work: ['work', 'office', 'my office', 'the office', 'kantor', 'kantor saya', 'kantorku', 'tempat kerja', '公司', '单位', '办公室', '上班'],
};

/** The label a saved place is stored under: 'home' or 'work' for any of their names, else the text folded. */
export function savedLabel(label: string): string {
  const folded = foldForIndex(label);
  for (const [key, names] of Object.entries(SAVED_ALIASES)) if (names.some((name) => foldForIndex(name) === folded)) return key;
  return folded;
}

// ---------------------------------------------------------------------------------------------------------
// Writing an import

export interface NewSource {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  format: 'pbf' | 'xml';
  attribution: string;
  sample: boolean;
}

export interface NewPlace {
  kind: 'street' | 'poi' | 'address';
  category: PoiCategory | null;
  type: string | null;
  osmType: 'node' | 'way' | null;
  osmId: number | null;
  name: string;
  nameEn?: string | undefined;
  nameId?: string | undefined;
  nameZh?: string | undefined;
  ref?: string | undefined;
  street?: string | undefined;
  housenumber?: string | undefined;
  /** Unknown yet for a way whose nodes come later: set it with locatePlace. */
  lat: number | null;
  lon: number | null;
  importance: 0 | 1;
  /** More words to find it by (the tag's value: "casino", "fast food"). */
  words?: readonly string[];
}

export interface NewEdge {
  wayId: number;
  fromNode: number;
  toNode: number;
  highway: HighwayClass;
  streetId: number | null;
  speedKmh: number;
  oneway: -1 | 0 | 1;
  roundabout?: boolean;
  meters: number;
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
}

type PlaceValues = [
  string,
  string | null,
  string | null,
  string | null,
  number | null,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
  number,
];

const clean = (text: string | undefined | null): string | null => {
  if (text === undefined || text === null) return null;
  const value = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
  return value === '' ? null : value;
};

/** The text a place is found by, folded (see the FTS note in migration 006). */
function ftsColumns(place: NewPlace): [string, string, string] {
  const names = [place.name, place.nameEn, place.nameId, place.nameZh, place.ref].filter((n): n is string => n !== undefined && n !== null);
  const extra = [place.street, place.housenumber, place.kind === 'street' ? undefined : place.ref].filter((n): n is string => n !== undefined && n !== null);
  const words = [...(place.category ? CATEGORY_WORDS[place.category] : []), ...(place.words ?? [])];
  return [foldForIndex([...new Set(names)].join(' ')), foldForIndex(extra.join(' ')), foldForIndex([...new Set(words)].join(' '))];
}

// While a file is read (seconds to minutes, with awaits), rows go to TEMP tables: they live in this
// connection's temporary database, so staging them takes no lock on the real one and hides nothing from
// anyone. Each batch of staged writes is its own short transaction, committed before the importer awaits
// (flush) and in any case on the next turn of the event loop, so no transaction ever spans an await.
// commit() then moves everything into the real tables in ONE transaction (INSERT … SELECT, ids shifted
// past the existing ones): the old rows of the same file go and the new ones appear at once.
const STAGING = `
  CREATE TEMP TABLE map_import_places (
    id INTEGER PRIMARY KEY, kind TEXT, category TEXT, type TEXT, osm_type TEXT, osm_id INTEGER, name TEXT, name_en TEXT, name_id TEXT,
    name_zh TEXT, ref TEXT, street TEXT, housenumber TEXT, lat REAL, lon REAL, importance INTEGER, fts_name TEXT, fts_extra TEXT, fts_words TEXT
  );
  CREATE TEMP TABLE map_import_edges (
    id INTEGER PRIMARY KEY, way_id INTEGER, from_node INTEGER, to_node INTEGER, highway TEXT, street_id INTEGER, speed_kmh REAL, oneway INTEGER,
    roundabout INTEGER, meters REAL, geometry BLOB, min_lat REAL, max_lat REAL, min_lon REAL, max_lon REAL
  );
  CREATE INDEX temp.map_import_edges_street ON map_import_edges (street_id);
  CREATE TEMP TABLE map_import_restrictions (relation_id INTEGER, from_edge INTEGER, via_node INTEGER, to_edge INTEGER, kind TEXT, restriction TEXT);
`;
const DROP_STAGING = `
  DROP TABLE IF EXISTS temp.map_import_places;
  DROP TABLE IF EXISTS temp.map_import_edges;
  DROP TABLE IF EXISTS temp.map_import_restrictions;
`;

function prepareStaging(db: Db) {
  return {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    insertPlace: db.prepare<[...PlaceValues, string, string, string]>(
      `INSERT INTO temp.map_import_places (kind, category, type, osm_type, osm_id, name, name_en, name_id, name_zh, ref, street, housenumber, lat, lon, importance,
         fts_name, fts_extra, fts_words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    locatePlace: db.prepare<[number, number, number]>('UPDATE temp.map_import_places SET lat = ?, lon = ? WHERE id = ?'),
    deletePlace: db.prepare<[number]>('DELETE FROM temp.map_import_places WHERE id = ?'),
    insertEdge: db.prepare<[number, number, number, string, number | null, number, number, number, number, Buffer, number, number, number, number]>(
      `INSERT INTO temp.map_import_edges (way_id, from_node, to_node, highway, street_id, speed_kmh, oneway, roundabout, meters, geometry, min_lat, max_lat, min_lon, max_lon)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    streetEdges: db.prepare<[number], { id: number; geometry: Buffer }>('SELECT id, geometry FROM temp.map_import_edges WHERE street_id = ? ORDER BY id'),
    insertRestriction: db.prepare<[number, number, number, number, string, string]>(
      'INSERT INTO temp.map_import_restrictions (relation_id, from_edge, via_node, to_edge, kind, restriction) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // The move into the real tables (commit).
    maxPlace: db.prepare<[], { n: number }>('SELECT coalesce(max(id), 0) AS n FROM map_places'),
    maxEdge: db.prepare<[], { n: number }>('SELECT coalesce(max(id), 0) AS n FROM map_edges'),
    movePlaces: db.prepare<[number, number]>(
      `INSERT INTO map_places (id, source_id, kind, category, type, osm_type, osm_id, name, name_en, name_id, name_zh, ref, street, housenumber, lat, lon, importance)
       SELECT id + ?, ?, kind, category, type, osm_type, osm_id, name, name_en, name_id, name_zh, ref, street, housenumber, lat, lon, importance
       FROM temp.map_import_places WHERE lat IS NOT NULL ORDER BY id`,
    ),
    moveFts: db.prepare<[number]>(
      'INSERT INTO map_places_fts (rowid, name, extra, words) SELECT id + ?, fts_name, fts_extra, fts_words FROM temp.map_import_places WHERE lat IS NOT NULL ORDER BY id',
    ),
    moveEdges: db.prepare<[number, number, number]>(
      `INSERT INTO map_edges (id, source_id, way_id, from_node, to_node, highway, street_id, speed_kmh, oneway, roundabout, meters, geometry)
       SELECT id + ?, ?, way_id, from_node, to_node, highway, street_id + ?, speed_kmh, oneway, roundabout, meters, geometry FROM temp.map_import_edges ORDER BY id`,
    ),
    moveRtree: db.prepare<[number]>('INSERT INTO map_edges_rtree (id, min_lat, max_lat, min_lon, max_lon) SELECT id + ?, min_lat, max_lat, min_lon, max_lon FROM temp.map_import_edges'),
    moveRestrictions: db.prepare<[number, number, number]>(
      `INSERT INTO map_restrictions (source_id, relation_id, from_edge, via_node, to_edge, kind, restriction)
       SELECT ?, relation_id, from_edge + ?, via_node, to_edge + ?, kind, restriction FROM temp.map_import_restrictions ORDER BY rowid`,
    ),
    finishSource: db.prepare<[number | null, number | null, number | null, number | null, number, number, number, number, number, number, number, number]>(
      `UPDATE map_sources SET min_lat = ?, min_lon = ?, max_lat = ?, max_lon = ?, vertices = ?, edges = ?, streets = ?, pois = ?, addresses = ?, restrictions = ?, ms = ?
       WHERE id = ?`,
    ),
  };
}

/** One import in progress: rows staged as they are read, made visible together by commit(). The ids its
 *  methods return are staging ids, for use within the same import only. */
export class MapImport {
  private open = true;
  private batch = false;
  private flushScheduled = false;
  private readonly s: ReturnType<typeof prepareStaging>;

  /** @internal Use MapStore.beginImport. */
  constructor(
    private readonly store: MapStore,
    private readonly source: NewSource,
  ) {
    store.db.exec(DROP_STAGING);
    store.db.exec(STAGING);
    this.s = prepareStaging(store.db);
  }

  addPlace(place: NewPlace): number {
    const name = clean(place.name);
    if (name === null) throw new Error('a place needs a name');
    const values: PlaceValues = [
      place.kind,
      place.category,
      place.type,
      place.osmType,
      place.osmId,
      name,
      clean(place.nameEn),
      clean(place.nameId),
      clean(place.nameZh),
      clean(place.ref),
      clean(place.street),
      clean(place.housenumber),
      place.lat,
      place.lon,
      place.importance,
    ];
    return Number(this.write(() => this.s.insertPlace.run(...values, ...ftsColumns({ ...place, name }))).lastInsertRowid);
  }

  locatePlace(id: number, lat: number, lon: number): void {
    this.write(() => this.s.locatePlace.run(lat, lon, id));
  }

  dropPlace(id: number): void {
    this.write(() => this.s.deletePlace.run(id));
  }

  addEdge(edge: NewEdge): number {
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let i = 0; i < edge.lat.length; i++) {
      const la = edge.lat[i] as number;
      const lo = edge.lon[i] as number;
      if (la < minLat) minLat = la;
      if (la > maxLat) maxLat = la;
      if (lo < minLon) minLon = lo;
      if (lo > maxLon) maxLon = lo;
    }
    const geometry = encodeGeometry(edge.lat, edge.lon);
    const { highway, streetId, speedKmh, oneway, meters } = edge;
    return Number(
      this.write(() => this.s.insertEdge.run(edge.wayId, edge.fromNode, edge.toNode, highway, streetId, speedKmh, oneway, edge.roundabout ? 1 : 0, meters, geometry, minLat, maxLat, minLon, maxLon)).lastInsertRowid,
    );
  }

  /** A street's edges staged so far (by the street's staging id). */
  streetEdges(streetId: number): { id: number; lat: Float64Array; lon: Float64Array }[] {
    this.check();
    return this.s.streetEdges.all(streetId).map((row) => ({ id: row.id, ...decodeGeometry(row.geometry) }));
  }

  addRestriction(r: { relationId: number; fromEdge: number; viaNode: number; toEdge: number; kind: 'no' | 'only'; restriction: string }): void {
    this.write(() => this.s.insertRestriction.run(r.relationId, r.fromEdge, r.viaNode, r.toEdge, r.kind, r.restriction));
  }

  /** Ends the current batch of staged writes: call before awaiting. */
  flush(): void {
    if (!this.batch) return;
    this.batch = false;
    if (this.store.db.inTransaction) this.s.commit.run();
  }

  /** Makes the import the map, in one transaction: the earlier import of the same file name or bytes is
   *  replaced (keeping its id), and a real map replaces the generated sample. */
  commit(counts: MapCounts, bbox: BBox | null, ms: number): { source: MapSource; replaced: boolean } {
    this.check();
    this.flush();
    try {
      const { id, replaced } = this.store.db.transaction(() => {
        const target = this.store.claimSource(this.source);
        const placeOffset = this.s.maxPlace.get()?.n ?? 0;
        const edgeOffset = this.s.maxEdge.get()?.n ?? 0;
        this.s.movePlaces.run(placeOffset, target.id);
        this.s.moveFts.run(placeOffset);
        this.s.moveEdges.run(edgeOffset, target.id, placeOffset);
        this.s.moveRtree.run(edgeOffset);
        this.s.moveRestrictions.run(target.id, edgeOffset, edgeOffset);
        this.s.finishSource.run(
          bbox?.[0] ?? null,
          bbox?.[1] ?? null,
          bbox?.[2] ?? null,
          bbox?.[3] ?? null,
          counts.vertices,
          counts.edges,
          counts.streets,
          counts.pois,
          counts.addresses,
          counts.restrictions,
          Math.max(0, Math.round(ms)),
          target.id,
        );
        return target;
      })();
      const source = this.store.sources().find((x) => x.id === id);
      if (!source) throw new Error('the imported source is gone');
      return { source, replaced };
    } finally {
      this.end();
    }
  }

  /** Drops what was staged; the map stays as it was. Safe to call after commit (it does nothing then). */
  rollback(): void {
    if (!this.open) return;
    this.flush();
    this.end();
  }

  private end(): void {
    this.open = false;
    this.store.db.exec(DROP_STAGING);
    this.store.endImport();
  }

  private check(): void {
    if (!this.open) throw new Error('this import is finished');
  }

  private write<T>(fn: () => T): T {
    this.check();
    // A batch of its own, unless the caller already holds a transaction (then the rows go with it).
    if (!this.batch && !this.store.db.inTransaction) {
      this.s.begin.run();
      this.batch = true;
      if (!this.flushScheduled) {
        // Whatever happens, the batch ends before the event loop turns.
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          if (this.open) this.flush();
        });
      }
    }
    return fn();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rows

interface SourceRow {
  id: number;
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  format: 'pbf' | 'xml';
  min_lat: number | null;
  min_lon: number | null;
  max_lat: number | null;
  max_lon: number | null;
  vertices: number;
  edges: number;
  streets: number;
  pois: number;
  addresses: number;
  restrictions: number;
  imported_at: number;
  ms: number;
  attribution: string;
  sample: number;
}

export interface PlaceRow {
  id: number;
  source_id: number;
  kind: 'street' | 'poi' | 'address';
  category: PoiCategory | null;
  type: string | null;
  name: string;
  name_en: string | null;
  name_id: string | null;
  name_zh: string | null;
  ref: string | null;
  street: string | null;
  housenumber: string | null;
  lat: number;
  lon: number;
  importance: number;
  /** bm25 of the match (lower is better). */
  rank: number;
}

interface EdgeRow {
  id: number;
  source_id: number;
  way_id: number;
  from_node: number;
  to_node: number;
  highway: HighwayClass;
  street_id: number | null;
  speed_kmh: number;
  oneway: -1 | 0 | 1;
  roundabout: 0 | 1;
  meters: number;
  geometry: Buffer;
}

interface SavedRow {
  label: string;
  name: string;
  lat: number;
  lon: number;
  kind: string;
  category: PoiCategory | null;
}

const PLACE_COLUMNS = 'p.id, p.source_id, p.kind, p.category, p.type, p.name, p.name_en, p.name_id, p.name_zh, p.ref, p.street, p.housenumber, p.lat, p.lon, p.importance';

const HIGHWAY_INDEX = new Map<string, number>(HIGHWAY_CLASSES.map((h, i) => [h, i]));

/** The on-screen class of a road: 0 motorway/trunk, 1 primary/secondary, 2 tertiary/unclassified/named residential, 3 minor. */
export function roadClass(highway: HighwayClass, named: boolean): 0 | 1 | 2 | 3 {
  const base = highway.replace(/_link$/, '');
  if (base === 'motorway' || base === 'trunk') return 0;
  if (base === 'primary' || base === 'secondary') return 1;
  if (base === 'tertiary' || base === 'unclassified' || (base === 'residential' && named)) return 2;
  return 3;
}

/** The name to show in a language: name:xx when the data has it, else the name as it is. */
export function localName(row: { name: string; name_en: string | null; name_id: string | null; name_zh: string | null }, lang?: Lang): string {
  const local = lang === 'en' ? row.name_en : lang === 'id' ? row.name_id : lang === 'zh' ? row.name_zh : null;
  return local ?? row.name;
}

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/** Douglas–Peucker on lat/lon pairs, in degrees (fine at on-screen scales). Keeps the first and last point. */
function simplify(lat: number[], lon: number[], tolerance: number): number[] {
  const n = lat.length;
  if (n <= 2 || tolerance <= 0) return lat.flatMap((la, i) => [la, lon[i] as number]);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: [number, number][] = [[0, n - 1]];
  const t2 = tolerance * tolerance;
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const ax = lon[a] as number;
    const ay = lat[a] as number;
    const dx = (lon[b] as number) - ax;
    const dy = (lat[b] as number) - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD = t2;
    for (let i = a + 1; i < b; i++) {
      const px = (lon[i] as number) - ax;
      const py = (lat[i] as number) - ay;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d = ex * ex + ey * ey;
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(lat[i] as number, lon[i] as number);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The store

export interface MapStoreOptions {
  now?: () => number;
}

const MAX_RECENTS = 200;
/** roadsInBox: residential streets and lower up to this span in degrees (≈ 10 km), tertiary and unclassified up to this (≈ 50 km). */
const MINOR_ROADS_SPAN = 0.1;
const LOCAL_ROADS_SPAN = 0.5;

export class MapStore {
  readonly db: Db;
  private readonly now: () => number;
  private importing = false;
  /** Bumped by every import and removal on this connection; data_version covers other connections. */
  private generation = 0;
  private cache: { key: string; graph: RoadGraph; edgeIds: Float64Array } | null = null;

  private readonly listSources;
  private readonly sourceByNameOrSha;
  private readonly insertSource;
  private readonly resetSource;
  private readonly deleteSourceRows;
  private readonly deleteSource;
  private readonly deleteSamples;
  private readonly allEdges;
  private readonly allStreets;
  private readonly allRestrictions;
  private readonly edgesInBox;
  private readonly poisInBox;
  private readonly upsertSaved;
  private readonly savedByLabel;
  private readonly allSaved;
  private readonly deleteSaved;
  private readonly upsertRecent;
  private readonly recentRows;
  private readonly pruneRecents;
  private readonly matchPlaces;
  private readonly termsFrom;
  private readonly termHits;
  private readonly streetEdgeRows;

  constructor(db: Db, options: MapStoreOptions = {}) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.listSources = db.prepare<[], SourceRow>('SELECT * FROM map_sources ORDER BY id');
    this.sourceByNameOrSha = db.prepare<[string, string], { id: number }>('SELECT id FROM map_sources WHERE name = ? OR sha256 = ? ORDER BY id');
    this.insertSource = db.prepare<[string, string, string, number, string, number, string, number]>(
      'INSERT INTO map_sources (name, path, sha256, bytes, format, imported_at, attribution, sample) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.resetSource = db.prepare<[string, string, string, number, string, number, string, number, number]>(
      `UPDATE map_sources SET name = ?, path = ?, sha256 = ?, bytes = ?, format = ?, imported_at = ?, attribution = ?, sample = ?,
         min_lat = NULL, min_lon = NULL, max_lat = NULL, max_lon = NULL, vertices = 0, edges = 0, streets = 0, pois = 0, addresses = 0, restrictions = 0, ms = 0
       WHERE id = ?`,
    );
    // A source's rows without the source itself (a re-import keeps its id). Restrictions first: they point at edges.
    const deleteRestrictions = db.prepare<[number]>('DELETE FROM map_restrictions WHERE source_id = ?');
    const deleteEdges = db.prepare<[number]>('DELETE FROM map_edges WHERE source_id = ?');
    const deletePlaces = db.prepare<[number]>('DELETE FROM map_places WHERE source_id = ?');
    this.deleteSourceRows = (id: number): void => {
      deleteRestrictions.run(id);
      deleteEdges.run(id);
      deletePlaces.run(id);
    };
    this.deleteSource = db.prepare<[number]>('DELETE FROM map_sources WHERE id = ?');
    this.deleteSamples = db.prepare<[number], { id: number }>('SELECT id FROM map_sources WHERE sample = 1 AND id <> ?');
    this.allEdges = db.prepare<[], EdgeRow>('SELECT id, source_id, way_id, from_node, to_node, highway, street_id, speed_kmh, oneway, roundabout, meters, geometry FROM map_edges ORDER BY id');
    this.allStreets = db.prepare<[], { id: number; name: string; name_en: string | null; name_id: string | null; name_zh: string | null; ref: string | null }>(
      "SELECT id, name, name_en, name_id, name_zh, ref FROM map_places WHERE kind = 'street' AND id IN (SELECT DISTINCT street_id FROM map_edges WHERE street_id IS NOT NULL) ORDER BY id",
    );
    this.allRestrictions = db.prepare<[], { from_edge: number; via_node: number; to_edge: number; kind: 'no' | 'only' }>('SELECT from_edge, via_node, to_edge, kind FROM map_restrictions ORDER BY id');
    this.edgesInBox = db.prepare<
      [number, number, number, number, number, number],
      { id: number; source_id: number; way_id: number; from_node: number; to_node: number; highway: HighwayClass; geometry: Buffer; name: string | null; name_en: string | null; name_id: string | null; name_zh: string | null }
    >(
      `SELECT e.id, e.source_id, e.way_id, e.from_node, e.to_node, e.highway, e.geometry, p.name, p.name_en, p.name_id, p.name_zh
       FROM map_edges_rtree r JOIN map_edges e ON e.id = r.id LEFT JOIN map_places p ON p.id = e.street_id
       WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
         AND (? OR e.highway NOT IN ('residential', 'living_street', 'service'))
         AND (? OR e.highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link'))
       ORDER BY e.source_id, e.way_id, e.id`,
    );
    this.poisInBox = db.prepare<[string, number, number, number, number], Omit<PlaceRow, 'rank'>>(
      `SELECT ${PLACE_COLUMNS} FROM map_places p WHERE p.category = ? AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?`,
    );
    this.upsertSaved = db.prepare<[string, string, number, number, string, string | null, number]>(
      `INSERT INTO saved_places (label, name, lat, lon, kind, category, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (label) DO UPDATE SET name = excluded.name, lat = excluded.lat, lon = excluded.lon, kind = excluded.kind, category = excluded.category, updated_at = excluded.updated_at`,
    );
    this.savedByLabel = db.prepare<[string], SavedRow>('SELECT label, name, lat, lon, kind, category FROM saved_places WHERE label = ?');
    this.allSaved = db.prepare<[], SavedRow>('SELECT label, name, lat, lon, kind, category FROM saved_places ORDER BY label');
    this.deleteSaved = db.prepare<[string]>('DELETE FROM saved_places WHERE label = ?');
    this.upsertRecent = db.prepare<[string, number, number, string, string | null, string, number]>(
      `INSERT INTO recent_destinations (name, lat, lon, kind, category, cell, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name, cell) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, kind = excluded.kind, category = excluded.category,
         used_at = excluded.used_at, times = times + 1`,
    );
    this.recentRows = db.prepare<[number], { name: string; lat: number; lon: number; kind: string; category: PoiCategory | null }>(
      'SELECT name, lat, lon, kind, category FROM recent_destinations ORDER BY used_at DESC, id DESC LIMIT ?',
    );
    this.pruneRecents = db.prepare<[number]>('DELETE FROM recent_destinations WHERE id NOT IN (SELECT id FROM recent_destinations ORDER BY used_at DESC, id DESC LIMIT ?)');
    this.matchPlaces = db.prepare<[string, number], PlaceRow>(
      `SELECT ${PLACE_COLUMNS}, bm25(map_places_fts, 10.0, 3.0, 6.0) AS rank FROM map_places_fts JOIN map_places p ON p.id = map_places_fts.rowid
       WHERE map_places_fts MATCH ? AND p.lat IS NOT NULL ORDER BY rank, p.id LIMIT ?`,
    );
    this.termsFrom = db.prepare<[string, string, number], { term: string; doc: number }>('SELECT term, doc FROM map_places_vocab WHERE term >= ? AND term < ? LIMIT ?');
    this.termHits = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM map_places_fts WHERE map_places_fts MATCH ? LIMIT 1)');
    this.streetEdgeRows = db.prepare<[number], { id: number; geometry: Buffer }>('SELECT id, geometry FROM map_edges WHERE street_id = ? ORDER BY id');
  }

  // ------------------------------------------------------------------------------------------------------
  // Sources

  sources(): MapSource[] {
    return this.listSources.all().map(toSource);
  }

  /** Removes a map and everything imported from it; false when there is no such source. */
  removeSource(id: number): boolean {
    const removed = this.db.transaction(() => {
      this.deleteSourceRows(id);
      return this.deleteSource.run(id).changes > 0;
    })();
    if (removed) this.invalidate();
    return removed;
  }

  /** Starts an import of one source. Nothing is visible until MapImport.commit(); one import at a time per
   *  connection. */
  beginImport(source: NewSource): MapImport {
    if (this.importing) throw new Error('another map import is running on this connection');
    this.importing = true;
    try {
      return new MapImport(this, source);
    } catch (error) {
      this.importing = false;
      throw error;
    }
  }

  /** @internal MapImport's end. */
  endImport(): void {
    this.importing = false;
    this.invalidate();
  }

  /** @internal Inside MapImport.commit's transaction: the source row the import becomes. An earlier import
   *  of the same file name or the same bytes is emptied and keeps its id; a real map removes the sample. */
  claimSource(source: NewSource): { id: number; replaced: boolean } {
    const existing = this.sourceByNameOrSha.all(source.name, source.sha256);
    const keep = existing[0]?.id;
    for (const { id } of existing.slice(1)) {
      this.deleteSourceRows(id);
      this.deleteSource.run(id);
    }
    if (!source.sample) {
      for (const { id } of this.deleteSamples.all(keep ?? -1)) {
        this.deleteSourceRows(id);
        this.deleteSource.run(id);
      }
    }
    const values = [source.name, source.path, source.sha256, source.bytes, source.format, this.now(), source.attribution, source.sample ? 1 : 0] as const;
    if (keep !== undefined) {
      this.deleteSourceRows(keep);
      this.resetSource.run(...values, keep);
      return { id: keep, replaced: true };
    }
    return { id: Number(this.insertSource.run(...values).lastInsertRowid), replaced: false };
  }

  private invalidate(): void {
    this.generation++;
    this.cache = null;
  }

  private cacheKey(): string {
    return `${this.generation}:${String(this.db.pragma('data_version', { simple: true }))}`;
  }

  // ------------------------------------------------------------------------------------------------------
  // The road graph

  /** Every source's roads as one RoadGraph (sources meet at shared OSM nodes; an edge imported twice by two
   *  overlapping extracts is kept once). Kept until the next import or removal. */
  loadRoadGraph(): RoadGraph {
    return this.loaded().graph;
  }

  /** The index in loadRoadGraph() of a map_edges row, or -1. */
  graphEdgeIndex(edgeId: number): number {
    const ids = this.loaded().edgeIds;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid] as number;
      if (v === edgeId) return mid;
      if (v < edgeId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private loaded(): { graph: RoadGraph; edgeIds: Float64Array } {
    const key = this.cacheKey();
    if (this.cache?.key === key) return this.cache;
    const built = this.buildGraph();
    this.cache = { key, ...built };
    return this.cache;
  }

  private buildGraph(): { graph: RoadGraph; edgeIds: Float64Array } {
    const rows = this.allEdges.all();
    const multiSource = new Set(rows.map((r) => r.source_id)).size > 1;
    const seen = new Set<string>();
    const edges = multiSource
      ? rows.filter((r) => {
          const k = `${r.way_id}:${r.from_node}:${r.to_node}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        })
      : rows;
    const edgeCount = edges.length;

    const streets = this.allStreets.all();
    const nameIndex = new Map<number, number>(streets.map((s, i) => [s.id, i]));
    const names = streets.map((s) => ({
      name: s.name,
      ...(s.name_en !== null ? { en: s.name_en } : {}),
      ...(s.name_id !== null ? { id: s.name_id } : {}),
      ...(s.name_zh !== null ? { zh: s.name_zh } : {}),
      ...(s.ref !== null ? { ref: s.ref } : {}),
    }));

    const vertexOf = new Map<number, number>();
    const vLat: number[] = [];
    const vLon: number[] = [];
    const vNode: number[] = [];
    let points = 0;
    for (const e of edges) points += e.geometry.length >> 3;
    const geometryStart = new Uint32Array(edgeCount + 1);
    const geometryLat = new Float64Array(points);
    const geometryLon = new Float64Array(points);
    const edgeFrom = new Uint32Array(edgeCount);
    const edgeTo = new Uint32Array(edgeCount);
    const edgeWay = new Float64Array(edgeCount);
    const edgeHighway = new Uint8Array(edgeCount);
    const edgeRoundabout = new Uint8Array(edgeCount);
    const edgeName = new Int32Array(edgeCount);
    const edgeIds = new Float64Array(edgeCount);
    const edgeIndexById = new Map<number, number>();
    const vertex = (node: number, lat: number, lon: number): number => {
      let v = vertexOf.get(node);
      if (v === undefined) {
        v = vLat.length;
        vertexOf.set(node, v);
        vLat.push(lat);
        vLon.push(lon);
        vNode.push(node);
      }
      return v;
    };
    let at = 0;
    let arcCount = 0;
    for (let i = 0; i < edgeCount; i++) {
      const e = edges[i] as EdgeRow;
      geometryStart[i] = at;
      const n = decodeGeometryInto(e.geometry, geometryLat, geometryLon, at);
      edgeFrom[i] = vertex(e.from_node, geometryLat[at] as number, geometryLon[at] as number);
      edgeTo[i] = vertex(e.to_node, geometryLat[at + n - 1] as number, geometryLon[at + n - 1] as number);
      at += n;
      edgeWay[i] = e.way_id;
      edgeHighway[i] = HIGHWAY_INDEX.get(e.highway) ?? HIGHWAY_CLASSES.length - 1;
      edgeRoundabout[i] = e.roundabout;
      edgeName[i] = e.street_id === null ? -1 : (nameIndex.get(e.street_id) ?? -1);
      edgeIds[i] = e.id;
      edgeIndexById.set(e.id, i);
      arcCount += e.oneway === 0 ? 2 : 1;
    }
    geometryStart[edgeCount] = at;

    // CSR: count arcs per tail, prefix sums, then place each arc.
    const vertexCount = vLat.length;
    const firstOut = new Uint32Array(vertexCount + 1);
    for (let i = 0; i < edgeCount; i++) {
      const e = edges[i] as EdgeRow;
      const from = (edgeFrom[i] as number) + 1;
      const to = (edgeTo[i] as number) + 1;
      if (e.oneway >= 0) firstOut[from] = (firstOut[from] as number) + 1;
      if (e.oneway <= 0) firstOut[to] = (firstOut[to] as number) + 1;
    }
    for (let v = 0; v < vertexCount; v++) firstOut[v + 1] = (firstOut[v + 1] as number) + (firstOut[v] as number);
    const fill = firstOut.slice(0, vertexCount);
    const head = new Uint32Array(arcCount);
    const arcEdge = new Uint32Array(arcCount);
    const arcForward = new Uint8Array(arcCount);
    const arcMeters = new Float32Array(arcCount);
    const arcSeconds = new Float32Array(arcCount);
    const place = (tail: number, to: number, edge: number, forward: boolean, meters: number, seconds: number): void => {
      const a = fill[tail] as number;
      fill[tail] = a + 1;
      head[a] = to;
      arcEdge[a] = edge;
      arcForward[a] = forward ? 1 : 0;
      arcMeters[a] = meters;
      arcSeconds[a] = seconds;
    };
    for (let i = 0; i < edgeCount; i++) {
      const e = edges[i] as EdgeRow;
      const seconds = e.meters / (e.speed_kmh / 3.6);
      if (e.oneway >= 0) place(edgeFrom[i] as number, edgeTo[i] as number, i, true, e.meters, seconds);
      if (e.oneway <= 0) place(edgeTo[i] as number, edgeFrom[i] as number, i, false, e.meters, seconds);
    }

    const restrictions: RoadGraph['restrictions'][number][] = [];
    for (const r of this.allRestrictions.all()) {
      const fromEdge = edgeIndexById.get(r.from_edge);
      const toEdge = edgeIndexById.get(r.to_edge);
      const viaVertex = vertexOf.get(r.via_node);
      if (fromEdge === undefined || toEdge === undefined || viaVertex === undefined) continue;
      restrictions.push({ fromEdge, viaVertex, toEdge, kind: r.kind });
    }

    const graph: RoadGraph = {
      vertexCount,
      lat: Float64Array.from(vLat),
      lon: Float64Array.from(vLon),
      osmNode: Float64Array.from(vNode),
      firstOut,
      head,
      arcEdge,
      arcForward,
      arcMeters,
      arcSeconds,
      edgeCount,
      edgeFrom,
      edgeTo,
      edgeWay,
      edgeHighway,
      edgeRoundabout,
      highwayClasses: HIGHWAY_CLASSES,
      edgeName,
      names,
      geometryStart,
      geometryLat,
      geometryLon,
      restrictions,
    };
    return { graph, edgeIds };
  }

  // ------------------------------------------------------------------------------------------------------
  // The on-screen map and POIs

  /** The roads in a box, for drawing: pieces of one way joined where they meet, lightly simplified for the
   *  box's size, the most important first; at most maxRoads (default 3000), dropping the least important.
   *  A box wider than about 10 km leaves out residential and service streets; wider than about 50 km, all but
   *  motorways, trunk, primary and secondary roads. */
  roadsInBox(box: BBox, options: { maxRoads?: number; lang?: Lang } = {}): MapRoad[] {
    const [minLat, minLon, maxLat, maxLon] = box;
    if (![minLat, minLon, maxLat, maxLon].every(Number.isFinite) || minLat > maxLat || minLon > maxLon) return [];
    const maxRoads = Math.max(0, Math.floor(options.maxRoads ?? 3000));
    const tolerance = Math.max(maxLat - minLat, maxLon - minLon) / 4000;
    const roads: { cls: 0 | 1 | 2 | 3; lat: number[]; lon: number[]; name: string | undefined; meters: number }[] = [];
    let current: (typeof roads)[number] | null = null;
    let currentKey = '';
    let lastNode = NaN;
    // A wide view leaves out what it could not show: streets beyond a few kilometres, all but the main roads
    // beyond a few tens (a whole country's lanes would be millions of points for a few hundred pixels).
    const span = Math.max(maxLat - minLat, maxLon - minLon);
    const minor = span <= MINOR_ROADS_SPAN ? 1 : 0;
    const local = span <= LOCAL_ROADS_SPAN ? 1 : 0;
    for (const row of this.edgesInBox.iterate(minLat, maxLat, minLon, maxLon, minor, local)) {
      const key = `${row.source_id}:${row.way_id}`;
      const { lat, lon } = decodeGeometry(row.geometry);
      const name = row.name === null ? undefined : localName({ name: row.name, name_en: row.name_en, name_id: row.name_id, name_zh: row.name_zh }, options.lang);
      if (current !== null && key === currentKey && row.from_node === lastNode) {
        for (let i = 1; i < lat.length; i++) {
          current.lat.push(lat[i] as number);
          current.lon.push(lon[i] as number);
        }
      } else {
        current = { cls: roadClass(row.highway, name !== undefined), lat: Array.from(lat), lon: Array.from(lon), name, meters: 0 };
        roads.push(current);
        currentKey = key;
      }
      lastNode = row.to_node;
    }
    for (const road of roads) {
      let m = 0;
      for (let i = 1; i < road.lat.length; i++) m += haversineMeters([road.lat[i - 1] as number, road.lon[i - 1] as number], [road.lat[i] as number, road.lon[i] as number]);
      road.meters = m;
    }
    roads.sort((a, b) => a.cls - b.cls || b.meters - a.meters);
    return roads.slice(0, maxRoads).map((road) => ({
      cls: road.cls,
      points: simplify(road.lat, road.lon, tolerance).map(round5),
      ...(road.name !== undefined ? { name: road.name.slice(0, 200) } : {}),
    }));
  }

  /** POIs of a category within radiusM (default 5 km) of a point, nearest first, at most limit (default 10). */
  nearbyPois(category: PoiCategory, near: { lat: number; lon: number }, options: { limit?: number; radiusM?: number; lang?: Lang } = {}): Poi[] {
    if (!PoiCategory.safeParse(category).success || !Number.isFinite(near.lat) || !Number.isFinite(near.lon)) return [];
    const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 10), 500));
    const radius = Math.max(1, Math.min(options.radiusM ?? 5000, 500_000));
    const dLat = radius / 111_320;
    const dLon = radius / (111_320 * Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01));
    const rows = this.poisInBox.all(category, near.lat - dLat, near.lat + dLat, near.lon - dLon, near.lon + dLon);
    return rows
      .map((row) => ({ row, distanceM: haversineMeters([near.lat, near.lon], [row.lat, row.lon]) }))
      .filter((x) => x.distanceM <= radius)
      .sort((a, b) => a.distanceM - b.distanceM || a.row.id - b.row.id)
      .slice(0, limit)
      .map(({ row, distanceM }) => toPoi(row, Math.round(distanceM), options.lang));
  }

  // ------------------------------------------------------------------------------------------------------
  // Saved places and recent destinations

  /** Saves a place under a label: 'home' and 'work' by any of their names ("rumah", "家", "kantor"), else the
   *  label as said. Returns the label it is stored under. */
  setSavedPlace(label: 'home' | 'work' | (string & {}), place: PlaceInput): string {
    const key = savedLabel(label);
    if (key === '') throw new Error('a saved place needs a label');
    const p = PlaceInput.parse(place);
    this.upsertSaved.run(key, p.name, p.lat, p.lon, p.kind ?? 'saved', p.category ?? null, this.now());
    return key;
  }

  savedPlace(label: string): Place | undefined {
    const row = this.savedByLabel.get(savedLabel(label));
    return row ? savedToPlace(row) : undefined;
  }

  savedPlaces(): Place[] {
    return this.allSaved.all().map(savedToPlace);
  }

  removeSavedPlace(label: string): boolean {
    return this.deleteSaved.run(savedLabel(label)).changes > 0;
  }

  /** Notes a destination the driver went to: the same name within about 10 m is one entry, moved to the top. */
  recordDestination(place: PlaceInput): void {
    const p = PlaceInput.parse(place);
    const cell = `${p.lat.toFixed(4)},${p.lon.toFixed(4)}`;
    this.db.transaction(() => {
      this.upsertRecent.run(p.name, p.lat, p.lon, p.kind === 'recent' || p.kind === undefined ? 'poi' : p.kind, p.category ?? null, cell, this.now());
      this.pruneRecents.run(MAX_RECENTS);
    })();
  }

  /** The latest destinations, newest first. */
  recentDestinations(limit = 10): Place[] {
    return this.recentRows.all(Math.max(1, Math.min(Math.floor(limit), MAX_RECENTS))).map((row) => ({
      kind: 'recent' as const,
      name: row.name,
      lat: row.lat,
      lon: row.lon,
      ...(row.category !== null ? { category: row.category } : {}),
    }));
  }

  // ------------------------------------------------------------------------------------------------------
  // Search primitives (the geocoder builds the FTS5 expressions; user text never reaches MATCH raw there)

  /** Places matching an FTS5 expression over the folded name, extra (address) and words columns, best first. */
  match(expression: string, limit: number): PlaceRow[] {
    return this.matchPlaces.all(expression, limit);
  }

  /** Whether an FTS5 expression matches anything. */
  matches(expression: string): boolean {
    return (this.termHits.get(expression)?.n ?? 0) > 0;
  }

  /** Index terms from `from` (inclusive) to `to` (exclusive), at most limit, with how many places have each. */
  terms(from: string, to: string, limit: number): { term: string; doc: number }[] {
    return this.termsFrom.all(from, to, limit);
  }

  /** A street's edges (map_edges ids and geometry), to find its point nearest somewhere. */
  streetEdges(streetId: number): { id: number; lat: Float64Array; lon: Float64Array }[] {
    return this.streetEdgeRows.all(streetId).map((row) => ({ id: row.id, ...decodeGeometry(row.geometry) }));
  }
}

function toSource(row: SourceRow): MapSource {
  const bbox: BBox | null = row.min_lat !== null && row.min_lon !== null && row.max_lat !== null && row.max_lon !== null ? [row.min_lat, row.min_lon, row.max_lat, row.max_lon] : null;
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    sha256: row.sha256,
    bytes: row.bytes,
    format: row.format,
    bbox,
    vertices: row.vertices,
    edges: row.edges,
    streets: row.streets,
    pois: row.pois,
    addresses: row.addresses,
    restrictions: row.restrictions,
    importedAt: row.imported_at,
    ms: row.ms,
    attribution: row.attribution,
    sample: row.sample === 1,
  };
}

function toPoi(row: Omit<PlaceRow, 'rank'>, distanceM: number, lang?: Lang): Poi {
  const address = [row.street, row.housenumber].filter((x) => x !== null).join(' ');
  return {
    id: row.id,
    category: row.category as PoiCategory,
    name: localName(row, lang),
    names: { ...(row.name_en !== null ? { en: row.name_en } : {}), ...(row.name_id !== null ? { id: row.name_id } : {}), ...(row.name_zh !== null ? { zh: row.name_zh } : {}) },
    lat: row.lat,
    lon: row.lon,
    distanceM,
    type: row.type,
    ...(address !== '' ? { address } : {}),
    sourceId: row.source_id,
  };
}

function savedToPlace(row: SavedRow): Place {
  return { kind: 'saved', name: row.name, lat: row.lat, lon: row.lon, label: row.label, ...(row.category !== null ? { category: row.category } : {}) };
}
