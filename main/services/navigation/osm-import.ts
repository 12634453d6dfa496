// Imports an OpenStreetMap extract (.osm.pbf or .osm XML) into the MapStore: the drivable road graph split
// at junctions, street names, POIs by category, addresses and turn restrictions.
//
// The file is streamed, never held whole, and nothing is kept as one object per node: an extract lists
// nodes first, then ways, then relations, and a way's nodes are only known to matter once the way is read.
// So the file is read three times:
//   0. hashed (sha256: the same bytes imported again replace the same source);
//   1. ways and relations: the kept roads' node ids go into one growing Float64Array, their attributes into
//      typed arrays; POI and address ways are written at once, located later; restrictions are remembered;
//   2. nodes: the node ids needed are sorted once, and each node read is looked up (a merge walk, as
//      extracts are sorted by id) to fill two Float64Arrays of coordinates; tagged nodes become POIs and
//      addresses on the spot.
// Then the roads are cut into edges at junctions (a node on two kept ways, or twice on one) and at their
// ends. Rows are staged as they come and made the map in one transaction at the end (MapStore.beginImport,
// MapImport.commit): a re-import replaces a source whole, a failed or cancelled one leaves the old map
// untouched, and the database is not locked while the file is read.
//
// Parsers: osm-pbf-parser-node (streaming PBF: zlib blobs decoded with mapbox/pbf) and saxes (streaming XML).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { err, ok, type Result } from '../../../common/result.js';
import { haversineMeters } from '../../simulator/geo.js';
import {
  HIGHWAY_CLASSES,
  OSM_ATTRIBUTION,
  type BBox,
  type HighwayClass,
  type MapCounts,
  type MapImport,
  type MapSource,
  type MapStore,
  type NewPlace,
  type PoiCategory,
} from '../../storage/maps.js';

export interface ImportProgress {
  /** hash: checksumming the file; ways and nodes: reading it (done/total in bytes); graph: cutting roads into
   *  edges (done/total in ways); commit: writing the last rows. */
  phase: 'hash' | 'ways' | 'nodes' | 'graph' | 'commit';
  done: number;
  total?: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the import: nothing of it is kept, and the result is a `cancelled` error. */
  signal?: AbortSignal;
  /** Default: "© OpenStreetMap contributors". */
  attribution?: string;
  /** The generated sample town (main/simulator/sample-map.ts): replaced by the first real import. */
  sample?: boolean;
}

export interface ImportResult extends MapCounts {
  source: MapSource;
  /** The file had been imported before (by name or by content) and its rows were replaced. */
  replaced: boolean;
  /** Wall time of the whole import, hashing included. */
  ms: number;
}

// ---------------------------------------------------------------------------------------------------------
// Reading OSM elements

type Tags = Record<string, string>;
interface OsmNode {
  type: 'node';
  id: number;
  lat: number;
  lon: number;
  tags?: Tags;
}
interface OsmWay {
  type: 'way';
  id: number;
  refs: number[];
  tags?: Tags;
}
interface OsmMember {
  type: 'node' | 'way' | 'relation';
  ref: number;
  role: string;
}
interface OsmRelation {
  type: 'relation';
  id: number;
  members: OsmMember[];
  tags?: Tags;
}
type OsmElement = OsmNode | OsmWay | OsmRelation;

type Format = 'pbf' | 'xml';

interface ReadOptions {
  /** The nodes pass: node tags wanted, way and relation tags not. */
  nodeTags: boolean;
  onBytes: (bytes: number) => void;
  signal: AbortSignal | undefined;
}

/** What the file is, from its first bytes: a PBF's first blob header says "OSMHeader"; XML starts with '<'. */
async function sniff(file: string): Promise<Format | null> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.includes('OSMHeader')) return 'pbf';
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('<') ? 'xml' : null;
  } finally {
    await handle.close();
  }
}

