// The generated sample town: deterministic, imported through the real importer only into an empty store,
// labelled as generated, routable, searchable in three languages, and replaced by the first real map.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { searchPlaces } from '../../main/services/navigation/geocoder.js';
import { importOsm } from '../../main/services/navigation/osm-import.js';
import { ensureSampleMap, SAMPLE_CENTER, SAMPLE_MAP_FILE, SAMPLE_POIS, sampleMapXml, writeSampleMap } from '../../main/simulator/sample-map.js';
import { initialSignals } from '../../main/simulator/vehicle.js';
import { openDatabase } from '../../main/storage/db.js';
import { MapStore, SAMPLE_ATTRIBUTION, type MapSource } from '../../main/storage/maps.js';

const dir = mkdtempSync(join(tmpdir(), 'kemudi-sample-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sampleStore(): Promise<{ store: MapStore; source: MapSource }> {
  const store = new MapStore(openDatabase(':memory:'));
  const result = await ensureSampleMap(store, { dir });
  if (!result.ok || result.value === null) throw new Error('no sample map');
  return { store, source: result.value };
}

describe('the sample map', () => {
  it('is the same XML every time, centred on the simulator’s start', () => {
    const xml = sampleMapXml();
    expect(sampleMapXml()).toBe(xml);
    expect(xml).toContain(`<!-- ${SAMPLE_ATTRIBUTION}`);
    expect(xml).not.toMatch(/id="[1-9]/);
    const start = initialSignals();
    expect([SAMPLE_CENTER.lat, SAMPLE_CENTER.lon]).toEqual([start['Vehicle.CurrentLocation.Latitude'], start['Vehicle.CurrentLocation.Longitude']]);
    const file = writeSampleMap(dir);
    expect(file).toBe(join(dir, SAMPLE_MAP_FILE));
    expect(readFileSync(file, 'utf8')).toBe(xml);
  });

  it('is imported into an empty store only, labelled as generated', async () => {
    const { store, source } = await sampleStore();
    expect(source).toMatchObject({ name: SAMPLE_MAP_FILE, format: 'xml', sample: true, attribution: SAMPLE_ATTRIBUTION, vertices: 52, edges: 88, streets: 15, pois: SAMPLE_POIS.length, restrictions: 1 });
    expect(source.sha256).toBe(createHash('sha256').update(sampleMapXml()).digest('hex'));
    expect(source.bbox?.[0]).toBeLessThan(SAMPLE_CENTER.lat);
    expect(source.bbox?.[2]).toBeGreaterThan(SAMPLE_CENTER.lat);
    expect(await ensureSampleMap(store, { dir })).toEqual({ ok: true, value: null });
    expect(store.sources()).toHaveLength(1);
  });

  it('routes: a connected graph with a one-way street, a one-way roundabout and a turn restriction', async () => {
    const { store } = await sampleStore();
    const graph = store.loadRoadGraph();
    expect(graph.vertexCount).toBe(52);
    // Every vertex reaches every other (breadth-first over the arcs).
    const seen = new Uint8Array(graph.vertexCount);
    const queue = [0];
    seen[0] = 1;
    while (queue.length > 0) {
      const v = queue.shift() as number;
      for (let a = graph.firstOut[v] as number; a < (graph.firstOut[v + 1] as number); a++) {
        const h = graph.head[a] as number;
        if (!seen[h]) {
          seen[h] = 1;
          queue.push(h);
        }
      }
    }
    expect(seen.every((x) => x === 1)).toBe(true);
    const arcsOf = (name: string): number[] => {
      const edges = [...graph.edgeName.keys()].filter((e) => graph.names[graph.edgeName[e] as number]?.name === name);
      return edges.map((e) => [...graph.arcEdge].filter((x) => x === e).length);
    };
    expect(arcsOf('Market Street').every((n) => n === 1)).toBe(true);
    expect(arcsOf('Fountain Circle').every((n) => n === 1)).toBe(true);
    expect(arcsOf('Harbour Road').every((n) => n === 2)).toBe(true);
    expect(graph.names.find((n) => n.name === 'Harbour Road')).toEqual({ name: 'Harbour Road', en: 'Harbour Road', id: 'Jalan Pelabuhan', zh: '港口路' });
    expect(graph.restrictions).toHaveLength(1);
    const [r] = graph.restrictions;
    expect(graph.names[graph.edgeName[r?.fromEdge as number] as number]?.name).toBe('Coral Lane');
    expect(graph.names[graph.edgeName[r?.toEdge as number] as number]?.name).toBe('Olive Street');
  });

  it('is searchable in English, Indonesian and Chinese, with its POIs by category', async () => {
    const { store } = await sampleStore();
    for (const query of ['Harbour Road', 'jalan pelabuhan', 'jl pelabuhan', '港口路']) {
      expect(searchPlaces(store, query, { near: SAMPLE_CENTER })[0], query).toMatchObject({ kind: 'street', name: 'Harbour Road' });
    }
    expect(searchPlaces(store, 'jl pelabuhan', { lang: 'id' })[0]).toMatchObject({ name: 'Jalan Pelabuhan' });
    expect(searchPlaces(store, 'SPBU', { near: SAMPLE_CENTER, lang: 'id' })[0]).toMatchObject({ kind: 'poi', name: 'SPBU Pelabuhan', category: 'fuel' });
    expect(searchPlaces(store, '医院', { near: SAMPLE_CENTER, lang: 'zh' })[0]).toMatchObject({ kind: 'poi', name: '港口医院', category: 'hospital' });
    for (const category of ['fuel', 'charging', 'parking', 'cafe', 'hospital', 'restaurant', 'pharmacy'] as const) {
      expect(store.nearbyPois(category, SAMPLE_CENTER, { radiusM: 1000 }), category).toHaveLength(1);
    }
    const roads = store.roadsInBox([SAMPLE_CENTER.lat - 0.01, SAMPLE_CENTER.lon - 0.01, SAMPLE_CENTER.lat + 0.01, SAMPLE_CENTER.lon + 0.01]);
    expect(new Set(roads.map((r) => r.cls))).toEqual(new Set([1, 2]));
  });

  it('gives way to the first real map', async () => {
    const { store } = await sampleStore();
    const real = join(dir, 'real.osm');
    writeFileSync(
      real,
      '<osm version="0.6"><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1"/><way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way></osm>',
    );
    const imported = await importOsm(store, real);
    expect(imported.ok).toBe(true);
    expect(store.sources().map((s) => [s.name, s.sample])).toEqual([['real.osm', false]]);
    expect(store.loadRoadGraph().edgeCount).toBe(1);
    expect(await ensureSampleMap(store, { dir })).toEqual({ ok: true, value: null });
  });
});
