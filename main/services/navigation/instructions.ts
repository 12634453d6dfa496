// Turn-by-turn instructions for a Route: where the driver has to do something, what, onto which street,
// and how to say it in English, Indonesian and Chinese.
//
// At each junction the route passes, the turn angle is the change of bearing between the last ~15 m
// before it and the first ~15 m after it (positive to the right). Whether a junction deserves an
// instruction depends on the other roads a car could take there:
// - no other choice, or ours clearly the straightest (within 45° of straight and at least 30° straighter
//   than every other): nothing on the same street, "continue onto" a newly named one;
// - otherwise a turn (slight from 20°, normal from 60°, sharp from 140°), or "keep left/right" at a fork,
//   where another road leaves within 45° of straight too;
// - a U-turn: back along the same edge, or reversing (170° or more) onto the same street where there was a
//   choice; a hairpin onto another street is a sharp turn.
// Consecutive pieces of one street therefore merge, and two manoeuvres less than 20 m apart (crossing a
// dual carriageway's median) are said as one. Roundabouts: "take the n-th exit" on entry, counting the
// junctions on the ring where a car could leave, and "exit the roundabout" on leaving. The graph's
// `edgeRoundabout` (junction=roundabout) says which edges are on a ring; a graph without it (hand-built)
// counts a closed oneway way (every vertex of it entered and left once) as a roundabout.
//
// The phrasing is in one table per language below (PHRASES). Distances are said as navigation apps say
// them: 50 m steps under 1 km, tenths of a kilometre above. Arrival is only "arrive at your destination":
// naming the destination is the caller's response template's job.
import type { Lang } from '../../../common/contract.js';
import type { RoadGraph } from './graph.js';
import type { Route } from './router.js';
import { cosLatitude, flatBearingDeg, flatDistanceM } from './snap.js';

export type Modifier = 'straight' | 'slight left' | 'left' | 'sharp left' | 'slight right' | 'right' | 'sharp right';
export type InstructionType = 'depart' | 'turn' | 'continue' | 'keep' | 'uturn' | 'roundabout' | 'exitRoundabout' | 'arrive';

export interface Instruction {
  type: InstructionType;
  /** turn, continue: the kind of turn; keep: 'left', 'right' or 'straight' (the middle of three). */
  modifier?: Modifier;
  /** roundabout: which exit (1 = the first a car could take after entering); absent when the route ends on the ring. */
  exit?: number;
  /** The street the manoeuvre goes onto (depart: the street it starts on), localized; unnamed → ref → a
   *  generic "the road". */
  street: string;
  /** Whether `street` is a real name or ref (not the generic word). */
  named: boolean;
  /** Metres from the previous manoeuvre (0 for depart), and from the start of the route. */
  distanceM: number;
  alongM: number;
  /** Where it happens: the point index in route.points (lat = points[2*i]). */
  pointIndex: number;
  /** Bearings (degrees from north) into and out of the manoeuvre; depart has only `bearingAfter`. */
  bearingBefore?: number;
  bearingAfter?: number;
  /** Said on its own: "Turn left onto Boulevard Albert 1er". */
  text: string;
  /** Said `distanceM` before it: "In 300 metres, turn left onto Boulevard Albert 1er" (the bare text when
   *  that is under 25 m). For other distances use announce(). */
  announcement: string;
}

// ---------------------------------------------------------------------------------------------
// Phrasing, one table per language
// ---------------------------------------------------------------------------------------------

interface Phrases {
  /** The distance prefix; {action} is the instruction as written below (lower case where the language has case). */
  in: string;
  depart: string;
  turn: Record<Modifier, string>;
  continue: string;
  keep: Record<'left' | 'right' | 'straight', string>;
  uturn: string;
  roundabout: string;
  roundaboutNoExit: string;
  exitRoundabout: string;
  arrive: string;
  /** An unnamed road without a ref. */
  road: string;
  /** Compass points from north, clockwise, every 45°. */
  directions: readonly [string, string, string, string, string, string, string, string];
  ordinal(n: number): string;
  metres(m: number): string;
  kilometres(km: number): string;
}

