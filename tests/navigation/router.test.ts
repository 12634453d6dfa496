import { beforeAll, describe, expect, it } from 'vitest';
import { dijkstra, dijkstraSearch } from '../../main/services/navigation/dijkstra.js';
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { expandTurns, Router, type Route } from '../../main/services/navigation/router.js';
import { edgeIndexFor, haversineM, mainEdges } from '../../main/services/navigation/snap.js';
import { at, buildGraph, random, randomTown, routeProblems, type TestRoad, type TestRestriction } from './build-graph.js';
import { hasMonaco, loadMonaco, randomPositions } from './monaco.js';

/** Seconds at the builder's default 36 km/h: metres / 10. */
const closeTo = (a: number, b: number, tolerance = 0.5): boolean => Math.abs(a - b) <= tolerance;

function expectSound(graph: RoadGraph, route: Route | null): Route {
  expect(route).not.toBeNull();
  expect(routeProblems(graph, route!)).toEqual([]);
  return route!;
}

/**
 * A crossroads C with four arms (W, E, N, S, 200 m each; W and S end there) and a ring road from E
 * round to N, so a car forbidden to turn at C has ways round.
 *
 *        N ────────── NE
 *        │            │
 *   W ── C ────────── E
 *        │
 *        S
 */
const CROSS_NODES = { 1: [0, 0], 2: [-200, 0], 3: [200, 0], 4: [0, 200], 5: [0, -200], 6: [200, 200] } as const;
const CROSS_ROADS: TestRoad[] = [
  { nodes: [2, 1], name: 'West Road' },
  { nodes: [1, 3], name: 'East Road' },
  { nodes: [1, 4], name: 'North Road' },
  { nodes: [1, 5], name: 'South Road' },
  { nodes: [3, 6, 4], name: 'Ring Road' },
];
const cross = (restrictions: TestRestriction[] = []): ReturnType<typeof buildGraph> => buildGraph(CROSS_NODES, CROSS_ROADS, restrictions);

