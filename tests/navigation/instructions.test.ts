import { beforeAll, describe, expect, it } from 'vitest';
import { LANGS } from '../../common/contract.js';
import type { RoadGraph } from '../../main/services/navigation/graph.js';
import { announce, formatDistance, instructions, roundaboutEdges, streetName, type Instruction } from '../../main/services/navigation/instructions.js';
import { Router } from '../../main/services/navigation/router.js';
import { at, buildGraph, random, type TestGraph, type TestRoad } from './build-graph.js';
import { hasMonaco, loadMonaco, randomPositions } from './monaco.js';

function route(graph: RoadGraph, from: [number, number], to: [number, number]) {
  const r = new Router(graph).route(at(...from), at(...to));
  expect(r).not.toBeNull();
  return r!;
}

const summary = (list: Instruction[]): string[] => list.map((i) => `${i.type}${i.modifier ? ` ${i.modifier}` : ''}${i.exit ? ` ${i.exit}` : ''}: ${i.street}`);

/** A crossroads C (node 1) with 200 m arms W (2), E (3), N (4), S (5). */
function crossroads(names: Partial<Record<'west' | 'east' | 'north' | 'south', TestRoad['name']>> = {}): TestGraph {
  return buildGraph({ 1: [0, 0], 2: [-400, 0], 3: [400, 0], 4: [0, 400], 5: [0, -400] }, [
    { nodes: [2, 1], name: names.west ?? 'West Road' },
    { nodes: [1, 3], name: names.east ?? 'East Road' },
    { nodes: [1, 4], name: names.north ?? 'North Road' },
    { nodes: [1, 5], name: names.south ?? 'South Road' },
  ]);
}

