// Geometry for routing: great-circle distance and bearing, and snapping a position to the nearest point
// on a drivable edge through a uniform grid over the edges' geometry segments.
//
// The grid works in a local equirectangular projection (metres east and north of the map's centre), good
// to a fraction of a per cent over a city or a small country, which is all the snapping needs: it picks
// the nearest segment, and the distances it reports are great-circle ones.
import type { RoadGraph } from './graph.js';

/** WGS84 degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Initial bearing from the first point to the second, degrees clockwise from north in [0, 360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const φ1 = lat1 * RAD;
  const φ2 = lat2 * RAD;
  const dλ = (lon2 - lon1) * RAD;
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/** Metres between two nearby points in a flat projection (`cosLat`: the cosine of a latitude near both):
 *  within a tenth of a per cent of the great circle over a city, for a fraction of its cost. */
export function flatDistanceM(lat1: number, lon1: number, lat2: number, lon2: number, cosLat: number): number {
  const dx = (lon2 - lon1) * cosLat;
  const dy = lat2 - lat1;
  return Math.sqrt(dx * dx + dy * dy) * (EARTH_RADIUS_M * RAD);
}

/** Bearing between two nearby points in the same flat projection, degrees clockwise from north in [0, 360). */
export function flatBearingDeg(lat1: number, lon1: number, lat2: number, lon2: number, cosLat: number): number {
  return (Math.atan2((lon2 - lon1) * cosLat, lat2 - lat1) / RAD + 360) % 360;
}

export function cosLatitude(lat: number): number {
  return Math.cos(lat * RAD);
}

/** A position snapped onto an edge. */
export interface Snap {
  edge: number;
  /** The geometry segment it lies on: between geometry points `point` and `point + 1` (indexes into
   *  graph.geometryLat/geometryLon), at `t` (0..1) of the way. */
  point: number;
  t: number;
  /** The snapped position. */
  lat: number;
  lon: number;
  /** Great-circle metres from the position asked for to the snapped one. */
  distanceM: number;
  /** Metres along the edge's geometry from its `from` vertex, the edge's geometric length, and their ratio
   *  (0 for an edge of no length): the share of each arc's cost that a partial first or last piece pays. */
  alongM: number;
  lengthM: number;
  fraction: number;
}

/** Grid cells hold about this many segments on average. */
const SEGMENTS_PER_CELL = 2;
const MAX_CELLS = 4_000_000;

/** The edges' geometry segments in a uniform grid; answers "which point of which drivable edge is nearest". */
export class EdgeIndex {
  /** Metres along its edge at each geometry point (0 at the edge's first point). */
  readonly pointAlongM: Float64Array;
  /** Each edge's geometric length in metres. */
  readonly edgeLengthM: Float64Array;
  /** 1 for the edges of the largest strongly connected part of the road network (see mainEdges). */
  readonly mainEdge: Uint8Array;

  private readonly lat0: number;
  private readonly lon0: number;
  private readonly kx: number;
  private readonly ky: number;
  /** Projected geometry points (metres). */
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  /** Indexed segments: the global geometry index of their first point. */
  private readonly segPoint: Uint32Array;
  private readonly segEdge: Uint32Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cell: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly cellStart: Uint32Array;
  private readonly cellItems: Uint32Array;

  constructor(private readonly graph: RoadGraph) {
    const { geometryLat, geometryLon, geometryStart, edgeCount } = graph;
    const pointCount = geometryLat.length;

    // Only edges a car can drive in at least one direction are snapped to.
    const drivable = new Uint8Array(edgeCount);
    for (let a = 0; a < graph.arcEdge.length; a++) drivable[graph.arcEdge[a]!] = 1;
    this.mainEdge = mainEdges(graph);

    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let i = 0; i < pointCount; i++) {
      const la = geometryLat[i]!;
      const lo = geometryLon[i]!;
      if (la < minLat) minLat = la;
      if (la > maxLat) maxLat = la;
      if (lo < minLon) minLon = lo;
      if (lo > maxLon) maxLon = lo;
    }
    if (pointCount === 0) minLat = maxLat = minLon = maxLon = 0;
    this.lat0 = (minLat + maxLat) / 2;
    this.lon0 = (minLon + maxLon) / 2;
    this.ky = EARTH_RADIUS_M * RAD;
    this.kx = this.ky * Math.cos(this.lat0 * RAD);

    this.px = new Float64Array(pointCount);
    this.py = new Float64Array(pointCount);
    for (let i = 0; i < pointCount; i++) {
      this.px[i] = (geometryLon[i]! - this.lon0) * this.kx;
      this.py[i] = (geometryLat[i]! - this.lat0) * this.ky;
    }

