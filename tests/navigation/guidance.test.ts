// "Navigate to …" end to end: the geocoder finds it, the router routes it, the simulated car drives it,
// and Kemudi says each manoeuvre as it comes, reroutes when the car leaves the route, and says when it
// has arrived — on the generated sample town (what a fresh clone has) and on real OSM extracts.
import { describe, expect, it } from 'vitest';
import type { Event, Lang, NavEvent, ResponseEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import { importOsm } from '../../main/services/navigation/osm-import.js';
import { extract, titled } from './extracts.js';

const knowledge = loadKnowledge();

function car() {
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, onlineWeather: null });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const say = (text: string, lang: Lang = 'en') => sim.assistant.handle({ type: 'utterance', text, lang, source: 'text' });
  const said = () => events.filter((e): e is ResponseEvent => e.type === 'response').map((e) => e.text);
  const nav = () => events.filter((e): e is NavEvent => e.type === 'nav').at(-1);
  /** Drives for `seconds` of simulated time, letting the dialogue say what guidance queues. */
  const drive = async (seconds: number) => {
    for (let t = 0; t < seconds; t++) {
      sim.vehicle.advance(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sim.assistant.spoken();
  };
  return { sim, events, say, said, nav, drive };
}

describe('navigation in the sample town', () => {
  it('routes, drives the route with spoken guidance, and says when it has arrived', async () => {
    const c = car();
    await c.say('navigate to Hill Street');
    const start = c.said().at(-1) as string;
    expect(start).toMatch(/^Starting the route to Hill Street: \d+ metres, about \d+ minutes?\. Head \w+ on [A-Z][\w ]+/);
    const route = c.nav()?.route;
    expect(route?.destination).toBe('Hill Street');
    expect(route?.points.length).toBeGreaterThan(4);
    expect(c.sim.vehicle.routeProgress()?.totalM).toBeGreaterThan(100);

    const before = c.said().length;
    await c.sim.assistant.handle({ type: 'sim.drive', speed: 40 });
    await c.drive(180);
    const guidance = c.said().slice(before);
    // At least one manoeuvre said along the way, then the arrival, and no route left on the map.
    expect(guidance.some((text) => /^(In \d+ metres, )?(turn|keep|continue|take|exit|enter|make)/i.test(text))).toBe(true);
    expect(guidance.at(-1)).toBe('You have arrived at Hill Street.');
    expect(c.nav()?.route).toBeNull();
    expect(c.sim.vehicle.get('Vehicle.Speed')).toBe(0);
    c.sim.close();
  });

  it('answers how long, the traffic honestly, and cancels', async () => {
    const c = car();
    await c.say('how long until I get there');
    expect(c.said().at(-1)).toBe("There's no active route.");
    await c.say('navigate to Lemon Street');
    await c.say('how long until I get there');
    expect(c.said().at(-1)).toMatch(/^About \d+ minutes? to Lemon Street, \d+ metres to go\.$/);
    await c.say('how is the traffic');
    expect(c.said().at(-1)).toMatch(/^I have no live traffic offline\. At typical speeds the rest of the route takes about \d+ minutes?\.$/);
    await c.say('stop navigation');
    expect(c.said().at(-1)).toBe('Route cancelled.');
    expect(c.nav()?.route).toBeNull();
    expect(c.sim.vehicle.routeProgress()).toBeNull();
    c.sim.close();
  });

  it('takes the driver to the nearest fuel station, in three languages', async () => {
    for (const [text, lang, expected] of [
      ['find a fuel station', 'en', /^The nearest fuel station is Harbour Fuel, \d+ metres away\. Starting the route\./],
      ['cari SPBU terdekat', 'id', /^SPBU terdekat adalah SPBU Pelabuhan, \d+ meter dari sini\. Memulai rute\./],
      ['附近的加油站', 'zh', /^最近的加油站是港口加油站，距离\d+米。开始导航。/],
    ] as const) {
      const c = car();
      await c.say(text, lang);
      expect(c.said().at(-1)).toMatch(expected);
      expect(c.nav()?.route).not.toBeNull();
      c.sim.close();
    }
  });

  it('routes to streets named in Indonesian and Chinese, and says so in that language', async () => {
    const c = car();
    await c.say('antar ke Jalan Bukit', 'id');
    expect(c.said().at(-1)).toMatch(/^Memulai rute ke Jalan Bukit: \d+ meter, sekitar \d+ menit\./);
    await c.say('导航到柠檬街', 'zh');
    expect(c.said().at(-1)).toMatch(/^开始导航到柠檬街：\d+米，大约\d+分钟。/);
    c.sim.close();
  });

  it('says when a place is not on the map, and starts nothing', async () => {
    const c = car();
    await c.say('navigate to Zzyzx Boulevard');
    expect(c.said().at(-1)).toBe("I couldn't find zzyzx boulevard on the map.");
    expect(c.nav()?.route ?? null).toBeNull();
    c.sim.close();
  });

  it('reroutes when the car leaves the route', async () => {
    const c = car();
    await c.say('navigate to Hill Street');
    const first = c.nav()?.route?.points.join();
    // The car goes its own way: a straight line west, away from the route.
    const here = [c.sim.vehicle.get('Vehicle.CurrentLocation.Latitude'), c.sim.vehicle.get('Vehicle.CurrentLocation.Longitude')] as [number, number];
    c.sim.vehicle.setRoute({ points: [here, [here[0], here[1] - 0.02]] });
    await c.sim.assistant.handle({ type: 'sim.drive', speed: 40 });
    await c.drive(25);
    expect(c.said()).toContain('Rerouting.');
    expect(c.nav()?.route?.points.join()).not.toBe(first);
    c.sim.close();
  });

  it('sends the map the roads around the car, with their attribution', async () => {
    const c = car();
    await c.sim.prepareMap();
    const roads = c.sim.assistant.initialEvents().find((e) => e.type === 'map.roads');
    expect(roads).toMatchObject({ type: 'map.roads', attribution: expect.stringMatching(/generated sample map/) });
    expect((roads as { roads: unknown[] }).roads.length).toBeGreaterThan(10);
    c.sim.close();
  });
});

describe('navigation on real OpenStreetMap extracts', () => {
  const cases = [
    { file: 'monaco.osm.pbf', at: [43.7384, 7.4246], say: 'navigate to Boulevard Albert 1er', lang: 'en', expect: /^Starting the route to Boulevard Albert (1er|Ier|I)/ },
    { file: 'jakarta_jatinegara.osm', at: null, say: 'antar ke Jalan Jatinegara Kaum', lang: 'id', expect: /^Memulai rute ke Jalan Jatinegara Kaum: / },
    // Not in the extract: the nearest name is taken, and the driver hears that it is only the closest match.
    { file: 'jakarta_jatinegara.osm', at: null, say: 'antar ke Jalan Jatinegara Barat', lang: 'id', expect: /^Saya tidak menemukan jalan jatinegara barat persis\. Saya arahkan ke yang paling mirip, Jalan Jatinegara/ },
  ] as const;
  for (const test of cases) {
    it.skipIf(extract(test.file) === null)(titled(`${test.say} routes, and the car follows it with guidance (${test.file})`, [test.file]), async () => {
      const c = car();
      const imported = await importOsm(c.sim.maps, extract(test.file) as string);
      expect(imported.ok).toBe(true);
      c.sim.navigation.reload();
      if (test.at) c.sim.vehicle.setRoute({ points: [test.at, test.at] });
      else {
        // Start from the middle of the extract.
        const box = c.sim.maps.sources()[0]?.bbox as readonly [number, number, number, number];
        const middle: [number, number] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
        c.sim.vehicle.setRoute({ points: [middle, middle] });
      }
      c.sim.vehicle.clearRoute();
      await c.say(test.say, test.lang);
      expect(c.said().at(-1)).toMatch(test.expect);
      expect(c.nav()?.route?.points.length).toBeGreaterThan(4);
      const before = c.said().length;
      await c.sim.assistant.handle({ type: 'sim.drive', speed: 50 });
      await c.drive(600);
      expect(c.said().slice(before).length).toBeGreaterThan(0);
      c.sim.close();
    }, 60_000);
  }
});
