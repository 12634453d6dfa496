// `kemudi sim`: the simulator server on 127.0.0.1, until Ctrl-C or SIGTERM. The car's physics follows the
// wall clock; with --scenario the timeline plays on it (as do scenarios started from the simulator panel), its
// `say` steps going to the assistant as typed turns.
import { basename } from 'node:path';
import { createSimulatedAssistant, loadKnowledge } from '../core/compose.js';
import { logCrashes, openProcessLog } from '../core/log.js';
import { logLlmStatus } from '../core/log-wiring.js';
import { LlmService } from '../llm/index.js';
import { installedVoiceModels, voiceModelFiles } from '../llm/models.js';
import { ModelService } from '../llm/model-service.js';
import { rendererDir } from '../core/paths.js';
import { formatTime, type ScenarioMessage } from '../simulator/scenario.js';
import { startSimServer } from '../simulator/server.js';
import { readScenarioFile, UsageError } from './usage.js';

export function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`the port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

export interface SimOptions {
  port?: string | undefined;
  scenario?: string | undefined;
}

/** Until the messaging issue routes them to the inbox, incoming messages are one line on stdout. */
export function messageLine(message: ScenarioMessage): string {
  return `message from ${message.from}: ${message.text}`;
}

export async function runSim(options: SimOptions): Promise<number> {
  const port = parsePort(options.port ?? process.env.KEMUDI_PORT);
  // A bad scenario stops us before anything listens.
  const scenario = options.scenario === undefined ? null : readScenarioFile(options.scenario);
  const write = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  // The process's log (<dataDir>/logs/kemudi.log): turns, errors, the outbox, the LLM, crashes.
  const log = openProcessLog();
  const stopCrashLog = logCrashes(log);
  const knowledge = loadKnowledge();
  const llmLog = logLlmStatus(log.child('llm'));
  // The LLM opens in the background once the simulator is up: the car works on templates meanwhile,
  // and the status strip shows the model's state (or how to get one).
  const llm = new LlmService(knowledge.catalog, (state, detail) => {
    llmLog(state, detail);
    sim.assistant.setLlmStatus(state, detail);
  });
  // The Settings screen's models and downloads (into <data dir>/models/); a language model downloaded there is
  // opened at once when none is.
  const models = new ModelService();
  models.onInstalled((model) => {
    if (model.kind === 'llm') void llm.startIfIdle();
  });
  // The same lines for the --scenario file and for scenarios started from the simulator panel.
  const sim = createSimulatedAssistant({
    knowledge,
    fallback: llm,
    generator: () => llm.generator(),
    realtime: true,
    log,
    voiceModels: () => installedVoiceModels(),
    models,
    ...(scenario ? { start: scenario.start, powertrain: scenario.powertrain } : {}),
    scenarioHooks: {
      onMessage: (message) => write(messageLine(message)),
      onStep: (step, _index, check) => {
        if (check && !check.pass) write(`scenario: expectation at ${formatTime(step.at)} failed: ${check.failures.map((f) => `${f.signal} is ${String(f.actual)}`).join(', ')}`);
      },
      // Finished once the last messages and turns have been delivered, not merely fired.
      onFinished: (finished) => write(`scenario finished: ${finished.name}`),
    },
  });
  // Listen for the stop signals before announcing the URL: whoever reads the URL may stop us at once.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const server = await startSimServer({ assistant: sim.assistant, port, rendererDir: rendererDir(), trackFile: (id) => sim.library.get(id)?.path ?? null, voiceModelFile: voiceModelFiles(), log: log.child('server') });
  process.stdout.write(`Kemudi simulator: ${server.url}\n`);
  log.child('sim').info('sim.started', { port: server.port, ...(scenario ? { scenario: scenario.name } : {}) });
  void llm.start();
  if (scenario && options.scenario !== undefined) {
    write(`Kemudi scenario: ${scenario.name} (${formatTime(scenario.durationMs)})`);
    // The simulator's reset (and the panel's Start) play it again from its start.
    sim.simulator.play(scenario, basename(options.scenario));
  }
  await stopped;
  await server.close();
  await models.close();
  await llm.close();
  sim.close();
  log.child('sim').info('sim.stopped');
  stopCrashLog();
  log.close();
  process.stdout.write('Kemudi simulator stopped.\n');
  return 0;
}
