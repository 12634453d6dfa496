// The map, pure: Web Mercator projection, the viewport around the car, zoom steps, distance and time
// wording, and the drawing lists (roads culled to the view, the route, the car, the destination, street
// labels). No DOM and no canvas here, so the unit tests run it in plain Node; MapView.tsx only strokes.
import type { Lang, MapRoadsEvent, NavEvent, VehicleSnapshot } from '../../../common/contract.js';

export interface LatLon {
  lat: number;
  lon: number;
}
/** CSS pixels. */
export interface Size {
  width: number;
  height: number;
}

/** Web Mercator's tile size: at zoom z the world is TILE_SIZE·2^z pixels wide (as OSM's slippy maps). */
export const TILE_SIZE = 256;
/** About 30 km across a 500 px map … about 100 m across: the roads the core sends are a few km around the car. */
export const MIN_ZOOM = 12;
export const MAX_ZOOM = 19;
export const ZOOM_STEP = 1;
/** What the map shows across its width before the driver zooms: a few blocks ahead in town. */
export const DEFAULT_SPAN_M = 1500;
/** Web Mercator's limit: the square world. */
export const MAX_LATITUDE = 85.05112878;
const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

/** Night-theme colours (styles.css's palette). `route` is the app's accent. */
export const MAP_COLORS = {
  background: '#0f151c',
  roads: ['#f3f6f9', '#c3cdd8', '#7d8b9a', '#475362'] as const,
  casing: '#05080b',
  route: '#4cc2ff',
  routeCasing: '#00344f',
  car: '#ffd34d',
  carOutline: '#1a1200',
  destination: '#ff7a7a',
  label: '#dfe6ee',
  labelHalo: '#0f151c',
  scale: '#dfe6ee',
} as const;

/** Roads by class: 0 motorway/trunk … 3 minor. Widths in CSS px at zoom 16; wider closer in, thinner further out. */
const ROAD_WIDTH_Z16 = [7, 5, 3.2, 1.6] as const;

export function roadWidth(cls: number, zoom: number): number {
  const base = ROAD_WIDTH_Z16[Math.min(3, Math.max(0, Math.round(cls)))] ?? 1.6;
  const factor = Math.min(2, Math.max(0.45, 2 ** ((zoom - 16) * 0.6)));
  return Math.max(1, base * factor);
}

export function roadColor(cls: number): string {
  return MAP_COLORS.roads[Math.min(3, Math.max(0, Math.round(cls)))] ?? MAP_COLORS.roads[3];
}

export function routeWidth(zoom: number): number {
  return Math.max(5, roadWidth(0, zoom) + 2);
}

// ---- projection ----

/** Web Mercator, normalised: x and y in [0, 1], (0, 0) the north-west corner of the world. */
export function mercator(lat: number, lon: number): [x: number, y: number] {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  const x = (lon + 180) / 360;
  const y = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
  return [x, y];
}

/** The inverse of `mercator`. */
export function inverseMercator(x: number, y: number): LatLon {
  const lon = x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return { lat, lon };
}

export interface View {
  /** The centre, as asked for. */
  center: LatLon;
  zoom: number;
  /** The centre in normalised Mercator units. */
  cx: number;
  cy: number;
  /** The canvas in CSS pixels. */
  width: number;
  height: number;
  /** The world's width in CSS pixels at this zoom. */
  worldPx: number;
  /** Ground metres per CSS pixel at the centre's latitude. */
  metresPerPx: number;
}

export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return MIN_ZOOM;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** A north-up view of `size` centred on `center`. The zoom is clamped to MIN_ZOOM..MAX_ZOOM. */
export function viewFor(center: LatLon, zoom: number, size: Size): View {
  const z = clampZoom(zoom);
  const [cx, cy] = mercator(center.lat, center.lon);
  const worldPx = TILE_SIZE * 2 ** z;
  const lat = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, center.lat));
  const metresPerPx = (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / worldPx;
  return { center, zoom: z, cx, cy, width: Math.max(0, size.width), height: Math.max(0, size.height), worldPx, metresPerPx };
}

/** Latitude and longitude → CSS pixels on the canvas, (0, 0) its top-left corner; north is up. */
export function project(lat: number, lon: number, view: View): [x: number, y: number] {
  const [x, y] = mercator(lat, lon);
  return [(x - view.cx) * view.worldPx + view.width / 2, (y - view.cy) * view.worldPx + view.height / 2];
}

