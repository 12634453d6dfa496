// Where the car is along its route: the GPS position projected onto the route's polyline, so guidance can
// say "in 300 metres…", notice the car leaving the route (reroute) and arriving.
//
// Projection is onto each segment in a local flat projection around the car (metres; exact enough over a
// segment). With a hint (the `segment` of the previous answer) only a window from a little behind it to
// `lookAheadM` ahead is searched: fast, and it keeps a route that passes the same street twice from jumping
// to the later pass. When nothing in the window is within `offRouteM`, the whole route is searched before
// calling the car off the route (it may have rejoined elsewhere).
import type { Instruction } from './instructions.js';
import type { Route } from './router.js';
import { EARTH_RADIUS_M, haversineM, type LatLon } from './snap.js';

export interface ProgressOptions {
  /** Farther than this from the route is off it. Default 40 m. */
  offRouteM?: number;
  /** Closer than this to the end (along the route, or in a straight line) is arrived. Default 25 m. */
  arrivalM?: number;
  /** The previous answer's `segment`: search from there. */
  hint?: number;
  /** How far ahead of the hint to look. Default 1 km. */
  lookAheadM?: number;
  /** The car's course over ground (GPS heading, degrees from north), when it is moving: a segment pointing
   *  the other way (more than 90° off) is taken only when it is clearly nearer (by HEADING_PENALTY_M). This
   *  tells apart the two passes of a street driven out and back, which position alone cannot. */
  headingDeg?: number;
  /** The route's instructions, for nextInstructionIndex and distanceToNextM. */
  instructions?: readonly Pick<Instruction, 'alongM'>[];
}

export interface Progress {
  /** Metres driven along the route, and what is left of it in metres and seconds. */
  alongM: number;
  remainingM: number;
  remainingS: number;
  offRoute: boolean;
  distanceFromRouteM: number;
  /** The first instruction still ahead (-1 without instructions), and the metres to it (to the end without). */
  nextInstructionIndex: number;
  distanceToNextM: number;
  arrived: boolean;
  /** The segment (route points segment..segment+1) the car was matched to: pass it back as `hint`. */
  segment: number;
  /** The car's position on the route. */
  lat: number;
  lon: number;
}

const RAD = Math.PI / 180;
/** A hint may be this far ahead of the car (GPS noise, a car nudging back). */
const BEHIND_M = 50;
const HEADING_PENALTY_M = 20;

interface Match {
  d2: number;
  segment: number;
  t: number;
}

function project(route: Route, position: LatLon, from: number, to: number, best: Match, heading: number | undefined): void {
  const pts = route.points;
  const ky = EARTH_RADIUS_M * RAD;
  const kx = ky * Math.cos(position.lat * RAD);
  // The heading as a unit vector (east, north): a segment whose direction has a negative dot product with
  // it points more than 90° away.
  const hx = heading === undefined ? 0 : Math.sin(heading * RAD);
  const hy = heading === undefined ? 0 : Math.cos(heading * RAD);
  for (let s = from; s < to; s++) {
    const ax = (pts[2 * s + 1]! - position.lon) * kx;
    const ay = (pts[2 * s]! - position.lat) * ky;
    const dx = (pts[2 * s + 3]! - position.lon) * kx - ax;
    const dy = (pts[2 * s + 2]! - position.lat) * ky - ay;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = ax + t * dx;
    const ey = ay + t * dy;
    let d2 = ex * ex + ey * ey;
    if (heading !== undefined && dx * hx + dy * hy < 0) {
      const d = Math.sqrt(d2) + HEADING_PENALTY_M;
      d2 = d * d;
    }
    // Within a millimetre the earlier segment keeps it (the first pass of a street driven twice).
    if (d2 < best.d2 - 1e-6) {
      best.d2 = d2;
      best.segment = s;
      best.t = t;
    }
  }
}

/** The car's progress along `route` at `position`. */
export function progress(route: Route, position: LatLon, options: ProgressOptions = {}): Progress {
  const offRouteM = options.offRouteM ?? 40;
  const arrivalM = options.arrivalM ?? 25;
  const lookAheadM = options.lookAheadM ?? 1000;
  const pts = route.points;
  const segments = pts.length / 2 - 1;
  const best: Match = { d2: Infinity, segment: 0, t: 0 };
  const heading = options.headingDeg !== undefined && Number.isFinite(options.headingDeg) ? options.headingDeg : undefined;

  if (segments > 0) {
    const hint = options.hint;
    if (hint !== undefined && hint >= 0 && hint < segments) {
      let from = hint;
      while (from > 0 && route.pointM[hint]! - route.pointM[from - 1]! <= BEHIND_M) from--;
      let to = hint + 1;
      while (to < segments && route.pointM[to]! - route.pointM[hint]! <= lookAheadM) to++;
      project(route, position, from, to, best, heading);
      if (best.d2 > offRouteM * offRouteM) {
        const windowed = { ...best };
        best.d2 = Infinity;
        project(route, position, 0, segments, best, heading);
        if (best.d2 > offRouteM * offRouteM) Object.assign(best, windowed);
      }
    } else {
      project(route, position, 0, segments, best, heading);
    }
  }

  const s = best.segment;
  let lat: number;
  let lon: number;
  let alongM: number;
  let doneS: number;
  if (segments > 0) {
    lat = pts[2 * s]! + best.t * (pts[2 * s + 2]! - pts[2 * s]!);
    lon = pts[2 * s + 1]! + best.t * (pts[2 * s + 3]! - pts[2 * s + 1]!);
    alongM = route.pointM[s]! + best.t * (route.pointM[s + 1]! - route.pointM[s]!);
    doneS = route.pointS[s]! + best.t * (route.pointS[s + 1]! - route.pointS[s]!);
  } else {
    lat = pts[0] ?? route.to.lat;
    lon = pts[1] ?? route.to.lon;
    alongM = 0;
    doneS = 0;
  }
  const distanceFromRouteM = haversineM(position.lat, position.lon, lat, lon);
  const offRoute = distanceFromRouteM > offRouteM;
  const remainingM = Math.max(0, route.meters - alongM);
  const remainingS = Math.max(0, route.seconds - doneS);

  let nextInstructionIndex = -1;
  let distanceToNextM = remainingM;
  const list = options.instructions;
  if (list && list.length > 0) {
    nextInstructionIndex = list.length - 1;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.alongM > alongM) {
        nextInstructionIndex = i;
        break;
      }
    }
    distanceToNextM = Math.max(0, list[nextInstructionIndex]!.alongM - alongM);
  }

  const end = pts.length >= 2 ? { lat: pts[pts.length - 2]!, lon: pts[pts.length - 1]! } : route.to;
  const arrived = (!offRoute && remainingM < arrivalM) || haversineM(position.lat, position.lon, end.lat, end.lon) < arrivalM;

  return { alongM, remainingM, remainingS, offRoute, distanceFromRouteM, nextInstructionIndex, distanceToNextM, arrived, segment: s, lat, lon };
}
