// Fastest routes on a RoadGraph: snap both ends onto the nearest drivable edge, search, and assemble the
// route with its geometry and the per-piece data that instructions and progress need.
//
// The search is a contraction hierarchy (Geisberger et al. 2008; OSRM's default) built when the Router is
// constructed, over a turn-expanded copy of the graph:
//
// - Turn restrictions. Where a restriction applies, the vertex is split: an arc that is the `fromEdge` of
//   some restriction at its head leads to a copy of that vertex instead, and the copy has only the
//   out-arcs the restrictions allow (`no`: all but the arc onto `toEdge`; `only`: just that one, so no
//   U-turn either). Every other vertex stays one node, so the graph grows by one node per restricted
//   approach (a few hundred in a city) and everything downstream is an ordinary node-based search.
// - Partial first and last edges. The start lies part-way along an edge: each arc of that edge that leaves
//   the start (both, on a two-way street; the legal one on a oneway) seeds the forward search at the node
//   it leads to, costing the share of the arc still ahead. The end likewise seeds the backward search at
//   every node (the vertex or its copies) from which its arc may be taken. Start and end on the same edge,
//   in an order the edge can be driven, also give a direct candidate.
// - Cost: arcSeconds, nothing else (no turn penalties; a U-turn is allowed wherever no restriction forbids
//   it), so `dijkstra()` (dijkstra.ts) can check it.
// - Islands: an end snapped onto a road cut off from the main network (mainEdges in snap.ts) that gives no
//   route is snapped again onto the main network (snapAndRoute).
//
// Why a hierarchy: measured on Monaco (2,147 vertices, 4,078 arcs, 27 restrictions; 1,000 random pairs, the
// same turn graph and seeds), the search alone took p50/p95: plain edge-based Dijkstra 0.31/0.54 ms,
// bidirectional Dijkstra 0.08/0.17, bidirectional A* (haversine over the top speed) 0.13/0.33,
// bidirectional ALT with 16 landmarks 0.05/0.15, the hierarchy 0.009/0.013 ms, after about 0.1 s of
// preprocessing. With snapping, geometry and instructions a route then takes p50 0.08 / p95 0.15 ms, most
// of it building the geometry. Preprocessing grows faster than the graph (a synthetic 10,000-junction grid,
// the worst case for contraction, takes ~3 s); the district maps here take 20–140 ms.
import type { RoadGraph } from './graph.js';
import { MinHeap } from './heap.js';
import { cosLatitude, edgeIndexFor, flatDistanceM, type EdgeIndex, type LatLon, type Snap } from './snap.js';

export type { LatLon, Snap } from './snap.js';

/** One arc of the route, in full or (first and last) in part. */
export interface RoutePiece {
  arc: number;
  edge: number;
  /** Whether the arc runs in its edge's geometry order. */
  forward: boolean;
  /** The part of the arc driven, as fractions of its length from its tail (0) to its head (1). */
  startFraction: number;
  endFraction: number;
  meters: number;
  seconds: number;
  /** Metres and seconds from the route's start to this piece's start. */
  startM: number;
  startS: number;
  /** Where the piece starts and ends in `Route.points`, counted in points (lat at points[2*i]). A piece
   *  starts on the point where the previous one ended (the junction). */
  pointIndex: number;
  endPointIndex: number;
}

export interface Route {
  meters: number;
  seconds: number;
  /** The snapped start and end. */
  from: Snap;
  to: Snap;
  /** The arcs driven, first and last in part; `pieces` says how much of each. */
  arcs: number[];
  pieces: RoutePiece[];
  /** The junctions passed, in order: the vertex between pieces[i] and pieces[i+1]. */
  vertices: number[];
  /** The whole route's geometry, flat [lat, lon, lat, lon, …], from the snapped start to the snapped end. */
  points: number[];
  /** Metres and seconds from the start at each point (length points.length / 2), in the cost model's
   *  figures (arcMeters, arcSeconds) spread along each piece's geometry. */
  pointM: Float64Array;
  pointS: Float64Array;
}

export interface RouterOptions {
  /** A start or end farther than this from every drivable road gives no route. Default 2 km. */
  maxSnapM?: number;
}

// ---------------------------------------------------------------------------------------------
// Turn expansion
// ---------------------------------------------------------------------------------------------

/** The graph with vertices split where turn restrictions apply (see the header). Nodes 0..vertexCount-1
 *  are the vertices themselves; the rest are copies, one per restricted approach arc. */
