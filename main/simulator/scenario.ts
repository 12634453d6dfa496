// Scenarios: YAML timelines that drive the simulated car ("at 30s a message from Sari; at 1m fuel low").
// A file is checked by a zod schema against the VSS catalog; every problem comes back as data naming the
// file, the line and the path, never as a crash. The runner fires steps on the vehicle's own clock.
// An optional `weather:` section gives the scenario's world its weather (now, today, tomorrow); it is
// carried in `Scenario.weather` for a SimulatedWeather (main/services/assistant/weather.ts) to answer from.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { Lang, MAX_UTTERANCE_CHARS } from '../../common/contract.js';
import { POWERTRAINS, SIGNALS, checkSignalValue, hasSignal, isSignalPath, type Powertrain, type SignalPath, type SignalSpec, type SignalValue, type VehicleSignals } from '../../common/vss.js';
import { WEATHER_CONDITIONS, type SimulatedDay, type SimulatedNow, type SimulatedWeatherData } from '../services/assistant/weather.js';
import type { LatLon } from './geo.js';
import { MAX_SPEED_KMH, STEP_MS, type Route, type SimulatedVehicle } from './vehicle.js';

// ---- What a scenario is, once checked ----

/** A numeric signal within bounds, or an exact value. */
export type Expectation = SignalValue | { min?: number; max?: number };

export interface ScenarioMessage {
  from: string;
  text: string;
  lang?: Lang;
}

export type ScenarioAction =
  | { type: 'drive'; speed: number }
  | { type: 'stop' }
  | { type: 'set'; signals: VehicleSignals }
  | { type: 'message'; message: ScenarioMessage }
  | { type: 'say'; text: string; lang?: Lang }
  | { type: 'expect'; signals: Partial<Record<SignalPath, Expectation>> };

export interface ScenarioStep {
  /** Milliseconds of simulated time from the scenario's start. */
  at: number;
  action: ScenarioAction;
}

/** The weather the scenario's world has, for `assistant.weather`; hand it to a SimulatedWeather. */
export type ScenarioWeather = SimulatedWeatherData;

export interface Scenario {
  name: string;
  description: string;
  powertrain: Powertrain;
  start: VehicleSignals;
  route: (Route & { name: string }) | null;
  /** From the file's `weather:` section; null when it has none (the assistant then has no simulated weather). */
  weather: ScenarioWeather | null;
  /** In time order. */
  steps: ScenarioStep[];
  /** When the last step fires. */
  durationMs: number;
}

export interface ScenarioIssue {
  file: string;
  /** Where in the document, e.g. steps[2].set["Vehicle.Speed"]; empty for the whole file. */
  path: string;
  /** 1-based, where the YAML node could be found. */
  line?: number;
  message: string;
}

export interface ScenarioError {
  code: 'invalid_scenario';
  file: string;
  issues: ScenarioIssue[];
  /** The issues, one per line, as `file:line: path: message`. */
  message: string;
}

export type ScenarioResult = { ok: true; value: Scenario } | { ok: false; error: ScenarioError };

// ---- Time ----

/** Longest timeline we accept: a headless run steps through all of it. */
const MAX_SCENARIO_MS = 6 * 3600_000;
const TIME = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/** "30s", "1m30s", "1h2m", or a number of seconds → milliseconds; null when it is none of those. */
export function parseTime(value: unknown): number | null {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    ms = value * 1000;
  } else if (typeof value === 'string') {
    const match = TIME.exec(value.trim());
    if (!match || value.trim() === '') return null;
    const [, hours, minutes, seconds] = match;
    ms = (Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) * 1000;
  } else {
    return null;
  }
  return Math.round(ms);
}

