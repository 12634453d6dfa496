// The map's pure part: Web Mercator, the viewport, zoom steps, distance and time wording, culling and the
// drawing lists. The canvas itself is checked end to end (tests/e2e/map.test.ts).
import { describe, expect, it } from 'vitest';
import type { MapRoadsEvent, NavEvent } from '../../common/contract.js';
import {
  bearing,
  buildScene,
  carLocation,
  clampZoom,
  cullRoads,
  DEFAULT_SPAN_M,
  distanceM,
  distanceToLine,
  followHeading,
  formatDistance,
  formatDuration,
  guidance,
  labelBox,
  mapCenter,
  MAX_LABELS,
  MAX_ZOOM,
  mercator,
  metresAcross,
  MIN_ZOOM,
  placeLabels,
  prepareRoads,
  project,
  roadWidth,
  scaleBar,
  toScreen,
  unproject,
  viewFor,
  zoomForSpan,
  zoomIn,
  zoomOut,
  type ScreenLine,
} from '../../renderer/src/state/map.js';
import { initialUi, reduce } from '../../renderer/src/state/ui.js';

const MONACO = { lat: 43.7384, lon: 7.4246 };
const SIZE = { width: 800, height: 480 };

function roadsEvent(roads: MapRoadsEvent['roads']): MapRoadsEvent {
  return { type: 'map.roads', bbox: [43.7, 7.4, 43.8, 7.5], roads, attribution: '© OpenStreetMap contributors' };
}

describe('Web Mercator', () => {
  it('puts the world in the unit square, Greenwich and the equator in the middle', () => {
    expect(mercator(0, 0)).toEqual([0.5, 0.5]);
    expect(mercator(0, -180)[0]).toBe(0);
    expect(mercator(0, 180)[0]).toBe(1);
    expect(mercator(85.05112878, 0)[1]).toBeCloseTo(0, 6);
    expect(mercator(-85.05112878, 0)[1]).toBeCloseTo(1, 6);
    // Beyond Mercator's limit the poles clamp instead of going to infinity.
    expect(Number.isFinite(mercator(90, 0)[1])).toBe(true);
  });

  it('matches the slippy-map tile numbers (OSM tile of Monaco at zoom 16)', () => {
    const [x, y] = mercator(MONACO.lat, MONACO.lon);
    // OSM's tile 16/34119/23896 covers the harbour (x = (lon+180)/360·2^z, y = (1 − asinh(tan φ)/π)/2·2^z).
    expect(Math.floor(x * 2 ** 16)).toBe(34119);
    expect(Math.floor(y * 2 ** 16)).toBe(23896);
  });

  it('projects the centre to the middle of the canvas, north up and east right', () => {
    const view = viewFor(MONACO, 16, SIZE);
    expect(project(MONACO.lat, MONACO.lon, view)).toEqual([400, 240]);
    const [, yNorth] = project(MONACO.lat + 0.001, MONACO.lon, view);
    const [xEast] = project(MONACO.lat, MONACO.lon + 0.001, view);
    expect(yNorth).toBeLessThan(240);
    expect(xEast).toBeGreaterThan(400);
  });

  it('has the scale the zoom says: metres on the ground match pixels on the screen', () => {
    const view = viewFor(MONACO, 16, SIZE);
    // 256·2^16 px around the equator; at 43.7° a pixel is cos(lat) as long.
    expect(view.metresPerPx).toBeCloseTo((40_075_016.686 * Math.cos((MONACO.lat * Math.PI) / 180)) / (256 * 2 ** 16), 6);
    const east = { lat: MONACO.lat, lon: MONACO.lon + 0.01 };
    const [x] = project(east.lat, east.lon, view);
    expect((x - 400) * view.metresPerPx).toBeCloseTo(distanceM(MONACO, east), -1);
  });

  it('unprojects back to the same place', () => {
    const view = viewFor(MONACO, 17.3, SIZE);
    const [x, y] = project(43.74, 7.43, view);
    const back = unproject(x, y, view);
    expect(back.lat).toBeCloseTo(43.74, 9);
    expect(back.lon).toBeCloseTo(7.43, 9);
    expect(unproject(400, 240, view).lat).toBeCloseTo(MONACO.lat, 9);
  });
});