async function* readPbf(file: string, options: ReadOptions): AsyncGenerator<OsmElement[]> {
  // Loaded on first use: the app and every other CLI command start without it.
  const { OSMTransform } = await import('osm-pbf-parser-node');
  // Tags are decoded only where the pass reads them: nodes' in the nodes pass, ways' and relations' in the other.
  const transform = new OSMTransform({ withTags: { node: options.nodeTags, way: !options.nodeTags, relation: !options.nodeTags }, withInfo: false });
  const out: OsmElement[][] = [];
  let failure: unknown = null;
  transform.on('data', (batch: unknown[]) => out.push(batch.filter((x): x is OsmElement => typeof (x as { type?: unknown }).type === 'string')));
  transform.on('error', (error: unknown) => (failure ??= error));
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    // Written by hand rather than piped: the parser throws from inside write() on a damaged file, and
    // here that lands in this function instead of crashing the process.
    for await (const chunk of input) {
      options.signal?.throwIfAborted();
      transform.write(chunk as Buffer);
      options.onBytes((chunk as Buffer).length);
      await new Promise((resolve) => setImmediate(resolve));
      if (failure !== null) throw failure;
      while (out.length > 0) yield out.shift() as OsmElement[];
    }
    await new Promise<void>((resolve, reject) => {
      transform.once('end', resolve);
      transform.once('error', reject);
      transform.end();
      transform.resume();
    });
    if (failure !== null) throw failure;
    while (out.length > 0) yield out.shift() as OsmElement[];
  } finally {
    input.destroy();
    transform.destroy();
  }
}

async function* readXml(file: string, options: ReadOptions): AsyncGenerator<OsmElement[]> {
  const { SaxesParser } = await import('saxes');
  const parser = new SaxesParser({ xmlns: false, position: false });
  let batch: OsmElement[] = [];
  let current: OsmElement | null = null;
  let skip = false;
  const num = (value: string | undefined): number => (value === undefined ? NaN : Number(value));
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'node':
        current = { type: 'node', id: num(a.id), lat: num(a.lat), lon: num(a.lon) };
        skip = a.action === 'delete' || a.visible === 'false';
        break;
      case 'way':
        current = { type: 'way', id: num(a.id), refs: [] };
        skip = a.action === 'delete' || a.visible === 'false';
        break;
      case 'relation':
        current = { type: 'relation', id: num(a.id), members: [] };
        skip = a.action === 'delete' || a.visible === 'false';
        break;
      case 'nd':
        if (current?.type === 'way') current.refs.push(num(a.ref));
        break;
      case 'member':
        if (current?.type === 'relation' && (a.type === 'node' || a.type === 'way' || a.type === 'relation')) current.members.push({ type: a.type, ref: num(a.ref), role: a.role ?? '' });
        break;
      case 'tag':
        if (current !== null && a.k !== undefined && a.v !== undefined && (current.type === 'node') === options.nodeTags) (current.tags ??= {})[a.k] = a.v;
        break;
      default:
    }
  });
  parser.on('closetag', (tag) => {
    if ((tag.name === 'node' || tag.name === 'way' || tag.name === 'relation') && current !== null) {
      if (!skip && Number.isFinite(current.id)) batch.push(current);
      current = null;
    }
  });
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input) {
      options.signal?.throwIfAborted();
      parser.write(chunk as string);
      options.onBytes(Buffer.byteLength(chunk as string));
      if (batch.length > 0) {
        const full = batch;
        batch = [];
        yield full;
      }
    }
    parser.close();
    if (batch.length > 0) yield batch;
  } finally {
    input.destroy();
  }
}

function readOsm(file: string, format: Format, options: ReadOptions): AsyncGenerator<OsmElement[]> {
  return format === 'pbf' ? readPbf(file, options) : readXml(file, options);
}

// ---------------------------------------------------------------------------------------------------------
// Tags → roads

const DRIVABLE = new Set<string>(HIGHWAY_CLASSES);
const NO_ACCESS = new Set(['no', 'private', 'agricultural', 'forestry', 'emergency', 'military']);
const SKIPPED_SERVICE = new Set(['parking_aisle', 'driveway', 'emergency_access']);

/** km/h when nothing is tagged: what a car averages on such a road in town. */
export const DEFAULT_SPEED_KMH: Readonly<Record<HighwayClass, number>> = {
  motorway: 100,
  motorway_link: 60,
  trunk: 80,
  trunk_link: 50,
  primary: 60,
  primary_link: 40,
  secondary: 50,
  secondary_link: 40,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  living_street: 10,
  service: 15,
};

const MPH = 1.609344;
/** Implicit limits ("RU:urban"): per country where it differs, else by zone name. */
const COUNTRY_ZONES: Readonly<Record<string, number>> = {
  'RU:urban': 60,
  'RU:rural': 90,
  'RU:motorway': 110,
  'UA:urban': 50,
  'UA:rural': 90,
  'DE:rural': 100,
  'DE:motorway': 130,
  'AT:rural': 100,
  'AT:motorway': 130,
  'FR:rural': 80,
  'FR:motorway': 130,
  'IT:motorway': 130,
  'ES:motorway': 120,
  'ID:urban': 50,
  'ID:rural': 80,
  'ID:motorway': 100,
  'CN:urban': 50,
  'CN:rural': 70,
  'CN:motorway': 120,
  'GB:nsl_single': 60 * MPH,
  'GB:nsl_dual': 70 * MPH,
  'GB:motorway': 70 * MPH,
  'UK:nsl_single': 60 * MPH,
  'UK:nsl_dual': 70 * MPH,
  'UK:motorway': 70 * MPH,
};
const ZONES: Readonly<Record<string, number>> = {
  urban: 50,
  rural: 90,
  trunk: 100,
  motorway: 120,
  living_street: 20,
  bicycle_road: 30,
  school: 30,
  pedestrian_zone: 10,
  walk: 7,
  nsl_single: 60 * MPH,
  nsl_dual: 70 * MPH,
  nsl_restricted: 30 * MPH,
};

