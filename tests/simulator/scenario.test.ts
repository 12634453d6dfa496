// Scenario files: the schema's typed errors, the runner's timing on the simulated clock, the examples.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../common/contract.js';
import {
  formatTime,
  loadScenario,
  parseScenario,
  parseTime,
  ScenarioRunner,
  type Scenario,
  type ScenarioIssue,
  type ScenarioMessage,
  type ScenarioResult,
} from '../../main/simulator/scenario.js';
import { SimulatedVehicle } from '../../main/simulator/vehicle.js';
import { ROOT } from '../support/cli.js';

const SCENARIOS = join(ROOT, 'scenarios');
const dir = mkdtempSync(join(tmpdir(), 'kemudi-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(text: string): Scenario {
  const result = parseScenario(text, 'test.yaml');
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function issuesOf(result: ScenarioResult): ScenarioIssue[] {
  if (result.ok) throw new Error('expected the scenario to be refused');
  expect(result.error.code).toBe('invalid_scenario');
  return result.error.issues;
}

const HEADER = 'name: Test\ndescription: a test scenario\n';

describe('time', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1m', 60_000],
    ['1.5s', 1500],
    ['1h2m', 3_720_000],
    [45, 45_000],
    [0, 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each(['', '30', 'soon', '1m70x', 's', '-1s', -3, Number.NaN, true, null])('refuses %j', (text) => {
    expect(parseTime(text)).toBeNull();
  });

  it('writes times the way files do', () => {
    expect(formatTime(90_000)).toBe('1m30s');
    expect(formatTime(60_000)).toBe('1m');
    expect(formatTime(1500)).toBe('1.5s');
  });
});

describe('the schema', () => {
  it('reads a full scenario into typed steps in milliseconds', () => {
    const s = scenario(`${HEADER}powertrain: electric
start:
  Vehicle.Powertrain.TractionBattery.StateOfCharge.Current: 40
route:
  name: somewhere
  points: [[43.73, 7.42], [43.74, 7.42]]
steps:
  - { at: 0, drive: { speed: 50 } }
  - { at: 10s, message: { from: Sari, text: hello, lang: id } }
  - { at: 10s, say: lampu on }
  - { at: 20s, say: { text: 打开大灯, lang: zh } }
  - { at: 1m, set: { Vehicle.Body.Lights.Beam.Low.IsOn: true } }
  - { at: 1m, expect: { Vehicle.Speed: { min: 49, max: 51 }, Vehicle.Body.Lights.Beam.Low.IsOn: true } }
  - { at: 1m30s, stop: true }
`);
    expect(s.powertrain).toBe('electric');
    expect(s.route?.points).toHaveLength(2);
    expect(s.durationMs).toBe(90_000);
    expect(s.steps.map((step) => [step.at, step.action])).toEqual([
      [0, { type: 'drive', speed: 50 }],
      [10_000, { type: 'message', message: { from: 'Sari', text: 'hello', lang: 'id' } }],
      [10_000, { type: 'say', text: 'lampu on' }],
      [20_000, { type: 'say', text: '打开大灯', lang: 'zh' }],
      [60_000, { type: 'set', signals: { 'Vehicle.Body.Lights.Beam.Low.IsOn': true } }],
      [60_000, { type: 'expect', signals: { 'Vehicle.Speed': { min: 49, max: 51 }, 'Vehicle.Body.Lights.Beam.Low.IsOn': true } }],
      [90_000, { type: 'stop' }],
    ]);
  });

  it('names the file, line and path of a bad time', () => {
    const issues = issuesOf(parseScenario(`${HEADER}steps:\n  - at: soon\n    drive: { speed: 50 }\n`, 'trip.yaml'));
    expect(issues).toEqual([{ file: 'trip.yaml', path: 'steps[0].at', line: 4, message: expect.stringMatching(/"soon" is not a time such as 30s/) }]);
  });

  it('names an unknown signal and an out-of-range value by their paths', () => {
    const result = parseScenario(`${HEADER}start:\n  Vehicle.Speed: 400\nsteps:\n  - at: 1s\n    set:\n      Vehicle.Warp.Factor: 9\n`, 'bad.yaml');
    const issues = issuesOf(result);
    expect(issues).toEqual([
      { file: 'bad.yaml', path: 'start["Vehicle.Speed"]', line: 4, message: 'Vehicle.Speed must be within 0..250 km/h' },
      { file: 'bad.yaml', path: 'steps[0].set["Vehicle.Warp.Factor"]', line: 8, message: 'unknown signal Vehicle.Warp.Factor' },
    ]);
    if (!result.ok) expect(result.error.message).toBe('bad.yaml:4: start["Vehicle.Speed"]: Vehicle.Speed must be within 0..250 km/h\nbad.yaml:8: steps[0].set["Vehicle.Warp.Factor"]: unknown signal Vehicle.Warp.Factor');
  });

  it('refuses a signal the powertrain does not have', () => {
    const [issue] = issuesOf(parseScenario(`${HEADER}powertrain: electric\nsteps:\n  - { at: 1s, expect: { Vehicle.Powertrain.FuelSystem.RelativeLevel: 5 } }\n`));
    expect(issue).toMatchObject({ path: 'steps[0].expect["Vehicle.Powertrain.FuelSystem.RelativeLevel"]', message: 'an electric car has no Vehicle.Powertrain.FuelSystem.RelativeLevel' });
    expect(issuesOf(parseScenario(`${HEADER}start: { Vehicle.Powertrain.TractionBattery.StateOfCharge.Current: 50 }\nsteps: [{ at: 0, stop: true }]\n`))[0]?.message).toMatch(/combustion car has no/);
  });

  it.each([
    ['no action', '  - at: 5s\n', 'steps[0]', /needs one action/],
    ['two actions', '  - { at: 5s, stop: true, say: hi }\n', 'steps[0]', /one action, not stop and say/],
    ['an unknown key', '  - { at: 5s, stop: true, fly: true }\n', 'steps[0]', /Unrecognized key/],
    ['a missing time', '  - { drive: { speed: 5 } }\n', 'steps[0].at', /a step needs a time/],
    ['a speed too high', '  - { at: 5s, drive: { speed: 900 } }\n', 'steps[0].drive.speed', /./],
    ['a message without a sender', '  - { at: 5s, message: { text: hi } }\n', 'steps[0].message.from', /./],
    ['a bad language', '  - { at: 5s, say: { text: hi, lang: fr } }\n', 'steps[0].say', /./],
    ['bounds on a boolean', '  - { at: 5s, expect: { Vehicle.Body.Lights.Beam.Low.IsOn: { min: 1 } } }\n', 'steps[0].expect["Vehicle.Body.Lights.Beam.Low.IsOn"]', /expect a value/],
    ['min above max', '  - { at: 5s, expect: { Vehicle.Speed: { min: 9, max: 1 } } }\n', 'steps[0].expect["Vehicle.Speed"]', /above max/],
    ['steps out of order', '  - { at: 1m, stop: true }\n  - { at: 30s, stop: true }\n', 'steps[1].at', /time order/],
  ])('refuses %s with its path', (_name, steps, path, message) => {
    const issues = issuesOf(parseScenario(`${HEADER}steps:\n${steps}`));
    expect(issues.find((i) => i.path === path), JSON.stringify(issues)).toMatchObject({ file: '<scenario>', message: expect.stringMatching(message) });
  });

  it('refuses a route of one point, a car parked at speed and a file without steps', () => {
    expect(issuesOf(parseScenario(`${HEADER}route: { name: r, points: [[1, 2]] }\nsteps: [{ at: 0, stop: true }]\n`))[0]?.path).toBe('route.points');
    expect(issuesOf(parseScenario(`${HEADER}start: { Vehicle.Speed: 40, Vehicle.Powertrain.Transmission.SelectedGear: P }\nsteps: [{ at: 0, stop: true }]\n`))[0]?.message).toMatch(/in P cannot move/);
    expect(issuesOf(parseScenario(`${HEADER}steps: []\n`))[0]?.path).toBe('steps');
    expect(issuesOf(parseScenario('description: d\nsteps: [{ at: 0, stop: true }]\n'))[0]?.path).toBe('name');
  });

  it('never throws: bad YAML, other documents and unreadable files are errors with the file named', () => {
    const yaml = issuesOf(parseScenario('name: [\n', 'broken.yaml'))[0];
    expect(yaml).toMatchObject({ file: 'broken.yaml', line: 2, message: expect.stringMatching(/^not valid YAML/) });
    for (const text of ['', '42', '- a\n- b\n', 'null', '\u0000\u0001garbage', '&a [*a]', `${HEADER}steps: 5\n`]) {
      expect(parseScenario(text).ok, text).toBe(false);
    }
    expect(issuesOf(loadScenario(join(dir, 'missing.yaml')))[0]).toMatchObject({ file: join(dir, 'missing.yaml'), message: 'no such file' });
    expect(issuesOf(loadScenario(dir))[0]?.message).toMatch(/folder/);
  });

  it('loads a file from disk and names it in errors', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `${HEADER}steps:\n  - at: 1m\n    set: { Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: 99 }\n`);
    expect(issuesOf(loadScenario(file))[0]).toMatchObject({ file, line: 5, path: 'steps[0].set["Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"]', message: expect.stringMatching(/within 16..30/) });
  });
});

