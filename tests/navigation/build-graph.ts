// A tiny RoadGraph builder for the navigation tests: roads as lists of node ids, nodes placed in metres
// east and north of a base point (near Monaco), split into edges at junctions the way an OSM importer
// splits ways. Also a seeded random town (a jittered grid with oneways, missing blocks, curved streets and
// turn restrictions) for comparing the router with the reference Dijkstra on many pairs.
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { rng } from '../../main/nlu/expand.js';

export const BASE = { lat: 43.73, lon: 7.42 };
const M_PER_DEG_LAT = 111_195;

/** The position `east` metres east and `north` metres north of BASE. */
export function at(east: number, north: number): { lat: number; lon: number } {
  return {
    lat: BASE.lat + north / M_PER_DEG_LAT,
    lon: BASE.lon + east / (M_PER_DEG_LAT * Math.cos((BASE.lat * Math.PI) / 180)),
  };
}

export interface TestRoad {
  /** Node ids in driving order (for a oneway) or drawing order. */
  nodes: number[];
  name?: string | { name: string; en?: string; id?: string; zh?: string; ref?: string };
  oneway?: boolean;
  speedKmh?: number;
  highway?: string;
  roundabout?: boolean;
}

export interface TestRestriction {
  /** Indexes into the roads list. */
  fromRoad: number;
  via: number;
  toRoad: number;
  kind: 'no' | 'only';
}

export const HIGHWAYS = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'service'];

export type TestGraph = RoadGraph & { edgeRoundabout: Uint8Array; roadOfEdge: number[]; vertexOfNode: Map<number, number> };