/** A maxspeed value in km/h: "50", "30 mph", "50 km/h", "RU:urban", "DE:zone30", "none", "walk"; undefined
 *  for what says nothing usable ("signals", "variable", garbage). */
export function parseMaxspeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const first = value.split(';')[0]?.trim().toLowerCase() ?? '';
  const numeric = /^(\d+(?:[.,]\d+)?)\s*(mph|km\/h|kmh|kph|knots)?$/.exec(first);
  if (numeric) {
    const n = Number((numeric[1] ?? '').replace(',', '.'));
    const kmh = numeric[2] === 'mph' ? n * MPH : numeric[2] === 'knots' ? n * 1.852 : n;
    return kmh > 0 ? kmh : undefined;
  }
  if (first === 'none') return 130;
  if (first === 'walk') return 7;
  const zone = /^([a-z]{2}):(.+)$/.exec(first);
  if (zone) {
    const [, country = '', kind = ''] = zone;
    const byCountry = COUNTRY_ZONES[`${country.toUpperCase()}:${kind}`];
    if (byCountry !== undefined) return byCountry;
    const zoneN = /^zone:?(\d+)$/.exec(kind);
    if (zoneN) return Number(zoneN[1]);
    return ZONES[kind];
  }
  return undefined;
}

/** 1 only along the way, -1 only against it, 0 both; null for a road that cannot be driven by rule
 *  (oneway=reversible or alternating: it changes with the hour). */
export function parseOneway(tags: Tags): -1 | 0 | 1 | null {
  const value = (tags['oneway:motor_vehicle'] ?? tags['oneway:motorcar'] ?? tags.oneway)?.trim().toLowerCase();
  if (value === 'yes' || value === '1' || value === 'true') return 1;
  if (value === '-1' || value === 'reverse') return -1;
  if (value === 'no' || value === '0' || value === 'false') return 0;
  if (value === 'reversible' || value === 'alternating') return null;
  const junction = tags.junction;
  if (junction === 'roundabout' || junction === 'circular') return 1;
  if (tags.highway === 'motorway' || tags.highway === 'motorway_link') return 1;
  return 0;
}

interface Road {
  highway: HighwayClass;
  oneway: -1 | 0 | 1;
  speedKmh: number;
}

/** The road a way is, for a car, or null: not drivable, an area, no access, a parking aisle or driveway. */
export function roadOf(tags: Tags | undefined): Road | null {
  const highway = tags?.highway;
  if (tags === undefined || highway === undefined || !DRIVABLE.has(highway)) return null;
  if (tags.area === 'yes') return null;
  const access = tags.motorcar ?? tags.motor_vehicle ?? tags.vehicle ?? tags.access;
  if (access !== undefined && NO_ACCESS.has(access)) return null;
  if (highway === 'service' && tags.service !== undefined && SKIPPED_SERVICE.has(tags.service)) return null;
  const oneway = parseOneway(tags);
  if (oneway === null) return null;
  const cls = highway as HighwayClass;
  const tagged = parseMaxspeed(tags['maxspeed:forward'] ?? tags.maxspeed) ?? parseMaxspeed(tags['source:maxspeed']) ?? parseMaxspeed(tags['maxspeed:type']);
  const speedKmh = Math.min(150, Math.max(5, tagged ?? DEFAULT_SPEED_KMH[cls]));
  return { highway: cls, oneway, speedKmh };
}

// ---------------------------------------------------------------------------------------------------------
// Tags → names, POIs, addresses

interface Names {
  name: string;
  en?: string;
  id?: string;
  zh?: string;
  ref?: string;
}

const trimmed = (value: string | undefined): string | undefined => {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
};