    this.pointAlongM = new Float64Array(pointCount);
    this.edgeLengthM = new Float64Array(edgeCount);
    let segCount = 0;
    for (let e = 0; e < edgeCount; e++) {
      const start = geometryStart[e]!;
      const end = geometryStart[e + 1]!;
      let along = 0;
      if (start < end) this.pointAlongM[start] = 0;
      for (let i = start + 1; i < end; i++) {
        along += haversineM(geometryLat[i - 1]!, geometryLon[i - 1]!, geometryLat[i]!, geometryLon[i]!);
        this.pointAlongM[i] = along;
      }
      this.edgeLengthM[e] = along;
      if (drivable[e]) segCount += Math.max(0, end - start - 1);
    }

    this.segPoint = new Uint32Array(segCount);
    this.segEdge = new Uint32Array(segCount);
    let s = 0;
    for (let e = 0; e < edgeCount; e++) {
      if (!drivable[e]) continue;
      for (let i = geometryStart[e]!; i < geometryStart[e + 1]! - 1; i++) {
        this.segPoint[s] = i;
        this.segEdge[s] = e;
        s++;
      }
    }

    // The grid: square cells sized for a couple of segments each.
    this.minX = (minLon - this.lon0) * this.kx;
    this.minY = (minLat - this.lat0) * this.ky;
    const width = Math.max(1, (maxLon - this.lon0) * this.kx - this.minX);
    const height = Math.max(1, (maxLat - this.lat0) * this.ky - this.minY);
    const cells = Math.min(MAX_CELLS, Math.max(1, segCount / SEGMENTS_PER_CELL));
    this.cell = Math.max(10, Math.sqrt((width * height) / cells));
    this.nx = Math.max(1, Math.ceil(width / this.cell));
    this.ny = Math.max(1, Math.ceil(height / this.cell));

    const counts = new Uint32Array(this.nx * this.ny + 1);
    const forEachCell = (seg: number, visit: (cell: number) => void): void => {
      const p = this.segPoint[seg]!;
      const x0 = this.cellX(Math.min(this.px[p]!, this.px[p + 1]!));
      const x1 = this.cellX(Math.max(this.px[p]!, this.px[p + 1]!));
      const y0 = this.cellY(Math.min(this.py[p]!, this.py[p + 1]!));
      const y1 = this.cellY(Math.max(this.py[p]!, this.py[p + 1]!));
      for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) visit(cy * this.nx + cx);
    };
    for (let seg = 0; seg < segCount; seg++) forEachCell(seg, (c) => counts[c + 1]!++);
    for (let c = 0; c < this.nx * this.ny; c++) counts[c + 1]! += counts[c]!;
    this.cellStart = counts.slice();
    this.cellItems = new Uint32Array(counts[this.nx * this.ny]!);
    const fill = counts.slice(0, this.nx * this.ny);
    for (let seg = 0; seg < segCount; seg++) forEachCell(seg, (c) => (this.cellItems[fill[c]!++] = seg));
  }

  private cellX(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
  }

  private cellY(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
  }

  /** The nearest point on a drivable edge (on the main network only, with `mainOnly`), or null when there
   *  is none within `maxDistanceM`. */
  snap(position: LatLon, maxDistanceM = Infinity, mainOnly = false): Snap | null {
    if (this.segPoint.length === 0 || !Number.isFinite(position.lat) || !Number.isFinite(position.lon)) return null;
    const x = (position.lon - this.lon0) * this.kx;
    const y = (position.lat - this.lat0) * this.ky;
    const best = { d2: Infinity, seg: -1, t: 0, main: mainOnly };
    const fx = (x - this.minX) / this.cell;
    const fy = (y - this.minY) / this.cell;
    if (fx < 0 || fy < 0 || fx >= this.nx || fy >= this.ny) {
      // Outside the map's box: rare (a destination at sea, or in another city), so look at every segment.
      for (let seg = 0; seg < this.segPoint.length; seg++) this.consider(seg, x, y, best);
    } else {
      const cx = Math.floor(fx);
      const cy = Math.floor(fy);
      const rings = Math.max(this.nx, this.ny);
      for (let r = 0; r <= rings; r++) {
        for (let gy = cy - r; gy <= cy + r; gy++) {
          if (gy < 0 || gy >= this.ny) continue;
          const edgeRow = gy === cy - r || gy === cy + r;
          for (let gx = cx - r; gx <= cx + r; gx += edgeRow ? 1 : 2 * r) {
            if (gx >= 0 && gx < this.nx) {
              const c = gy * this.nx + gx;
              for (let k = this.cellStart[c]!; k < this.cellStart[c + 1]!; k++) this.consider(this.cellItems[k]!, x, y, best);
            }
            if (r === 0) break;
          }
        }
        // Every segment not seen yet lies in cells at ring r+1 or beyond, at least r cells away.
        const reach = r * this.cell;
        if (best.seg >= 0 && best.d2 <= reach * reach) break;
      }
    }
    if (best.seg < 0) return null;
    const snap = this.snapOn(this.segEdge[best.seg]!, this.segPoint[best.seg]!, best.t, position);
    return snap.distanceM <= maxDistanceM ? snap : null;
  }

  private consider(seg: number, x: number, y: number, best: { d2: number; seg: number; t: number; main: boolean }): void {
    if (best.main && !this.mainEdge[this.segEdge[seg]!]) return;
    const p = this.segPoint[seg]!;
    const ax = this.px[p]!;
    const ay = this.py[p]!;
    const dx = this.px[p + 1]! - ax;
    const dy = this.py[p + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = ax + t * dx - x;
    const ey = ay + t * dy - y;
    const d2 = ex * ex + ey * ey;
    // Ties go to the lower segment number, so the answer does not depend on the order cells are read in.
    if (d2 < best.d2 || (d2 === best.d2 && seg < best.seg)) {
      best.d2 = d2;
      best.seg = seg;
      best.t = t;
    }
  }

  /** The snap at `t` of the way along geometry segment `point`..`point+1` of `edge`. */
  snapOn(edge: number, point: number, t: number, position?: LatLon): Snap {
    const g = this.graph;
    const lat = g.geometryLat[point]! + t * (g.geometryLat[point + 1]! - g.geometryLat[point]!);
    const lon = g.geometryLon[point]! + t * (g.geometryLon[point + 1]! - g.geometryLon[point]!);
    const alongM = this.pointAlongM[point]! + t * (this.pointAlongM[point + 1]! - this.pointAlongM[point]!);
    const lengthM = this.edgeLengthM[edge]!;
    return {
      edge,
      point,
      t,
      lat,
      lon,
      distanceM: position ? haversineM(position.lat, position.lon, lat, lon) : 0,
      alongM,
      lengthM,
      fraction: lengthM > 0 ? Math.min(1, Math.max(0, alongM / lengthM)) : 0,
    };
  }
}