/** Builds a graph from nodes (id → [east, north] metres) and roads. */
export function buildGraph(nodes: Record<number, readonly [number, number]>, roads: TestRoad[], restrictions: TestRestriction[] = []): TestGraph {
  const uses = new Map<number, number>();
  const vertexOfNode = new Map<number, number>();
  const vertexNodes: number[] = [];
  const mark = (id: number): void => {
    if (!vertexOfNode.has(id)) {
      vertexOfNode.set(id, vertexNodes.length);
      vertexNodes.push(id);
    }
  };
  for (const road of roads) for (const id of road.nodes) uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const road of roads) {
    road.nodes.forEach((id, i) => {
      if (nodes[id] === undefined) throw new Error(`no node ${id}`);
      if (i === 0 || i === road.nodes.length - 1 || (uses.get(id) ?? 0) > 1) mark(id);
    });
  }

  const names: { name: string; en?: string; id?: string; zh?: string; ref?: string }[] = [];
  const nameIndex = new Map<string, number>();
  const edges: { from: number; to: number; road: number; points: { lat: number; lon: number }[] }[] = [];
  roads.forEach((road, r) => {
    let current: number[] = [road.nodes[0]!];
    for (let i = 1; i < road.nodes.length; i++) {
      const id = road.nodes[i]!;
      current.push(id);
      if (vertexOfNode.has(id)) {
        edges.push({
          from: vertexOfNode.get(current[0]!)!,
          to: vertexOfNode.get(id)!,
          road: r,
          points: current.map((n) => at(nodes[n]![0], nodes[n]![1])),
        });
        current = [id];
      }
    }
  });

  const edgeCount = edges.length;
  const edgeFrom = new Uint32Array(edgeCount);
  const edgeTo = new Uint32Array(edgeCount);
  const edgeWay = new Float64Array(edgeCount);
  const edgeHighway = new Uint8Array(edgeCount);
  const edgeName = new Int32Array(edgeCount);
  const edgeRoundabout = new Uint8Array(edgeCount);
  const geometryStart = new Uint32Array(edgeCount + 1);
  const lats: number[] = [];
  const lons: number[] = [];
  const arcs: { tail: number; head: number; edge: number; forward: number; meters: number; seconds: number }[] = [];
  edges.forEach((e, i) => {
    const road = roads[e.road]!;
    edgeFrom[i] = e.from;
    edgeTo[i] = e.to;
    edgeWay[i] = 1000 + e.road;
    edgeHighway[i] = Math.max(0, HIGHWAYS.indexOf(road.highway ?? 'residential'));
    edgeRoundabout[i] = road.roundabout ? 1 : 0;
    if (road.name === undefined) edgeName[i] = -1;
    else {
      const entry = typeof road.name === 'string' ? { name: road.name } : road.name;
      const key = JSON.stringify(entry);
      if (!nameIndex.has(key)) {
        nameIndex.set(key, names.length);
        names.push(entry);
      }
      edgeName[i] = nameIndex.get(key)!;
    }
    geometryStart[i] = lats.length;
    let meters = 0;
    e.points.forEach((p, k) => {
      lats.push(p.lat);
      lons.push(p.lon);
      if (k > 0) meters += distance(e.points[k - 1]!, p);
    });
    const seconds = meters / ((road.speedKmh ?? 36) / 3.6);
    arcs.push({ tail: e.from, head: e.to, edge: i, forward: 1, meters, seconds });
    if (!road.oneway && !road.roundabout) arcs.push({ tail: e.to, head: e.from, edge: i, forward: 0, meters, seconds });
  });
  geometryStart[edgeCount] = lats.length;

  const vertexCount = vertexNodes.length;
  arcs.sort((a, b) => a.tail - b.tail || a.edge - b.edge || b.forward - a.forward);
  const firstOut = new Uint32Array(vertexCount + 1);
  for (const a of arcs) firstOut[a.tail + 1]!++;
  for (let v = 0; v < vertexCount; v++) firstOut[v + 1]! += firstOut[v]!;

  const edgeAt = (road: number, vertex: number): number => {
    const i = edges.findIndex((e) => e.road === road && (e.from === vertex || e.to === vertex));
    if (i < 0) throw new Error(`road ${road} does not touch vertex ${vertex}`);
    return i;
  };

  return {
    vertexCount,
    lat: Float64Array.from(vertexNodes, (id) => at(nodes[id]![0], nodes[id]![1]).lat),
    lon: Float64Array.from(vertexNodes, (id) => at(nodes[id]![0], nodes[id]![1]).lon),
    osmNode: Float64Array.from(vertexNodes),
    firstOut,
    head: Uint32Array.from(arcs, (a) => a.head),
    arcEdge: Uint32Array.from(arcs, (a) => a.edge),
    arcForward: Uint8Array.from(arcs, (a) => a.forward),
    arcMeters: Float32Array.from(arcs, (a) => a.meters),
    arcSeconds: Float32Array.from(arcs, (a) => a.seconds),
    edgeCount,
    edgeFrom,
    edgeTo,
    edgeWay,
    edgeHighway,
    highwayClasses: HIGHWAYS,
    edgeName,
    names,
    geometryStart,
    geometryLat: Float64Array.from(lats),
    geometryLon: Float64Array.from(lons),
    restrictions: restrictions.map((r) => {
      const via = vertexOfNode.get(r.via);
      if (via === undefined) throw new Error(`node ${r.via} is not a junction`);
      return { fromEdge: edgeAt(r.fromRoad, via), viaVertex: via, toEdge: edgeAt(r.toRoad, via), kind: r.kind };
    }),
    edgeRoundabout,
    roadOfEdge: edges.map((e) => e.road),
    vertexOfNode,
  };
}

function distance(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(s));
}

/** A deterministic PRNG in [0, 1): the NLU trainer's (rng in main/nlu/expand.ts). */
export const random = rng;

/**
 * A random town: a size×size grid of junctions `block` metres apart, jittered; each block side is a road
 * piece (some missing, some oneway, some curved with a middle point, speeds 20–80 km/h), plus a few
 * restrictions of each kind at random junctions. Streets are named by row and column.
 */