/** CSS pixels on the canvas → latitude and longitude. */
export function unproject(px: number, py: number, view: View): LatLon {
  return inverseMercator(view.cx + (px - view.width / 2) / view.worldPx, view.cy + (py - view.height / 2) / view.worldPx);
}

/** Ground metres across the view's width. */
export function metresAcross(view: View): number {
  return view.metresPerPx * view.width;
}

/** The zoom that shows `spanM` metres across `widthPx` CSS pixels at `lat` (the default view). */
export function zoomForSpan(lat: number, widthPx: number, spanM = DEFAULT_SPAN_M): number {
  if (!(widthPx > 0) || !(spanM > 0)) return clampZoom(16);
  const cos = Math.cos((Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI) / 180);
  return clampZoom(Math.log2((EARTH_CIRCUMFERENCE_M * cos * widthPx) / (spanM * TILE_SIZE)));
}

/** One step closer (+), never past MAX_ZOOM. */
export function zoomIn(zoom: number): number {
  return clampZoom(zoom + ZOOM_STEP);
}

/** One step further out (−), never past MIN_ZOOM. */
export function zoomOut(zoom: number): number {
  return clampZoom(zoom - ZOOM_STEP);
}

export function canZoomIn(zoom: number): boolean {
  return zoom < MAX_ZOOM;
}
export function canZoomOut(zoom: number): boolean {
  return zoom > MIN_ZOOM;
}

/** Great-circle distance in metres. */
export function distanceM(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The direction from `a` to `b`, in degrees clockwise from north (0..360). */
export function bearing(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * rad) * Math.cos(b.lat * rad);
  const x = Math.cos(a.lat * rad) * Math.sin(b.lat * rad) - Math.sin(a.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lon - a.lon) * rad);
  return ((Math.atan2(y, x) / rad) % 360 + 360) % 360;
}

/** The car's position from a `state` event's vehicle snapshot; null until both signals are there. */
export function carLocation(vehicle: VehicleSnapshot | undefined): LatLon | null {
  const lat = vehicle?.['Vehicle.CurrentLocation.Latitude'];
  const lon = vehicle?.['Vehicle.CurrentLocation.Longitude'];
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  return { lat, lon };
}

/** Below this the car has not really moved: GPS jitter must not spin the arrow. */
export const HEADING_MIN_MOVE_M = 3;

/** The car's heading from its positions (the bus has no compass signal): the bearing from `anchor`, the
 *  position it was last measured from, once the car is HEADING_MIN_MOVE_M away; until then the old heading
 *  and anchor hold, so slow creeping still turns the arrow and jitter does not spin it. */
export function followHeading(
  anchor: LatLon | null,
  current: LatLon | null,
  heading: number | null,
): { anchor: LatLon | null; heading: number | null } {
  if (!current) return { anchor, heading };
  if (!anchor) return { anchor: current, heading };
  return distanceM(anchor, current) >= HEADING_MIN_MOVE_M ? { anchor: current, heading: bearing(anchor, current) } : { anchor, heading };
}

// ---- wording ----

const DECIMAL: Record<Lang, string> = { en: '.', id: ',', zh: '.' };
const UNITS: Record<Lang, { m: string; km: string; min: string; h: string; lessThanMin: string }> = {
  en: { m: ' m', km: ' km', min: ' min', h: ' h', lessThanMin: '< 1 min' },
  id: { m: ' m', km: ' km', min: ' mnt', h: ' j', lessThanMin: '< 1 mnt' },
  zh: { m: ' 米', km: ' 公里', min: ' 分钟', h: ' 小时', lessThanMin: '不到 1 分钟' },
};

/** A distance as a driver reads it: "40 m", "350 m", "1.2 km", "12 km" (Indonesian "1,2 km", Chinese "1.2 公里").
 *  Metres in steps of 10 below a kilometre, one decimal below ten kilometres, whole kilometres beyond. */
export function formatDistance(metres: number, lang: Lang = 'en'): string {
  const units = UNITS[lang];
  const m = Number.isFinite(metres) ? Math.max(0, metres) : 0;
  const tens = Math.round(m / 10) * 10;
  if (tens < 1000) return `${tens}${units.m}`;
  if (m < 9950) {
    const km = (Math.round(m / 100) / 10).toFixed(1).replace(/\.0$/, '');
    return `${km.replace('.', DECIMAL[lang])}${units.km}`;
  }
  return `${Math.round(m / 1000)}${units.km}`;
}