/** 90_000 → "1m30s"; the form the files use. */
export function formatTime(ms: number): string {
  const total = ms / 1000;
  const minutes = Math.floor(total / 60);
  const seconds = Math.round((total - minutes * 60) * 10) / 10;
  if (minutes === 0) return `${seconds}s`;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

/** A step's action as the file writes it ({drive: {speed: 50}}, {say: "…"}…), for logs and JSON lines. */
export function describeAction(action: ScenarioAction): Record<string, unknown> {
  switch (action.type) {
    case 'drive':
      return { drive: { speed: action.speed } };
    case 'stop':
      return { stop: true };
    case 'set':
      return { set: action.signals };
    case 'message':
      return { message: action.message };
    case 'say':
      return { say: action.lang ? { text: action.text, lang: action.lang } : action.text };
    case 'expect':
      return { expect: action.signals };
  }
}

// ---- The schema ----

const At = z.unknown().transform((value, ctx) => {
  const ms = parseTime(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `${value === undefined ? 'a step needs' : `${JSON.stringify(value)} is not`} a time such as 30s, 1m30s or a number of seconds` });
    return z.NEVER;
  }
  if (ms > MAX_SCENARIO_MS) {
    ctx.addIssue({ code: 'custom', message: `a scenario lasts at most ${formatTime(MAX_SCENARIO_MS)}` });
    return z.NEVER;
  }
  return ms;
});

function checkPath(path: string, powertrain: Powertrain, ctx: z.RefinementCtx): path is SignalPath {
  if (!isSignalPath(path)) {
    ctx.addIssue({ code: 'custom', message: `unknown signal ${path}`, path: [path] });
    return false;
  }
  if (!hasSignal(powertrain, path)) {
    ctx.addIssue({ code: 'custom', message: `${powertrain === 'electric' ? 'an' : 'a'} ${powertrain} car has no ${path}`, path: [path] });
    return false;
  }
  return true;
}

/** Signal path → value, each checked against the catalog and the car's powertrain. */
const signalValues = (powertrain: Powertrain) =>
  z.record(z.string(), z.unknown()).transform((signals, ctx) => {
    const checked: VehicleSignals = {};
    for (const [path, value] of Object.entries(signals)) {
      if (!checkPath(path, powertrain, ctx)) continue;
      const problem = checkSignalValue(path, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [path] });
      else checked[path] = value as SignalValue;
    }
    return checked;
  });

const Bounds = z.strictObject({ min: z.number().optional(), max: z.number().optional() });

/** Like signalValues, but a number signal may also be given bounds: { min, max }. */
const expectations = (powertrain: Powertrain) =>
  z.record(z.string(), z.unknown()).transform((signals, ctx) => {
    const checked: Partial<Record<SignalPath, Expectation>> = {};
    for (const [path, value] of Object.entries(signals)) {
      if (!checkPath(path, powertrain, ctx)) continue;
      const spec: SignalSpec = SIGNALS[path];
      if (typeof value === 'object' && value !== null) {
        const bounds = Bounds.safeParse(value);
        if (spec.kind !== 'number' || !bounds.success || (bounds.data.min === undefined && bounds.data.max === undefined)) {
          ctx.addIssue({ code: 'custom', message: `expect a value of ${path}${spec.kind === 'number' ? ', or bounds { min, max }' : ''}`, path: [path] });
        } else if (bounds.data.min !== undefined && bounds.data.max !== undefined && bounds.data.min > bounds.data.max) {
          ctx.addIssue({ code: 'custom', message: `min ${bounds.data.min} is above max ${bounds.data.max}`, path: [path] });
        } else {
          checked[path] = bounds.data;
        }
        continue;
      }
      const problem = checkSignalValue(path, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [path] });
      else checked[path] = value as SignalValue;
    }
    return checked;
  });

const Text = z.string().trim().min(1).max(MAX_UTTERANCE_CHARS);
const ACTIONS = ['drive', 'stop', 'set', 'message', 'say', 'expect'] as const;

const rawStepSchema = (powertrain: Powertrain) =>
  z.strictObject({
    at: At,
    drive: z.strictObject({ speed: z.number().min(0).max(MAX_SPEED_KMH) }).optional(),
    stop: z.literal(true).optional(),
    set: signalValues(powertrain).optional(),
    message: z.strictObject({ from: z.string().trim().min(1).max(64), text: Text, lang: Lang.optional() }).optional(),
    say: z.union([Text, z.strictObject({ text: Text, lang: Lang.optional() })]).optional(),
    expect: expectations(powertrain).optional(),
  });