/** name, name:en, name:id, name:zh (or name:zh-Hans, -CN, -Hant…) and ref; null when none is there. */
export function namesOf(tags: Tags | undefined): Names | null {
  if (tags === undefined) return null;
  const en = trimmed(tags['name:en']);
  const id = trimmed(tags['name:id']);
  const zh = trimmed(tags['name:zh'] ?? tags['name:zh-Hans'] ?? tags['name:zh-CN'] ?? tags['name:zh-Hant'] ?? tags['name:zh-TW']);
  const ref = trimmed(tags.ref);
  const name = trimmed(tags.name) ?? en ?? id ?? zh ?? ref;
  if (name === undefined) return null;
  return { name, ...(en ? { en } : {}), ...(id ? { id } : {}), ...(zh ? { zh } : {}), ...(ref ? { ref } : {}) };
}

/** The catalog category of a feature, from amenity, shop, tourism, healthcare and building tags. */
export function categoryOf(tags: Tags): PoiCategory | null {
  switch (tags.amenity) {
    case 'fuel':
      return 'fuel';
    case 'charging_station':
      return 'charging';
    case 'parking':
      return 'parking';
    case 'restaurant':
    case 'fast_food':
    case 'food_court':
      return 'restaurant';
    case 'cafe':
      return 'cafe';
    case 'hospital':
      return 'hospital';
    case 'pharmacy':
      return 'pharmacy';
    case 'atm':
      return 'atm';
    case 'bank':
      if (tags.atm === 'yes') return 'atm';
      break;
    case 'toilets':
      return 'toilet';
    case 'car_wash':
      return 'car_wash';
    case 'police':
      return 'police';
    case 'place_of_worship':
      if (tags.religion === 'muslim') return 'mosque';
      break;
    default:
  }
  if (tags.shop === 'supermarket') return 'supermarket';
  if (tags.shop === 'car_repair' || tags.shop === 'tyres' || tags.craft === 'car_repair') return 'repair';
  switch (tags.tourism) {
    case 'hotel':
    case 'motel':
    case 'guest_house':
    case 'hostel':
      return 'hotel';
    default:
  }
  if (tags.healthcare === 'hospital') return 'hospital';
  if (tags.healthcare === 'pharmacy') return 'pharmacy';
  if (tags.amenity === undefined && tags.shop === undefined && tags.tourism === undefined) {
    if (tags.building === 'hospital') return 'hospital';
    if (tags.building === 'mosque') return 'mosque';
    if (tags.building === 'hotel') return 'hotel';
  }
  return null;
}

/** Named features worth driving to, beyond the catalog's categories: by the first of these keys present. */
const PLACE_KEYS = ['amenity', 'shop', 'tourism', 'leisure', 'historic', 'place', 'railway', 'aeroway', 'office', 'building'] as const;
const PLACE_VALUES: Partial<Record<(typeof PLACE_KEYS)[number], ReadonlySet<string>>> = {
  railway: new Set(['station', 'halt']),
  aeroway: new Set(['aerodrome', 'terminal']),
  place: new Set(['city', 'town', 'village', 'hamlet', 'suburb', 'quarter', 'neighbourhood', 'locality', 'island', 'square']),
};

function typeOf(tags: Tags): string | null {
  for (const key of PLACE_KEYS) {
    const value = tags[key];
    if (value === undefined || value === 'no') continue;
    const allowed = PLACE_VALUES[key];
    if (allowed && !allowed.has(value)) continue;
    return `${key}=${value}`;
  }
  return null;
}

/** What an unnamed POI of a category is called. */
const CATEGORY_LABELS: Readonly<Record<PoiCategory, string>> = {
  fuel: 'Fuel station',
  charging: 'Charging station',
  parking: 'Parking',
  restaurant: 'Restaurant',
  cafe: 'Cafe',
  hospital: 'Hospital',
  pharmacy: 'Pharmacy',
  atm: 'ATM',
  toilet: 'Toilets',
  hotel: 'Hotel',
  supermarket: 'Supermarket',
  car_wash: 'Car wash',
  repair: 'Car repair',
  police: 'Police',
  mosque: 'Mosque',
};

