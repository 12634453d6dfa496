// The simulator panel's view of the car, of a scenario's timeline and of the message it sends, as pure
// functions of contract data, so the unit tests check what the panel says without a DOM.
import { MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, type Command, type Lang, type SimEvent, type SimScenarioStatus, type VehicleSnapshot } from '../../../common/contract.js';
import { text } from '../i18n/text.js';
import { bool, num } from './ui.js';

/** The panel's quick speed buttons (km/h). */
export const QUICK_SPEEDS = [0, 30, 50, 80, 120] as const;
/** The slider's range; the contract takes 0..250 km/h. */
export const MAX_TARGET_KMH = 250;
export const SPEED_STEP_KMH = 5;

export interface DetailRow {
  id: string;
  label: string;
  value: string;
}

const UNKNOWN = '–';
const celsius = (value: number | undefined): string => (value === undefined ? UNKNOWN : `${Number.isInteger(value) ? value : value.toFixed(1)} °C`);
const percent = (value: number | undefined): string => (value === undefined ? UNKNOWN : `${Math.round(value)}%`);
const onOff = (lang: Lang, value: boolean | undefined): string => (value === undefined ? UNKNOWN : text(lang, value ? 'sim:vehicle.on' : 'sim:vehicle.off'));

/** The live speed in km/h, or null before the car has reported it. */
export function speedOf(vehicle: VehicleSnapshot | undefined): number | null {
  return vehicle ? (num(vehicle, 'Vehicle.Speed') ?? null) : null;
}

export function gearOf(vehicle: VehicleSnapshot | undefined): string {
  const gear = vehicle?.['Vehicle.Powertrain.Transmission.SelectedGear'];
  return typeof gear === 'string' ? gear : UNKNOWN;
}

function locks(vehicle: VehicleSnapshot, lang: Lang): string {
  const states = (['Row1.DriverSide', 'Row1.PassengerSide', 'Row2.DriverSide', 'Row2.PassengerSide'] as const)
    .map((door) => bool(vehicle, `Vehicle.Cabin.Door.${door}.IsLocked`))
    .filter((locked): locked is boolean => locked !== undefined);
  const unlocked = states.filter((locked) => !locked).length;
  if (states.length === 0) return UNKNOWN;
  if (unlocked === 0) return text(lang, 'sim:vehicle.allLocked');
  return unlocked === states.length ? text(lang, 'sim:vehicle.allUnlocked') : text(lang, 'sim:vehicle.someUnlocked', { unlocked, total: states.length });
}