/** A time left as a driver reads it: "< 1 min", "7 min", "1 h 05 min". */
export function formatDuration(seconds: number, lang: Lang = 'en'): string {
  const units = UNITS[lang];
  const s = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
  const minutes = Math.round(s / 60);
  if (minutes < 1) return units.lessThanMin;
  if (minutes < 60) return `${minutes}${units.min}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours}${units.h} ${String(rest).padStart(2, '0')}${units.min}`;
}

/** The scale bar: a round length (1, 2 or 5 × 10ⁿ metres) no longer than `maxPx`. */
export function scaleBar(view: View, maxPx = 120): { metres: number; px: number; label: string } {
  const limit = Math.max(1, view.metresPerPx * maxPx);
  const power = 10 ** Math.floor(Math.log10(limit));
  const metres = [5, 2, 1].map((step) => step * power).find((value) => value <= limit) ?? power;
  return { metres, px: metres / view.metresPerPx, label: metres >= 1000 ? `${metres / 1000} km` : `${metres} m` };
}

// ---- drawing lists ----

/** A road from the `map.roads` event, projected once to normalised Mercator, with its bounding box. */
export interface PreparedRoad {
  cls: number;
  name: string | undefined;
  /** x, y, x, y, … in normalised Mercator units. */
  xy: Float64Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Normalised Mercator of a flat [lat, lon, lat, lon, …] list, with its bounding box. */
function prepareLine(points: readonly number[]): Omit<PreparedRoad, 'cls' | 'name'> {
  const count = Math.floor(points.length / 2);
  const xy = new Float64Array(count * 2);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    const [x, y] = mercator(points[2 * i] ?? 0, points[2 * i + 1] ?? 0);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { xy, minX, minY, maxX, maxY };
}

/** Projects the roads once per `map.roads` event (not per frame), minor roads first so major ones draw on top. */
export function prepareRoads(event: MapRoadsEvent | null): PreparedRoad[] {
  if (!event) return [];
  const prepared: PreparedRoad[] = [];
  for (const road of event.roads) {
    if (road.points.length < 4) continue;
    prepared.push({ cls: road.cls, name: road.name?.trim() || undefined, ...prepareLine(road.points) });
  }
  // Stable: within a class the event's order stays.
  return prepared.sort((a, b) => b.cls - a.cls);
}

/** The view's bounds in normalised Mercator, widened by `marginPx` CSS pixels. */
export function viewBounds(view: View, marginPx = 0): { minX: number; minY: number; maxX: number; maxY: number } {
  const halfW = (view.width / 2 + marginPx) / view.worldPx;
  const halfH = (view.height / 2 + marginPx) / view.worldPx;
  return { minX: view.cx - halfW, minY: view.cy - halfH, maxX: view.cx + halfW, maxY: view.cy + halfH };
}

/** The roads whose bounding box meets the view (with a margin for line width): the rest are not drawn. */
export function cullRoads(roads: readonly PreparedRoad[], view: View, marginPx = 16): PreparedRoad[] {
  const b = viewBounds(view, marginPx);
  return roads.filter((r) => r.maxX >= b.minX && r.minX <= b.maxX && r.maxY >= b.minY && r.minY <= b.maxY);
}

/** Normalised Mercator → canvas CSS pixels, dropping points less than `minStepPx` from the last one kept
 *  (a street of fifty nodes is a few pixels when zoomed out). The last point is always kept. */
export function toScreen(xy: Float64Array, view: View, minStepPx = 0.75): Float64Array {
  const out = new Float64Array(xy.length);
  const offX = view.width / 2 - view.cx * view.worldPx;
  const offY = view.height / 2 - view.cy * view.worldPx;
  let n = 0;
  let lastX = NaN;
  let lastY = NaN;
  const count = xy.length / 2;
  for (let i = 0; i < count; i++) {
    const x = (xy[2 * i] ?? 0) * view.worldPx + offX;
    const y = (xy[2 * i + 1] ?? 0) * view.worldPx + offY;
    if (n > 0 && i < count - 1 && Math.abs(x - lastX) < minStepPx && Math.abs(y - lastY) < minStepPx) continue;
    out[n++] = x;
    out[n++] = y;
    lastX = x;
    lastY = y;
  }
  return out.subarray(0, n);
}

export interface ScreenLine {
  cls: number;
  name: string | undefined;
  /** x, y, x, y, … in CSS pixels. */
  points: Float64Array;
}

export interface Label {
  text: string;
  x: number;
  y: number;
  /** Radians, kept within ±90° so the text never reads upside down. */
  angle: number;
  width: number;
}

export interface Scene {
  view: View;
  /** Drawn in order: minor roads first. */
  roads: ScreenLine[];
  route: Float64Array | null;
  car: { x: number; y: number; heading: number | null } | null;
  destination: { x: number; y: number } | null;
  labels: Label[];
  scale: { metres: number; px: number; label: string };
}

export interface SceneInput {
  roads: readonly PreparedRoad[];
  /** The route's flat [lat, lon, …] points, from `nav`. */
  route: readonly number[] | null;
  car: LatLon | null;
  heading: number | null;
  view: View;
  /** Text width in CSS pixels at the label font; without it no street names are placed. */
  measure?: (text: string) => number;
}

/** Everything the canvas draws for one frame, in CSS pixels. */
export function buildScene(input: SceneInput): Scene {
  const { view } = input;
  const roads = cullRoads(input.roads, view).map((road) => ({ cls: road.cls, name: road.name, points: toScreen(road.xy, view) }));
  let route: Float64Array | null = null;
  let destination: Scene['destination'] = null;
  if (input.route && input.route.length >= 4) {
    route = toScreen(prepareLine(input.route).xy, view, 0.5);
    const n = input.route.length;
    const [x, y] = project(input.route[n - 2] ?? 0, input.route[n - 1] ?? 0, view);
    destination = { x, y };
  }
  let car: Scene['car'] = null;
  if (input.car) {
    const [x, y] = project(input.car.lat, input.car.lon, view);
    car = { x, y, heading: input.heading };
  }
  const labels = input.measure ? placeLabels(roads, view, input.measure, route) : [];
  return { view, roads, route, car, destination, labels, scale: scaleBar(view) };
}

/** At most this many street names on screen: a glance, not a reading. */
export const MAX_LABELS = 10;
const LABEL_PAD_PX = 24;
/** A run of segments bending less than this still counts as straight enough to carry a name. */
const LABEL_MAX_TURN = (20 * Math.PI) / 180;

function angleDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

/** The longest nearly straight run of a polyline inside the view: where its name fits best. */
function longestRun(points: Float64Array, view: View): { x0: number; y0: number; x1: number; y1: number; length: number } | null {
  let best: { x0: number; y0: number; x1: number; y1: number; length: number } | null = null;
  const count = points.length / 2;
  const x = (i: number) => points[2 * i] ?? 0;
  const y = (i: number) => points[2 * i + 1] ?? 0;
  let start = -1;
  let direction = NaN;
  for (let i = 0; i < count; i++) {
    if (!(x(i) >= 0 && y(i) >= 0 && x(i) <= view.width && y(i) <= view.height)) {
      start = -1;
      continue;
    }
    if (start < 0) {
      start = i;
      direction = NaN;
      continue;
    }
    const segment = Math.atan2(y(i) - y(i - 1), x(i) - x(i - 1));
    if (Number.isNaN(direction)) direction = segment;
    else if (angleDiff(segment, direction) > LABEL_MAX_TURN) {
      start = i - 1;
      direction = segment;
    }
    const length = Math.hypot(x(i) - x(start), y(i) - y(start));
    if (!best || length > best.length) best = { x0: x(start), y0: y(start), x1: x(i), y1: y(i), length };
  }
  return best;
}

/** Distance in pixels from a point to a polyline (flat x, y, …). */
export function distanceToLine(px: number, py: number, points: Float64Array): number {
  let best = Infinity;
  for (let i = 0; i + 3 < points.length; i += 2) {
    const x0 = points[i] ?? 0;
    const y0 = points[i + 1] ?? 0;
    const dx = (points[i + 2] ?? 0) - x0;
    const dy = (points[i + 3] ?? 0) - y0;
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / length2));
    best = Math.min(best, Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy)));
  }
  return best;
}