export const PHRASES: Readonly<Record<Lang, Phrases>> = {
  en: {
    in: 'In {distance}, {action}',
    depart: 'head {direction} on {street}',
    turn: {
      straight: 'go straight ahead onto {street}',
      'slight left': 'bear left onto {street}',
      left: 'turn left onto {street}',
      'sharp left': 'turn sharp left onto {street}',
      'slight right': 'bear right onto {street}',
      right: 'turn right onto {street}',
      'sharp right': 'turn sharp right onto {street}',
    },
    continue: 'continue onto {street}',
    keep: { left: 'keep left onto {street}', right: 'keep right onto {street}', straight: 'go straight ahead onto {street}' },
    uturn: 'make a U-turn onto {street}',
    roundabout: 'at the roundabout, take the {exit} exit onto {street}',
    roundaboutNoExit: 'enter the roundabout',
    exitRoundabout: 'exit the roundabout onto {street}',
    arrive: 'arrive at your destination',
    road: 'the road',
    directions: ['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest'],
    ordinal: (n) => ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][n - 1] ?? `${n}th`,
    metres: (m) => `${m} metres`,
    kilometres: (km) => `${km} ${km === 1 ? 'kilometre' : 'kilometres'}`,
  },
  id: {
    in: 'Dalam {distance}, {action}',
    depart: 'berangkat ke arah {direction} melalui {street}',
    turn: {
      straight: 'lurus ke {street}',
      'slight left': 'serong kiri ke {street}',
      left: 'belok kiri ke {street}',
      'sharp left': 'belok tajam ke kiri ke {street}',
      'slight right': 'serong kanan ke {street}',
      right: 'belok kanan ke {street}',
      'sharp right': 'belok tajam ke kanan ke {street}',
    },
    continue: 'lurus terus ke {street}',
    keep: { left: 'tetap di kiri ke {street}', right: 'tetap di kanan ke {street}', straight: 'tetap lurus ke {street}' },
    uturn: 'putar balik ke {street}',
    roundabout: 'di bundaran, ambil jalan keluar {exit} menuju {street}',
    roundaboutNoExit: 'masuk ke bundaran',
    exitRoundabout: 'keluar dari bundaran ke {street}',
    arrive: 'Anda tiba di tujuan',
    road: 'jalan',
    directions: ['utara', 'timur laut', 'timur', 'tenggara', 'selatan', 'barat daya', 'barat', 'barat laut'],
    ordinal: (n) => (n === 1 ? 'pertama' : (['kedua', 'ketiga', 'keempat', 'kelima', 'keenam', 'ketujuh', 'kedelapan', 'kesembilan', 'kesepuluh'][n - 2] ?? `ke-${n}`)),
    metres: (m) => `${m} meter`,
    kilometres: (km) => `${String(km).replace('.', ',')} kilometer`,
  },
  zh: {
    in: '{distance}后{action}',
    depart: '沿{street}向{direction}行驶',
    turn: {
      straight: '直行进入{street}',
      'slight left': '向左前方行驶进入{street}',
      left: '左转进入{street}',
      'sharp left': '向左后方行驶进入{street}',
      'slight right': '向右前方行驶进入{street}',
      right: '右转进入{street}',
      'sharp right': '向右后方行驶进入{street}',
    },
    continue: '继续直行进入{street}',
    keep: { left: '靠左行驶进入{street}', right: '靠右行驶进入{street}', straight: '保持直行进入{street}' },
    uturn: '掉头进入{street}',
    roundabout: '进入环岛后从第{exit}个出口驶出，进入{street}',
    roundaboutNoExit: '进入环岛',
    exitRoundabout: '驶出环岛，进入{street}',
    arrive: '到达目的地',
    road: '无名道路',
    directions: ['北', '东北', '东', '东南', '南', '西南', '西', '西北'],
    ordinal: (n) => String(n),
    metres: (m) => `${m}米`,
    kilometres: (km) => `${km}公里`,
  },
};

/** A distance as navigation says it: 50 m steps under 1 km (at least 50), tenths of a kilometre above. */
export function formatDistance(meters: number, lang: Lang): string {
  const p = PHRASES[lang];
  const m = Math.max(50, Math.round(meters / 50) * 50);
  if (m < 1000) return p.metres(m);
  return p.kilometres(Math.round(meters / 100) / 10);
}