export interface TurnGraph {
  nodeCount: number;
  /** Node → the vertex it stands for. */
  nodeVertex: Uint32Array;
  /** Arcs between nodes in compressed rows, each carrying the graph arc it drives and its cost. */
  firstOut: Uint32Array;
  head: Uint32Array;
  arc: Uint32Array;
  weight: Float64Array;
  /** Graph arc → the node it leads to (its head vertex, or the copy for that approach). */
  arcNode: Uint32Array;
  /** Vertex → its copies: copies of v are copyList[copyStart[v]] .. copyList[copyStart[v+1]-1]. */
  copyStart: Uint32Array;
  copyList: Uint32Array;
  /** Graph arc → its tail vertex. */
  arcTail: Uint32Array;
  /** Edge → its arc in geometry order and against it (-1 when that direction may not be driven). */
  edgeArcForward: Int32Array;
  edgeArcBackward: Int32Array;
}

export function expandTurns(graph: RoadGraph): TurnGraph {
  const n = graph.vertexCount;
  const arcCount = graph.head.length;
  const arcTail = new Uint32Array(arcCount);
  for (let v = 0; v < n; v++) for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) arcTail[a] = v;
  const edgeArcForward = new Int32Array(graph.edgeCount).fill(-1);
  const edgeArcBackward = new Int32Array(graph.edgeCount).fill(-1);
  for (let a = 0; a < arcCount; a++) {
    if (graph.arcForward[a]) edgeArcForward[graph.arcEdge[a]!] = a;
    else edgeArcBackward[graph.arcEdge[a]!] = a;
  }

  // The restrictions on each approach arc (an arc along fromEdge whose head is the via vertex).
  const rules = new Map<number, { kind: 'no' | 'only'; toEdge: number }[]>();
  for (const r of graph.restrictions) {
    if (r.fromEdge < 0 || r.fromEdge >= graph.edgeCount || r.viaVertex < 0 || r.viaVertex >= n) continue;
    for (const a of [edgeArcForward[r.fromEdge]!, edgeArcBackward[r.fromEdge]!]) {
      if (a < 0 || graph.head[a] !== r.viaVertex) continue;
      let list = rules.get(a);
      if (!list) rules.set(a, (list = []));
      list.push({ kind: r.kind, toEdge: r.toEdge });
    }
  }

  const restricted = [...rules.keys()].sort((x, y) => graph.head[x]! - graph.head[y]! || x - y);
  const nodeCount = n + restricted.length;
  const nodeVertex = new Uint32Array(nodeCount);
  for (let v = 0; v < n; v++) nodeVertex[v] = v;
  const arcNode = new Uint32Array(arcCount);
  for (let a = 0; a < arcCount; a++) arcNode[a] = graph.head[a]!;
  const copyStart = new Uint32Array(n + 1);
  const copyList = new Uint32Array(restricted.length);
  const nodeRules: ({ kind: 'no' | 'only'; toEdge: number }[] | undefined)[] = new Array(nodeCount);
  restricted.forEach((a, i) => {
    const node = n + i;
    nodeVertex[node] = graph.head[a]!;
    arcNode[a] = node;
    nodeRules[node] = rules.get(a);
    copyStart[graph.head[a]! + 1]!++;
    copyList[i] = node;
  });
  for (let v = 0; v < n; v++) copyStart[v + 1]! += copyStart[v]!;

  const allowed = (node: number, a: number): boolean => {
    const list = nodeRules[node];
    if (!list) return true;
    const edge = graph.arcEdge[a]!;
    for (const rule of list) {
      if (rule.kind === 'no' ? edge === rule.toEdge : edge !== rule.toEdge) return false;
    }
    return true;
  };

  const firstOut = new Uint32Array(nodeCount + 1);
  const heads: number[] = [];
  const arcs: number[] = [];
  for (let node = 0; node < nodeCount; node++) {
    const v = nodeVertex[node]!;
    for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) {
      if (!allowed(node, a)) continue;
      heads.push(arcNode[a]!);
      arcs.push(a);
    }
    firstOut[node + 1] = heads.length;
  }
  const arc = Uint32Array.from(arcs);
  const weight = new Float64Array(arcs.length);
  for (let i = 0; i < arcs.length; i++) weight[i] = graph.arcSeconds[arc[i]!]!;
  return { nodeCount, nodeVertex, firstOut, head: Uint32Array.from(heads), arc, weight, arcNode, copyStart, copyList, arcTail, edgeArcForward, edgeArcBackward };
}