/** Whether a label's text would lie over the polyline (within `clearance` px of its axis). */
function labelTouches(label: Label, line: Float64Array, clearance: number): boolean {
  const cos = Math.cos(label.angle);
  const sin = Math.sin(label.angle);
  const half = label.width / 2;
  for (let d = -half; d <= half; d += 6) {
    if (distanceToLine(label.x + d * cos, label.y + d * sin, line) < clearance) return true;
  }
  return false;
}

/** Street names along the major roads (class 0–1, and class 2 from zoom 15): each name once, where the
 *  road runs straight for longer than the name, not overlapping another name, and never over the route
 *  (`avoid`, screen points), which must stay readable at a glance. */
export function placeLabels(roads: readonly ScreenLine[], view: View, measure: (text: string) => number, avoid: Float64Array | null = null): Label[] {
  const maxCls = view.zoom >= 15 ? 2 : 1;
  // Per name, the spot with the most room.
  const best = new Map<string, { label: Label; cls: number; room: number }>();
  const widths = new Map<string, number>();
  for (const road of roads) {
    if (!road.name || road.cls > maxCls) continue;
    const run = longestRun(road.points, view);
    if (!run) continue;
    let width = widths.get(road.name);
    if (width === undefined) {
      width = measure(road.name);
      widths.set(road.name, width);
    }
    if (run.length < width + LABEL_PAD_PX) continue;
    const previous = best.get(road.name);
    if (previous && previous.room >= run.length) continue;
    let angle = Math.atan2(run.y1 - run.y0, run.x1 - run.x0);
    if (angle > Math.PI / 2) angle -= Math.PI;
    else if (angle <= -Math.PI / 2) angle += Math.PI;
    best.set(road.name, { label: { text: road.name, x: (run.x0 + run.x1) / 2, y: (run.y0 + run.y1) / 2, angle, width }, cls: road.cls, room: run.length });
  }
  // Major roads first, then the roomiest.
  const candidates = [...best.values()].sort((a, b) => a.cls - b.cls || b.room - a.room).map((entry) => entry.label);
  const placed: Label[] = [];
  for (const label of candidates) {
    if (placed.length >= MAX_LABELS) break;
    // Not on top of the car (the centre), nor on the route.
    if (Math.hypot(label.x - view.width / 2, label.y - view.height / 2) < 40) continue;
    if (avoid && avoid.length >= 4 && labelTouches(label, avoid, routeWidth(view.zoom) / 2 + 12)) continue;
    // Not on another name: compare their bounding boxes, each rotated label boxed generously.
    const box = labelBox(label);
    const clash = placed.some((other) => {
      const o = labelBox(other);
      return box.minX < o.maxX && o.minX < box.maxX && box.minY < o.maxY && o.minY < box.maxY;
    });
    if (!clash) placed.push(label);
  }
  return placed;
}