/** A node's or way's POI or address row, or null. Roads (and bus stops and other highway=* features) are not. */
function placeOf(tags: Tags | undefined, osmType: 'node' | 'way', osmId: number, lat: number | null, lon: number | null): NewPlace | null {
  if (tags === undefined || tags.highway !== undefined || tags.public_transport !== undefined) return null;
  const en = trimmed(tags['name:en']);
  const id = trimmed(tags['name:id']);
  const zh = trimmed(tags['name:zh'] ?? tags['name:zh-Hans'] ?? tags['name:zh-CN'] ?? tags['name:zh-Hant'] ?? tags['name:zh-TW']);
  const named = trimmed(tags.name) ?? en ?? id ?? zh;
  const brand = trimmed(tags.brand);
  const category = categoryOf(tags);
  const type = typeOf(tags);
  const street = trimmed(tags['addr:street']);
  const housenumber = trimmed(tags['addr:housenumber']);
  const base = { osmType, osmId, lat, lon, street, housenumber };
  if (category !== null || (type !== null && named !== undefined)) {
    const value = type?.split('=')[1]?.replaceAll('_', ' ');
    return {
      ...base,
      kind: 'poi',
      category,
      type: type ?? `category=${category}`,
      name: named ?? brand ?? CATEGORY_LABELS[category as PoiCategory],
      nameEn: en,
      nameId: id,
      nameZh: zh,
      importance: tags.wikipedia !== undefined || tags.wikidata !== undefined || tags.tourism === 'attraction' ? 1 : 0,
      words: [value, brand].filter((w): w is string => w !== undefined),
    };
  }
  if (street !== undefined && housenumber !== undefined) {
    return { ...base, kind: 'address', category: null, type: null, name: `${street} ${housenumber}`, importance: 0 };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Growable typed arrays

class Grow<T extends Float64Array | Uint32Array | Uint8Array | Int8Array | Float32Array | Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i] as number;
  }
}

const f64 = (): Grow<Float64Array> => new Grow(new Float64Array(1024), (n) => new Float64Array(n));
const u32 = (): Grow<Uint32Array> => new Grow(new Uint32Array(1024), (n) => new Uint32Array(n));

