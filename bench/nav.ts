// Navigation figures on Monaco's OSM extract (shared data): import time, road graph load, the router's
// preprocessing, and route latency over 1,000 random pairs (seeded) without and with English instructions,
// against plain Dijkstra in the same run; the ratio of the two, and the router with instructions against
// the 1 ms target. Skips with one line on stderr when the shared data is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dijkstra } from '../main/services/navigation/dijkstra.js';
import type { RoadGraph } from '../main/services/navigation/graph.js';
import { instructions } from '../main/services/navigation/instructions.js';
import { importOsm } from '../main/services/navigation/osm-import.js';
import { Router } from '../main/services/navigation/router.js';
import type { LatLon } from '../main/services/navigation/snap.js';
import { openDatabase } from '../main/storage/db.js';
import { MapStore } from '../main/storage/maps.js';
import { sharedDir } from '../tests/support/tiny-gguf.js';
import { compare, emit, percentile, type Figure, type Suite } from './lib.js';
import { rng as random } from '../main/nlu/expand.js';

const PAIRS = 1000;
const TARGET_MS = 1;


/** Positions within ~50 m of random vertices: both ends usually part-way along an edge. */
function pairs(graph: RoadGraph, count: number): [LatLon, LatLon][] {
  const rnd = random(42);
  const near = (): LatLon => {
    const v = Math.floor(rnd() * graph.vertexCount);
    return { lat: graph.lat[v]! + (rnd() - 0.5) * 0.0009, lon: graph.lon[v]! + (rnd() - 0.5) * 0.0012 };
  };
  return Array.from({ length: count }, () => [near(), near()]);
}

/** Each call timed on its own, after one untimed pass over all pairs (JIT warm-up). */
function timeEach(list: [LatLon, LatLon][], fn: (from: LatLon, to: LatLon) => unknown): number[] {
  for (const [a, b] of list) fn(a, b);
  const out: number[] = [];
  for (const [a, b] of list) {
    const started = performance.now();
    fn(a, b);
    out.push(performance.now() - started);
  }
  return out;
}

function percentiles(name: string, samples: number[]): { p50: Figure; p95: Figure } {
  const p50 = { name: `${name}.p50`, value: percentile(samples, 50), unit: 'ms' };
  const p95 = { name: `${name}.p95`, value: percentile(samples, 95), unit: 'ms' };
  emit(p50);
  emit(p95);
  return { p50, p95 };
}

export const navSuite: Suite = {
  name: 'nav',
  async run() {
    const file = join(sharedDir(), 'data/osm/monaco.osm.pbf');
    if (!existsSync(file)) {
      process.stderr.write(`nav: skipped, no ${file} (set KEMUDI_SHARED to the shared data folder)\n`);
      return;
    }
    const store = new MapStore(openDatabase(':memory:'));
    let started = performance.now();
    const imported = await importOsm(store, file);
    if (!imported.ok) throw new Error(`nav: importing ${file}: ${imported.error.message}`);
    emit({ name: 'nav.import', value: performance.now() - started, unit: 'ms' });
    started = performance.now();
    const graph = store.loadRoadGraph();
    emit({ name: 'nav.load_graph', value: performance.now() - started, unit: 'ms' });
    emit({ name: 'nav.graph.vertices', value: graph.vertexCount, unit: 'vertices' });
    emit({ name: 'nav.graph.arcs', value: graph.head.length, unit: 'arcs' });
    emit({ name: 'nav.graph.restrictions', value: graph.restrictions.length, unit: 'restrictions' });

    started = performance.now();
    const router = new Router(graph);
    emit({ name: 'nav.router_prep', value: performance.now() - started, unit: 'ms' });
    emit({ name: 'nav.router_shortcuts', value: router.stats().shortcuts, unit: 'arcs' });

    const list = pairs(graph, PAIRS);
    let found = 0;
    for (const [a, b] of list) if (router.route(a, b)) found++;
    emit({ name: 'nav.pairs_routed', value: found, unit: 'routes' });

    const route = percentiles('nav.route', timeEach(list, (a, b) => router.route(a, b)));
    const withInstructions = percentiles(
      'nav.route_instructions',
      timeEach(list, (a, b) => {
        const r = router.route(a, b);
        return r ? instructions(r, graph, 'en') : null;
      }),
    );
    const plain = percentiles('nav.dijkstra', timeEach(list, (a, b) => dijkstra(graph, a, b)));

    compare('nav.dijkstra_vs_router.p50', plain.p50, route.p50);
    compare('nav.route_instructions_vs_target.p95', withInstructions.p95, { name: 'target', value: TARGET_MS, unit: 'ms' });
  },
};