/** A label's axis-aligned box in CSS pixels (text about 16 px high, with a halo). */
export function labelBox(label: Label): { minX: number; minY: number; maxX: number; maxY: number } {
  const halfW = label.width / 2 + 4;
  const halfH = 11;
  const cos = Math.abs(Math.cos(label.angle));
  const sin = Math.abs(Math.sin(label.angle));
  const ex = halfW * cos + halfH * sin;
  const ey = halfW * sin + halfH * cos;
  return { minX: label.x - ex, minY: label.y - ey, maxX: label.x + ex, maxY: label.y + ey };
}

// ---- guidance ----

export interface Guidance {
  destination: string;
  /** The next manoeuvre: how far, and what to do; null when the route has none left (arriving). */
  next: { distance: string; text: string } | null;
  remaining: string;
}

/** What the instruction panel says, from the `nav` event; null without a route. */
export function guidance(nav: NavEvent | null, lang: Lang = 'en'): Guidance | null {
  const route = nav?.route;
  if (!route) return null;
  return {
    destination: route.destination,
    next: route.next ? { distance: formatDistance(route.next.distanceM, lang), text: route.next.text } : null,
    remaining: `${formatDistance(route.remainingM, lang)} · ${formatDuration(route.remainingS, lang)}`,
  };
}

/** The map's centre: the car, else the route's start, else the middle of the roads sent; null when nothing is known. */
export function mapCenter(car: LatLon | null, nav: NavEvent | null, roads: MapRoadsEvent | null): LatLon | null {
  if (car) return car;
  const points = nav?.route?.points;
  if (points && points.length >= 2) return { lat: points[0] ?? 0, lon: points[1] ?? 0 };
  if (roads) return { lat: (roads.bbox[0] + roads.bbox[2]) / 2, lon: (roads.bbox[1] + roads.bbox[3]) / 2 };
  return null;
}
