// The simulator panel's side of the core: drive and park the simulated car, and pick, start, stop and
// reset a scenario from the scenarios folder. Its status (the scenarios on offer, the loaded timeline)
// goes out as `sim` events, at most a few per second of the car's clock however fast that clock runs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIO_FILE_NAME, type Lang, type SimEvent, type SimScenarioAction, type SimScenarioStatus } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { Powertrain, SignalValue, VehicleSignals } from '../../common/vss.js';
import type { SimulatorControls } from '../core/assistant.js';
import { loadScenario, ScenarioRunner, type ExpectCheck, type Expectation, type Scenario, type ScenarioAction, type ScenarioError, type ScenarioMessage, type ScenarioStep } from './scenario.js';
import type { SimulatedVehicle } from './vehicle.js';

/** Timeline progress is sent when it crosses a multiple of this much simulated time (steps firing always are). */
export const PROGRESS_EVERY_MS = 250;
/** A timeline label fits one line of the panel. */
export const MAX_LABEL_CHARS = 160;

export interface ScenarioEntry {
  /** The file name, which is what `sim.scenario` takes. */
  name: string;
  scenario: Scenario;
}

export interface ScenarioListing {
  scenarios: ScenarioEntry[];
  /** Files that do not check; they are left out of the list. */
  problems: ScenarioError[];
}

/** The scenario files in a folder, by file name; a missing folder lists nothing. Never throws. */
export function listScenarios(dir: string): ScenarioListing {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && SCENARIO_FILE_NAME.test(entry.name))
      .map((entry) => entry.name);
  } catch {
    return { scenarios: [], problems: [] };
  }
  const listing: ScenarioListing = { scenarios: [], problems: [] };
  for (const name of names.sort()) {
    const loaded = loadScenario(join(dir, name));
    if (loaded.ok) listing.scenarios.push({ name, scenario: loaded.value });
    else listing.problems.push(loaded.error);
  }
  return listing;
}