describe('Router on small graphs', () => {
  it('routes along one street from part-way to part-way, with its geometry', () => {
    const graph = cross();
    const router = new Router(graph);
    const route = expectSound(graph, router.route(at(-150, 3), at(-50, -2)));
    expect(route.pieces).toHaveLength(1);
    expect(route.meters).toBeCloseTo(100, 0);
    expect(route.seconds).toBeCloseTo(10, 1);
    expect(route.points).toHaveLength(4);
    expect(haversineM(route.points[0]!, route.points[1]!, at(-150, 0).lat, at(-150, 0).lon)).toBeLessThan(0.5);
  });

  it('starts and ends part-way along edges and joins them through the junctions', () => {
    const graph = cross();
    const route = expectSound(graph, new Router(graph).route(at(-100, 0), at(0, 120)));
    expect(route.meters).toBeCloseTo(220, 0);
    expect(route.pieces.map((p) => [p.startFraction, p.endFraction].map((f) => Math.round(f * 10) / 10))).toEqual([
      [0.5, 1],
      [0, 0.6],
    ]);
    expect(route.vertices).toEqual([graph.vertexOfNode.get(1)]);
    expect(route.points.length / 2).toBe(3);
    expect(route.pointM[1]).toBeCloseTo(100, 0);
  });

  it('never drives a oneway backwards, not even the partial first and last pieces', () => {
    // A square block whose south side is oneway eastwards: from 150 m along it back to 50 m goes round.
    const nodes = { 1: [0, 0], 2: [200, 0], 3: [200, 200], 4: [0, 200] } as const;
    const roads: TestRoad[] = [
      { nodes: [1, 2], name: 'South Street', oneway: true },
      { nodes: [2, 3], name: 'East Street' },
      { nodes: [3, 4], name: 'North Street' },
      { nodes: [4, 1], name: 'West Street' },
    ];
    const graph = buildGraph(nodes, roads);
    const router = new Router(graph);
    const route = expectSound(graph, router.route(at(150, 0), at(50, 0)));
    expect(route.meters).toBeCloseTo(700, 0);
    expect(route.pieces[0]!.forward).toBe(true);
    expect(route.pieces.at(-1)!.forward).toBe(true);
    expect(route.pieces).toHaveLength(5);
    // The same trip the other way is 100 m straight along the oneway.
    expect(router.route(at(50, 0), at(150, 0))!.meters).toBeCloseTo(100, 0);
    // Two-way, the trip back is direct.
    const twoWay = buildGraph(nodes, roads.map((r) => ({ ...r, oneway: false })));
    expect(new Router(twoWay).route(at(150, 0), at(50, 0))!.meters).toBeCloseTo(100, 0);
  });

  it("honours a 'no' restriction, also on the partial first and last edges", () => {
    const free = cross();
    expect(new Router(free).route(at(-100, 0), at(0, 100))!.meters).toBeCloseTo(200, 0);
    // No left turn from West Road into North Road: round by a U-turn at S or E, 600 m.
    const graph = cross([{ fromRoad: 0, via: 1, toRoad: 2, kind: 'no' }]);
    const router = new Router(graph);
    const route = expectSound(graph, router.route(at(-100, 0), at(0, 100)));
    expect(route.meters).toBeCloseTo(600, 0);
    expect(dijkstra(graph, at(-100, 0), at(0, 100))!.seconds).toBeCloseTo(route.seconds, 6);
    // From just before the junction to just after it: still no shortcut.
    expect(expectSound(graph, router.route(at(-5, 0), at(0, 5))).meters).toBeCloseTo(410, 0);
    // The other turns at C are untouched.
    expect(router.route(at(-100, 0), at(0, -100))!.meters).toBeCloseTo(200, 0);
    expect(router.route(at(100, 0), at(0, 100))!.meters).toBeCloseTo(200, 0);
  });

  it("honours an 'only' restriction (and it forbids the U-turn too)", () => {
    const graph = cross([{ fromRoad: 0, via: 1, toRoad: 1, kind: 'only' }]);
    const router = new Router(graph);
    const north = expectSound(graph, router.route(at(-100, 0), at(0, 100)));
    expect(north.meters).toBeCloseTo(600, 0);
    expect(router.route(at(-100, 0), at(100, 0))!.meters).toBeCloseTo(200, 0);
    const turns = expandTurns(graph);
    expect(turns.nodeCount).toBe(graph.vertexCount + 1);
    expect(dijkstra(graph, at(-100, 0), at(0, 100))!.seconds).toBeCloseTo(north.seconds, 6);
  });

  it('gives null from both router and Dijkstra when no legal route exists, and falls back to the main network', () => {
    // An island road 1 km east, and a oneway stub leaving C's east arm to a dead end.
    const nodes = { ...CROSS_NODES, 7: [1200, 0], 8: [1400, 0], 9: [200, -100] } as const;
    const roads: TestRoad[] = [...CROSS_ROADS, { nodes: [7, 8], name: 'Island Lane' }, { nodes: [3, 9], name: 'Stub', oneway: true }];
    const graph = buildGraph(nodes, roads);
    const router = new Router(graph);
    const index = edgeIndexFor(graph);
    const island = index.snap(at(1300, 0))!;
    const stub = index.snap(at(200, -50))!;
    const home = index.snap(at(-100, 0))!;
    expect(graph.roadOfEdge[island.edge]).toBe(5);
    expect(graph.roadOfEdge[stub.edge]).toBe(6);
    const main = mainEdges(graph);
    expect(main[island.edge]).toBe(0);
    expect(main[stub.edge]).toBe(0);
    expect(main[home.edge]).toBe(1);
    for (const [a, b] of [
      [home, island],
      [island, home],
      [stub, home],
    ] as const) {
      expect(router.routeSnapped(a, b)).toBeNull();
      expect(dijkstra(graph, a, b)).toBeNull();
      expect(dijkstraSearch(graph, a, b)).toBeNull();
    }
    // Into the stub is fine; out of it is not.
    expect(expectSound(graph, router.routeSnapped(home, stub)).meters).toBeCloseTo(350, 0);
    // Positions: an end on a piece of road with no way out is moved onto the main network.
    const fromStub = expectSound(graph, router.route(at(200, -50), at(-100, 0)));
    expect(main[fromStub.from.edge]).toBe(1);
    expect(dijkstra(graph, at(200, -50), at(-100, 0))!.seconds).toBeCloseTo(fromStub.seconds, 6);
    // Beyond maxSnapM from any road: no route.
    expect(router.route(at(-100, 0), at(5000, 5000))).toBeNull();
    expect(new Router(graph, { maxSnapM: 10_000 }).route(at(-100, 0), at(5000, 5000))).not.toBeNull();
  });

  it('handles a start and end on the same oneway edge in the wrong order (round the block and back onto it)', () => {
    const graph = cross([]);
    const nodes = { 1: [0, 0], 2: [300, 0], 3: [300, 100], 4: [0, 100] } as const;
    const ring = buildGraph(nodes, [{ nodes: [1, 2, 3, 4, 1], name: 'Loop', oneway: true }]);
    const router = new Router(ring);
    const route = expectSound(ring, router.route(at(200, 0), at(100, 0)));
    expect(route.meters).toBeCloseTo(700, 0);
    expect(route.arcs[0]).toBe(route.arcs.at(-1));
    expect(new Router(graph).route(at(-150, 0), at(-150, 0))!.meters).toBeCloseTo(0, 6);
  });
});

