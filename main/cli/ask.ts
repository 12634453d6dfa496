// `kemudi ask`: the core, headless, with the simulated car. Prints every event as one JSON line,
// framed by the vehicle's signals before the first turn and after the last.
import { GEARS, type Gear, type VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant } from '../core/compose.js';
import { parseLang, UsageError } from './usage.js';

export interface AskOptions {
  lang?: string | undefined;
  speed?: string | undefined;
  gear?: string | undefined;
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
  const start = startSignals(options);
  if (turns.length === 0) throw new UsageError('ask needs at least one turn of text');
  const sim = createSimulatedAssistant({ start, ...(lang ? { lang } : {}) });
  const write = (value: unknown): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  try {
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
    const off = sim.assistant.on(write);
    for (const text of turns) await sim.assistant.handle({ type: 'utterance', text, source: 'text', ...(lang ? { lang } : {}) });
    off();
    write({ type: 'vehicle', signals: sim.vehicle.snapshot() });
  } finally {
    sim.close();
  }
  return 0;
}