describe('the weather section', () => {
  const STEPS = 'steps: [{ at: 0, stop: true }]\n';

  it('reads now, today and tomorrow into °C, % and km/h, with the place names', () => {
    const s = scenario(`${HEADER}weather:
  place: [Beijing, 北京]
  now: { condition: fog, temperature: 12, wind: 8 }
  today: { condition: cloudy, min: 7, max: 15, rain: 20 }
  tomorrow: { condition: clear, min: 5, max: 17 }
${STEPS}`);
    expect(s.weather).toEqual({
      places: ['Beijing', '北京'],
      now: { condition: 'fog', temperatureC: 12, windKmh: 8 },
      today: { condition: 'cloudy', minC: 7, maxC: 15, precipitationChance: 20 },
      tomorrow: { condition: 'clear', minC: 5, maxC: 17 },
    });
    expect(scenario(`${HEADER}weather: { place: Jakarta, today: { condition: rain, min: 24, max: 24 } }\n${STEPS}`).weather).toEqual({ places: ['Jakarta'], today: { condition: 'rain', minC: 24, maxC: 24 } });
    expect(scenario(`${HEADER}${STEPS}`).weather).toBeNull();
  });

  it('names a bad condition and a low above the high, with file, line and path', () => {
    const result = parseScenario(`${HEADER}weather:\n  now: { condition: sunny, temperature: 30 }\n  today: { condition: rain, min: 34, max: 31 }\n${STEPS}`, 'w.yaml');
    expect(issuesOf(result)).toEqual([
      { file: 'w.yaml', path: 'weather.now.condition', line: 4, message: '"sunny" is not a weather condition; use one of clear, partly_cloudy, cloudy, fog, drizzle, rain, heavy_rain, thunderstorm, snow' },
      { file: 'w.yaml', path: 'weather.today.min', line: 5, message: 'min 34 °C is above max 31 °C' },
    ]);
  });

  it.each([
    ['no part at all', 'weather: { place: Jakarta }', 'weather', /needs now, today or tomorrow/],
    ['a missing condition', 'weather: { now: { temperature: 30 } }', 'weather.now.condition', /give a condition: clear/],
    ['a missing temperature', 'weather: { now: { condition: clear } }', 'weather.now.temperature', /number of °C/],
    ['a day without its high', 'weather: { today: { condition: clear, min: 3 } }', 'weather.today.max', /number of °C/],
    ['a temperature off the scale', 'weather: { now: { condition: clear, temperature: 75 } }', 'weather.now.temperature', /at most 60 °C/],
    ['a chance of rain over 100', 'weather: { tomorrow: { condition: rain, min: 1, max: 2, rain: 120 } }', 'weather.tomorrow.rain', /0\.\.100/],
    ['negative wind', 'weather: { now: { condition: clear, temperature: 3, wind: -5 } }', 'weather.now.wind', /at least 0 km\/h/],
    ['an unknown key', 'weather: { now: { condition: clear, temperature: 3, humidity: 80 } }', 'weather.now', /Unrecognized key/],
    ['an unknown when', 'weather: { yesterday: { condition: clear, min: 1, max: 2 } }', 'weather', /Unrecognized key/],
    ['an empty place list', 'weather: { place: [], now: { condition: clear, temperature: 3 } }', 'weather.place', /at least one place/],
  ])('refuses %s with its path', (_name, weather, path, message) => {
    const issues = issuesOf(parseScenario(`${HEADER}${weather}\n${STEPS}`));
    expect(issues.find((i) => i.path === path), JSON.stringify(issues)).toMatchObject({ message: expect.stringMatching(message) });
  });
});

