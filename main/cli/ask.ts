// `kemudi ask`: the core, headless, with the simulated car. Prints every event as one JSON line,
// framed by the vehicle's signals before the first turn and after the last.
// With --scenario the timeline runs on the simulated clock to its end: each step is a "scenario" line,
// each `say` a turn whose events follow it; turns given as arguments come after the scenario.
import type { Event, Lang } from '../../common/contract.js';
import { GEARS, type Gear, type VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant, loadKnowledge, type Knowledge, type SimulatedAssistant } from '../core/compose.js';
import { LlmService } from '../llm/index.js';
import { describeAction, ScenarioRunner } from '../simulator/scenario.js';
import { parseLang, readScenarioFile, UsageError } from './usage.js';

export interface AskOptions {
  lang?: string | undefined;
  speed?: string | undefined;
  gear?: string | undefined;
  scenario?: string | undefined;
}

const write = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

/** What the touch screens keep for themselves (their lists, the models, the voice settings) is not a turn's
 *  outcome: left out, so the lines scripts read stay as they were. */
const SCREEN_ONLY: ReadonlySet<Event['type']> = new Set(['list', 'models', 'voice']);
const writeEvent = (event: Event): void => {
  if (!SCREEN_ONLY.has(event.type)) write(event);
};

/** One turn, printing the events it causes (and only those: physics between turns is not a turn's). */
async function turn(sim: SimulatedAssistant, text: string, lang: Lang | undefined): Promise<void> {
  const off = sim.assistant.on(writeEvent);
  try {
    await sim.assistant.handle({ type: 'utterance', text, source: 'text', ...(lang ? { lang } : {}) });
  } finally {
    off();
  }
}

export function startSignals(options: AskOptions): VehicleSignals {
  const start: VehicleSignals = {};
  if (options.speed !== undefined) {
    const speed = Number(options.speed);
    if (!/^\d+(\.\d+)?$/.test(options.speed) || speed > 250) throw new UsageError(`--speed takes km/h from 0 to 250, not "${options.speed}"`);
    start['Vehicle.Speed'] = speed;
  }
  if (options.gear !== undefined) {
    const gear = options.gear.toUpperCase();
    if (!(GEARS as readonly string[]).includes(gear)) throw new UsageError(`--gear must be one of ${GEARS.join(', ')}, not "${options.gear}"`);
    start['Vehicle.Powertrain.Transmission.SelectedGear'] = gear as Gear;
  }
  const speed = start['Vehicle.Speed'];
  if (typeof speed === 'number' && speed > 0) {
    if (start['Vehicle.Powertrain.Transmission.SelectedGear'] === 'P') throw new UsageError('a car in P cannot move: drop --gear P or --speed');
    start['Vehicle.Powertrain.Transmission.SelectedGear'] ??= 'D';
  }
  return start;
}

export async function runAsk(options: AskOptions, turns: string[]): Promise<number> {
  const lang = parseLang(options.lang);
  if (options.scenario !== undefined) return runScenario(options.scenario, options, lang, turns);
  const start = startSignals(options);
  if (turns.length === 0) throw new UsageError('ask needs at least one turn of text');
  const { knowledge, llm } = await openLlmFor();
  const sim = createSimulatedAssistant({ start, knowledge, fallback: llm, generator: () => llm.generator(), ...(lang ? { lang } : {}) });
  try {
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
    for (const text of turns) await turn(sim, text, lang);
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
  } finally {
    await llm.close();
    sim.close();
  }
  return 0;
}

/** The LLM when one is configured or installed, loaded before the first turn (a headless run has no
 *  screen to show it loading); without one the turns run on templates and the classifier as always. */
async function openLlmFor(): Promise<{ knowledge: Knowledge; llm: LlmService }> {
  const knowledge = loadKnowledge();
  const llm = new LlmService(knowledge.catalog, (state, detail) => {
    if (state === 'failed') process.stderr.write(`kemudi: the LLM is off: ${detail}\n`);
  });
  await llm.start();
  return { knowledge, llm };
}

/** Exits 1 when an `expect` step fails or a step could not be applied, so scripts can use a scenario as a test. */
async function runScenario(file: string, options: AskOptions, lang: Lang | undefined, turns: string[]): Promise<number> {
  if (options.speed !== undefined || options.gear !== undefined) throw new UsageError('--speed and --gear do not go with --scenario: the scenario sets how the car starts');
  const scenario = readScenarioFile(file);
  const { knowledge, llm } = await openLlmFor();
  const sim = createSimulatedAssistant({ start: scenario.start, powertrain: scenario.powertrain, knowledge, fallback: llm, generator: () => llm.generator(), ...(lang ? { lang } : {}) });
  try {
    const runner = new ScenarioRunner(sim.vehicle, scenario, {
      onSay: (text, saidIn) => turn(sim, text, saidIn ?? lang),
      // An incoming message is offered to the driver ("New message from Sari. Read it?"); its events print.
      onMessage: async (message) => {
        const off = sim.assistant.on(writeEvent);
        try {
          await sim.assistant.incoming(message.from, message.text, message.lang ?? lang ?? 'en');
        } finally {
          off();
        }
      },
      onStep: (step, index, check) => {
        const problems = runner.progress().problems.filter((p) => p.index === index);
        write({
          type: 'scenario',
          step: index,
          at: step.at / 1000,
          ...describeAction(step.action),
          ...(check ? { pass: check.pass, failures: check.failures } : {}),
          ...(problems.length ? { error: { code: 'invalid_message', message: problems.map((p) => p.message).join('; ') } } : {}),
        });
      },
    });
    runner.reset(); // the car in the scenario's starting state (its route's first point) before the first line
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
    const progress = await runner.runToEnd();
    write({ type: 'scenario', done: true, at: progress.elapsedMs / 1000, passed: progress.passed, failed: progress.failed });
    for (const text of turns) await turn(sim, text, lang);
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
    return progress.failed > 0 || progress.problems.length > 0 ? 1 : 0;
  } finally {
    await llm.close();
    sim.close();
  }
}