/** The nodes from which graph arc `a` may be driven: its tail vertex and those of its copies that allow it. */
export function nodesTaking(turns: TurnGraph, a: number): number[] {
  const v = turns.arcTail[a]!;
  const out: number[] = [];
  const consider = (node: number): void => {
    for (let i = turns.firstOut[node]!; i < turns.firstOut[node + 1]!; i++) {
      if (turns.arc[i] === a) {
        out.push(node);
        return;
      }
    }
  };
  consider(v);
  for (let i = turns.copyStart[v]!; i < turns.copyStart[v + 1]!; i++) consider(turns.copyList[i]!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Endpoints: the partial first and last arcs
// ---------------------------------------------------------------------------------------------

/** A way into the search from the start (or out of it to the end): graph arc `arc`, driven in part at `cost`. */
export interface Seed {
  arc: number;
  cost: number;
}

/** The arcs leaving the start snap, with the share of their cost still ahead of it. */
export function startSeeds(graph: RoadGraph, turns: Pick<TurnGraph, 'edgeArcForward' | 'edgeArcBackward'>, from: Snap): Seed[] {
  const out: Seed[] = [];
  const f = turns.edgeArcForward[from.edge]!;
  const b = turns.edgeArcBackward[from.edge]!;
  if (f >= 0) out.push({ arc: f, cost: (1 - from.fraction) * graph.arcSeconds[f]! });
  if (b >= 0) out.push({ arc: b, cost: from.fraction * graph.arcSeconds[b]! });
  return out;
}

/** The arcs reaching the end snap, with the share of their cost up to it. */
export function endSeeds(graph: RoadGraph, turns: Pick<TurnGraph, 'edgeArcForward' | 'edgeArcBackward'>, to: Snap): Seed[] {
  const out: Seed[] = [];
  const f = turns.edgeArcForward[to.edge]!;
  const b = turns.edgeArcBackward[to.edge]!;
  if (f >= 0) out.push({ arc: f, cost: to.fraction * graph.arcSeconds[f]! });
  if (b >= 0) out.push({ arc: b, cost: (1 - to.fraction) * graph.arcSeconds[b]! });
  return out;
}

/** Start and end on the same edge, the end ahead in a direction the edge may be driven: that arc and its cost. */
export function directSeed(graph: RoadGraph, turns: Pick<TurnGraph, 'edgeArcForward' | 'edgeArcBackward'>, from: Snap, to: Snap): Seed | null {
  if (from.edge !== to.edge) return null;
  let best: Seed | null = null;
  const f = turns.edgeArcForward[from.edge]!;
  const b = turns.edgeArcBackward[from.edge]!;
  if (f >= 0 && to.alongM >= from.alongM) best = { arc: f, cost: (to.fraction - from.fraction) * graph.arcSeconds[f]! };
  if (b >= 0 && to.alongM <= from.alongM) {
    const cost = (from.fraction - to.fraction) * graph.arcSeconds[b]!;
    if (!best || cost < best.cost) best = { arc: b, cost };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Route assembly (shared with dijkstra.ts)
// ---------------------------------------------------------------------------------------------

/** Builds the Route for a path of graph arcs from `from` to `to`: arcs[0] is driven from the start snap,
 *  the last arc up to the end snap, and a single arc from the one to the other. */
export function assembleRoute(graph: RoadGraph, from: Snap, to: Snap, arcs: number[]): Route {
  const gLat = graph.geometryLat;
  const gLon = graph.geometryLon;
  const gStart = graph.geometryStart;
  let capacity = 2;
  for (const a of arcs) {
    const e = graph.arcEdge[a]!;
    capacity += gStart[e + 1]! - gStart[e]!;
  }
  const points: number[] = [];
  const pointM = new Float64Array(capacity);
  const pointS = new Float64Array(capacity);
  const pieces: RoutePiece[] = [];
  const vertices: number[] = [];
  const cosLat = cosLatitude(from.lat);
  let meters = 0;
  let seconds = 0;
  let n = 0; // points so far
  const last = arcs.length - 1;

  for (let i = 0; i <= last; i++) {
    const a = arcs[i]!;
    const edge = graph.arcEdge[a]!;
    const forward = graph.arcForward[a] === 1;
    const startSnap = i === 0 ? from : null;
    const endSnap = i === last ? to : null;
    // Fractions along the arc (from its tail).
    const startFraction = startSnap ? (forward ? startSnap.fraction : 1 - startSnap.fraction) : 0;
    const endFraction = endSnap ? (forward ? endSnap.fraction : 1 - endSnap.fraction) : 1;
    const share = Math.max(0, endFraction - startFraction);
    const pieceM = graph.arcMeters[a]! * share;
    const pieceS = graph.arcSeconds[a]! * share;
    if (i > 0) vertices.push(graph.head[arcs[i - 1]!]!);

    // The piece's points, the junction with the previous piece shared (and any repeated point dropped);
    // pointM holds each point's distance from the piece's start for now.
    const pointIndex = Math.max(0, n - 1);
    let length = 0;
    const add = (lat: number, lon: number): void => {
      if (n > 0) {
        const pLat = points[2 * n - 2]!;
        const pLon = points[2 * n - 1]!;
        if (pLat === lat && pLon === lon) return;
        length += flatDistanceM(pLat, pLon, lat, lon, cosLat);
      }
      points.push(lat, lon);
      pointM[n] = length;
      n++;
    };
    if (startSnap) add(startSnap.lat, startSnap.lon);
    const gs = gStart[edge]!;
    const ge = gStart[edge + 1]! - 1;
    if (forward) {
      const hi = endSnap ? endSnap.point : ge;
      for (let p = startSnap ? startSnap.point + 1 : gs; p <= hi; p++) add(gLat[p]!, gLon[p]!);
    } else {
      const lo = endSnap ? endSnap.point + 1 : gs;
      for (let p = startSnap ? startSnap.point : ge; p >= lo; p--) add(gLat[p]!, gLon[p]!);
    }
    if (endSnap) add(endSnap.lat, endSnap.lon);
    const endPointIndex = n - 1;

    // Spread the piece's metres and seconds over its geometry.
    for (let p = pointIndex + 1; p <= endPointIndex; p++) {
      const part = length > 0 ? pointM[p]! / length : 1;
      pointM[p] = meters + pieceM * part;
      pointS[p] = seconds + pieceS * part;
    }

    pieces.push({ arc: a, edge, forward, startFraction, endFraction, meters: pieceM, seconds: pieceS, startM: meters, startS: seconds, pointIndex, endPointIndex });
    meters += pieceM;
    seconds += pieceS;
  }
  // Keep the end exact (the spreading above sums in another order).
  pointM[0] = 0;
  pointS[0] = 0;
  pointM[n - 1] = meters;
  pointS[n - 1] = seconds;
  return { meters, seconds, from, to, arcs, pieces, vertices, points, pointM: pointM.slice(0, n), pointS: pointS.slice(0, n) };
}

/**
 * Snaps both ends to the nearest drivable edge and routes; when that gives no route and an end lies off the
 * main network (an island or a stub cut off by the map's edge, see mainEdges), snaps that end onto the main
 * network and tries once more. Shared by the router and the reference, so both snap alike.
 */
export function snapAndRoute(index: EdgeIndex, maxSnapM: number, from: LatLon, to: LatLon, routeSnapped: (from: Snap, to: Snap) => Route | null): Route | null {
  const a = index.snap(from, maxSnapM);
  const b = index.snap(to, maxSnapM);
  if (!a || !b) return null;
  const direct = routeSnapped(a, b);
  if (direct) return direct;
  const a2 = index.mainEdge[a.edge] ? a : index.snap(from, maxSnapM, true);
  const b2 = index.mainEdge[b.edge] ? b : index.snap(to, maxSnapM, true);
  if (!a2 || !b2 || (a2 === a && b2 === b)) return null;
  return routeSnapped(a2, b2);
}

// ---------------------------------------------------------------------------------------------
// Contraction hierarchy
// ---------------------------------------------------------------------------------------------

/** Settled-node limit of a witness search while contracting: past it, a shortcut is added (always safe).
 *  Estimating a node's priority uses a smaller one: on Monaco that halves preprocessing for 0.2% more
 *  shortcuts. A witness search also stops once every node it looks for is settled. */
const WITNESS_SETTLE_LIMIT = 500;
const ESTIMATE_SETTLE_LIMIT = 60;

interface Hierarchy {
  rank: Uint32Array;
  /** Upward arcs for the forward search, by tail: fwdFirst[v] .. fwdFirst[v+1]-1 → fwdHead, fwdWeight, fwdArc. */
  fwdFirst: Uint32Array;
  fwdHead: Uint32Array;
  fwdWeight: Float64Array;
  fwdArc: Uint32Array;
  /** Arcs u→v with u above v, stored at v (the backward search climbs them from v to u). */
  bwdFirst: Uint32Array;
  bwdHead: Uint32Array;
  bwdWeight: Float64Array;
  bwdArc: Uint32Array;
  /** Every hierarchy arc: a turn-graph arc (child1 = -1, orig = its index in TurnGraph) or a shortcut of two. */
  child1: Int32Array;
  child2: Int32Array;
  orig: Int32Array;
  tail: Uint32Array;
  headOf: Uint32Array;
}

/** Contracts the turn graph, least important node first (edge difference, original edges, depth; lazy updates). */
function contract(turns: TurnGraph): Hierarchy {
  const N = turns.nodeCount;
  // Dynamic adjacency of the nodes not yet contracted.
  const outTo: number[][] = [];
  const outId: number[][] = [];
  const inFrom: number[][] = [];
  const inId: number[][] = [];
  for (let v = 0; v < N; v++) {
    outTo.push([]);
    outId.push([]);
    inFrom.push([]);
    inId.push([]);
  }
  const tail: number[] = [];
  const headOf: number[] = [];
  const weight: number[] = [];
  const child1: number[] = [];
  const child2: number[] = [];
  const orig: number[] = [];
  const hops: number[] = [];
  const alive: boolean[] = [];

  const addArc = (u: number, w: number, cost: number, c1: number, c2: number, o: number, h: number): void => {
    const list = outTo[u]!;
    for (let i = 0; i < list.length; i++) {
      if (list[i] !== w) continue;
      const old = outId[u]![i]!;
      if (weight[old]! <= cost) return;
      // A cheaper way between the same two nodes replaces the old arc.
      alive[old] = false;
      const id = tail.length;
      tail.push(u);
      headOf.push(w);
      weight.push(cost);
      child1.push(c1);
      child2.push(c2);
      orig.push(o);
      hops.push(h);
      alive.push(true);
      outId[u]![i] = id;
      const ins = inFrom[w]!;
      for (let j = 0; j < ins.length; j++) if (ins[j] === u) inId[w]![j] = id;
      return;
    }
    const id = tail.length;
    tail.push(u);
    headOf.push(w);
    weight.push(cost);
    child1.push(c1);
    child2.push(c2);
    orig.push(o);
    hops.push(h);
    alive.push(true);
    outTo[u]!.push(w);
    outId[u]!.push(id);
    inFrom[w]!.push(u);
    inId[w]!.push(id);
  };

  for (let u = 0; u < N; u++) {
    for (let i = turns.firstOut[u]!; i < turns.firstOut[u + 1]!; i++) {
      const w = turns.head[i]!;
      if (w !== u) addArc(u, w, turns.weight[i]!, -1, -1, i, 1);
    }
  }

  const contracted = new Uint8Array(N);
  const depth = new Uint32Array(N);
  const dist = new Float64Array(N);
  const stamp = new Uint32Array(N);
  let gen = 0;
  const heap = new MinHeap(256);

  /** Costs from `source` avoiding `skip`, up to `limit`; results in dist[] where stamp[] === gen. */
  const isTarget = new Uint32Array(N);
  let targetGen = 0;

  /** Costs from `source` avoiding `skip`, up to `limit`, until `targets` nodes marked in isTarget are
   *  settled or `settleLimit` nodes are; results in dist[] where stamp[] === gen. */
  const witness = (source: number, skip: number, limit: number, targets: number, settleLimit: number): void => {
    gen++;
    heap.clear();
    dist[source] = 0;
    stamp[source] = gen;
    heap.push(0, source);
    let settled = 0;
    let left = targets;
    while (heap.size > 0) {
      const key = heap.peekKey();
      const x = heap.pop();
      if (key > dist[x]!) continue;
      if (key > limit || ++settled > settleLimit) break;
      if (isTarget[x] === targetGen && --left === 0) break;
      const to = outTo[x]!;
      const ids = outId[x]!;
      for (let i = 0; i < to.length; i++) {
        const y = to[i]!;
        if (y === skip) continue;
        const d = key + weight[ids[i]!]!;
        if (stamp[y] !== gen || d < dist[y]!) {
          dist[y] = d;
          stamp[y] = gen;
          heap.push(d, y);
        }
      }
    }
  };

  /** The shortcuts contracting v needs, as flat (u, w, cost, arcUV, arcVW) quintuples. */
  const shortcuts = (v: number, out: number[], settleLimit: number): void => {
    out.length = 0;
    const ins = inFrom[v]!;
    const outs = outTo[v]!;
    if (ins.length === 0 || outs.length === 0) return;
    let maxOut = 0;
    for (let j = 0; j < outs.length; j++) maxOut = Math.max(maxOut, weight[outId[v]![j]!]!);
    for (let i = 0; i < ins.length; i++) {
      const u = ins[i]!;
      const uv = inId[v]![i]!;
      targetGen++;
      let targets = 0;
      for (let j = 0; j < outs.length; j++) {
        const w = outs[j]!;
        if (w !== u && isTarget[w] !== targetGen) {
          isTarget[w] = targetGen;
          targets++;
        }
      }
      if (targets === 0) continue;
      witness(u, v, weight[uv]! + maxOut, targets, settleLimit);
      for (let j = 0; j < outs.length; j++) {
        const w = outs[j]!;
        if (w === u) continue;
        const vw = outId[v]![j]!;
        const via = weight[uv]! + weight[vw]!;
        if (stamp[w] === gen && dist[w]! <= via) continue;
        out.push(u, w, via, uv, vw);
      }
    }
  };

  const scratch: number[] = [];
  const priority = (v: number): number => {
    shortcuts(v, scratch, ESTIMATE_SETTLE_LIMIT);
    const removed = inFrom[v]!.length + outTo[v]!.length;
    let removedHops = 0;
    for (const id of inId[v]!) removedHops += hops[id]!;
    for (const id of outId[v]!) removedHops += hops[id]!;
    let addedHops = 0;
    for (let k = 0; k < scratch.length; k += 5) addedHops += hops[scratch[k + 3]!]! + hops[scratch[k + 4]!]!;
    const added = scratch.length / 5;
    return (2 * added) / Math.max(1, removed) + addedHops / Math.max(1, removedHops) + depth[v]!;
  };

  const prio = new Float64Array(N);
  const queue = new MinHeap(N + 16);
  for (let v = 0; v < N; v++) {
    prio[v] = priority(v);
    queue.push(prio[v]!, v);
  }
  const rank = new Uint32Array(N);
  let nextRank = 0;
  const found: number[] = [];
  while (queue.size > 0) {
    const key = queue.peekKey();
    const v = queue.pop();
    if (contracted[v] || key !== prio[v]) continue;
    const p = priority(v);
    if (p > queue.peekKey()) {
      prio[v] = p;
      queue.push(p, v);
      continue;
    }
    shortcuts(v, found, WITNESS_SETTLE_LIMIT);
    for (let k = 0; k < found.length; k += 5) {
      const uv = found[k + 3]!;
      const vw = found[k + 4]!;
      addArc(found[k]!, found[k + 1]!, found[k + 2]!, uv, vw, -1, hops[uv]! + hops[vw]!);
    }
    contracted[v] = 1;
    rank[v] = nextRank++;
    // Take v out of its neighbours' lists; they move up in depth and their priorities change.
    const neighbours = new Set<number>();
    for (const u of inFrom[v]!) {
      neighbours.add(u);
      const list = outTo[u]!;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === v) {
          list.splice(i, 1);
          outId[u]!.splice(i, 1);
        }
      }
    }
    for (const w of outTo[v]!) {
      neighbours.add(w);
      const list = inFrom[w]!;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === v) {
          list.splice(i, 1);
          inId[w]!.splice(i, 1);
        }
      }
    }
    for (const u of neighbours) {
      depth[u] = Math.max(depth[u]!, depth[v]! + 1);
      prio[u] = priority(u);
      queue.push(prio[u]!, u);
    }
  }

  // The query graph: every live arc, upward ones at their tail, downward ones at their head.
  const fwdCount = new Uint32Array(N + 1);
  const bwdCount = new Uint32Array(N + 1);
  for (let id = 0; id < tail.length; id++) {
    if (!alive[id]) continue;
    if (rank[tail[id]!]! < rank[headOf[id]!]!) fwdCount[tail[id]! + 1]!++;
    else bwdCount[headOf[id]! + 1]!++;
  }
  for (let v = 0; v < N; v++) {
    fwdCount[v + 1]! += fwdCount[v]!;
    bwdCount[v + 1]! += bwdCount[v]!;
  }
  const fwdFirst = fwdCount.slice();
  const bwdFirst = bwdCount.slice();
  const fwdHead = new Uint32Array(fwdFirst[N]!);
  const fwdWeight = new Float64Array(fwdFirst[N]!);
  const fwdArc = new Uint32Array(fwdFirst[N]!);
  const bwdHead = new Uint32Array(bwdFirst[N]!);
  const bwdWeight = new Float64Array(bwdFirst[N]!);
  const bwdArc = new Uint32Array(bwdFirst[N]!);
  for (let id = 0; id < tail.length; id++) {
    if (!alive[id]) continue;
    const u = tail[id]!;
    const w = headOf[id]!;
    if (rank[u]! < rank[w]!) {
      const k = fwdCount[u]!++;
      fwdHead[k] = w;
      fwdWeight[k] = weight[id]!;
      fwdArc[k] = id;
    } else {
      const k = bwdCount[w]!++;
      bwdHead[k] = u;
      bwdWeight[k] = weight[id]!;
      bwdArc[k] = id;
    }
  }
  return {
    rank,
    fwdFirst,
    fwdHead,
    fwdWeight,
    fwdArc,
    bwdFirst,
    bwdHead,
    bwdWeight,
    bwdArc,
    child1: Int32Array.from(child1),
    child2: Int32Array.from(child2),
    orig: Int32Array.from(orig),
    tail: Uint32Array.from(tail),
    headOf: Uint32Array.from(headOf),
  };
}