describe('instructions: manoeuvres', () => {
  it('departs, turns left and right, and arrives, with distances from the previous manoeuvre', () => {
    const graph = crossroads();
    const left = instructions(route(graph, [-300, 0], [0, 120]), graph, 'en');
    expect(summary(left)).toEqual(['depart: West Road', 'turn left: North Road', 'arrive: North Road']);
    expect(left.map((i) => Math.round(i.distanceM))).toEqual([0, 300, 120]);
    expect(left.map((i) => Math.round(i.alongM))).toEqual([0, 300, 420]);
    expect(left[0]!.text).toBe('Head east on West Road');
    expect(left[1]!.text).toBe('Turn left onto North Road');
    expect(left[1]!.announcement).toBe('In 300 metres, turn left onto North Road');
    expect(left[2]!.text).toBe('Arrive at your destination');
    expect(left[1]!.pointIndex).toBe(1);
    expect(left[2]!.pointIndex).toBe(2);

    const right = instructions(route(graph, [-300, 0], [0, -120]), graph, 'en');
    expect(summary(right)).toEqual(['depart: West Road', 'turn right: South Road', 'arrive: South Road']);
  });

  it('says "continue" where the name changes straight on, and nothing along one street', () => {
    const graph = crossroads();
    expect(summary(instructions(route(graph, [-300, 0], [300, 0]), graph, 'en'))).toEqual(['depart: West Road', 'continue straight: East Road', 'arrive: East Road']);
    const oneStreet = crossroads({ west: 'Boulevard Albert 1er', east: 'Boulevard Albert 1er' });
    expect(summary(instructions(route(oneStreet, [-300, 0], [300, 0]), oneStreet, 'en'))).toEqual(['depart: Boulevard Albert 1er', 'arrive: Boulevard Albert 1er']);
  });

  it('merges a street of many pieces, and keeps left or right at a fork', () => {
    // Main Street runs north through three junctions; at the top it forks into two branches.
    const graph = buildGraph({ 1: [0, 0], 2: [0, 100], 3: [0, 200], 4: [0, 300], 5: [-60, 100], 6: [60, 200], 7: [-120, 500], 8: [120, 500] }, [
      { nodes: [1, 2, 3, 4], name: 'Main Street' },
      { nodes: [5, 2], name: 'Side Street' },
      { nodes: [3, 6], name: 'Other Street' },
      { nodes: [4, 7], name: 'Left Branch' },
      { nodes: [4, 8], name: 'Right Branch' },
    ]);
    const left = instructions(route(graph, [0, 20], [-100, 440]), graph, 'en');
    expect(summary(left)).toEqual(['depart: Main Street', 'keep left: Left Branch', 'arrive: Left Branch']);
    expect(left[1]!.text).toBe('Keep left onto Left Branch');
    expect(Math.round(left[1]!.distanceM)).toBe(280);
    const right = instructions(route(graph, [0, 20], [100, 440]), graph, 'id');
    expect(summary(right)).toEqual(['depart: Main Street', 'keep right: Right Branch', 'arrive: Right Branch']);
    expect(right[1]!.text).toBe('Tetap di kanan ke Right Branch');
  });

  it('tells slight, normal and sharp turns apart', () => {
    // From the south into junction J: Main Street goes on north, the others leave at 50°, -90° and 150°.
    const deg = (angle: number, length: number): [number, number] => [Math.sin((angle * Math.PI) / 180) * length, Math.cos((angle * Math.PI) / 180) * length];
    const graph = buildGraph({ 1: [0, -300], 2: [0, 0], 3: [0, 300], 4: deg(50, 300), 5: deg(-90, 300), 6: deg(150, 300) }, [
      { nodes: [1, 2, 3], name: 'Main Street' },
      { nodes: [2, 4], name: 'Slight Street' },
      { nodes: [2, 5], name: 'Left Street' },
      { nodes: [2, 6], name: 'Sharp Street' },
    ]);
    const onto = (angle: number): Instruction => instructions(route(graph, [0, -200], deg(angle, 200)), graph, 'en')[1]!;
    expect(onto(50)).toMatchObject({ type: 'turn', modifier: 'slight right', text: 'Bear right onto Slight Street' });
    expect(onto(-90)).toMatchObject({ type: 'turn', modifier: 'left', text: 'Turn left onto Left Street' });
    expect(onto(150)).toMatchObject({ type: 'turn', modifier: 'sharp right', text: 'Turn sharp right onto Sharp Street' });
    expect(onto(0).type).toBe('arrive');
  });

  it('says a U-turn where the route comes back along the same road', () => {
    // No left turn from West Road into North Road: the car goes on and comes back (at E's dead end or S's).
    const graph = buildGraph({ 1: [0, 0], 2: [-400, 0], 3: [200, 0], 4: [0, 400], 5: [0, -300] }, [{ nodes: [2, 1], name: 'West Road' }, { nodes: [1, 3], name: 'East Road' }, { nodes: [1, 4], name: 'North Road' }, { nodes: [1, 5], name: 'South Road' }], [
      { fromRoad: 0, via: 1, toRoad: 2, kind: 'no' },
    ]);
    const list = instructions(route(graph, [-300, 0], [0, 100]), graph, 'en');
    expect(summary(list)).toEqual(['depart: West Road', 'continue straight: East Road', 'uturn: East Road', 'turn right: North Road', 'arrive: North Road']);
    expect(list[2]!.text).toBe('Make a U-turn onto East Road');
    expect(Math.round(list[2]!.distanceM)).toBe(200);
  });

  describe('roundabouts', () => {
    // A ring of radius 30 m, driven anticlockwise (S → E → N → W), with four arms of 200 m.
    const nodes = { 1: [0, -30], 2: [30, 0], 3: [0, 30], 4: [-30, 0], 11: [0, -230], 12: [230, 0], 13: [0, 230], 14: [-230, 0] } as const;
    const roads = (eastOneway: boolean): TestRoad[] => [
      { nodes: [1, 2, 3, 4, 1], name: 'Place du Casino', roundabout: true },
      { nodes: [11, 1], name: 'South Arm' },
      { nodes: [12, 2], name: 'East Arm', oneway: eastOneway },
      { nodes: [13, 3], name: 'North Arm' },
      { nodes: [14, 4], name: { name: 'West Arm', zh: '西环路', id: 'Jalan Barat' } },
    ];

    it('counts the exits a car could take, and says entry and exit', () => {
      const graph = buildGraph(nodes, roads(false));
      const list = instructions(route(graph, [0, -150], [-150, 0]), graph, 'en');
      expect(summary(list)).toEqual(['depart: South Arm', 'roundabout 3: West Arm', 'exitRoundabout: West Arm', 'arrive: West Arm']);
      expect(list[1]!.text).toBe('At the roundabout, take the third exit onto West Arm');
      expect(list[1]!.announcement).toBe('In 100 metres, at the roundabout, take the third exit onto West Arm');
      expect(list[2]!.text).toBe('Exit the roundabout onto West Arm');
      const zh = instructions(route(graph, [0, -150], [-150, 0]), graph, 'zh');
      expect(zh[1]!.text).toBe('进入环岛后从第3个出口驶出，进入西环路');
      expect(instructions(route(graph, [0, -150], [-150, 0]), graph, 'id')[1]!.text).toBe('Di bundaran, ambil jalan keluar ketiga menuju Jalan Barat');
      // An arm one can only enter by is no exit.
      const entryOnly = buildGraph(nodes, roads(true));
      expect(instructions(route(entryOnly, [0, -150], [-150, 0]), entryOnly, 'en')[1]!.exit).toBe(2);
    });

    it('finds the ring without a junction flag: a closed oneway way', () => {
      const graph = buildGraph(nodes, roads(false));
      const { edgeRoundabout: _flags, ...plain } = graph;
      const flags = roundaboutEdges(plain);
      expect([...flags]).toEqual([...graph.edgeRoundabout]);
      expect(instructions(route(plain, [0, -150], [-150, 0]), plain, 'en')[1]).toMatchObject({ type: 'roundabout', exit: 3 });
    });
  });
});