describe('the runner', () => {
  const timeline = scenario(`${HEADER}steps:
  - { at: 10s, say: first }
  - { at: 30s, message: { from: Sari, text: at thirty } }
  - { at: 30s, say: { text: after the message, lang: id } }
  - { at: 31s, message: { from: Budi, text: last } }
`);

  interface Delivery {
    kind: string;
    text: string;
    at: number;
  }

  function recorder(car: SimulatedVehicle, sayDelayMs = 0) {
    const delivered: Delivery[] = [];
    const fired: number[] = [];
    return {
      delivered,
      fired,
      callbacks: {
        onMessage: (m: ScenarioMessage) => {
          delivered.push({ kind: `message from ${m.from}`, text: m.text, at: car.now() });
        },
        // A say is a whole turn: slow on purpose, so a message behind it must wait.
        onSay: async (text: string, lang?: Lang) => {
          await new Promise((resolve) => setTimeout(resolve, sayDelayMs));
          delivered.push({ kind: `say${lang ? ` (${lang})` : ''}`, text, at: car.now() });
        },
        onStep: (_step: unknown, index: number) => {
          fired.push(index);
        },
      },
    };
  }

  it('fires a step at 30 s after advance(30_000) and not before', async () => {
    const car = new SimulatedVehicle();
    const { delivered, fired, callbacks } = recorder(car);
    const runner = new ScenarioRunner(car, timeline, callbacks);
    runner.start();
    car.advance(29_999);
    await runner.idle();
    expect(fired).toEqual([0]);
    expect(delivered.map((d) => d.text)).toEqual(['first']);
    car.advance(1);
    await runner.idle();
    expect(fired).toEqual([0, 1, 2]);
    expect(delivered.map((d) => [d.kind, d.text])).toEqual([
      ['say', 'first'],
      ['message from Sari', 'at thirty'],
      ['say (id)', 'after the message'],
    ]);
  });

  it('delivers messages and says in timeline order, each waiting for the one before', async () => {
    const car = new SimulatedVehicle();
    const { delivered, callbacks } = recorder(car, 5);
    const runner = new ScenarioRunner(car, timeline, callbacks);
    runner.start();
    car.advance(60_000); // everything fires at once; the slow says must not be overtaken
    await runner.idle();
    expect(delivered.map((d) => d.text)).toEqual(['first', 'at thirty', 'after the message', 'last']);
  });

  it('runs headless to the end, each delivery at its step’s time', async () => {
    const car = new SimulatedVehicle();
    const { delivered, callbacks } = recorder(car, 1);
    const progress = await new ScenarioRunner(car, timeline, callbacks).runToEnd();
    expect(delivered.map((d) => d.at)).toEqual([10_000, 30_000, 30_000, 31_000]);
    expect(progress).toMatchObject({ done: true, running: false, elapsedMs: 31_000, durationMs: 31_000, next: null });
  });

  it('reports progress, pauses on stop and starts over on reset', async () => {
    const car = new SimulatedVehicle();
    const { fired, callbacks } = recorder(car);
    const runner = new ScenarioRunner(car, timeline, callbacks);
    expect(runner.progress()).toMatchObject({ running: false, done: false, elapsedMs: 0, durationMs: 31_000, next: { index: 0, at: 10_000 } });
    runner.start();
    car.advance(12_000);
    expect(runner.progress()).toMatchObject({ running: true, elapsedMs: 12_000, next: { index: 1, at: 30_000 } });
    runner.stop();
    car.advance(60_000);
    expect(fired).toEqual([0]);
    expect(runner.progress().elapsedMs).toBe(12_000);
    runner.start();
    car.advance(18_000);
    expect(fired).toEqual([0, 1, 2]);
    runner.reset();
    expect(runner.progress()).toMatchObject({ running: false, elapsedMs: 0, next: { index: 0 } });
    runner.start();
    car.advance(10_000);
    expect(fired).toEqual([0, 1, 2, 0]);
    await runner.idle();
  });

  it('puts the car in the scenario’s start and on its route, and drives it', async () => {
    const s = scenario(`${HEADER}start: { Vehicle.Cabin.HVAC.AmbientAirTemperature: 34 }
route: { name: north, points: [[43.73, 7.42], [43.75, 7.42]] }
steps:
  - { at: 0s, drive: { speed: 36 } }
  - { at: 1m, expect: { Vehicle.Speed: 36, Vehicle.CurrentLocation.Latitude: { min: 43.7349, max: 43.7354 } } }
  - { at: 1m, set: { Vehicle.Exterior.AirTemperature: 40 } }
  - { at: 1m10s, stop: true }
  - { at: 1m20s, expect: { Vehicle.Speed: 0, Vehicle.Powertrain.Transmission.SelectedGear: P, Vehicle.Exterior.AirTemperature: 40 } }
`);
    const car = new SimulatedVehicle({ 'Vehicle.Body.Lights.Beam.Low.IsOn': true });
    const runner = new ScenarioRunner(car, s);
    runner.reset();
    expect(car.get('Vehicle.Cabin.HVAC.AmbientAirTemperature')).toBe(34);
    expect(car.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(false); // the scenario's start, not the car's
    expect(car.get('Vehicle.CurrentLocation.Latitude')).toBe(43.73);
    const progress = await runner.runToEnd();
    expect(runner.results().map((r) => r.failures)).toEqual([[], []]);
    expect(progress).toMatchObject({ passed: 2, failed: 0, problems: [] });
  });

  it('records a failed expectation with what it found, and a step the car refuses', async () => {
    const s = scenario(`${HEADER}steps:
  - { at: 0s, drive: { speed: 50 } }
  - { at: 1s, expect: { Vehicle.Speed: 50, Vehicle.Powertrain.Transmission.SelectedGear: D } }
  - { at: 20s, set: { Vehicle.Cabin.Door.Row1.DriverSide.IsLocked: false } }
`);
    const car = new SimulatedVehicle();
    const checks: unknown[] = [];
    const progress = await new ScenarioRunner(car, s, { onStep: (_s, _i, check) => check && checks.push(check) }).runToEnd();
    expect(checks).toEqual([{ index: 1, at: 1000, pass: false, failures: [{ signal: 'Vehicle.Speed', expected: 50, actual: 10.8 }] }]);
    expect(progress).toMatchObject({ passed: 0, failed: 1, problems: [{ index: 2, at: 20_000, message: expect.stringMatching(/locked while the car is moving/) }] });
    expect(car.get('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked')).toBe(true);
  });

  it('keeps going when a delivery throws, and records it', async () => {
    const s = scenario(`${HEADER}steps:\n  - { at: 1s, say: boom }\n  - { at: 2s, say: fine }\n`);
    const heard: string[] = [];
    const progress = await new ScenarioRunner(new SimulatedVehicle(), s, {
      onSay: (text) => {
        if (text === 'boom') throw new Error('the assistant fell over');
        heard.push(text);
      },
    }).runToEnd();
    expect(heard).toEqual(['fine']);
    expect(progress.problems).toEqual([{ index: 0, at: 1000, message: 'the assistant fell over' }]);
  });
});

describe('the example scenarios', () => {
  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

  it('are there: Monaco, Jakarta and Beijing', () => {
    expect(files.sort()).toEqual(['beijing-ev.yaml', 'jakarta-hot-afternoon.yaml', 'monaco-harbour.yaml']);
  });

  it.each(files)('%s loads through the schema and runs to the end with every expectation passing', async (file) => {
    const loaded = loadScenario(join(SCENARIOS, file));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const car = new SimulatedVehicle();
    const says: string[] = [];
    const messages: ScenarioMessage[] = [];
    const runner = new ScenarioRunner(car, loaded.value, { onSay: (text) => void says.push(text), onMessage: (m) => void messages.push(m) });
    const progress = await runner.runToEnd();
    expect(runner.results().filter((r) => !r.pass)).toEqual([]);
    expect(progress.passed).toBeGreaterThanOrEqual(2);
    expect(progress.problems).toEqual([]);
    expect(progress.done).toBe(true);
    expect(car.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');
    expect(car.routeProgress()?.arrived).toBe(true);
    expect(messages.length + says.length).toBeGreaterThan(0);
  });

  it('Monaco: a drive at 50 km/h, Sari at 30 s, low fuel at 1 min', () => {
    const loaded = loadScenario(join(SCENARIOS, 'monaco-harbour.yaml'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const steps = loaded.value.steps;
    expect(steps).toContainEqual({ at: 30_000, action: { type: 'message', message: expect.objectContaining({ from: 'Sari' }) } });
    expect(steps).toContainEqual({ at: 60_000, action: { type: 'set', signals: { 'Vehicle.Powertrain.FuelSystem.RelativeLevel': expect.any(Number) } } });
    expect(steps).toContainEqual({ at: expect.any(Number), action: { type: 'drive', speed: 50 } });
    for (const [lat, lon] of loaded.value.route?.points ?? []) {
      expect(lat).toBeGreaterThan(43.72); // inside Monaco
      expect(lat).toBeLessThan(43.752);
      expect(lon).toBeGreaterThan(7.409);
      expect(lon).toBeLessThan(7.44);
    }
  });

  it('Beijing: electric, with a message in Chinese; Jakarta starts at 34 °C and drives at 110 km/h', () => {
    const beijing = loadScenario(join(SCENARIOS, 'beijing-ev.yaml'));
    const jakarta = loadScenario(join(SCENARIOS, 'jakarta-hot-afternoon.yaml'));
    if (!beijing.ok || !jakarta.ok) throw new Error('an example does not load');
    expect(beijing.value.powertrain).toBe('electric');
    expect(beijing.value.steps).toContainEqual({ at: expect.any(Number), action: { type: 'message', message: expect.objectContaining({ lang: 'zh' }) } });
    expect(jakarta.value.start['Vehicle.Cabin.HVAC.AmbientAirTemperature']).toBe(34);
    expect(jakarta.value.steps).toContainEqual({ at: expect.any(Number), action: { type: 'drive', speed: 110 } });
    expect(jakarta.value.steps.filter((s) => s.action.type === 'say').length).toBeGreaterThanOrEqual(2);
  });

  it('have weather: rain and a storm in Jakarta, haze in Beijing by either name, Monaco without tomorrow', () => {
    const weather = (file: string) => {
      const loaded = loadScenario(join(SCENARIOS, file));
      if (!loaded.ok) throw new Error(loaded.error.message);
      return loaded.value.weather;
    };
    expect(weather('jakarta-hot-afternoon.yaml')).toMatchObject({ places: ['Jakarta'], now: { temperatureC: 34 }, today: { condition: 'thunderstorm' }, tomorrow: { condition: 'rain' } });
    expect(weather('beijing-ev.yaml')).toMatchObject({ places: ['Beijing', '北京'], now: { condition: 'fog', temperatureC: 12 } });
    const monaco = weather('monaco-harbour.yaml');
    expect(monaco?.today).toBeDefined();
    expect(monaco?.tomorrow).toBeUndefined();
  });

  it('the example in the README checks too', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /### Scenarios[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const result = parseScenario(block ?? '', 'README.md');
    expect(result.ok ? [] : result.error.issues).toEqual([]);
  });
});
