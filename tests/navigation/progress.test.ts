import { beforeAll, describe, expect, it } from 'vitest';
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { instructions } from '../../main/services/navigation/instructions.js';
import { progress } from '../../main/services/navigation/progress.js';
import { Router, type Route } from '../../main/services/navigation/router.js';
import { bearingDeg, haversineM } from '../../main/services/navigation/snap.js';
import { at, buildGraph, random } from './build-graph.js';
import { hasMonaco, loadMonaco, randomPositions } from './monaco.js';

/** A crossroads C (0,0) with arms W (-400,0), N (0,400), S (0,-300) and a dead-end E (200,0); no left turn
 *  from West Road into North Road, so W → N drives to E, turns and comes back through C. */
const graph = buildGraph({ 1: [0, 0], 2: [-400, 0], 3: [200, 0], 4: [0, 400], 5: [0, -300] }, [{ nodes: [2, 1], name: 'West Road' }, { nodes: [1, 3], name: 'East Road' }, { nodes: [1, 4], name: 'North Road' }, { nodes: [1, 5], name: 'South Road' }], [
  { fromRoad: 0, via: 1, toRoad: 2, kind: 'no' },
]);
const router = new Router(graph);
const lTurn = router.route(at(-300, 0), at(0, -120))!;
const uTurn = router.route(at(-300, 0), at(0, 120))!;

/** The point `m` metres along the route's polyline. */
function pointAlong(route: Route, m: number): { lat: number; lon: number } {
  const p = route.points;
  for (let i = 1; i < p.length / 2; i++) {
    if (route.pointM[i]! >= m) {
      const t = (m - route.pointM[i - 1]!) / Math.max(1e-9, route.pointM[i]! - route.pointM[i - 1]!);
      return { lat: p[2 * i - 2]! + t * (p[2 * i]! - p[2 * i - 2]!), lon: p[2 * i - 1]! + t * (p[2 * i + 1]! - p[2 * i - 1]!) };
    }
  }
  return { lat: p[p.length - 2]!, lon: p[p.length - 1]! };
}

/** The route segment (points i..i+1) `m` metres along. */
function segmentAt(route: Route, m: number): number {
  let i = 0;
  while (i + 2 < route.points.length / 2 && route.pointM[i + 1]! < m) i++;
  return i;
}