describe('instructions: language', () => {
  it('reads like the navigation apps in each language', () => {
    const graph = crossroads({ north: { name: 'Boulevard Albert 1er', id: 'Jalan Albert', zh: '西土城路' } });
    const r = route(graph, [-300, 0], [0, 120]);
    const said = Object.fromEntries(LANGS.map((lang) => [lang, instructions(r, graph, lang)[1]!.announcement]));
    expect(said).toEqual({
      en: 'In 300 metres, turn left onto Boulevard Albert 1er',
      id: 'Dalam 300 meter, belok kiri ke Jalan Albert',
      zh: '300米后左转进入西土城路',
    });
    expect(instructions(r, graph, 'zh').map((i) => i.text)).toEqual(['沿West Road向东行驶', '左转进入西土城路', '到达目的地']);
    expect(instructions(r, graph, 'id').map((i) => i.text)).toEqual(['Berangkat ke arah timur melalui West Road', 'Belok kiri ke Jalan Albert', 'Anda tiba di tujuan']);
    const turn = instructions(r, graph, 'id')[1]!;
    expect(announce(turn, 1234, 'id')).toBe('Dalam 1,2 kilometer, belok kiri ke Jalan Albert');
    expect(announce(turn, 10, 'id')).toBe('Belok kiri ke Jalan Albert');
    expect(announce(instructions(r, graph, 'id')[2]!, 120, 'id')).toBe('Dalam 100 meter, Anda tiba di tujuan');
  });

  it('localizes street names, falling back to the name, the ref, then a generic word', () => {
    const graph = crossroads({ west: { name: 'Jalan Sudirman', en: 'Sudirman Street', zh: '苏迪曼路' }, north: { name: '', ref: 'D6007' }, east: undefined });
    const edgeOf = (road: number): number => graph.roadOfEdge.indexOf(road);
    expect(LANGS.map((lang) => streetName(graph, edgeOf(0), lang))).toEqual(['Sudirman Street', 'Jalan Sudirman', '苏迪曼路']);
    expect(streetName(graph, edgeOf(2), 'zh')).toBe('D6007');
    const noName = buildGraph({ 1: [0, 0], 2: [-400, 0], 3: [0, 400] }, [{ nodes: [2, 1], name: 'West Road' }, { nodes: [1, 3] }]);
    const r = route(noName, [-300, 0], [0, 100]);
    expect(LANGS.map((lang) => instructions(r, noName, lang)[1]!.text)).toEqual(['Turn left onto the road', 'Belok kiri ke jalan', '左转进入无名道路']);
    expect(instructions(r, noName, 'en')[1]!.named).toBe(false);
  });

  it('rounds distances as they are said: 50 m steps under 1 km, 0.1 km above', () => {
    const cases: [number, string][] = [
      [10, '50 metres'],
      [74, '50 metres'],
      [76, '100 metres'],
      [312, '300 metres'],
      [949, '950 metres'],
      [974, '950 metres'],
      [980, '1 kilometre'],
      [1234, '1.2 kilometres'],
      [15_049, '15 kilometres'],
    ];
    expect(cases.map(([m]) => formatDistance(m, 'en'))).toEqual(cases.map(([, s]) => s));
    expect(formatDistance(1550, 'id')).toBe('1,6 kilometer');
    expect(formatDistance(300, 'id')).toBe('300 meter');
    expect(formatDistance(1550, 'zh')).toBe('1.6公里');
    expect(formatDistance(300, 'zh')).toBe('300米');
  });
});

describe.skipIf(!hasMonaco)('instructions on Monaco', () => {
  let graph: RoadGraph;
  let router: Router;
  beforeAll(async () => {
    graph = await loadMonaco();
    router = new Router(graph);
  }, 120_000);

  it('are well formed for 150 random routes in every language', () => {
    const rnd = random(99);
    const positions = randomPositions(graph, 300, rnd);
    const types = new Map<string, number>();
    for (let i = 0; i < 150; i++) {
      const r = router.route(positions[2 * i]!, positions[2 * i + 1]!);
      if (!r) continue;
      for (const lang of LANGS) {
        const list = instructions(r, graph, lang);
        expect(list[0]!.type).toBe('depart');
        expect(list.at(-1)!.type).toBe('arrive');
        expect(list.at(-1)!.pointIndex).toBe(r.points.length / 2 - 1);
        const total = list.reduce((sum, x) => sum + x.distanceM, 0);
        expect(total).toBeCloseTo(r.meters, 3);
        for (let k = 1; k < list.length; k++) expect(list[k]!.pointIndex).toBeGreaterThanOrEqual(list[k - 1]!.pointIndex);
        for (const x of list) {
          expect(x.text).not.toMatch(/[{}]|undefined|NaN/);
          expect(x.announcement.length).toBeGreaterThanOrEqual(x.text.length);
          if (lang === 'en') types.set(x.type, (types.get(x.type) ?? 0) + 1);
        }
      }
    }
    expect(types.get('turn')).toBeGreaterThan(50);
    expect(types.get('roundabout') ?? 0).toBeGreaterThan(0);
  });
});