// ---------------------------------------------------------------------------------------------
// The router
// ---------------------------------------------------------------------------------------------

export class Router {
  readonly index: EdgeIndex;
  readonly turns: TurnGraph;
  private readonly ch: Hierarchy;
  private readonly maxSnapM: number;

  // Search state, reused across queries: distances valid where the stamp equals the query's generation.
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  private readonly stampF: Uint32Array;
  private readonly stampB: Uint32Array;
  /** The hierarchy arc a node was reached by, or -1 - graphArc for a node seeded by a partial arc. */
  private readonly parentF: Int32Array;
  private readonly parentB: Int32Array;
  private readonly heapF = new MinHeap(1024);
  private readonly heapB = new MinHeap(1024);
  private gen = 0;

  constructor(
    readonly graph: RoadGraph,
    options: RouterOptions = {},
  ) {
    this.maxSnapM = options.maxSnapM ?? 2000;
    this.index = edgeIndexFor(graph);
    this.turns = expandTurns(graph);
    this.ch = contract(this.turns);
    const N = this.turns.nodeCount;
    this.distF = new Float64Array(N);
    this.distB = new Float64Array(N);
    this.stampF = new Uint32Array(N);
    this.stampB = new Uint32Array(N);
    this.parentF = new Int32Array(N);
    this.parentB = new Int32Array(N);
  }