describe('the viewport and zoom', () => {
  it('clamps zoom to MIN_ZOOM..MAX_ZOOM, steps by one, and stops at the ends', () => {
    expect(clampZoom(3)).toBe(MIN_ZOOM);
    expect(clampZoom(25)).toBe(MAX_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(MIN_ZOOM);
    expect(zoomIn(15)).toBe(16);
    expect(zoomOut(15)).toBe(14);
    expect(zoomIn(MAX_ZOOM)).toBe(MAX_ZOOM);
    expect(zoomOut(MIN_ZOOM)).toBe(MIN_ZOOM);
    expect(zoomIn(MAX_ZOOM - 0.4)).toBe(MAX_ZOOM);
    expect(viewFor(MONACO, 40, SIZE).zoom).toBe(MAX_ZOOM);
  });

  it('shows about 1.5 km across by default, whatever the width and latitude', () => {
    for (const [lat, width] of [
      [MONACO.lat, 800],
      [-6.2, 500],
      [39.9, 1280],
    ] as const) {
      const view = viewFor({ lat, lon: 0 }, zoomForSpan(lat, width), { width, height: 400 });
      expect(metresAcross(view)).toBeCloseTo(DEFAULT_SPAN_M, 3);
    }
    // Each step in halves (or doubles) what is shown.
    const zoom = zoomForSpan(MONACO.lat, 800);
    expect(metresAcross(viewFor(MONACO, zoomIn(zoom), SIZE))).toBeCloseTo(DEFAULT_SPAN_M / 2, 3);
    expect(metresAcross(viewFor(MONACO, zoomOut(zoom), SIZE))).toBeCloseTo(DEFAULT_SPAN_M * 2, 3);
    // No size yet: a sane zoom, not NaN.
    expect(zoomForSpan(MONACO.lat, 0)).toBe(16);
  });

  it('draws a round scale bar no longer than asked', () => {
    const view = viewFor(MONACO, 16, SIZE);
    const bar = scaleBar(view, 120);
    expect([100, 200, 500]).toContain(bar.metres);
    expect(bar.px).toBeLessThanOrEqual(120);
    expect(bar.px).toBeCloseTo(bar.metres / view.metresPerPx, 6);
    expect(scaleBar(viewFor(MONACO, 12, SIZE)).label).toMatch(/^\d+ km$/);
  });

  it('widens roads closer in, by class', () => {
    expect(roadWidth(0, 16)).toBeGreaterThan(roadWidth(1, 16));
    expect(roadWidth(1, 16)).toBeGreaterThan(roadWidth(2, 16));
    expect(roadWidth(2, 16)).toBeGreaterThan(roadWidth(3, 16));
    expect(roadWidth(0, 18)).toBeGreaterThan(roadWidth(0, 16));
    expect(roadWidth(3, 12)).toBeGreaterThanOrEqual(1);
  });
});

describe('distance and time, as a driver reads them', () => {
  it('says metres in tens below a kilometre, one decimal below ten, whole kilometres beyond', () => {
    expect(formatDistance(0)).toBe('0 m');
    expect(formatDistance(44)).toBe('40 m');
    expect(formatDistance(274)).toBe('270 m');
    expect(formatDistance(994)).toBe('990 m');
    expect(formatDistance(996)).toBe('1 km');
    expect(formatDistance(1049)).toBe('1 km');
    expect(formatDistance(1150)).toBe('1.2 km');
    expect(formatDistance(9940)).toBe('9.9 km');
    expect(formatDistance(9960)).toBe('10 km');
    expect(formatDistance(123_456)).toBe('123 km');
    expect(formatDistance(-5)).toBe('0 m');
    expect(formatDistance(Number.NaN)).toBe('0 m');
  });

  it('in the driver’s language', () => {
    expect(formatDistance(1150, 'id')).toBe('1,2 km');
    expect(formatDistance(350, 'id')).toBe('350 m');
    expect(formatDistance(1150, 'zh')).toBe('1.2 公里');
    expect(formatDistance(350, 'zh')).toBe('350 米');
    expect(formatDuration(420, 'id')).toBe('7 mnt');
    expect(formatDuration(420, 'zh')).toBe('7 分钟');
  });

  it('says minutes, and hours with minutes', () => {
    expect(formatDuration(0)).toBe('< 1 min');
    expect(formatDuration(29)).toBe('< 1 min');
    expect(formatDuration(31)).toBe('1 min');
    expect(formatDuration(200)).toBe('3 min');
    expect(formatDuration(59 * 60)).toBe('59 min');
    expect(formatDuration(3600 + 5 * 60)).toBe('1 h 05 min');
    expect(formatDuration(2 * 3600 + 40 * 60)).toBe('2 h 40 min');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('< 1 min');
  });
});

describe('roads, culled and projected', () => {
  const event = roadsEvent([
    { cls: 3, points: [43.7385, 7.42, 43.7385, 7.43] },
    { cls: 0, name: 'Near', points: [43.737, 7.42, 43.74, 7.43] },
    // Far outside any view around Monaco.
    { cls: 1, name: 'Genoa', points: [44.4, 8.9, 44.41, 8.95] },
    // A single point is no road.
    { cls: 2, points: [43.7384, 7.4246] },
    // A long road crossing the view with no point inside it is still drawn.
    { cls: 1, name: 'Across', points: [43.7384, 7.3, 43.7384, 7.6] },
  ]);

  it('prepares each road once, minor classes first so major ones draw on top', () => {
    const prepared = prepareRoads(event);
    expect(prepared.map((r) => r.cls)).toEqual([3, 1, 1, 0]);
    expect(prepareRoads(null)).toEqual([]);
  });

  it('drops roads outside the view and keeps those that cross it', () => {
    const view = viewFor(MONACO, 16, SIZE);
    const kept = cullRoads(prepareRoads(event), view).map((r) => r.name ?? `cls${r.cls}`);
    expect(kept.sort()).toEqual(['Across', 'Near', 'cls3']);
    // Zoomed far out, Genoa is still not in a view of Monaco (about 30 km across).
    expect(cullRoads(prepareRoads(event), viewFor(MONACO, MIN_ZOOM, SIZE)).some((r) => r.name === 'Genoa')).toBe(false);
  });

  it('projects to screen pixels, dropping points closer than a pixel but never the last', () => {
    const view = viewFor(MONACO, 16, SIZE);
    const dense = roadsEvent([{ cls: 3, points: [43.7384, 7.4246, 43.738401, 7.424601, 43.738402, 7.424602, 43.7384, 7.43] }]);
    const [road] = prepareRoads(dense);
    const screen = toScreen(road!.xy, view);
    expect(screen.length).toBe(4);
    expect(screen[0]).toBeCloseTo(400, 6);
    expect(screen[1]).toBeCloseTo(240, 6);
    const [x, y] = project(43.7384, 7.43, view);
    expect(screen[2]).toBeCloseTo(x, 6);
    expect(screen[3]).toBeCloseTo(y, 6);
  });

  it('builds one frame: roads, the route on top, the destination at its end, the car at the centre', () => {
    const view = viewFor(MONACO, 16, SIZE);
    const route = [MONACO.lat, MONACO.lon, 43.7384, 7.428, 43.742, 7.428];
    const scene = buildScene({ roads: prepareRoads(event), route, car: MONACO, heading: 90, view });
    expect(scene.roads).toHaveLength(3);
    expect(scene.route).not.toBeNull();
    expect(scene.route!.length).toBe(6);
    const [dx, dy] = project(43.742, 7.428, view);
    expect(scene.destination!.x).toBeCloseTo(dx, 6);
    expect(scene.destination!.y).toBeCloseTo(dy, 6);
    expect(scene.car).toEqual({ x: 400, y: 240, heading: 90 });
    expect(scene.labels).toEqual([]);
    const bare = buildScene({ roads: [], route: null, car: null, heading: null, view });
    expect(bare).toMatchObject({ roads: [], route: null, car: null, destination: null });
  });
});

describe('street names', () => {
  const view = viewFor(MONACO, 16, SIZE);
  const measure = (text: string) => text.length * 8;
  const line = (cls: number, name: string | undefined, ...points: number[]): ScreenLine => ({ cls, name, points: Float64Array.from(points) });

  it('names a major road where it runs straight, upright, once per name', () => {
    const roads = [line(1, 'Boulevard Albert 1er', 50, 100, 350, 100), line(1, 'Boulevard Albert 1er', 50, 300, 150, 300), line(3, 'Minor', 0, 400, 800, 400)];
    const labels = placeLabels(roads, view, measure);
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ text: 'Boulevard Albert 1er', x: 200, y: 100, angle: 0 });
    // Drawn right to left, the text still reads left to right.
    const [reversed] = placeLabels([line(1, 'Rue', 350, 100, 50, 100)], view, measure);
    expect(Math.abs(reversed!.angle)).toBeCloseTo(0, 9);
  });

  it('skips roads too short or too bent for the name, and off-screen runs', () => {
    expect(placeLabels([line(1, 'A very long street name indeed', 100, 100, 200, 100)], view, measure)).toEqual([]);
    // Zig-zag: no straight stretch long enough.
    expect(placeLabels([line(1, 'Zigzag road', 100, 100, 130, 140, 160, 100, 190, 140)], view, measure)).toEqual([]);
    expect(placeLabels([line(0, 'Offscreen', -500, -50, -100, -50)], view, measure)).toEqual([]);
  });

  it('keeps names apart, off the car and off the route, and at most MAX_LABELS', () => {
    const crossing = [line(0, 'First', 100, 100, 400, 100), line(0, 'Second', 120, 104, 420, 104)];
    expect(placeLabels(crossing, view, measure).map((l) => l.text)).toEqual(['First']);
    const overCar = [line(0, 'Centre', 250, 240, 550, 240)];
    expect(placeLabels(overCar, view, measure)).toEqual([]);
    const route = Float64Array.from([0, 100, 800, 100]);
    expect(placeLabels([line(0, 'Under the route', 100, 100, 500, 100)], view, measure, route)).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => line(0, `Street ${i}`, 10, 10 + i * 15, 790, 10 + i * 15));
    expect(placeLabels(many, view, measure).length).toBeLessThanOrEqual(MAX_LABELS);
    for (const [a, b] of pairs(placeLabels(many, view, measure))) {
      const ba = labelBox(a);
      const bb = labelBox(b);
      expect(ba.maxY <= bb.minY || bb.maxY <= ba.minY || ba.maxX <= bb.minX || bb.maxX <= ba.minX).toBe(true);
    }
  });

  it('measures distance to a polyline', () => {
    const polyline = Float64Array.from([0, 0, 10, 0, 10, 10]);
    expect(distanceToLine(5, 3, polyline)).toBeCloseTo(3, 9);
    expect(distanceToLine(13, 5, polyline)).toBeCloseTo(3, 9);
    expect(distanceToLine(-4, -3, polyline)).toBeCloseTo(5, 9);
  });
});