type RawStep = z.output<ReturnType<typeof rawStepSchema>>;

const stepSchema = (powertrain: Powertrain) =>
  rawStepSchema(powertrain).transform((step, ctx): ScenarioStep => {
    const given = ACTIONS.filter((name) => step[name] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: given.length === 0 ? `a step needs one action: ${ACTIONS.join(', ')}` : `a step takes one action, not ${given.join(' and ')}: split it into steps at the same time`,
      });
      return z.NEVER;
    }
    return { at: step.at, action: toAction(step) };
  });

function toAction(step: RawStep): ScenarioAction {
  if (step.drive) return { type: 'drive', speed: step.drive.speed };
  if (step.stop) return { type: 'stop' };
  if (step.set) return { type: 'set', signals: step.set };
  if (step.message) return { type: 'message', message: withLang({ from: step.message.from, text: step.message.text }, step.message.lang) };
  if (step.expect) return { type: 'expect', signals: step.expect };
  const say = step.say;
  if (typeof say === 'string') return { type: 'say', text: say };
  if (say) return withLang({ type: 'say', text: say.text }, say.lang);
  throw new Error('unreachable: a step with no action passed the check');
}

/** Adds lang only when given: optional properties stay absent rather than undefined. */
function withLang<T extends object>(value: T, lang: Lang | undefined): T & { lang?: Lang } {
  return lang ? { ...value, lang } : value;
}

// ---- Weather ----
//   weather:
//     place: Jakarta                      # or a list of names: [Beijing, 北京]; the first is said back
//     now: { condition: rain, temperature: 27, rain: 90, wind: 15 }
//     today: { condition: heavy_rain, min: 24, max: 31, rain: 90 }
//     tomorrow: { condition: thunderstorm, min: 24, max: 30 }
// Temperatures in °C, rain as a chance in %, wind in km/h. Every part is optional, but not all of them.

const Condition = z.enum(WEATHER_CONDITIONS, {
  error: (issue) =>
    issue.input === undefined
      ? `give a condition: ${WEATHER_CONDITIONS.join(', ')}`
      : `${JSON.stringify(issue.input)} is not a weather condition; use one of ${WEATHER_CONDITIONS.join(', ')}`,
});
const Celsius = z.number({ error: 'a temperature is a number of °C' }).min(-60, 'a temperature is at least -60 °C').max(60, 'a temperature is at most 60 °C');
const RainChance = z.number({ error: 'rain is a chance in %, 0..100' }).min(0, 'rain is a chance in %, 0..100').max(100, 'rain is a chance in %, 0..100');
const Wind = z.number({ error: 'wind is a speed in km/h' }).min(0, 'wind is at least 0 km/h').max(300, 'wind is at most 300 km/h');
const PlaceName = z.string().trim().min(1).max(100);

const weatherNow = z.strictObject({ condition: Condition, temperature: Celsius, rain: RainChance.optional(), wind: Wind.optional() }).transform(
  (now): SimulatedNow => ({
    condition: now.condition,
    temperatureC: now.temperature,
    ...(now.rain !== undefined ? { precipitationChance: now.rain } : {}),
    ...(now.wind !== undefined ? { windKmh: now.wind } : {}),
  }),
);

const weatherDay = z
  .strictObject({ condition: Condition, min: Celsius, max: Celsius, rain: RainChance.optional(), wind: Wind.optional() })
  .superRefine((day, ctx) => {
    if (day.min > day.max) ctx.addIssue({ code: 'custom', message: `min ${day.min} °C is above max ${day.max} °C`, path: ['min'] });
  })
  .transform(
    (day): SimulatedDay => ({
      condition: day.condition,
      minC: day.min,
      maxC: day.max,
      ...(day.rain !== undefined ? { precipitationChance: day.rain } : {}),
      ...(day.wind !== undefined ? { windKmh: day.wind } : {}),
    }),
  );