/**
 * 1 for each edge with both ends in the largest strongly connected component of the vertex graph: the
 * network a car can get anywhere in and back. The rest are islands (a car park wired to nothing, a private
 * road) and stubs cut off where the map's extract ends (a oneway leaving the map): a start or end snapped
 * onto one often has no route, and the router then snaps it onto the main network instead.
 */
export function mainEdges(graph: RoadGraph): Uint8Array {
  const n = graph.vertexCount;
  const { firstOut, head } = graph;
  // Kosaraju, iteratively: finishing order on the graph, then components on the reversed graph.
  const order = new Uint32Array(n);
  let ordered = 0;
  const seen = new Uint8Array(n);
  const stackV = new Uint32Array(n);
  const stackA = new Uint32Array(n);
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    let top = 0;
    stackV[0] = s;
    stackA[0] = firstOut[s]!;
    seen[s] = 1;
    while (top >= 0) {
      const v = stackV[top]!;
      const a = stackA[top]!;
      if (a < firstOut[v + 1]!) {
        stackA[top] = a + 1;
        const w = head[a]!;
        if (!seen[w]) {
          seen[w] = 1;
          top++;
          stackV[top] = w;
          stackA[top] = firstOut[w]!;
        }
      } else {
        order[ordered++] = v;
        top--;
      }
    }
  }
  const revFirst = new Uint32Array(n + 1);
  for (let a = 0; a < head.length; a++) revFirst[head[a]! + 1]!++;
  for (let v = 0; v < n; v++) revFirst[v + 1]! += revFirst[v]!;
  const revTail = new Uint32Array(head.length);
  const fill = revFirst.slice(0, n);
  for (let v = 0; v < n; v++) for (let a = firstOut[v]!; a < firstOut[v + 1]!; a++) revTail[fill[head[a]!]!++] = v;
  const comp = new Int32Array(n).fill(-1);
  let components = 0;
  let largest = -1;
  let largestSize = 0;
  for (let i = n - 1; i >= 0; i--) {
    const s = order[i]!;
    if (comp[s]! >= 0) continue;
    const c = components++;
    let size = 0;
    let top = 0;
    stackV[0] = s;
    comp[s] = c;
    while (top >= 0) {
      const v = stackV[top--]!;
      size++;
      for (let k = revFirst[v]!; k < revFirst[v + 1]!; k++) {
        const u = revTail[k]!;
        if (comp[u]! < 0) {
          comp[u] = c;
          stackV[++top] = u;
        }
      }
    }
    if (size > largestSize) {
      largestSize = size;
      largest = c;
    }
  }
  const main = new Uint8Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++) if (comp[graph.edgeFrom[e]!] === largest && comp[graph.edgeTo[e]!] === largest) main[e] = 1;
  return main;
}

const indexes = new WeakMap<RoadGraph, EdgeIndex>();

/** The graph's edge index, built once per graph and shared (the router and the reference Dijkstra snap alike). */
export function edgeIndexFor(graph: RoadGraph): EdgeIndex {
  let index = indexes.get(graph);
  if (!index) {
    index = new EdgeIndex(graph);
    indexes.set(graph, index);
  }
  return index;
}