function clip(text: string, max = MAX_LABEL_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const short = (path: string): string => path.replace(/^Vehicle\./, '');

function describeExpectation(expected: Expectation): string {
  if (typeof expected !== 'object') return `= ${String(expected)}`;
  if (expected.min !== undefined && expected.max !== undefined) return `${expected.min}..${expected.max}`;
  return expected.min !== undefined ? `≥ ${expected.min}` : `≤ ${String(expected.max)}`;
}

/** One line for the panel's timeline, in words a tester reads at a glance. */
export function stepLabel(action: ScenarioAction): string {
  switch (action.type) {
    case 'drive':
      return action.speed === 0 ? 'Slow to a stop, staying in gear' : `Drive at ${action.speed} km/h`;
    case 'stop':
      return 'Brake to a stop, then P';
    case 'set':
      return clip(`Set ${(Object.entries(action.signals) as [string, SignalValue][]).map(([path, value]) => `${short(path)} = ${String(value)}`).join(', ')}`);
    case 'message':
      return clip(`Message from ${action.message.from}: “${action.message.text}”`);
    case 'say':
      return clip(`Driver says “${action.text}”`);
    case 'expect':
      return clip(`Check ${(Object.entries(action.signals) as [string, Expectation][]).map(([path, expected]) => `${short(path)} ${describeExpectation(expected)}`).join(', ')}`);
  }
}

export interface ScenarioHooks {
  /** An incoming message step, told before it is delivered (`kemudi sim` prints it). */
  onMessage?(message: ScenarioMessage): void;
  /** Every step as it fires; an expect step with its result. */
  onStep?(step: ScenarioStep, index: number, check?: ExpectCheck): void;
  /** The last step has fired and its messages and turns have been handled. */
  onFinished?(scenario: Scenario): void;
}

export interface SimulatorControllerOptions extends ScenarioHooks {
  /** The folder the scenario picker lists; null offers none. */
  scenariosDir?: string | null;
  /** The car outside any scenario: these signals over the parked defaults, this powertrain. */
  start?: VehicleSignals;
  powertrain?: Powertrain;
  /** What the driver says in a `say` step: the assistant's typed turn. */
  say?(text: string, lang?: Lang): Promise<unknown> | void;
  /** Replaces what `sim.reset` does (kept for callers that wire their own). */
  reset?(): void;
  /** Delivers an incoming message, from a scenario's step or the panel (`sim.message`); without it the
   *  panel's messages are refused. */
  receive?(message: ScenarioMessage): Result<void>;
  /** The address book's names, sorted, for the panel's message picker. */
  contacts?(): string[];
  /** Told the loaded scenario's weather (null when it gives none), which `assistant.weather` answers from. */
  weather?: { set(weather: Scenario['weather']): void };
}

interface Loaded {
  entry: ScenarioEntry;
  runner: ScenarioRunner;
}

export class SimulatorController implements SimulatorControls {
  private readonly listeners = new Set<(event: SimEvent) => void>();
  private readonly offTick: () => void;
  private readonly start: VehicleSignals;
  private readonly powertrain: Powertrain;
  private listing: ScenarioListing | null = null;
  private loaded: Loaded | null = null;
  /** Counts loads and resets, so a finished run reports only if nothing replaced it meanwhile. */
  private run = 0;
  private dirty = false;
  private scheduled = false;
  private lastBucket = -1;

  constructor(
    private readonly vehicle: SimulatedVehicle,
    private readonly options: SimulatorControllerOptions = {},
  ) {
    this.start = options.start ?? {};
    this.powertrain = options.powertrain ?? vehicle.powertrain;
    this.offTick = vehicle.onTick(() => {
      if (this.loaded) this.schedule();
    });
  }

  // ---- SimulatorControls ----

  set(signals: VehicleSignals): Result<void> {
    return this.vehicle.simulate(signals);
  }

  /** A loaded scenario plays again from its start; otherwise the car goes back to its starting state. */
  reset(): void {
    if (this.options.reset) {
      this.options.reset();
      return;
    }
    if (!this.loaded) {
      this.vehicle.reset(this.start, this.powertrain);
      return;
    }
    this.restart(this.loaded);
    this.loaded.runner.start();
    this.changed();
  }

  drive(kmh: number): Result<void> {
    return this.vehicle.setTargetSpeed(kmh);
  }

  park(): Result<void> {
    this.vehicle.park();
    return ok(undefined);
  }

  scenario(action: SimScenarioAction, name?: string): Result<void> {
    const loaded = this.loaded;
    if (action === 'stop') {
      if (!loaded) return err('not_allowed', 'no scenario is loaded');
      if (name !== undefined && name !== loaded.entry.name) return err('not_allowed', `${name} is not the scenario loaded (${loaded.entry.name})`);
      loaded.runner.stop();
      this.changed();
      return ok(undefined);
    }
    let target = loaded;
    if (name !== undefined && name !== loaded?.entry.name) {
      // Only a name from the listing is ever opened: the name is looked up, never joined into a path.
      const entry = this.find(name);
      if (!entry) return err('invalid_message', `no scenario ${name}; the scenarios are ${this.names() || 'none'}`);
      target = this.load(entry);
    }
    if (!target) return err('invalid_message', `name a scenario to ${action}: ${this.names() || 'none are installed'}`);
    this.restart(target);
    if (action === 'start') target.runner.start();
    this.changed();
    return ok(undefined);
  }

  message(from: string, text: string, lang?: Lang): Result<void> {
    if (!this.options.receive) return err('not_allowed', 'this simulator has no phone to receive messages');
    return this.options.receive({ from, text, ...(lang ? { lang } : {}) });
  }

  status(): SimEvent {
    return {
      type: 'sim',
      scenarios: this.scenarios().map(({ name, scenario }) => ({ name, title: scenario.name, description: scenario.description })),
      scenario: this.timeline(),
      // Read each time, so a contact imported while the simulator runs shows on the next status.
      ...(this.options.contacts ? { contacts: this.options.contacts() } : {}),
    };
  }

  onStatus(listener: (event: SimEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- For shells ----

  /** Plays a scenario that was checked elsewhere (`kemudi sim --scenario` takes any file) from its start. */
  play(scenario: Scenario, name: string): void {
    const target = this.load({ name, scenario });
    this.restart(target);
    target.runner.start();
    this.changed();
  }

  /** The loaded scenario's runner, for tests and shells that wait on its deliveries. */
  get runner(): ScenarioRunner | null {
    return this.loaded?.runner ?? null;
  }

  /** The scenarios on offer (read from the folder once, on first use). */
  scenarios(): readonly ScenarioEntry[] {
    return this.readListing().scenarios;
  }

  /** Scenario files in the folder that do not check. */
  problems(): readonly ScenarioError[] {
    return this.readListing().problems;
  }

  dispose(): void {
    this.loaded?.runner.stop();
    this.offTick();
    this.listeners.clear();
  }

  // ---- Internals ----

  private readListing(): ScenarioListing {
    const dir = this.options.scenariosDir;
    this.listing ??= dir ? listScenarios(dir) : { scenarios: [], problems: [] };
    return this.listing;
  }

  private find(name: string): ScenarioEntry | undefined {
    const known = this.scenarios().find((entry) => entry.name === name);
    if (known || !this.options.scenariosDir) return known;
    // A file added while the simulator runs: read the folder again once.
    this.listing = null;
    this.changed();
    return this.scenarios().find((entry) => entry.name === name);
  }

  private names(): string {
    return this.scenarios()
      .map((entry) => entry.name)
      .join(', ');
  }

  private load(entry: ScenarioEntry): Loaded {
    this.loaded?.runner.stop();
    this.options.weather?.set(entry.scenario.weather);
    const steps = entry.scenario.steps.length;
    const runner: ScenarioRunner = new ScenarioRunner(this.vehicle, entry.scenario, {
      onMessage: (message) => {
        this.options.onMessage?.(message);
        this.options.receive?.(message);
      },
      onSay: async (text, lang) => {
        await this.options.say?.(text, lang);
      },
      onStep: (step, index, check) => {
        this.options.onStep?.(step, index, check);
        if (index === steps - 1) this.finish(runner);
        this.changed();
      },
    });
    this.loaded = { entry, runner };
    return this.loaded;
  }

  private restart(target: Loaded): void {
    this.run++;
    target.runner.reset();
  }

  /** The timeline is over: stop its clock (the car carries on) and report once its turns are done. */
  private finish(runner: ScenarioRunner): void {
    runner.stop();
    const run = this.run;
    void runner.idle().then(() => {
      if (this.run === run && this.loaded?.runner === runner) this.options.onFinished?.(runner.scenario);
    });
  }

  private timeline(): SimScenarioStatus | null {
    if (!this.loaded) return null;
    const { entry, runner } = this.loaded;
    const progress = runner.progress();
    const fired = progress.next?.index ?? entry.scenario.steps.length;
    const failed = new Set([...runner.results().filter((check) => !check.pass).map((check) => check.index), ...progress.problems.map((p) => p.index)]);
    return {
      name: entry.name,
      title: entry.scenario.name,
      elapsedS: Math.round(progress.elapsedMs / 100) / 10,
      durationS: entry.scenario.durationMs / 1000,
      steps: entry.scenario.steps.map((step, index) => ({
        atS: step.at / 1000,
        label: stepLabel(step.action),
        done: index < fired,
        ...(failed.has(index) ? { failed: true } : {}),
      })),
      running: progress.running,
    };
  }

  private changed(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Coalesces everything that happens in one burst of physics steps into at most one event. */
  private schedule(): void {
    if (this.scheduled || this.listeners.size === 0) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const elapsed = this.loaded?.runner.progress().elapsedMs;
    const bucket = elapsed === undefined ? -1 : Math.floor(elapsed / PROGRESS_EVERY_MS);
    if (!this.dirty && bucket === this.lastBucket) return;
    this.dirty = false;
    this.lastBucket = bucket;
    const event = this.status();
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the timeline or the others.
      }
    }
  }
}