describe('Router against plain Dijkstra on random towns', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: same cost on 120 random pairs, every route sound, null together`, () => {
      const graph = randomTown(seed);
      const router = new Router(graph);
      const index = edgeIndexFor(graph);
      const rnd = random(seed * 101);
      let nulls = 0;
      for (let i = 0; i < 120; i++) {
        const a = index.snap(at(rnd() * 1400 - 50, rnd() * 1400 - 50))!;
        const b = index.snap(at(rnd() * 1400 - 50, rnd() * 1400 - 50))!;
        const fast = router.routeSnapped(a, b);
        const plain = dijkstra(graph, a, b);
        expect(fast === null, `pair ${i}`).toBe(plain === null);
        if (!fast || !plain) {
          nulls++;
          continue;
        }
        expect(closeTo(fast.seconds, plain.seconds, 1e-6 * Math.max(1, plain.seconds)), `pair ${i}: ${fast.seconds} vs ${plain.seconds}`).toBe(true);
        expect(routeProblems(graph, fast), `pair ${i}`).toEqual([]);
        expect(routeProblems(graph, plain), `pair ${i}`).toEqual([]);
      }
      expect(nulls).toBeLessThan(60);
    });
  }
});

describe.skipIf(!hasMonaco)('Router on Monaco', () => {
  let graph: RoadGraph;
  let router: Router;
  beforeAll(async () => {
    graph = await loadMonaco();
    router = new Router(graph);
  }, 120_000);

  it('has the restrictions and islands a real city has', () => {
    expect(graph.vertexCount).toBeGreaterThan(1000);
    expect(graph.restrictions.length).toBeGreaterThan(5);
    expect(router.stats().copies).toBeGreaterThan(0);
  });

  it('equals plain Dijkstra on 400 random pairs, every route sound', () => {
    const rnd = random(2024);
    const positions = randomPositions(graph, 800, rnd);
    let routes = 0;
    for (let i = 0; i < 400; i++) {
      const from = positions[2 * i]!;
      const to = positions[2 * i + 1]!;
      const fast = router.route(from, to);
      const plain = dijkstra(graph, from, to);
      expect(fast === null, `pair ${i}`).toBe(plain === null);
      if (!fast || !plain) continue;
      routes++;
      expect(Math.abs(fast.seconds - plain.seconds), `pair ${i}: ${fast.seconds} vs ${plain.seconds}`).toBeLessThanOrEqual(1e-6 * Math.max(1, plain.seconds));
      expect(routeProblems(graph, fast), `pair ${i}`).toEqual([]);
    }
    expect(routes).toBeGreaterThan(380);
  });

  it('gives null from both where an end is cut off (a oneway stub at the edge of the extract)', () => {
    const index = edgeIndexFor(graph);
    const rnd = random(7);
    let nulls = 0;
    let checked = 0;
    for (let e = 0; e < graph.edgeCount && checked < 200; e++) {
      if (index.mainEdge[e] || graph.geometryStart[e + 1]! - graph.geometryStart[e]! < 2) continue;
      const offMain = index.snapOn(e, graph.geometryStart[e]!, 0.5);
      const other = index.snap(randomPositions(graph, 1, rnd)[0]!)!;
      for (const [a, b] of [
        [offMain, other],
        [other, offMain],
      ] as const) {
        checked++;
        const fast = router.routeSnapped(a, b);
        const plain = dijkstraSearch(graph, a, b);
        expect(fast === null).toBe(plain === null);
        if (fast && plain) expect(fast.seconds).toBeCloseTo(plain.seconds, 6);
        else nulls++;
      }
    }
    expect(nulls).toBeGreaterThan(0);
  });
});