export function randomTown(seed: number, size = 12, block = 120): TestGraph {
  const rnd = random(seed);
  const nodes: Record<number, [number, number]> = {};
  const id = (r: number, c: number): number => r * size + c;
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) nodes[id(r, c)] = [c * block + (rnd() - 0.5) * block * 0.3, r * block + (rnd() - 0.5) * block * 0.3];
  let extra = size * size;
  const roads: TestRoad[] = [];
  const piece = (a: number, b: number, name: string): void => {
    if (rnd() < 0.08) return;
    const way: number[] = [a];
    if (rnd() < 0.3) {
      const m = extra++;
      nodes[m] = [(nodes[a]![0] + nodes[b]![0]) / 2 + (rnd() - 0.5) * 30, (nodes[a]![1] + nodes[b]![1]) / 2 + (rnd() - 0.5) * 30];
      way.push(m);
    }
    way.push(b);
    const oneway = rnd() < 0.25;
    if (oneway && rnd() < 0.5) way.reverse();
    roads.push({ nodes: way, name, oneway, speedKmh: 20 + Math.floor(rnd() * 60), highway: HIGHWAYS[2 + Math.floor(rnd() * 5)] });
  };
  for (let r = 0; r < size; r++) for (let c = 0; c + 1 < size; c++) piece(id(r, c), id(r, c + 1), `Row ${r}`);
  for (let c = 0; c < size; c++) for (let r = 0; r + 1 < size; r++) piece(id(r, c), id(r + 1, c), `Column ${c}`);

  // Restrictions between two roads meeting at a junction.
  const restrictions: TestRestriction[] = [];
  const touching = new Map<number, number[]>();
  roads.forEach((road, i) => {
    for (const n of [road.nodes[0]!, road.nodes[road.nodes.length - 1]!]) touching.set(n, [...(touching.get(n) ?? []), i]);
  });
  const junctions = [...touching.entries()].filter(([, rs]) => rs.length >= 3);
  for (let k = 0; k < Math.max(4, Math.floor(size * size * 0.08)); k++) {
    const [via, rs] = junctions[Math.floor(rnd() * junctions.length)]!;
    const from = rs[Math.floor(rnd() * rs.length)]!;
    const to = rs[Math.floor(rnd() * rs.length)]!;
    restrictions.push({ fromRoad: from, via, toRoad: to, kind: rnd() < 0.75 ? 'no' : 'only' });
  }
  return buildGraph(nodes, roads, restrictions);
}

/**
 * Every way a route could be malformed, as a list of problems (empty when it is sound): arcs that do not
 * join, a oneway driven backwards, a forbidden turn, geometry that jumps, figures that do not add up.
 */