const weatherSchema = z
  .strictObject({
    place: z.union([PlaceName, z.array(PlaceName).min(1, 'give at least one place name')]).optional(),
    now: weatherNow.optional(),
    today: weatherDay.optional(),
    tomorrow: weatherDay.optional(),
  })
  .superRefine((weather, ctx) => {
    if (!weather.now && !weather.today && !weather.tomorrow) ctx.addIssue({ code: 'custom', message: 'weather needs now, today or tomorrow' });
  })
  .transform(
    (weather): ScenarioWeather => ({
      places: weather.place === undefined ? [] : typeof weather.place === 'string' ? [weather.place] : weather.place,
      ...(weather.now ? { now: weather.now } : {}),
      ...(weather.today ? { today: weather.today } : {}),
      ...(weather.tomorrow ? { tomorrow: weather.tomorrow } : {}),
    }),
  );

const Point = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]);

const scenarioSchema = (powertrain: Powertrain) =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(120),
      description: z.string().trim().min(1).max(2000),
      powertrain: z.enum(POWERTRAINS).optional(),
      start: signalValues(powertrain).optional(),
      route: z.strictObject({ name: z.string().trim().min(1).max(120), points: z.array(Point).min(2, 'a route needs at least two points') }).optional(),
      weather: weatherSchema.optional(),
      steps: z.array(stepSchema(powertrain)).min(1, 'a scenario needs at least one step'),
    })
    .superRefine((scenario, ctx) => {
      const start = scenario.start ?? {};
      const speed = start['Vehicle.Speed'];
      if (typeof speed === 'number' && speed > 0 && start['Vehicle.Powertrain.Transmission.SelectedGear'] === 'P') {
        ctx.addIssue({ code: 'custom', message: 'a car in P cannot move: give another gear or no speed', path: ['start', 'Vehicle.Speed'] });
      }
      scenario.steps.forEach((step, index) => {
        const previous = scenario.steps[index - 1];
        if (previous && step.at < previous.at) {
          ctx.addIssue({ code: 'custom', message: `steps go in time order: ${formatTime(step.at)} comes before the step above it (${formatTime(previous.at)})`, path: ['steps', index, 'at'] });
        }
      });
    })
    .transform(
      (scenario): Scenario => ({
        name: scenario.name,
        description: scenario.description,
        powertrain,
        start: scenario.start ?? {},
        route: scenario.route ? { name: scenario.route.name, points: scenario.route.points.map((p): LatLon => [p[0], p[1]]) } : null,
        weather: scenario.weather ?? null,
        steps: scenario.steps,
        durationMs: scenario.steps.at(-1)?.at ?? 0,
      }),
    );

// ---- Loading ----

/** Bigger than any timeline a person writes; keeps a wrong file from being read whole. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Reads and checks a scenario file. Never throws: a missing file, bad YAML or a bad step is an error value. */
export function loadScenario(file: string): ScenarioResult {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return failure(file, [{ file, path: '', message: `the file is over ${MAX_FILE_BYTES / 1024} KiB` }]);
    return parseScenario(readFileSync(file, 'utf8'), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : `cannot read it (${code ?? String(error)})`;
    return failure(file, [{ file, path: '', message }]);
  }
}

/** Checks scenario text; `file` names it in errors. */
export function parseScenario(text: string, file = '<scenario>'): ScenarioResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    return failure(
      file,
      doc.errors.map((e) => ({ file, path: '', ...(e.linePos ? { line: e.linePos[0].line } : {}), message: `not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}` })),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure(file, [{ file, path: '', message: 'a scenario is a YAML mapping with name, description, start, route, weather and steps' }]);
  }
  // The powertrain decides which signals exist, so it is read first; a bad one is reported by the schema.
  const declared = z.enum(POWERTRAINS).safeParse((value as Record<string, unknown>).powertrain);
  const parsed = scenarioSchema(declared.success ? declared.data : 'combustion').safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue): ScenarioIssue => {
    const line = lineOf(doc, lines, issue.path);
    return { file, path: formatPath(issue.path), ...(line ? { line } : {}), message: issue.message };
  });
  // In reading order: zod reports a step's own problems after those of its fields.
  return failure(file, issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)));
}

