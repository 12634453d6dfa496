// Monaco's road graph for the navigation tests, imported from the shared OSM extract into an in-memory
// database (about a second). Tests that need it skip when the shared data is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { importOsm } from '../../main/services/navigation/osm-import.js';
import { openDatabase } from '../../main/storage/db.js';
import { MapStore } from '../../main/storage/maps.js';
import { sharedDir } from '../support/tiny-gguf.js';

export const MONACO_PBF = join(sharedDir(), 'data/osm/monaco.osm.pbf');
export const hasMonaco = existsSync(MONACO_PBF);

export async function loadMonaco(): Promise<RoadGraph> {
  const store = new MapStore(openDatabase(':memory:'));
  const result = await importOsm(store, MONACO_PBF);
  if (!result.ok) throw new Error(`importing ${MONACO_PBF}: ${result.error.message}`);
  return store.loadRoadGraph();
}

/** `count` random positions near the graph's vertices (within ~50 m), from a seeded generator. */
export function randomPositions(graph: RoadGraph, count: number, rnd: () => number): { lat: number; lon: number }[] {
  const out: { lat: number; lon: number }[] = [];
  for (let i = 0; i < count; i++) {
    const v = Math.floor(rnd() * graph.vertexCount);
    out.push({ lat: graph.lat[v]! + (rnd() - 0.5) * 0.0009, lon: graph.lon[v]! + (rnd() - 0.5) * 0.0012 });
  }
  return out;
}