export function routeProblems(graph: RoadGraph, route: import('../../main/services/navigation/router.js').Route): string[] {
  const problems: string[] = [];
  const near = (lat1: number, lon1: number, lat2: number, lon2: number): boolean => distance({ lat: lat1, lon: lon1 }, { lat: lat2, lon: lon2 }) < 0.01;
  const tail = (a: number): number => {
    let lo = 0;
    let hi = graph.vertexCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (graph.firstOut[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const directions = new Map<number, Set<number>>();
  for (let a = 0; a < graph.head.length; a++) {
    const set = directions.get(graph.arcEdge[a]!) ?? new Set<number>();
    set.add(graph.arcForward[a]!);
    directions.set(graph.arcEdge[a]!, set);
  }
  const { arcs, pieces, points } = route;
  if (arcs.length !== pieces.length || arcs.length === 0) problems.push(`${arcs.length} arcs, ${pieces.length} pieces`);
  if (route.vertices.length !== Math.max(0, pieces.length - 1)) problems.push(`${route.vertices.length} vertices for ${pieces.length} pieces`);
  const count = points.length / 2;
  if (route.pointM.length !== count || route.pointS.length !== count) problems.push('pointM/pointS length');
  if (!near(points[0]!, points[1]!, route.from.lat, route.from.lon)) problems.push('does not start at the start snap');
  if (!near(points[points.length - 2]!, points[points.length - 1]!, route.to.lat, route.to.lon)) problems.push('does not end at the end snap');
  let meters = 0;
  let seconds = 0;
  pieces.forEach((piece, i) => {
    const a = arcs[i]!;
    if (piece.arc !== a) problems.push(`piece ${i} is not arc ${a}`);
    if (graph.arcEdge[a] !== piece.edge || (graph.arcForward[a] === 1) !== piece.forward) problems.push(`piece ${i} edge/direction`);
    const allowed = directions.get(piece.edge);
    if (!allowed?.has(piece.forward ? 1 : 0)) problems.push(`piece ${i} drives edge ${piece.edge} against its oneway`);
    if (i > 0) {
      const prev = arcs[i - 1]!;
      const via = graph.head[prev]!;
      if (tail(a) !== via) problems.push(`arcs ${prev} and ${a} do not join`);
      if (route.vertices[i - 1] !== via) problems.push(`vertex ${i - 1} is not ${via}`);
      if (piece.pointIndex !== pieces[i - 1]!.endPointIndex) problems.push(`piece ${i} does not start where ${i - 1} ends`);
      if (!near(points[2 * piece.pointIndex]!, points[2 * piece.pointIndex + 1]!, graph.lat[via]!, graph.lon[via]!)) problems.push(`junction ${i} is not at vertex ${via}`);
      for (const r of graph.restrictions) {
        if (r.fromEdge !== graph.arcEdge[prev] || r.viaVertex !== via) continue;
        if (r.kind === 'no' && r.toEdge === piece.edge) problems.push(`forbidden turn ${r.fromEdge}→${r.toEdge} at ${via}`);
        if (r.kind === 'only' && r.toEdge !== piece.edge) problems.push(`only ${r.fromEdge}→${r.toEdge} at ${via}, took ${piece.edge}`);
      }
    }
    if (i > 0 && i < pieces.length - 1) {
      // A whole piece is its edge's geometry, in the direction driven.
      const shape: number[] = [];
      const start = graph.geometryStart[piece.edge]!;
      const end = graph.geometryStart[piece.edge + 1]!;
      for (let k = 0; k < end - start; k++) {
        const g = piece.forward ? start + k : end - 1 - k;
        const n = shape.length;
        if (n > 0 && shape[n - 2] === graph.geometryLat[g] && shape[n - 1] === graph.geometryLon[g]) continue;
        shape.push(graph.geometryLat[g]!, graph.geometryLon[g]!);
      }
      const drawn = points.slice(2 * piece.pointIndex, 2 * piece.endPointIndex + 2);
      if (drawn.length !== shape.length || drawn.some((x, k) => x !== shape[k])) problems.push(`piece ${i} is not edge ${piece.edge}'s geometry`);
    }
    if (piece.meters < -1e-9 || piece.seconds < -1e-9) problems.push(`piece ${i} negative`);
    meters += piece.meters;
    seconds += piece.seconds;
  });
  if (Math.abs(meters - route.meters) > 1e-6 || Math.abs(seconds - route.seconds) > 1e-6) problems.push('pieces do not add up');
  for (let p = 1; p < count; p++) {
    if (route.pointM[p]! < route.pointM[p - 1]! - 1e-9) problems.push(`pointM decreases at ${p}`);
    // Consecutive points are at most one geometry segment apart: nothing jumps across the map.
    if (distance({ lat: points[2 * p - 2]!, lon: points[2 * p - 1]! }, { lat: points[2 * p]!, lon: points[2 * p + 1]! }) > 5000) problems.push(`jump at point ${p}`);
  }
  if (Math.abs(route.pointM[count - 1]! - route.meters) > 1e-6) problems.push('pointM does not end at meters');
  return problems;
}