/** The index of `id` in a sorted array, or -1. */
function indexOf(sorted: Float64Array, id: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// The import

class Cancelled extends Error {}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function sha256Of(file: string, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    signal?.throwIfAborted();
    hash.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

/** Imports `file` into the store as one source (replacing an earlier import of the same file name or bytes). */
export async function importOsm(store: MapStore, file: string, options: ImportOptions = {}): Promise<Result<ImportResult>> {
  const started = performance.now();
  const { signal, onProgress } = options;
  let size: number;
  let format: Format | null;
  try {
    const info = await stat(file);
    if (!info.isFile()) return err('unavailable', `${file} is not a file`);
    size = info.size;
    format = await sniff(file);
  } catch (error) {
    return err('unavailable', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (format === null) return err('invalid_message', `${file} is neither an .osm.pbf nor an .osm XML file`);

  let writer: MapImport | null = null;
  try {
    let hashed = 0;
    const sha256 = await sha256Of(file, signal, (n) => {
      hashed += n;
      onProgress?.({ phase: 'hash', done: hashed, total: size });
    });
    writer = store.beginImport({
      name: basename(file),
      path: file,
      sha256,
      bytes: size,
      format,
      attribution: options.attribution ?? OSM_ATTRIBUTION,
      sample: options.sample ?? false,
    });
    const result = await run(writer, file, format, size, options);
    onProgress?.({ phase: 'commit', done: 1, total: 1 });
    const ms = Math.round(performance.now() - started);
    const { source, replaced } = writer.commit(result.counts, result.bbox, ms);
    return ok({ source, replaced, ms, ...result.counts });
  } catch (error) {
    writer?.rollback();
    if (signal?.aborted || error instanceof Cancelled) return err('cancelled', `the import of ${basename(file)} was stopped`);
    return err('invalid_message', `cannot import ${basename(file)}: ${(error as Error).message ?? String(error)}`);
  }
}

interface Restriction {
  relationId: number;
  from: number;
  via: number;
  to: number;
  kind: 'no' | 'only';
  restriction: string;
}

async function run(writer: MapImport, file: string, format: Format, size: number, options: ImportOptions): Promise<{ counts: MapCounts; bbox: BBox | null }> {
  const { signal, onProgress } = options;
  const highwayIndex = new Map<string, number>(HIGHWAY_CLASSES.map((h, i) => [h, i]));

  // Pass 1: ways and relations.
  const refs = f64();
  const wayId = f64();
  const wayStart = u32();
  const wayEnd = u32();
  const wayHighway = new Grow(new Uint8Array(1024), (n) => new Uint8Array(n));
  const waySpeed = new Grow(new Float32Array(1024), (n) => new Float32Array(n));
  const wayOneway = new Grow(new Int8Array(1024), (n) => new Int8Array(n));
  // junction=roundabout|circular: guidance counts exits on the ring.
  const wayRoundabout = new Grow(new Uint8Array(1024), (n) => new Uint8Array(n));
  const wayStreet = new Grow(new Int32Array(1024), (n) => new Int32Array(n));
  const streetKeys = new Map<string, number>();
  const streets: Names[] = [];
  // POI and address ways: their row, and their refs (for the centroid).
  const areaPlace = f64();
  const areaStart = u32();
  const areaEnd = u32();
  const restrictions: Restriction[] = [];
  let pois = 0;
  let addresses = 0;

  let read = 0;
  const readOptions = (phase: 'ways' | 'nodes', nodeTags: boolean) => ({
    nodeTags,
    signal,
    onBytes: (n: number): void => {
      read += n;
      onProgress?.({ phase, done: read, total: size });
    },
  });

  for await (const batch of readOsm(file, format, readOptions('ways', false))) {
    if (signal?.aborted) throw new Cancelled();
    for (const element of batch) {
      if (element.type === 'way') {
        const road = roadOf(element.tags);
        if (road !== null && element.refs.length >= 2) {
          const names = namesOf(element.tags);
          let street = -1;
          if (names !== null) {
            const key = JSON.stringify([names.name, names.en, names.id, names.zh, names.ref]);
            street = streetKeys.get(key) ?? -1;
            if (street < 0) {
              street = streets.length;
              streets.push(names);
              streetKeys.set(key, street);
            }
          }
          wayId.push(element.id);
          wayStart.push(refs.length);
          for (const ref of element.refs) refs.push(ref);
          wayEnd.push(refs.length);
          wayHighway.push(highwayIndex.get(road.highway) ?? 0);
          waySpeed.push(road.speedKmh);
          wayOneway.push(road.oneway);
          wayRoundabout.push(element.tags?.junction === 'roundabout' || element.tags?.junction === 'circular' ? 1 : 0);
          wayStreet.push(street);
          continue;
        }
        const place = placeOf(element.tags, 'way', element.id, null, null);
        if (place !== null && element.refs.length > 0) {
          areaPlace.push(writer.addPlace(place));
          areaStart.push(refs.length);
          for (const ref of element.refs) refs.push(ref);
          areaEnd.push(refs.length);
          if (place.kind === 'poi') pois++;
          else addresses++;
        }
      } else if (element.type === 'relation') {
        const r = restrictionOf(element);
        if (r !== null) restrictions.push(r);
      }
    }
    // No transaction stays open while the next chunk is read.
    writer.flush();
  }

  // The node ids needed, sorted and unique; which of them are vertices of the road graph.
  const sorted = refs.data.slice(0, refs.length).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i] as number;
  const needed = sorted.slice(0, unique);
  const refIndex = new Uint32Array(refs.length);
  for (let i = 0; i < refs.length; i++) refIndex[i] = indexOf(needed, refs.get(i));
  const uses = new Uint8Array(unique);
  const VERTEX = 1;
  const vertexFlag = new Uint8Array(unique);
  for (let w = 0; w < wayId.length; w++) {
    const start = wayStart.get(w);
    const end = wayEnd.get(w);
    for (let k = start; k < end; k++) {
      const idx = refIndex[k] as number;
      if (k > start && idx === refIndex[k - 1]) continue;
      if ((uses[idx] as number) < 255) uses[idx] = (uses[idx] as number) + 1;
      if ((uses[idx] as number) >= 2) vertexFlag[idx] = VERTEX;
    }
    vertexFlag[refIndex[start] as number] = VERTEX;
    vertexFlag[refIndex[end - 1] as number] = VERTEX;
  }

  // Pass 2: nodes. Coordinates of the needed ones; tagged ones as POIs and addresses.
  const lat = new Float64Array(unique).fill(NaN);
  const lon = new Float64Array(unique).fill(NaN);
  let cursor = 0;
  let lastId = -Infinity;
  const box = { minLat: Infinity, minLon: Infinity, maxLat: -Infinity, maxLon: -Infinity };
  const extend = (la: number, lo: number): void => {
    if (la < box.minLat) box.minLat = la;
    if (la > box.maxLat) box.maxLat = la;
    if (lo < box.minLon) box.minLon = lo;
    if (lo > box.maxLon) box.maxLon = lo;
  };
  read = 0;
  for await (const batch of readOsm(file, format, readOptions('nodes', true))) {
    if (signal?.aborted) throw new Cancelled();
    for (const element of batch) {
      if (element.type !== 'node' || !Number.isFinite(element.lat) || !Number.isFinite(element.lon)) continue;
      const id = element.id;
      // Extracts are sorted by id: walk along `needed`; anything else falls back to a binary search.
      let idx: number;
      if (id >= lastId) {
        while (cursor < unique && (needed[cursor] as number) < id) cursor++;
        idx = cursor < unique && needed[cursor] === id ? cursor : -1;
      } else {
        idx = indexOf(needed, id);
      }
      lastId = id;
      if (idx >= 0) {
        lat[idx] = element.lat;
        lon[idx] = element.lon;
      }
      if (element.tags !== undefined) {
        const place = placeOf(element.tags, 'node', id, element.lat, element.lon);
        if (place !== null) {
          writer.addPlace(place);
          extend(element.lat, element.lon);
          if (place.kind === 'poi') pois++;
          else addresses++;
        }
      }
    }
    writer.flush();
  }

  // POI and address ways at the centroid of their nodes (a closed way's first node counted once).
  for (let a = 0; a < areaPlace.length; a++) {
    let sumLat = 0;
    let sumLon = 0;
    let n = 0;
    const start = areaStart.get(a);
    let end = areaEnd.get(a);
    if (end - start > 1 && refIndex[start] === refIndex[end - 1]) end--;
    for (let k = start; k < end; k++) {
      const idx = refIndex[k] as number;
      if (Number.isNaN(lat[idx])) continue;
      sumLat += lat[idx] as number;
      sumLon += lon[idx] as number;
      n++;
    }
    if (n === 0) {
      writer.dropPlace(areaPlace.get(a));
      continue;
    }
    const la = Math.round((sumLat / n) * 1e7) / 1e7;
    const lo = Math.round((sumLon / n) * 1e7) / 1e7;
    writer.locatePlace(areaPlace.get(a), la, lo);
    extend(la, lo);
  }
  if (signal?.aborted) throw new Cancelled();

  // Streets first (edges point at them), located once their edges are known.
  const streetId = streets.map((names) =>
    writer.addPlace({
      kind: 'street',
      category: null,
      type: null,
      osmType: null,
      osmId: null,
      name: names.name,
      nameEn: names.en,
      nameId: names.id,
      nameZh: names.zh,
      ref: names.ref,
      lat: null,
      lon: null,
      importance: 0,
    }),
  );
  const streetSum = new Float64Array(streets.length * 3);

  // Cut the roads into edges at vertices, and where a node is missing from the extract.
  const restrictionWays = new Set<number>();
  for (const r of restrictions) {
    restrictionWays.add(r.from);
    restrictionWays.add(r.to);
  }
  const waysEdges = new Map<number, { id: number; from: number; to: number }[]>();
  const usedVertex = new Uint8Array(unique);
  let edges = 0;
  const pieceLat: number[] = [];
  const pieceLon: number[] = [];
  for (let w = 0; w < wayId.length; w++) {
    if (w % 2000 === 0) {
      onProgress?.({ phase: 'graph', done: w, total: wayId.length });
      writer.flush();
      await tick();
      if (signal?.aborted) throw new Cancelled();
    }
    const id = wayId.get(w);
    const street = wayStreet.get(w);
    let startIdx = -1;
    let prevIdx = -1;
    pieceLat.length = 0;
    pieceLon.length = 0;
    const emit = (endIdx: number): void => {
      if (pieceLat.length >= 2) {
        // Two nodes at the same spot (it happens in real data) still join the roads: a decimetre, never zero.
        let meters = 0.1;
        for (let i = 1; i < pieceLat.length; i++) meters += haversineMeters([pieceLat[i - 1] as number, pieceLon[i - 1] as number], [pieceLat[i] as number, pieceLon[i] as number]);
        const edgeId = writer.addEdge({
          wayId: id,
          fromNode: needed[startIdx] as number,
          toNode: needed[endIdx] as number,
          highway: HIGHWAY_CLASSES[wayHighway.get(w)] as HighwayClass,
          streetId: street >= 0 ? (streetId[street] as number) : null,
          speedKmh: waySpeed.get(w),
          oneway: wayOneway.get(w) as -1 | 0 | 1,
          roundabout: wayRoundabout.get(w) === 1,
          meters,
          lat: pieceLat,
          lon: pieceLon,
        });
        edges++;
        usedVertex[startIdx] = 1;
        usedVertex[endIdx] = 1;
        for (let i = 0; i < pieceLat.length; i++) extend(pieceLat[i] as number, pieceLon[i] as number);
        if (street >= 0) {
          streetSum[street * 3] = (streetSum[street * 3] as number) + pieceLat.reduce((s, x) => s + x, 0);
          streetSum[street * 3 + 1] = (streetSum[street * 3 + 1] as number) + pieceLon.reduce((s, x) => s + x, 0);
          streetSum[street * 3 + 2] = (streetSum[street * 3 + 2] as number) + pieceLat.length;
        }
        if (restrictionWays.has(id)) {
          const list = waysEdges.get(id) ?? [];
          list.push({ id: edgeId, from: needed[startIdx] as number, to: needed[endIdx] as number });
          waysEdges.set(id, list);
        }
      }
      pieceLat.length = 0;
      pieceLon.length = 0;
    };
    for (let k = wayStart.get(w); k < wayEnd.get(w); k++) {
      const idx = refIndex[k] as number;
      if (idx === prevIdx) continue;
      if (Number.isNaN(lat[idx])) {
        // A node outside the extract: the road stops at the last one inside, and starts again after.
        if (prevIdx >= 0 && pieceLat.length >= 2) emit(prevIdx);
        pieceLat.length = 0;
        pieceLon.length = 0;
        prevIdx = -1;
        continue;
      }
      pieceLat.push(lat[idx] as number);
      pieceLon.push(lon[idx] as number);
      if (pieceLat.length === 1) startIdx = idx;
      else if (vertexFlag[idx] === VERTEX) {
        emit(idx);
        pieceLat.push(lat[idx] as number);
        pieceLon.push(lon[idx] as number);
        startIdx = idx;
      }
      prevIdx = idx;
    }
    if (pieceLat.length >= 2 && prevIdx >= 0) emit(prevIdx);
  }
  onProgress?.({ phase: 'graph', done: wayId.length, total: wayId.length });

  // A street's point: the point of its geometry nearest the middle of all of it.
  let streetCount = 0;
  for (let s = 0; s < streets.length; s++) {
    const n = streetSum[s * 3 + 2] as number;
    const rowId = streetId[s] as number;
    if (n === 0) {
      writer.dropPlace(rowId);
      continue;
    }
    streetCount++;
    const midLat = (streetSum[s * 3] as number) / n;
    const midLon = (streetSum[s * 3 + 1] as number) / n;
    let best: [number, number] = [midLat, midLon];
    let bestD = Infinity;
    for (const edge of writer.streetEdges(rowId)) {
      for (let i = 0; i < edge.lat.length; i++) {
        const d = ((edge.lat[i] as number) - midLat) ** 2 + ((edge.lon[i] as number) - midLon) ** 2;
        if (d < bestD) {
          bestD = d;
          best = [edge.lat[i] as number, edge.lon[i] as number];
        }
      }
    }
    writer.locatePlace(rowId, best[0], best[1]);
  }

  // Turn restrictions onto the edges that meet at the via node.
  let restrictionCount = 0;
  for (const r of restrictions) {
    const fromEdges = (waysEdges.get(r.from) ?? []).filter((e) => e.from === r.via || e.to === r.via);
    const toEdges = (waysEdges.get(r.to) ?? []).filter((e) => e.from === r.via || e.to === r.via);
    for (const f of fromEdges) {
      for (const t of toEdges) {
        if (f.id === t.id && r.from !== r.to) continue;
        writer.addRestriction({ relationId: r.relationId, fromEdge: f.id, viaNode: r.via, toEdge: t.id, kind: r.kind, restriction: r.restriction });
        restrictionCount++;
      }
    }
  }

  let vertices = 0;
  for (let i = 0; i < unique; i++) vertices += usedVertex[i] as number;
  const bbox: BBox | null = Number.isFinite(box.minLat) ? [box.minLat, box.minLon, box.maxLat, box.maxLon] : null;
  return { counts: { vertices, edges, streets: streetCount, pois, addresses, restrictions: restrictionCount }, bbox };
}

/** A turn restriction with one from way, one via node and one to way; null for anything else (via ways,
 *  conditional restrictions, other vehicles only). */
function restrictionOf(relation: OsmRelation): Restriction | null {
  const tags = relation.tags;
  if (tags?.type !== 'restriction') return null;
  const value = tags.restriction ?? tags['restriction:motorcar'] ?? tags['restriction:motor_vehicle'];
  if (value === undefined) return null;
  const kind = value.startsWith('no_') ? 'no' : value.startsWith('only_') ? 'only' : null;
  if (kind === null) return null;
  const except = (tags.except ?? '').split(';').map((x) => x.trim());
  if (except.includes('motorcar') || except.includes('motor_vehicle')) return null;
  const from = relation.members.filter((m) => m.role === 'from' && m.type === 'way');
  const via = relation.members.filter((m) => m.role === 'via');
  const to = relation.members.filter((m) => m.role === 'to' && m.type === 'way');
  if (from.length !== 1 || to.length !== 1 || via.length !== 1 || via[0]?.type !== 'node') return null;
  return { relationId: relation.id, from: (from[0] as OsmMember).ref, via: (via[0] as OsmMember).ref, to: (to[0] as OsmMember).ref, kind, restriction: value };
}
