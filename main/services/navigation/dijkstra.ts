// The plain reference for the router: Dijkstra over arcs (edge-based: the state is the arc just driven, so
// a turn restriction is a check between two arcs), with the same snapping, the same partial first and last
// arcs and the same cost (arcSeconds). Written to be obviously right rather than fast; the router's tests
// compare against it, and the bench reports how much faster the router is.
import type { RoadGraph } from './graph.js';
import { MinHeap } from './heap.js';
import { assembleRoute, snapAndRoute, type Route } from './router.js';
import { edgeIndexFor, type LatLon, type Snap } from './snap.js';

type Rules = { kind: 'no' | 'only'; toEdge: number }[];

interface Prepared {
  /** Edge → its arc in geometry order / against it, or -1. */
  forwardArc: Int32Array;
  backwardArc: Int32Array;
  arcTail: Uint32Array;
  /** Arc → the restrictions on turning at its head after driving it (its edge is their fromEdge, its
   *  head their via vertex), if any. */
  rules: (Rules | undefined)[];
}

const prepared = new WeakMap<RoadGraph, Prepared>();

function prepare(graph: RoadGraph): Prepared {
  let p = prepared.get(graph);
  if (p) return p;
  const forwardArc = new Int32Array(graph.edgeCount).fill(-1);
  const backwardArc = new Int32Array(graph.edgeCount).fill(-1);
  const arcTail = new Uint32Array(graph.head.length);
  for (let v = 0; v < graph.vertexCount; v++) {
    for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) {
      arcTail[a] = v;
      if (graph.arcForward[a]) forwardArc[graph.arcEdge[a]!] = a;
      else backwardArc[graph.arcEdge[a]!] = a;
    }
  }
  const rules: (Rules | undefined)[] = new Array(graph.head.length);
  for (const r of graph.restrictions) {
    for (const a of [forwardArc[r.fromEdge] ?? -1, backwardArc[r.fromEdge] ?? -1]) {
      if (a >= 0 && graph.head[a] === r.viaVertex) (rules[a] ??= []).push({ kind: r.kind, toEdge: r.toEdge });
    }
  }
  p = { forwardArc, backwardArc, arcTail, rules };
  prepared.set(graph, p);
  return p;
}

/** Whether a car that drove into a junction under `rules` may leave it along arc `b`. */
function turnAllowed(graph: RoadGraph, rules: Rules | undefined, b: number): boolean {
  if (!rules) return true;
  const edge = graph.arcEdge[b];
  return rules.every((r) => (r.kind === 'no' ? edge !== r.toEdge : edge === r.toEdge));
}

function isSnap(p: LatLon | Snap): p is Snap {
  return typeof (p as Snap).edge === 'number';
}

/** The fastest path's cost and arcs between two snaps (first and last arc driven in part), or null. */
export function dijkstraSearch(graph: RoadGraph, from: Snap, to: Snap): { seconds: number; arcs: number[] } | null {
  const p = prepare(graph);
  const arcCount = graph.head.length;
  const dist = new Float64Array(arcCount).fill(Infinity);
  const parent = new Int32Array(arcCount).fill(-1);
  const heap = new MinHeap(1024);

  let best = Infinity;
  let bestArcs: number[] | null = null;

  // Start and end on one edge, the end ahead of the start along a drivable direction.
  if (from.edge === to.edge) {
    const f = p.forwardArc[from.edge]!;
    const b = p.backwardArc[from.edge]!;
    if (f >= 0 && to.alongM >= from.alongM) {
      best = (to.fraction - from.fraction) * graph.arcSeconds[f]!;
      bestArcs = [f];
    }
    if (b >= 0 && to.alongM <= from.alongM && (from.fraction - to.fraction) * graph.arcSeconds[b]! < best) {
      best = (from.fraction - to.fraction) * graph.arcSeconds[b]!;
      bestArcs = [b];
    }
  }

  // The start's arcs, driven from the snap to their head.
  const startF = p.forwardArc[from.edge]!;
  const startB = p.backwardArc[from.edge]!;
  if (startF >= 0) {
    dist[startF] = (1 - from.fraction) * graph.arcSeconds[startF]!;
    heap.push(dist[startF]!, startF);
  }
  if (startB >= 0) {
    dist[startB] = from.fraction * graph.arcSeconds[startB]!;
    heap.push(dist[startB]!, startB);
  }
  // The end's arcs, driven from their tail up to the snap.
  const ends: { arc: number; cost: number }[] = [];
  const endF = p.forwardArc[to.edge]!;
  const endB = p.backwardArc[to.edge]!;
  if (endF >= 0) ends.push({ arc: endF, cost: to.fraction * graph.arcSeconds[endF]! });
  if (endB >= 0) ends.push({ arc: endB, cost: (1 - to.fraction) * graph.arcSeconds[endB]! });

  let bestLast = -1;
  let bestEnd = -1;
  while (heap.size > 0) {
    const d = heap.peekKey();
    const a = heap.pop();
    if (d > dist[a]!) continue;
    if (d >= best) break;
    const v = graph.head[a]!;
    const rules = p.rules[a];
    for (const end of ends) {
      if (p.arcTail[end.arc] === v && d + end.cost < best && turnAllowed(graph, rules, end.arc)) {
        best = d + end.cost;
        bestLast = a;
        bestEnd = end.arc;
      }
    }
    for (let b = graph.firstOut[v]!; b < graph.firstOut[v + 1]!; b++) {
      const nd = d + graph.arcSeconds[b]!;
      if (nd < dist[b]! && turnAllowed(graph, rules, b)) {
        dist[b] = nd;
        parent[b] = a;
        heap.push(nd, b);
      }
    }
  }

  if (bestLast >= 0) {
    const arcs: number[] = [bestEnd];
    for (let a = bestLast; a >= 0; a = parent[a]!) arcs.push(a);
    return { seconds: best, arcs: arcs.reverse() };
  }
  return bestArcs ? { seconds: best, arcs: bestArcs } : null;
}

export interface DijkstraOptions {
  /** As RouterOptions.maxSnapM. */
  maxSnapM?: number;
}

/** The fastest route by plain Dijkstra, from and to positions (snapped as the router snaps them, with the same
 *  retry on the main network) or snaps (used as they are). */
export function dijkstra(graph: RoadGraph, from: LatLon | Snap, to: LatLon | Snap, options: DijkstraOptions = {}): Route | null {
  const routeSnapped = (a: Snap, b: Snap): Route | null => {
    const path = dijkstraSearch(graph, a, b);
    return path ? assembleRoute(graph, a, b, path.arcs) : null;
  };
  if (isSnap(from) && isSnap(to)) return routeSnapped(from, to);
  const index = edgeIndexFor(graph);
  const maxSnapM = options.maxSnapM ?? 2000;
  if (isSnap(from) || isSnap(to)) {
    const a = isSnap(from) ? from : index.snap(from, maxSnapM);
    const b = isSnap(to) ? to : index.snap(to, maxSnapM);
    return a && b ? routeSnapped(a, b) : null;
  }
  return snapAndRoute(index, maxSnapM, from, to, routeSnapped);
}