function* pairs<T>(items: readonly T[]): Generator<[T, T]> {
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) yield [items[i]!, items[j]!];
}

describe('the car, the route and the guidance', () => {
  it('reads the car’s position from the vehicle snapshot, or nothing', () => {
    expect(carLocation({ 'Vehicle.CurrentLocation.Latitude': 43.7, 'Vehicle.CurrentLocation.Longitude': 7.4 })).toEqual({ lat: 43.7, lon: 7.4 });
    expect(carLocation({ 'Vehicle.CurrentLocation.Latitude': 43.7 })).toBeNull();
    expect(carLocation({ 'Vehicle.CurrentLocation.Latitude': '43.7', 'Vehicle.CurrentLocation.Longitude': 7.4 })).toBeNull();
    expect(carLocation(undefined)).toBeNull();
  });

  it('takes the heading from movement, ignoring jitter', () => {
    expect(bearing({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(0, 6);
    expect(bearing({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(90, 6);
    expect(bearing({ lat: 0, lon: 0 }, { lat: -1, lon: 0 })).toBeCloseTo(180, 6);
    expect(bearing({ lat: 0, lon: 0 }, { lat: 0, lon: -1 })).toBeCloseTo(270, 6);
    let tracked = followHeading(null, MONACO, null);
    expect(tracked).toEqual({ anchor: MONACO, heading: null });
    // A metre east: not enough to say.
    tracked = followHeading(tracked.anchor, { lat: MONACO.lat, lon: MONACO.lon + 0.00001 }, tracked.heading);
    expect(tracked.heading).toBeNull();
    expect(tracked.anchor).toEqual(MONACO);
    // Fifty metres north: heading north, measured from the new place on.
    const north = { lat: MONACO.lat + 0.00045, lon: MONACO.lon };
    tracked = followHeading(tracked.anchor, north, tracked.heading);
    expect(tracked.heading).toBeCloseTo(0, 0);
    expect(tracked.anchor).toEqual(north);
    expect(followHeading(north, null, 12)).toEqual({ anchor: north, heading: 12 });
  });

  it('centres on the car, else the route’s start, else the roads sent', () => {
    const nav: NavEvent = { type: 'nav', route: { destination: 'X', points: [1, 2, 3, 4], remainingM: 0, remainingS: 0, next: null } };
    const roads = roadsEvent([]);
    expect(mapCenter(MONACO, nav, roads)).toEqual(MONACO);
    expect(mapCenter(null, nav, roads)).toEqual({ lat: 1, lon: 2 });
    expect(mapCenter(null, null, roads)).toEqual({ lat: 43.75, lon: 7.45 });
    expect(mapCenter(null, null, null)).toBeNull();
  });

  it('says the next manoeuvre and what is left, or nothing without a route', () => {
    const nav: NavEvent = {
      type: 'nav',
      route: { destination: 'Grimaldi Forum', points: [], remainingM: 2140, remainingS: 260, next: { text: 'Belok kiri', distanceM: 1350 } },
    };
    expect(guidance(nav, 'id')).toEqual({ destination: 'Grimaldi Forum', next: { distance: '1,4 km', text: 'Belok kiri' }, remaining: '2,1 km · 4 mnt' });
    expect(guidance({ ...nav, route: { ...nav.route!, next: null } })?.next).toBeNull();
    expect(guidance({ type: 'nav', route: null })).toBeNull();
    expect(guidance(null)).toBeNull();
  });

  it('keeps the latest roads and route in the screen state', () => {
    const roads = roadsEvent([{ cls: 0, points: [1, 2, 3, 4] }]);
    const nav: NavEvent = { type: 'nav', route: null };
    const ui = reduce(reduce(initialUi(), roads), nav);
    expect(ui.roads).toBe(roads);
    expect(ui.nav).toBe(nav);
  });
});