function failure(file: string, issues: ScenarioIssue[]): ScenarioResult {
  const message = issues.map((i) => `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
  return { ok: false, error: { code: 'invalid_scenario', file, issues, message } };
}

/** steps[2].set["Vehicle.Speed"]: indexes in brackets, dotted keys quoted so the path reads back unambiguously. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_]\w*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** The line of the deepest YAML node on the path that exists. */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: unknown } | null | undefined)?.range;
    if (Array.isArray(range) && typeof range[0] === 'number') return lines.linePos(range[0]).line;
  }
  return undefined;
}

// ---- Running ----

export interface ExpectFailure {
  signal: SignalPath;
  expected: Expectation;
  actual: SignalValue | undefined;
}

export interface ExpectCheck {
  index: number;
  at: number;
  pass: boolean;
  failures: ExpectFailure[];
}

export interface ScenarioProblem {
  index: number;
  at: number;
  message: string;
}

export interface ScenarioCallbacks {
  /** An incoming message; deliveries (messages and says) come in timeline order, one after another. */
  onMessage?(message: ScenarioMessage): void | Promise<void>;
  /** What the driver says, for the assistant; the next delivery waits for the returned promise. */
  onSay?(text: string, lang?: Lang): void | Promise<void>;
  /** Every step as it fires, after its effect on the car; an expect step comes with its result. */
  onStep?(step: ScenarioStep, index: number, check?: ExpectCheck): void;
}

export interface ScenarioProgress {
  name: string;
  running: boolean;
  done: boolean;
  elapsedMs: number;
  durationMs: number;
  next: { index: number; at: number; step: ScenarioStep } | null;
  passed: number;
  failed: number;
  problems: ScenarioProblem[];
}

/** Exact for strings and booleans; numbers are compared as published, so allow for float noise. */
const TOLERANCE = 1e-6;

export function meetsExpectation(expected: Expectation, actual: SignalValue | undefined): boolean {
  if (typeof expected === 'object') {
    return typeof actual === 'number' && (expected.min === undefined || actual >= expected.min - TOLERANCE) && (expected.max === undefined || actual <= expected.max + TOLERANCE);
  }
  if (typeof expected === 'number') return typeof actual === 'number' && Math.abs(actual - expected) <= TOLERANCE;
  return actual === expected;
}

/** Plays a scenario on a simulated car. Time is the vehicle's: whoever calls `vehicle.advance` (a test,
 *  the live timer, `runToEnd`) moves the timeline, and a step fires on the first tick at or after its time. */
export class ScenarioRunner {
  private elapsedMs = 0;
  private nextIndex = 0;
  private lastTick = 0;
  private running = false;
  private prepared = false;
  private stopTicks: (() => void) | null = null;
  private checks: ExpectCheck[] = [];
  private problems: ScenarioProblem[] = [];
  private deliveries: Promise<void> = Promise.resolve();
  /** Bumped by reset, so deliveries queued before it are dropped. */
  private generation = 0;

  constructor(
    private readonly vehicle: SimulatedVehicle,
    readonly scenario: Scenario,
    private readonly callbacks: ScenarioCallbacks = {},
  ) {}

  /** Starts (or resumes after stop). The first start puts the car in the scenario's starting state. */
  start(): void {
    if (this.running) return;
    if (!this.prepared) this.prepare();
    this.running = true;
    this.lastTick = this.vehicle.now();
    this.stopTicks = this.vehicle.onTick((now) => {
      this.elapsedMs += now - this.lastTick;
      this.lastTick = now;
      this.fireDue();
    });
    this.fireDue();
  }

  /** Pauses the timeline; the car keeps whatever it was doing. */
  stop(): void {
    this.stopTicks?.();
    this.stopTicks = null;
    this.running = false;
  }

  /** Back to the beginning: the car in its starting state, nothing fired, not running. */
  reset(): void {
    this.stop();
    this.generation++;
    this.elapsedMs = 0;
    this.nextIndex = 0;
    this.checks = [];
    this.problems = [];
    this.prepare();
  }

  progress(): ScenarioProgress {
    const step = this.scenario.steps[this.nextIndex];
    return {
      name: this.scenario.name,
      running: this.running,
      done: this.done,
      elapsedMs: this.elapsedMs,
      durationMs: this.scenario.durationMs,
      next: step ? { index: this.nextIndex, at: step.at, step } : null,
      passed: this.checks.filter((c) => c.pass).length,
      failed: this.checks.filter((c) => !c.pass).length,
      problems: [...this.problems],
    };
  }

  get done(): boolean {
    return this.nextIndex >= this.scenario.steps.length;
  }

  results(): readonly ExpectCheck[] {
    return this.checks;
  }

  /** Resolves when every message and say delivered so far has been handled. */
  idle(): Promise<void> {
    return this.deliveries;
  }

  /** Headless: runs the car's clock one step at a time to the last step, waiting for each delivery
   *  (a say's whole turn) before time moves on. */
  async runToEnd(): Promise<ScenarioProgress> {
    this.start();
    await this.idle();
    while (!this.done) {
      this.vehicle.advance(STEP_MS);
      await this.idle();
    }
    this.stop();
    return this.progress();
  }

  private prepare(): void {
    this.vehicle.reset(this.scenario.start, this.scenario.powertrain);
    if (this.scenario.route) this.vehicle.setRoute(this.scenario.route);
    this.prepared = true;
  }

  private fireDue(): void {
    for (let step = this.scenario.steps[this.nextIndex]; step && step.at <= this.elapsedMs; step = this.scenario.steps[this.nextIndex]) {
      const index = this.nextIndex++;
      const check = this.perform(step, index);
      this.callbacks.onStep?.(step, index, check);
    }
  }

  private perform(step: ScenarioStep, index: number): ExpectCheck | undefined {
    const action = step.action;
    switch (action.type) {
      case 'drive': {
        const result = this.vehicle.setTargetSpeed(action.speed);
        if (!result.ok) this.problems.push({ index, at: step.at, message: result.error.message });
        return undefined;
      }
      case 'stop':
        this.vehicle.park();
        return undefined;
      case 'set': {
        const result = this.vehicle.simulate(action.signals);
        if (!result.ok) this.problems.push({ index, at: step.at, message: result.error.message });
        return undefined;
      }
      case 'message': {
        const { onMessage } = this.callbacks;
        if (onMessage) this.deliver(step, index, () => onMessage(action.message));
        return undefined;
      }
      case 'say': {
        const { onSay } = this.callbacks;
        if (onSay) this.deliver(step, index, () => onSay(action.text, action.lang));
        return undefined;
      }
      case 'expect': {
        const failures: ExpectFailure[] = [];
        for (const [signal, expected] of Object.entries(action.signals) as [SignalPath, Expectation][]) {
          const actual = this.vehicle.get(signal);
          if (!meetsExpectation(expected, actual)) failures.push({ signal, expected, actual });
        }
        const check = { index, at: step.at, pass: failures.length === 0, failures };
        this.checks.push(check);
        return check;
      }
    }
  }

  /** Queues a delivery behind the ones before it; a failing one is recorded and the queue goes on. */
  private deliver(step: ScenarioStep, index: number, run: () => void | Promise<void>): void {
    const generation = this.generation;
    this.deliveries = this.deliveries.then(async () => {
      if (generation !== this.generation) return;
      try {
        await run();
      } catch (error) {
        this.problems.push({ index, at: step.at, message: error instanceof Error ? error.message : String(error) });
      }
    });
  }
}