describe('progress', () => {
  it('projects the car onto the route: along, remaining, the next instruction', () => {
    expect(lTurn.meters).toBeCloseTo(420, 0);
    const list = instructions(lTurn, graph, 'en');
    const p = progress(lTurn, at(-200, 8), { instructions: list });
    expect(p.alongM).toBeCloseTo(100, 0);
    expect(p.remainingM).toBeCloseTo(320, 0);
    expect(p.remainingS).toBeCloseTo(32, 0);
    expect(p.distanceFromRouteM).toBeCloseTo(8, 0);
    expect(p.offRoute).toBe(false);
    expect(p.arrived).toBe(false);
    expect(p.nextInstructionIndex).toBe(1);
    expect(list[1]!.type).toBe('turn');
    expect(p.distanceToNextM).toBeCloseTo(200, 0);
    const after = progress(lTurn, at(3, -50), { instructions: list });
    expect(after.nextInstructionIndex).toBe(2);
    expect(after.distanceToNextM).toBeCloseTo(70, 0);
    // Without instructions: the next thing is the end.
    const bare = progress(lTurn, at(-200, 0));
    expect(bare.nextInstructionIndex).toBe(-1);
    expect(bare.distanceToNextM).toBeCloseTo(320, 0);
  });

  it('says the car left the route past offRouteM (40 m by default)', () => {
    const off = progress(lTurn, at(-200, 60));
    expect(off.offRoute).toBe(true);
    expect(off.distanceFromRouteM).toBeCloseTo(60, 0);
    expect(progress(lTurn, at(-200, 60), { offRouteM: 100 }).offRoute).toBe(false);
    expect(progress(lTurn, at(-200, 30)).offRoute).toBe(false);
  });

  it('says the car arrived within 25 m of the end', () => {
    expect(progress(lTurn, at(0, -100)).arrived).toBe(true);
    expect(progress(lTurn, at(0, -120)).arrived).toBe(true);
    expect(progress(lTurn, at(0, -50)).arrived).toBe(false);
    // Beside the end but off the road still counts.
    expect(progress(lTurn, at(15, -125)).arrived).toBe(true);
    const still = router.route(at(-100, 0), at(-100, 0))!;
    expect(progress(still, at(-100, 0))).toMatchObject({ alongM: 0, remainingM: 0, arrived: true, offRoute: false });
  });

  it('follows a hint along a route that passes the same street twice', () => {
    expect(uTurn.meters).toBeCloseTo(820, 0);
    // East Road is driven out (300–500 m) and back (500–700 m): without a hint the first pass wins.
    expect(progress(uTurn, at(100, 0)).alongM).toBeCloseTo(400, 0);
    const returnLeg = segmentAt(uTurn, 540);
    expect(progress(uTurn, at(150, 0)).alongM).toBeCloseTo(350 + 100, 0);
    const back = progress(uTurn, at(150, 0), { hint: returnLeg });
    expect(back.alongM).toBeCloseTo(550, 0);
    expect(back.segment).toBe(returnLeg);
    expect(progress(uTurn, at(100, 0), { hint: back.segment }).alongM).toBeCloseTo(600, 0);
    // A hint far behind, and a window too short to see the car: the whole route is searched.
    expect(progress(uTurn, at(0, 110), { hint: 0, lookAheadM: 50 })).toMatchObject({ offRoute: false });
    expect(progress(uTurn, at(0, 110), { hint: 0, lookAheadM: 50 }).alongM).toBeCloseTo(810, 0);
  });

  it('tracks a car driving out and back with GPS noise, by hint and heading', () => {
    const rnd = random(3);
    let hint: number | undefined;
    let last = 0;
    for (let m = 0; m <= uTurn.meters; m += 7) {
      const truth = pointAlong(uTurn, m);
      const ahead = pointAlong(uTurn, Math.min(uTurn.meters, m + 5));
      const back = pointAlong(uTurn, Math.max(0, m - 5));
      const headingDeg = bearingDeg(back.lat, back.lon, ahead.lat, ahead.lon);
      const noisy = { lat: truth.lat + (rnd() - 0.5) * 6e-5, lon: truth.lon + (rnd() - 0.5) * 8e-5 };
      const p = progress(uTurn, noisy, hint === undefined ? { headingDeg } : { hint, headingDeg });
      expect(Math.abs(p.alongM - m), `at ${m} m`).toBeLessThan(8);
      expect(p.alongM).toBeGreaterThanOrEqual(last - 8);
      expect(p.offRoute).toBe(false);
      last = p.alongM;
      hint = p.segment;
    }
  });
});

describe.skipIf(!hasMonaco)('progress on Monaco', () => {
  let monaco: RoadGraph;
  beforeAll(async () => {
    monaco = await loadMonaco();
  }, 120_000);

  it('follows 40 random routes from start to arrival', () => {
    const r = new Router(monaco);
    const positions = randomPositions(monaco, 80, random(11));
    let driven = 0;
    for (let i = 0; i < 40; i++) {
      const route = r.route(positions[2 * i]!, positions[2 * i + 1]!);
      if (!route || route.meters < 100) continue;
      driven++;
      let hint: number | undefined;
      let p = progress(route, pointAlong(route, 0));
      for (let m = 0; m <= route.meters; m += 15) {
        p = progress(route, pointAlong(route, m), hint === undefined ? {} : { hint });
        expect(Math.abs(p.alongM - m)).toBeLessThan(1);
        expect(p.offRoute).toBe(false);
        expect(p.arrived).toBe(route.meters - m < 25 || haversineM(p.lat, p.lon, route.to.lat, route.to.lon) < 25);
        hint = p.segment;
      }
      expect(progress(route, route.to, { hint: p.segment }).arrived).toBe(true);
    }
    expect(driven).toBeGreaterThan(30);
  });
});
