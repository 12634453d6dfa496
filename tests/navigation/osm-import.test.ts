// The OSM importer: tag rules, cutting ways into edges, turn restrictions, POIs and addresses on a small
// hand-written extract, then the shared real extracts (counts printed), re-import, cancellation and the
// road graph built from what was stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { categoryOf, importOsm, namesOf, parseMaxspeed, parseOneway, roadOf } from '../../main/services/navigation/osm-import.js';
import { openDatabase } from '../../main/storage/db.js';
import { MapStore } from '../../main/storage/maps.js';
import { extract, hasExtracts, storeWith, titled } from './extracts.js';

const dir = mkdtempSync(join(tmpdir(), 'kemudi-osm-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const newStore = (): MapStore => new MapStore(openDatabase(':memory:'));
const count = (store: MapStore, table: 'map_places' | 'map_edges' | 'map_restrictions' | 'map_places_fts' | 'map_edges_rtree'): number =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('tag rules', () => {
  it('parses maxspeed: numbers, units, country zones, and nothing usable', () => {
    expect(parseMaxspeed('50')).toBe(50);
    expect(parseMaxspeed('50 km/h')).toBe(50);
    expect(parseMaxspeed('30 mph')).toBeCloseTo(48.28, 1);
    expect(parseMaxspeed('RU:urban')).toBe(60);
    expect(parseMaxspeed('FR:urban')).toBe(50);
    expect(parseMaxspeed('DE:zone30')).toBe(30);
    expect(parseMaxspeed('DE:zone:30')).toBe(30);
    expect(parseMaxspeed('GB:nsl_single')).toBeCloseTo(96.56, 1);
    expect(parseMaxspeed('60;40')).toBe(60);
    expect(parseMaxspeed('none')).toBe(130);
    expect(parseMaxspeed('walk')).toBe(7);
    for (const nothing of [undefined, 'signals', 'variable', 'fast', '0', '']) expect(parseMaxspeed(nothing), String(nothing)).toBeUndefined();
  });

  it('parses oneway, with motorways and roundabouts one-way unless tagged otherwise', () => {
    expect(['yes', '1', 'true', '-1', 'reverse', 'no'].map((oneway) => parseOneway({ highway: 'primary', oneway }))).toEqual([1, 1, 1, -1, -1, 0]);
    expect(parseOneway({ highway: 'motorway' })).toBe(1);
    expect(parseOneway({ highway: 'motorway', oneway: 'no' })).toBe(0);
    expect(parseOneway({ highway: 'primary', junction: 'roundabout' })).toBe(1);
    expect(parseOneway({ highway: 'residential' })).toBe(0);
    expect(parseOneway({ highway: 'residential', oneway: 'reversible' })).toBeNull();
  });

  it('keeps drivable roads only', () => {
    expect(roadOf({ highway: 'residential' })).toEqual({ highway: 'residential', oneway: 0, speedKmh: 30 });
    expect(roadOf({ highway: 'primary', maxspeed: '30 mph', oneway: '-1' })).toMatchObject({ highway: 'primary', oneway: -1, speedKmh: expect.closeTo(48.28, 1) });
    expect(roadOf({ highway: 'motorway_link' })).toMatchObject({ oneway: 1 });
    const refused: Record<string, string>[] = [
      { highway: 'footway' },
      { highway: 'pedestrian' },
      { highway: 'residential', area: 'yes' },
      { highway: 'residential', access: 'private' },
      { highway: 'service', access: 'no' },
      { highway: 'service', service: 'parking_aisle' },
      { highway: 'service', service: 'driveway' },
      { highway: 'tertiary', motor_vehicle: 'no' },
    ];
    for (const tags of refused) expect(roadOf(tags), JSON.stringify(tags)).toBeNull();
    expect(roadOf({ highway: 'service', service: 'alley' })).not.toBeNull();
    expect(roadOf({ highway: 'residential', access: 'no', motorcar: 'yes' })).not.toBeNull();
    expect(roadOf(undefined)).toBeNull();
  });

  it('reads names in four forms and POI categories from amenity, shop, tourism and building', () => {
    expect(namesOf({ name: '西土城路', 'name:en': 'Xitucheng Road', 'name:zh-Hans': '西土城路' })).toEqual({ name: '西土城路', en: 'Xitucheng Road', zh: '西土城路' });
    expect(namesOf({ ref: 'A8' })).toEqual({ name: 'A8', ref: 'A8' });
    expect(namesOf({ highway: 'residential' })).toBeNull();
    const cases: [Record<string, string>, string | null][] = [
      [{ amenity: 'fuel' }, 'fuel'],
      [{ amenity: 'charging_station' }, 'charging'],
      [{ amenity: 'fast_food' }, 'restaurant'],
      [{ amenity: 'bank', atm: 'yes' }, 'atm'],
      [{ amenity: 'bank' }, null],
      [{ amenity: 'toilets' }, 'toilet'],
      [{ amenity: 'place_of_worship', religion: 'muslim' }, 'mosque'],
      [{ amenity: 'place_of_worship', religion: 'christian' }, null],
      [{ shop: 'supermarket' }, 'supermarket'],
      [{ shop: 'car_repair' }, 'repair'],
      [{ tourism: 'guest_house' }, 'hotel'],
      [{ building: 'hospital' }, 'hospital'],
      [{ building: 'mosque' }, 'mosque'],
      [{ amenity: 'casino' }, null],
    ];
    for (const [tags, category] of cases) expect(categoryOf(tags), JSON.stringify(tags)).toBe(category);
  });
});

// A tiny extract: a street cut by a one-way primary, its far end outside the extract, a roundabout,
// roads a car may not use, a fuel station drawn as a building, a cafe, an address and two restrictions.
const TINY = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="-6.2000000" lon="106.9000000"/>
  <node id="2" lat="-6.2000000" lon="106.9010000"/>
  <node id="3" lat="-6.2000000" lon="106.9020000"/>
  <node id="5" lat="-6.2010000" lon="106.9010000"/>
  <node id="6" lat="-6.2020000" lon="106.9010000"/>
  <node id="7" lat="-6.2100000" lon="106.9100000"/>
  <node id="8" lat="-6.2100000" lon="106.9104000"/>
  <node id="9" lat="-6.2104000" lon="106.9102000"/>
  <node id="10" lat="-6.2050000" lon="106.9050000"/>
  <node id="11" lat="-6.2050000" lon="106.9052000"/>
  <node id="12" lat="-6.2052000" lon="106.9052000"/>
  <node id="13" lat="-6.2052000" lon="106.9050000"/>
  <node id="14" lat="-6.2030000" lon="106.9030000"><tag k="amenity" v="cafe"/><tag k="name" v="Kedai Kopi Senja"/><tag k="name:zh" v="黄昏咖啡"/></node>
  <node id="15" lat="-6.2031000" lon="106.9031000"><tag k="addr:street" v="Jalan Mawar"/><tag k="addr:housenumber" v="12A"/></node>
  <node id="16" lat="-6.2032000" lon="106.9032000"><tag k="highway" v="bus_stop"/><tag k="name" v="Halte Mawar"/></node>
  <node id="17" lat="-6.2040000" lon="106.9040000" action="delete"><tag k="amenity" v="fuel"/></node>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>
    <tag k="highway" v="residential"/><tag k="name" v="Jalan Mawar"/><tag k="name:zh-Hans" v="玛瓦路"/></way>
  <way id="101"><nd ref="2"/><nd ref="5"/><nd ref="6"/>
    <tag k="highway" v="primary"/><tag k="oneway" v="-1"/><tag k="maxspeed" v="30 mph"/><tag k="name" v="Jalan Raya Bekasi"/><tag k="ref" v="N1"/></way>
  <way id="102"><nd ref="3"/><nd ref="6"/><tag k="highway" v="footway"/></way>
  <way id="103"><nd ref="1"/><nd ref="6"/><tag k="highway" v="residential"/><tag k="access" v="private"/></way>
  <way id="104"><nd ref="5"/><nd ref="3"/><tag k="highway" v="service"/><tag k="service" v="parking_aisle"/></way>
  <way id="105"><nd ref="7"/><nd ref="8"/><nd ref="9"/><nd ref="7"/><tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/></way>
  <way id="106"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="yes"/><tag k="amenity" v="fuel"/><tag k="brand" v="Pertamina"/></way>
  <relation id="200"><member type="way" ref="101" role="from"/><member type="node" ref="2" role="via"/><member type="way" ref="100" role="to"/>
    <tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
  <relation id="201"><member type="way" ref="101" role="from"/><member type="way" ref="100" role="via"/><member type="way" ref="100" role="to"/>
    <tag k="type" v="restriction"/><tag k="restriction" v="only_straight_on"/></relation>
</osm>
`;

function checkGraph(graph: RoadGraph): void {
  expect(graph.firstOut).toHaveLength(graph.vertexCount + 1);
  expect(graph.firstOut[0]).toBe(0);
  expect(graph.firstOut[graph.vertexCount]).toBe(graph.head.length);
  for (const array of [graph.arcEdge, graph.arcForward, graph.arcMeters, graph.arcSeconds]) expect(array).toHaveLength(graph.head.length);
  for (const array of [graph.lat, graph.lon, graph.osmNode]) expect(array).toHaveLength(graph.vertexCount);
  for (const array of [graph.edgeFrom, graph.edgeTo, graph.edgeWay, graph.edgeHighway, graph.edgeName]) expect(array).toHaveLength(graph.edgeCount);
  expect(graph.geometryStart).toHaveLength(graph.edgeCount + 1);
  expect(graph.geometryStart[graph.edgeCount]).toBe(graph.geometryLat.length);
  for (let v = 0; v < graph.vertexCount; v++) expect(graph.firstOut[v + 1]).toBeGreaterThanOrEqual(graph.firstOut[v] as number);
  const arcsOfEdge = new Uint8Array(graph.edgeCount);
  for (let v = 0; v < graph.vertexCount; v++) {
    for (let a = graph.firstOut[v] as number; a < (graph.firstOut[v + 1] as number); a++) {
      const e = graph.arcEdge[a] as number;
      const head = graph.head[a] as number;
      if (head >= graph.vertexCount || e >= graph.edgeCount) throw new Error(`arc ${a} points out of range`);
      // An arc runs from its edge's from to its to (forward), or back.
      const [tail, to] = graph.arcForward[a] === 1 ? [graph.edgeFrom[e], graph.edgeTo[e]] : [graph.edgeTo[e], graph.edgeFrom[e]];
      if (tail !== v || to !== head) throw new Error(`arc ${a} does not follow edge ${e}`);
      if (!((graph.arcMeters[a] as number) > 0) || !((graph.arcSeconds[a] as number) > 0)) throw new Error(`arc ${a} has no length`);
      arcsOfEdge[e] = (arcsOfEdge[e] as number) + 1;
    }
  }
  for (let e = 0; e < graph.edgeCount; e++) {
    const points = (graph.geometryStart[e + 1] as number) - (graph.geometryStart[e] as number);
    if (points < 2) throw new Error(`edge ${e} has ${points} points`);
    const first = graph.geometryStart[e] as number;
    const from = graph.edgeFrom[e] as number;
    if (graph.geometryLat[first] !== graph.lat[from] || graph.geometryLon[first] !== graph.lon[from]) throw new Error(`edge ${e} does not start at its vertex`);
    if (arcsOfEdge[e] !== 1 && arcsOfEdge[e] !== 2) throw new Error(`edge ${e} has ${arcsOfEdge[e]} arcs`);
    const name = graph.edgeName[e] as number;
    if (name < -1 || name >= graph.names.length) throw new Error(`edge ${e} has name ${name}`);
    if ((graph.edgeHighway[e] as number) >= graph.highwayClasses.length) throw new Error(`edge ${e} has no class`);
  }
  for (const r of graph.restrictions) {
    expect(r.viaVertex).toBeLessThan(graph.vertexCount);
    for (const e of [r.fromEdge, r.toEdge]) expect(graph.edgeFrom[e] === r.viaVertex || graph.edgeTo[e] === r.viaVertex).toBe(true);
  }
}

describe('importOsm on a small extract', () => {
  const file = join(dir, 'tiny.osm');
  writeFileSync(file, TINY);

  it('cuts ways at junctions and where the extract ends, and keeps only what a car may drive', async () => {
    const store = newStore();
    const phases = new Set<string>();
    const result = await importOsm(store, file, { onProgress: (p) => phases.add(p.phase) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ vertices: 5, edges: 4, streets: 2, pois: 2, addresses: 1, restrictions: 2, replaced: false });
    expect(result.value.ms).toBeGreaterThanOrEqual(0);
    expect([...phases]).toEqual(['hash', 'ways', 'nodes', 'graph', 'commit']);
    expect(result.value.source).toMatchObject({ name: 'tiny.osm', format: 'xml', attribution: '© OpenStreetMap contributors', sample: false, bbox: [-6.2104, 106.9, -6.2, 106.9104] });

    const graph = store.loadRoadGraph();
    checkGraph(graph);
    const edges = Array.from({ length: graph.edgeCount }, (_, e) => ({
      way: graph.edgeWay[e],
      from: graph.osmNode[graph.edgeFrom[e] as number],
      to: graph.osmNode[graph.edgeTo[e] as number],
      points: (graph.geometryStart[e + 1] as number) - (graph.geometryStart[e] as number),
      highway: graph.highwayClasses[graph.edgeHighway[e] as number],
      name: graph.names[graph.edgeName[e] as number],
    }));
    expect(edges).toEqual([
      { way: 100, from: 1, to: 2, points: 2, highway: 'residential', name: { name: 'Jalan Mawar', zh: '玛瓦路' } },
      { way: 100, from: 2, to: 3, points: 2, highway: 'residential', name: { name: 'Jalan Mawar', zh: '玛瓦路' } },
      { way: 101, from: 2, to: 6, points: 3, highway: 'primary', name: { name: 'Jalan Raya Bekasi', ref: 'N1' } },
      { way: 105, from: 7, to: 7, points: 4, highway: 'tertiary', name: undefined },
    ]);
    // 2 + 2 arcs for the street, one (against the way) for the oneway=-1 primary, one for the roundabout.
    expect(graph.head).toHaveLength(6);
    const primary = edges.findIndex((e) => e.way === 101);
    const arcs = [...graph.arcEdge.keys()].filter((a) => graph.arcEdge[a] === primary);
    expect(arcs.map((a) => graph.arcForward[a])).toEqual([0]);
    const a = arcs[0] as number;
    expect(graph.arcMeters[a]).toBeCloseTo(222.5, 0);
    expect(graph.arcSeconds[a]).toBeCloseTo((graph.arcMeters[a] as number) / (48.28 / 3.6), 0);
    // no_left_turn from the primary at node 2 onto the street: both of its edges there.
    expect(graph.restrictions.map((r) => ({ ...r, via: graph.osmNode[r.viaVertex] }))).toEqual([
      { fromEdge: primary, viaVertex: graph.edgeFrom[primary], toEdge: 0, kind: 'no', via: 2 },
      { fromEdge: primary, viaVertex: graph.edgeFrom[primary], toEdge: 1, kind: 'no', via: 2 },
    ]);
  });

  it('stores POIs (a building at its centroid), addresses and searchable names', async () => {
    const store = newStore();
    await importOsm(store, file);
    expect(store.nearbyPois('fuel', { lat: -6.205, lon: 106.905 }, { radiusM: 500 })).toEqual([
      expect.objectContaining({ category: 'fuel', name: 'Pertamina', lat: -6.2051, lon: 106.9051, type: 'amenity=fuel', distanceM: 16 }),
    ]);
    expect(store.nearbyPois('cafe', { lat: -6.203, lon: 106.903 }, { lang: 'zh' })).toEqual([expect.objectContaining({ name: '黄昏咖啡', names: { zh: '黄昏咖啡' }, distanceM: 0 })]);
    const rows = store.db.prepare('SELECT kind, name, street, housenumber FROM map_places ORDER BY kind, name').all();
    expect(rows).toEqual([
      { kind: 'address', name: 'Jalan Mawar 12A', street: 'Jalan Mawar', housenumber: '12A' },
      { kind: 'poi', name: 'Kedai Kopi Senja', street: null, housenumber: null },
      { kind: 'poi', name: 'Pertamina', street: null, housenumber: null },
      { kind: 'street', name: 'Jalan Mawar', street: null, housenumber: null },
      { kind: 'street', name: 'Jalan Raya Bekasi', street: null, housenumber: null },
    ]);
    expect(count(store, 'map_places_fts')).toBe(5);
    expect(count(store, 'map_edges_rtree')).toBe(4);
  });

  it('shows nothing and locks nothing until it commits', async () => {
    const path = join(dir, 'lock.db');
    const store = new MapStore(openDatabase(path));
    const other = new MapStore(openDatabase(path));
    other.db.pragma('busy_timeout = 0');
    const seen: { phase: string; sources: number; wrote: boolean }[] = [];
    const result = await importOsm(store, file, {
      onProgress: (p) => {
        if (seen.some((x) => x.phase === p.phase)) return;
        // Another connection (the app's, while the CLI imports) reads the old map and can write.
        const wrote = other.db.prepare("INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = '2'").run(`during-${p.phase}`).changes === 1;
        seen.push({ phase: p.phase, sources: other.sources().length, wrote });
      },
    });
    expect(result.ok).toBe(true);
    expect(seen.map((x) => [x.sources, x.wrote])).toEqual(seen.map(() => [0, true]));
    expect(other.sources()).toHaveLength(1);
    expect(other.loadRoadGraph().edgeCount).toBe(4);
    // The staging tables are gone with the import.
    expect(store.db.prepare("SELECT count(*) AS n FROM temp.sqlite_master WHERE name LIKE 'map_import%'").get()).toEqual({ n: 0 });
    store.db.close();
    other.db.close();
  });

  it('refuses what is not OSM, and a file that is not there', async () => {
    const store = newStore();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(await importOsm(store, text)).toEqual({ ok: false, error: { code: 'invalid_message', message: expect.stringMatching(/neither/) } });
    const broken = join(dir, 'broken.osm');
    writeFileSync(broken, '<osm><node id="1" lat="1" lon="2"><tag k="a"');
    expect(await importOsm(store, broken)).toEqual({ ok: false, error: { code: 'invalid_message', message: expect.stringMatching(/cannot import broken.osm/) } });
    const pbf = join(dir, 'broken.osm.pbf');
    writeFileSync(pbf, Buffer.concat([Buffer.from([0, 0, 0, 14, 10, 9]), Buffer.from('OSMHeader'), Buffer.alloc(40, 7)]));
    expect(await importOsm(store, pbf)).toEqual({ ok: false, error: { code: 'invalid_message', message: expect.any(String) } });
    expect(await importOsm(store, join(dir, 'nope.osm'))).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/cannot read/) } });
    expect(store.sources()).toEqual([]);
    expect(count(store, 'map_places')).toBe(0);
  });
});

const EXTRACTS = [
  'monaco.osm.pbf',
  'andorra.osm.pbf',
  'jakarta_jatinegara.osm',
  'jakarta_kelapa_gading.osm',
  'bandung_coblong_dago.osm',
  'bandung_buahbatu.osm',
  'beijing_bupt_map.osm',
  'shanghai_shu_baoshan_map.osm',
] as const;

describe('importOsm on the shared extracts', () => {
  it.skipIf(!hasExtracts(EXTRACTS))(titled('imports every extract with sensible counts', EXTRACTS), async () => {
    const { store, results } = await storeWith(EXTRACTS);
    const table = EXTRACTS.map((name) => {
      const { vertices, edges, streets, pois, addresses, restrictions, ms } = results.get(name) as NonNullable<ReturnType<typeof results.get>>;
      return { name, vertices, edges, streets, pois, addresses, restrictions, ms };
    });
    console.table(table);
    for (const row of table) {
      expect(row.vertices, row.name).toBeGreaterThan(100);
      expect(row.edges, row.name).toBeGreaterThanOrEqual(row.vertices - 10);
      expect(row.streets, row.name).toBeGreaterThan(5);
    }
    const by = Object.fromEntries(table.map((row) => [row.name, row]));
    // Monaco: the OSRM test extract, a couple of thousand junctions, hundreds of POIs, a few dozen restrictions.
    const within = (name: string, key: 'vertices' | 'edges' | 'streets' | 'pois' | 'restrictions', lo: number, hi: number): void => {
      const value = by[name]?.[key] ?? -1;
      expect(value, `${name} ${key}`).toBeGreaterThanOrEqual(lo);
      expect(value, `${name} ${key}`).toBeLessThanOrEqual(hi);
    };
    // Monaco: the OSRM test extract, a couple of thousand junctions, hundreds of POIs, a few dozen restrictions.
    within('monaco.osm.pbf', 'vertices', 1500, 5000);
    within('monaco.osm.pbf', 'edges', 2000, 6000);
    within('monaco.osm.pbf', 'pois', 300, 3000);
    within('monaco.osm.pbf', 'restrictions', 10, 200);
    within('andorra.osm.pbf', 'vertices', 1000, 5000);
    within('andorra.osm.pbf', 'pois', 100, 3000);
    within('jakarta_jatinegara.osm', 'vertices', 1500, 6000);
    within('jakarta_jatinegara.osm', 'streets', 200, 1000);
    expect(by['beijing_bupt_map.osm']?.pois).toBeGreaterThan(50);
    expect(by['shanghai_shu_baoshan_map.osm']?.pois).toBeGreaterThan(20);

    // Every source listed once; one-way edges in each city; a graph that holds together.
    expect(store.sources().map((s) => s.name)).toEqual([...EXTRACTS]);
    const oneway = store.db.prepare<[], { name: string; n: number }>('SELECT s.name, count(*) AS n FROM map_edges e JOIN map_sources s ON s.id = e.source_id WHERE e.oneway <> 0 GROUP BY s.name').all();
    for (const name of ['monaco.osm.pbf', 'andorra.osm.pbf', 'jakarta_jatinegara.osm', 'beijing_bupt_map.osm', 'shanghai_shu_baoshan_map.osm']) {
      expect(oneway.find((row) => row.name === name)?.n ?? 0, name).toBeGreaterThan(0);
    }
    const graph = store.loadRoadGraph();
    checkGraph(graph);
    // An edge two overlapping extracts both hold (the two Jakarta districts share a boundary road) is kept once.
    const total = table.reduce((n, row) => n + row.edges, 0);
    expect(graph.edgeCount).toBeLessThanOrEqual(total);
    expect(graph.edgeCount).toBeGreaterThan(total - 50);
    expect(graph.restrictions.length).toBe(table.reduce((n, row) => n + row.restrictions, 0));
    expect(graph.names.some((n) => n.name === '西土城路')).toBe(true);
    // The same graph until the next import or removal.
    expect(store.loadRoadGraph()).toBe(graph);
    expect(store.removeSource(store.sources()[1]?.id ?? 0)).toBe(true);
    expect(store.loadRoadGraph()).not.toBe(graph);
  }, 120_000);

  const MONACO = ['monaco.osm.pbf'];
  it.skipIf(!hasExtracts(MONACO))(titled('re-imports idempotently: same source id, same counts, rows replaced in one go', MONACO), async () => {
    const { store, results } = await storeWith(MONACO);
    const first = results.get('monaco.osm.pbf');
    const before = (['map_places', 'map_edges', 'map_restrictions', 'map_places_fts', 'map_edges_rtree'] as const).map((t) => count(store, t));
    const again = await importOsm(store, extract('monaco.osm.pbf') as string);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.replaced).toBe(true);
    expect(again.value.source.id).toBe(first?.source.id);
    const { ms: _a, source: _s, replaced: _r, ...counts } = again.value;
    const { ms: _b, source: _t, replaced: _q, ...firstCounts } = first as NonNullable<typeof first>;
    expect(counts).toEqual(firstCounts);
    expect((['map_places', 'map_edges', 'map_restrictions', 'map_places_fts', 'map_edges_rtree'] as const).map((t) => count(store, t))).toEqual(before);
    expect(store.sources()).toHaveLength(1);
    console.log(`monaco.osm.pbf: first import ${first?.ms} ms, again ${again.value.ms} ms`);
  }, 60_000);

  it.skipIf(!hasExtracts(MONACO))(titled('keeps the old map when an import is cancelled', MONACO), async () => {
    const { store } = await storeWith(MONACO);
    const before = count(store, 'map_edges');
    const controller = new AbortController();
    const result = await importOsm(store, extract('monaco.osm.pbf') as string, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'nodes') controller.abort();
      },
    });
    expect(result).toEqual({ ok: false, error: { code: 'cancelled', message: expect.any(String) } });
    expect(count(store, 'map_edges')).toBe(before);
    expect(store.sources()).toHaveLength(1);
    expect(store.db.inTransaction).toBe(false);
  }, 60_000);
});