  /** The nearest point on a drivable road, or null when none is within `maxSnapM`. */
  snap(position: LatLon): Snap | null {
    return this.index.snap(position, this.maxSnapM);
  }

  /** The fastest route between two positions, or null when either is off the map or no legal route joins
   *  them (see snapAndRoute for how the ends are snapped). */
  route(from: LatLon, to: LatLon): Route | null {
    return snapAndRoute(this.index, this.maxSnapM, from, to, (a, b) => this.routeSnapped(a, b));
  }

  routeSnapped(from: Snap, to: Snap): Route | null {
    const path = this.search(from, to);
    return path ? assembleRoute(this.graph, from, to, path.arcs) : null;
  }

  /** The fastest path's cost in seconds and its graph arcs (first and last driven in part), or null. */
  search(from: Snap, to: Snap): { seconds: number; arcs: number[] } | null {
    const { graph, turns, ch } = this;
    const { distF, distB, stampF, stampB, parentF, parentB, heapF, heapB } = this;
    const gen = ++this.gen;
    heapF.clear();
    heapB.clear();

    const direct = directSeed(graph, turns, from, to);
    let best = direct ? direct.cost : Infinity;
    let meet = -1;

    for (const seed of startSeeds(graph, turns, from)) {
      const node = turns.arcNode[seed.arc]!;
      if (stampF[node] !== gen || seed.cost < distF[node]!) {
        stampF[node] = gen;
        distF[node] = seed.cost;
        parentF[node] = -1 - seed.arc;
        heapF.push(seed.cost, node);
      }
    }
    for (const seed of endSeeds(graph, turns, to)) {
      for (const node of nodesTaking(turns, seed.arc)) {
        if (stampB[node] !== gen || seed.cost < distB[node]!) {
          stampB[node] = gen;
          distB[node] = seed.cost;
          parentB[node] = -1 - seed.arc;
          heapB.push(seed.cost, node);
        }
      }
    }

    const { fwdFirst, fwdHead, fwdWeight, fwdArc, bwdFirst, bwdHead, bwdWeight, bwdArc } = ch;
    for (;;) {
      const kf = heapF.peekKey();
      const kb = heapB.peekKey();
      if (kf >= best && kb >= best) break;
      if (kf <= kb) {
        const x = heapF.pop();
        if (kf > distF[x]!) continue;
        if (stampB[x] === gen && kf + distB[x]! < best) {
          best = kf + distB[x]!;
          meet = x;
        }
        // Stall on demand: a higher node already reached offers a cheaper way down to x.
        let stalled = false;
        for (let i = bwdFirst[x]!; i < bwdFirst[x + 1]!; i++) {
          const y = bwdHead[i]!;
          if (stampF[y] === gen && distF[y]! + bwdWeight[i]! < kf) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let i = fwdFirst[x]!; i < fwdFirst[x + 1]!; i++) {
          const y = fwdHead[i]!;
          const d = kf + fwdWeight[i]!;
          if (stampF[y] !== gen || d < distF[y]!) {
            stampF[y] = gen;
            distF[y] = d;
            parentF[y] = fwdArc[i]!;
            heapF.push(d, y);
          }
        }
      } else {
        const x = heapB.pop();
        if (kb > distB[x]!) continue;
        if (stampF[x] === gen && kb + distF[x]! < best) {
          best = kb + distF[x]!;
          meet = x;
        }
        let stalled = false;
        for (let i = fwdFirst[x]!; i < fwdFirst[x + 1]!; i++) {
          const y = fwdHead[i]!;
          if (stampB[y] === gen && distB[y]! + fwdWeight[i]! < kb) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let i = bwdFirst[x]!; i < bwdFirst[x + 1]!; i++) {
          const y = bwdHead[i]!;
          const d = kb + bwdWeight[i]!;
          if (stampB[y] !== gen || d < distB[y]!) {
            stampB[y] = gen;
            distB[y] = d;
            parentB[y] = bwdArc[i]!;
            heapB.push(d, y);
          }
        }
      }
    }

    if (meet < 0) return direct ? { seconds: direct.cost, arcs: [direct.arc] } : null;

    // Unpack: the start's partial arc, the hierarchy arcs up to the meeting node and down from it, the end's.
    const up: number[] = [];
    let x = meet;
    let p = parentF[x]!;
    while (p >= 0) {
      up.push(p);
      x = ch.tail[p]!;
      p = parentF[x]!;
    }
    const arcs: number[] = [-1 - p];
    for (let i = up.length - 1; i >= 0; i--) this.unpack(up[i]!, arcs);
    x = meet;
    p = parentB[x]!;
    while (p >= 0) {
      this.unpack(p, arcs);
      x = ch.headOf[p]!;
      p = parentB[x]!;
    }
    arcs.push(-1 - p);
    return { seconds: best, arcs };
  }

  /** Preprocessing figures, for the bench and the logs. */
  stats(): { nodes: number; copies: number; turnArcs: number; upwardArcs: number; downwardArcs: number; shortcuts: number } {
    let shortcuts = 0;
    for (let i = 0; i < this.ch.child1.length; i++) if (this.ch.child1[i]! >= 0) shortcuts++;
    return {
      nodes: this.turns.nodeCount,
      copies: this.turns.nodeCount - this.graph.vertexCount,
      turnArcs: this.turns.head.length,
      upwardArcs: this.ch.fwdHead.length,
      downwardArcs: this.ch.bwdHead.length,
      shortcuts,
    };
  }

  private readonly stack: number[] = [];
  private unpack(id: number, out: number[]): void {
    const { child1, child2, orig } = this.ch;
    const stack = this.stack;
    stack.length = 0;
    stack.push(id);
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (child1[a]! < 0) {
        out.push(this.turns.arc[orig[a]!]!);
      } else {
        stack.push(child2[a]!, child1[a]!);
      }
    }
  }
}