/** Everything the panel lists about the car, in reading order. A signal the car lacks reads "–". */
export function vehicleDetails(vehicle: VehicleSnapshot, lang: Lang = 'en'): DetailRow[] {
  const label = (key: string): string => text(lang, `sim:vehicle.${key}`);
  const speed = num(vehicle, 'Vehicle.Speed');
  const battery = num(vehicle, 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current');
  const range = num(vehicle, 'Vehicle.Powertrain.Range');
  const windows = (row: 1 | 2): string =>
    `${percent(num(vehicle, `Vehicle.Cabin.Door.Row${row}.DriverSide.Window.Position`))} / ${percent(num(vehicle, `Vehicle.Cabin.Door.Row${row}.PassengerSide.Window.Position`))}`;
  return [
    { id: 'speed', label: label('speed'), value: speed === undefined ? UNKNOWN : text(lang, 'sim:drive.speedValue', { n: Math.round(speed) }) },
    { id: 'gear', label: label('gear'), value: gearOf(vehicle) },
    { id: 'cabin', label: label('cabin'), value: celsius(num(vehicle, 'Vehicle.Cabin.HVAC.AmbientAirTemperature')) },
    {
      id: 'setpoint',
      label: label('setpoint'),
      value: `${celsius(num(vehicle, 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature'))} / ${celsius(num(vehicle, 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature'))}`,
    },
    {
      id: 'fan',
      label: label('fan'),
      value: `${percent(num(vehicle, 'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed'))} / ${percent(num(vehicle, 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed'))}`,
    },
    { id: 'outside', label: label('outside'), value: celsius(num(vehicle, 'Vehicle.Exterior.AirTemperature')) },
    // A window's position is how far open it is: 0 closed, 100 fully open.
    { id: 'windows-front', label: label('windowsFront'), value: windows(1) },
    { id: 'windows-rear', label: label('windowsRear'), value: windows(2) },
    { id: 'locks', label: label('locks'), value: locks(vehicle, lang) },
    {
      id: 'lights',
      label: label('lights'),
      value: text(lang, 'sim:vehicle.beams', { low: onOff(lang, bool(vehicle, 'Vehicle.Body.Lights.Beam.Low.IsOn')), high: onOff(lang, bool(vehicle, 'Vehicle.Body.Lights.Beam.High.IsOn')) }),
    },
    // An electric car reports its battery, a combustion car its fuel: show whichever this car has.
    battery === undefined
      ? { id: 'energy', label: label('fuel'), value: percent(num(vehicle, 'Vehicle.Powertrain.FuelSystem.RelativeLevel')) }
      : { id: 'energy', label: label('battery'), value: percent(battery) },
    { id: 'range', label: label('range'), value: range === undefined ? UNKNOWN : text(lang, 'sim:vehicle.km', { n: Math.round(range / 1000) }) },
  ];
}

/** 5 → "0:05", 175 → "2:55", 3725 → "1:02:05". */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export type TimelineState = 'Ready' | 'Running' | 'Paused' | 'Finished';

export interface TimelineView {
  state: TimelineState;
  /** 0..100, for the progress bar. */
  percent: number;
  elapsed: string;
  duration: string;
  done: number;
  steps: { time: string; label: string; done: boolean; failed: boolean }[];
}

export function timelineView(scenario: SimScenarioStatus): TimelineView {
  const done = scenario.steps.filter((step) => step.done).length;
  const finished = done === scenario.steps.length;
  let state: TimelineState;
  if (scenario.running) state = 'Running';
  else if (finished) state = 'Finished';
  else state = done > 0 || scenario.elapsedS > 0 ? 'Paused' : 'Ready';
  const fraction = scenario.durationS > 0 ? scenario.elapsedS / scenario.durationS : finished ? 1 : 0;
  return {
    state,
    percent: finished ? 100 : Math.min(100, Math.round(fraction * 100)),
    elapsed: formatClock(Math.min(scenario.elapsedS, scenario.durationS)),
    duration: formatClock(scenario.durationS),
    done,
    steps: scenario.steps.map((step) => ({ time: formatClock(step.atS), label: step.label, done: step.done, failed: step.failed === true })),
  };
}

/** The picker's value: the tester's choice while it is on offer, else the scenario loaded, else the first. */
export function pickedScenario(choice: string | null, sim: SimEvent | null): string {
  const names = sim?.scenarios.map((scenario) => scenario.name) ?? [];
  if (choice !== null && names.includes(choice)) return choice;
  const loaded = sim?.scenario?.name;
  if (loaded !== undefined && names.includes(loaded)) return loaded;
  return names[0] ?? '';
}

export type SimMessage = Extract<Command, { type: 'sim.message' }>;

/** The message picker's sender: the tester's choice while it is in the address book, else its first name. */
export function pickedSender(choice: string | null, sim: SimEvent | null): string {
  const names = sim?.contacts ?? [];
  if (choice !== null && names.includes(choice)) return choice;
  return names[0] ?? '';
}

/** The `sim.message` the panel sends, or null while there is no sender or nothing to say (Send is disabled). */
export function incomingMessage(from: string, text: string, lang: Lang): SimMessage | null {
  const sender = from.trim();
  const body = text.trim();
  if (!sender || !body || sender.length > MAX_SENDER_CHARS || body.length > MAX_MESSAGE_CHARS) return null;
  return { type: 'sim.message', from: sender, text: body, lang };
}