/** The instruction said `distanceM` ahead: "In 300 metres, turn left onto …"; the bare text under 25 m. */
export function announce(instruction: Pick<Instruction, 'text'> & Partial<Pick<Instruction, 'type'>>, distanceM: number, lang: Lang): string {
  if (!(distanceM >= 25) || instruction.type === 'depart') return instruction.text;
  const action = lang === 'zh' ? instruction.text : lowerFirst(instruction.text);
  return fill(PHRASES[lang].in, { distance: formatDistance(distanceM, lang), action });
}

function fill(template: string, values: Record<string, string>): string {
  let out = template;
  for (const key in values) out = out.replace(`{${key}}`, values[key]!);
  return out;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// "Anda" stays capitalized in Indonesian; other actions start lower case.
function lowerFirst(text: string): string {
  return text.startsWith('Anda ') ? text : text.charAt(0).toLowerCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Streets and roundabouts
// ---------------------------------------------------------------------------------------------

/** An edge's street as said in `lang`: the localized name, else the name, else the ref, else null. */
export function streetName(graph: RoadGraph, edge: number, lang: Lang): string | null {
  const i = graph.edgeName[edge]!;
  const entry = i >= 0 ? graph.names[i] : undefined;
  if (!entry) return null;
  const localized = lang === 'zh' ? entry.zh : lang === 'id' ? entry.id : entry.en;
  const name = localized || entry.name || entry.ref;
  return name ? name : null;
}

/** What identifies a street for merging pieces: its default name (or ref); '' for an unnamed road. */
function streetKey(graph: RoadGraph, edge: number): string {
  const i = graph.edgeName[edge]!;
  const entry = i >= 0 ? graph.names[i] : undefined;
  return entry ? entry.name || entry.ref || '' : '';
}

const roundabouts = new WeakMap<RoadGraph, Uint8Array>();

/** 1 for each edge on a roundabout: the graph's `edgeRoundabout` when it has one, else closed oneway ways. */
export function roundaboutEdges(graph: RoadGraph): Uint8Array {
  const given = graph.edgeRoundabout;
  if (given) return given;
  let flags = roundabouts.get(graph);
  if (flags) return flags;
  flags = new Uint8Array(graph.edgeCount);
  const forward = new Uint8Array(graph.edgeCount);
  const backward = new Uint8Array(graph.edgeCount);
  for (let a = 0; a < graph.arcEdge.length; a++) {
    if (graph.arcForward[a]) forward[graph.arcEdge[a]!] = 1;
    else backward[graph.arcEdge[a]!] = 1;
  }
  const byWay = new Map<number, number[]>();
  for (let e = 0; e < graph.edgeCount; e++) {
    const list = byWay.get(graph.edgeWay[e]!);
    if (list) list.push(e);
    else byWay.set(graph.edgeWay[e]!, [e]);
  }
  for (const edges of byWay.values()) {
    // Oneway in one sense throughout, and a cycle: every vertex of the way is entered once and left once.
    const sense = forward[edges[0]!] && !backward[edges[0]!] ? 1 : !forward[edges[0]!] && backward[edges[0]!] ? -1 : 0;
    if (sense === 0) continue;
    const balance = new Map<number, number>();
    let ok = true;
    for (const e of edges) {
      const s = forward[e] && !backward[e] ? 1 : !forward[e] && backward[e] ? -1 : 0;
      if (s !== sense) {
        ok = false;
        break;
      }
      balance.set(graph.edgeFrom[e]!, (balance.get(graph.edgeFrom[e]!) ?? 0) + 1);
      balance.set(graph.edgeTo[e]!, (balance.get(graph.edgeTo[e]!) ?? 0) - 1);
    }
    if (!ok || edges.length < 2) continue;
    if ([...balance.values()].every((b) => b === 0)) for (const e of edges) flags[e] = 1;
  }
  roundabouts.set(graph, flags);
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Manoeuvres
// ---------------------------------------------------------------------------------------------

/** How far back and ahead of a junction the bearings are taken. */
const BEARING_M = 15;
/** Manoeuvres closer together than this are said as one. */
const COLLAPSE_M = 20;

interface Maneuver {
  type: InstructionType;
  modifier?: Modifier;
  exit?: number;
  /** The piece whose street the manoeuvre goes onto. */
  piece: number;
  pointIndex: number;
  bearingBefore?: number;
  bearingAfter?: number;
}

function normalize(angle: number): number {
  let a = angle % 360;
  if (a > 180) a -= 360;
  if (a <= -180) a += 360;
  return a;
}

function modifierOf(angle: number): Modifier {
  const abs = Math.abs(angle);
  const side = angle < 0 ? 'left' : 'right';
  if (abs < 20) return 'straight';
  if (abs < 60) return `slight ${side}`;
  if (abs < 140) return side;
  return `sharp ${side}`;
}

/** Bearing along the route's points from point k, looking `dir` (-1 back, +1 ahead) about BEARING_M. */
function routeBearing(route: Route, k: number, dir: 1 | -1, cosLat: number): number | undefined {
  const pts = route.points;
  const count = pts.length / 2;
  const lat = pts[2 * k]!;
  const lon = pts[2 * k + 1]!;
  let j = k;
  while (j + dir >= 0 && j + dir < count) {
    j += dir;
    if (flatDistanceM(lat, lon, pts[2 * j]!, pts[2 * j + 1]!, cosLat) >= BEARING_M) break;
  }
  if (j === k) return undefined;
  return dir > 0 ? flatBearingDeg(lat, lon, pts[2 * j]!, pts[2 * j + 1]!, cosLat) : flatBearingDeg(pts[2 * j]!, pts[2 * j + 1]!, lat, lon, cosLat);
}

const arcBearings = new WeakMap<RoadGraph, Float32Array>();

/** Each arc's bearing leaving its tail, over about BEARING_M of its geometry (NaN for an arc of no length);
 *  computed once per graph. */
function arcBearingsOf(graph: RoadGraph): Float32Array {
  let out = arcBearings.get(graph);
  if (out) return out;
  out = new Float32Array(graph.head.length);
  const cosLat = cosLatitude(graph.vertexCount > 0 ? graph.lat[0]! : 0);
  for (let a = 0; a < graph.head.length; a++) {
    const e = graph.arcEdge[a]!;
    const start = graph.geometryStart[e]!;
    const end = graph.geometryStart[e + 1]! - 1;
    const forward = graph.arcForward[a] === 1;
    const k = forward ? start : end;
    const step = forward ? 1 : -1;
    const lat = graph.geometryLat[k]!;
    const lon = graph.geometryLon[k]!;
    let j = k;
    while (j + step >= start && j + step <= end) {
      j += step;
      if (flatDistanceM(lat, lon, graph.geometryLat[j]!, graph.geometryLon[j]!, cosLat) >= BEARING_M) break;
    }
    out[a] = j === k ? Number.NaN : flatBearingDeg(lat, lon, graph.geometryLat[j]!, graph.geometryLon[j]!, cosLat);
  }
  arcBearings.set(graph, out);
  return out;
}

/** The language-independent manoeuvres of a route, depart and arrive included. */
function maneuvers(route: Route, graph: RoadGraph): Maneuver[] {
  const { pieces, vertices } = route;
  const cosLat = cosLatitude(route.from.lat);
  const ring = roundaboutEdges(graph);
  const onRing = (i: number): boolean => ring[pieces[i]!.edge] === 1;
  const out: Maneuver[] = [];

  // Depart on the first piece that goes anywhere (a start snapped onto a junction has an empty first piece).
  let first = 0;
  while (first < pieces.length - 1 && pieces[first]!.meters < 0.5) first++;
  out.push({ type: 'depart', piece: first, pointIndex: 0, bearingAfter: routeBearing(route, pieces[first]!.pointIndex, 1, cosLat) });

  const hasExit = (v: number): boolean => {
    for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) if (!ring[graph.arcEdge[a]!]) return true;
    return false;
  };

  let i = first + 1;
  while (i < pieces.length) {
    const piece = pieces[i]!;
    const k = piece.pointIndex;
    // An empty last piece (an end snapped onto a junction) needs no manoeuvre onto it.
    if (i === pieces.length - 1 && piece.meters < 0.5) break;
    if (onRing(i) && !onRing(i - 1)) {
      const before = routeBearing(route, k, -1, cosLat);
      const after = routeBearing(route, k, 1, cosLat);
      let j = i;
      let exits = 0;
      while (j < pieces.length && onRing(j)) {
        j++;
        if (j < pieces.length && hasExit(vertices[j - 1]!)) exits++;
      }
      if (j < pieces.length) {
        out.push({ type: 'roundabout', exit: Math.max(1, exits), piece: j, pointIndex: k, bearingBefore: before, bearingAfter: after });
        const kj = pieces[j]!.pointIndex;
        out.push({ type: 'exitRoundabout', piece: j, pointIndex: kj, bearingBefore: routeBearing(route, kj, -1, cosLat), bearingAfter: routeBearing(route, kj, 1, cosLat) });
      } else {
        out.push({ type: 'roundabout', piece: i, pointIndex: k, bearingBefore: before, bearingAfter: after });
      }
      i = j + 1;
      continue;
    }
    if (onRing(i - 1)) {
      // Started on the ring (entries handle the rest): leaving it.
      if (!onRing(i)) out.push({ type: 'exitRoundabout', piece: i, pointIndex: k, bearingBefore: routeBearing(route, k, -1, cosLat), bearingAfter: routeBearing(route, k, 1, cosLat) });
      i++;
      continue;
    }

    const m = junction(route, graph, i, cosLat);
    if (m) out.push(m);
    i++;
  }

  collapse(out, route, graph);
  const last = route.points.length / 2 - 1;
  out.push({ type: 'arrive', piece: pieces.length - 1, pointIndex: last, bearingBefore: routeBearing(route, last, -1, cosLat) });
  return out;
}

/** The manoeuvre (or none) at the junction before pieces[i]. */
function junction(route: Route, graph: RoadGraph, i: number, cosLat: number): Maneuver | null {
  const inPiece = route.pieces[i - 1]!;
  const outPiece = route.pieces[i]!;
  const k = outPiece.pointIndex;
  const sameStreet = streetKey(graph, inPiece.edge) === streetKey(graph, outPiece.edge);
  const v = route.vertices[i - 1]!;
  let choices = 0;
  for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) if (a !== outPiece.arc && graph.arcEdge[a] !== inPiece.edge) choices++;
  // The street going on where nothing else could be taken: nothing to say (the commonest case, so the
  // bearings are not even looked at).
  if (choices === 0 && sameStreet && outPiece.edge !== inPiece.edge) return null;

  const before = routeBearing(route, k, -1, cosLat);
  const after = routeBearing(route, k, 1, cosLat);
  if (before === undefined || after === undefined) return null;
  const base = { piece: i, pointIndex: k, bearingBefore: before, bearingAfter: after };
  const angle = normalize(after - before);
  if (outPiece.edge === inPiece.edge) return { type: 'uturn', ...base };

  // The other roads a car could take here (not back the way it came).
  const bearings = arcBearingsOf(graph);
  const others: number[] = [];
  for (let a = graph.firstOut[v]!; a < graph.firstOut[v + 1]!; a++) {
    if (a === outPiece.arc || graph.arcEdge[a] === inPiece.edge) continue;
    const b = bearings[a]!;
    if (!Number.isNaN(b)) others.push(normalize(b - before));
  }
  const namedOut = streetKey(graph, outPiece.edge) !== '';
  const abs = Math.abs(angle);
  // Reversing onto the same street where there was a choice is a U-turn (onto the other carriageway); a
  // hairpin onto another street is a sharp turn, and one that is just the road bending needs nothing.
  if (abs >= 170 && sameStreet && namedOut && others.length > 0) return { type: 'uturn', ...base };
  const obvious = abs < 45 && others.every((o) => Math.abs(o) - abs >= 30);
  if (others.length === 0 || obvious) {
    if (sameStreet || (!namedOut && abs < 45)) return null;
    return abs < 45 ? { type: 'continue', modifier: 'straight', ...base } : { type: 'turn', modifier: modifierOf(angle), ...base };
  }
  const close = others.filter((o) => Math.abs(o) < 45);
  if (abs < 45 && close.length > 0) {
    const left = close.every((o) => angle < o);
    const right = close.every((o) => angle > o);
    return { type: 'keep', modifier: left ? 'left' : right ? 'right' : 'straight', ...base };
  }
  if (abs < 20) return sameStreet ? null : { type: 'continue', modifier: 'straight', ...base };
  return { type: 'turn', modifier: modifierOf(angle), ...base };
}

/** Says two manoeuvres within COLLAPSE_M of each other as one: a turn across a dual carriageway's median,
 *  or a U-turn through it when they end up back on the street they started on. */
function collapse(list: Maneuver[], route: Route, graph: RoadGraph): void {
  const turnish = (m: Maneuver): boolean => m.type === 'turn' || m.type === 'continue' || m.type === 'keep' || m.type === 'uturn';
  for (let i = list.length - 1; i >= 2; i--) {
    const a = list[i - 1]!;
    const b = list[i]!;
    if (!turnish(a) || !turnish(b) || a.bearingBefore === undefined || b.bearingAfter === undefined) continue;
    if (route.pointM[b.pointIndex]! - route.pointM[a.pointIndex]! >= COLLAPSE_M) continue;
    const angle = normalize(b.bearingAfter - a.bearingBefore);
    const merged: Maneuver = { ...a, piece: b.piece, bearingAfter: b.bearingAfter };
    const onto = streetKey(graph, route.pieces[b.piece]!.edge);
    if (Math.abs(angle) >= 150 && onto !== '' && onto === streetKey(graph, route.pieces[a.piece - 1]!.edge)) {
      merged.type = 'uturn';
      delete merged.modifier;
    } else if (Math.abs(angle) < 20) {
      merged.type = 'continue';
      merged.modifier = 'straight';
    } else {
      merged.type = 'turn';
      merged.modifier = modifierOf(angle);
    }
    list.splice(i - 1, 2, merged);
  }
}

// ---------------------------------------------------------------------------------------------
// Instructions
// ---------------------------------------------------------------------------------------------

/** The route's instructions in `lang`: depart, the manoeuvres, arrive. */
export function instructions(route: Route, graph: RoadGraph, lang: Lang): Instruction[] {
  const p = PHRASES[lang];
  const out: Instruction[] = [];
  let previousM = 0;
  for (const m of maneuvers(route, graph)) {
    const name = streetName(graph, route.pieces[m.piece]!.edge, lang);
    const street = name ?? p.road;
    const alongM = route.pointM[m.pointIndex]!;
    let action: string;
    switch (m.type) {
      case 'depart': {
        const b = m.bearingAfter ?? 0;
        action = fill(p.depart, { direction: p.directions[Math.round(b / 45) % 8]!, street });
        break;
      }
      case 'turn':
        action = fill(p.turn[m.modifier ?? 'straight'], { street });
        break;
      case 'continue':
        action = fill(p.continue, { street });
        break;
      case 'keep': {
        const side = m.modifier === 'left' || m.modifier === 'right' ? m.modifier : 'straight';
        action = fill(p.keep[side], { street });
        break;
      }
      case 'uturn':
        action = fill(p.uturn, { street });
        break;
      case 'roundabout':
        action = m.exit === undefined ? p.roundaboutNoExit : fill(p.roundabout, { exit: p.ordinal(m.exit), street });
        break;
      case 'exitRoundabout':
        action = fill(p.exitRoundabout, { street });
        break;
      case 'arrive':
        action = p.arrive;
        break;
    }
    const text = lang === 'zh' ? action : upperFirst(action);
    const distanceM = m.type === 'depart' ? 0 : Math.max(0, alongM - previousM);
    const instruction: Instruction = { type: m.type, street, named: name !== null, distanceM, alongM, pointIndex: m.pointIndex, text, announcement: '' };
    if (m.modifier !== undefined) instruction.modifier = m.modifier;
    if (m.exit !== undefined) instruction.exit = m.exit;
    if (m.bearingBefore !== undefined) instruction.bearingBefore = m.bearingBefore;
    if (m.bearingAfter !== undefined) instruction.bearingAfter = m.bearingAfter;
    instruction.announcement = announce(instruction, distanceM, lang);
    out.push(instruction);
    previousM = alongM;
  }
  return out;
}
