// Vehicle intent handlers: each turns validated slots into actuations on the bus and a spoken answer.
// Handlers trust the policy to have been asked already; they still check the car's own limits
// (temperature range, a window already closed) and answer with what the car really did.
import type { Slots } from '../../../common/contract.js';
import { DOOR_LOCK_SIGNALS, LOW_TIRE_KPA, SIGNALS, TIRE_SIGNALS, WINDOW_SIGNALS, type SignalPath, type SignalValue } from '../../../common/vss.js';
import type { HandlerOutcome, IntentHandler, Speech, VehicleBus } from '../../core/ports.js';

/** Actuates or throws: a refused actuation is a bug or a broken car, reported as an internal error. */
function set(vehicle: VehicleBus, actions: string[], path: SignalPath, value: SignalValue): void {
  if (vehicle.get(path) === value) return;
  const result = vehicle.actuate(path, value);
  if (!result.ok) throw new Error(result.error.message);
  actions.push(`${path}=${String(value)}`);
}

const num = (vehicle: VehicleBus, path: SignalPath): number | undefined => {
  const value = vehicle.get(path);
  return typeof value === 'number' ? value : undefined;
};

// ---- lights ----

const BEAM_SIGNAL = {
  low: 'Vehicle.Body.Lights.Beam.Low.IsOn',
  high: 'Vehicle.Body.Lights.Beam.High.IsOn',
} as const satisfies Record<string, SignalPath>;

export const lights: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const beam = slots.beam === 'high' ? 'high' : 'low';
  const on = slots.state === 'on';
  const path = BEAM_SIGNAL[beam];
  const params = { beam_name: { ref: `vehicle.lights.name.${beam}` }, beam_name_lower: { ref: `vehicle.lights.name_lower.${beam}` } };
  if (vehicle.get(path) === on) {
    return { say: { key: on ? 'vehicle.lights.already_on' : 'vehicle.lights.already_off', params }, actions: [] };
  }
  const actions: string[] = [];
  // High beams need the low beams on in every real car; switching low beams off takes the high beams with them.
  if (beam === 'high' && on) set(vehicle, actions, BEAM_SIGNAL.low, true);
  if (beam === 'low' && !on) set(vehicle, actions, BEAM_SIGNAL.high, false);
  set(vehicle, actions, path, on);
  return { say: { key: on ? 'vehicle.lights.on' : 'vehicle.lights.off', params }, actions };
};

// ---- defrost and air conditioning ----

const DEFROSTERS = {
  front: 'Vehicle.Cabin.HVAC.IsFrontDefrosterActive',
  rear: 'Vehicle.Cabin.HVAC.IsRearDefrosterActive',
} as const satisfies Record<string, SignalPath>;
type DefrostTarget = 'front' | 'rear' | 'both';

/** Front (the windscreen) unless the driver said rear or both: a fogged windscreen is what drivers mean. */
const defrostTargetOf = (slots: Slots): DefrostTarget => (slots.target === 'rear' || slots.target === 'both' ? slots.target : 'front');

export const defrost: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const target = defrostTargetOf(slots);
  const on = slots.state !== 'off';
  const paths = target === 'both' ? [DEFROSTERS.front, DEFROSTERS.rear] : [DEFROSTERS[target]];
  const params = { target: { ref: `vehicle.defrost.name.${target}` } };
  const actions: string[] = [];
  for (const path of paths) set(vehicle, actions, path, on);
  if (actions.length === 0) return { say: { key: on ? 'vehicle.defrost.already_on' : 'vehicle.defrost.already_off', params }, actions };
  return { say: { key: on ? 'vehicle.defrost.on' : 'vehicle.defrost.off', params }, actions };
};

const AIR_CONDITIONING: SignalPath = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';

export const airConditioning: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const on = slots.state !== 'off';
  const actions: string[] = [];
  set(vehicle, actions, AIR_CONDITIONING, on);
  if (actions.length === 0) return { say: { key: on ? 'vehicle.ac.already_on' : 'vehicle.ac.already_off' }, actions };
  return { say: { key: on ? 'vehicle.ac.on' : 'vehicle.ac.off' }, actions };
};

// ---- climate ----

const SEAT_TEMPERATURE = {
  driver: 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature',
  passenger: 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature',
} as const satisfies Record<string, SignalPath>;
const TEMPERATURE_RANGE = SIGNALS[SEAT_TEMPERATURE.driver];
type Side = 'driver' | 'passenger' | 'both';

const sideOf = (slots: Slots): Side => (slots.side === 'driver' || slots.side === 'passenger' ? slots.side : 'both');
const seatsOf = (side: Side): SignalPath[] => (side === 'both' ? [SEAT_TEMPERATURE.driver, SEAT_TEMPERATURE.passenger] : [SEAT_TEMPERATURE[side]]);
/** Set-points move in half degrees, as HVAC panels do. */
const halfDegree = (celsius: number): number => Math.round(celsius * 2) / 2;

/** Fahrenheit as said, or a bare number no one would mean in Celsius ("set it to 72"). */
function toCelsius(value: number, unit: unknown): number {
  const fahrenheit = unit === 'fahrenheit' || (value >= 60 && value <= 86);
  return halfDegree(fahrenheit ? ((value - 32) * 5) / 9 : value);
}

export const climateSet: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const side = sideOf(slots);
  const said = typeof slots.temperature === 'number' ? slots.temperature : Number.NaN;
  const celsius = toCelsius(said, slots.unit);
  const params = { side: { ref: `vehicle.climate.side.${side}` }, min: TEMPERATURE_RANGE.min, max: TEMPERATURE_RANGE.max };
  if (!Number.isFinite(celsius) || celsius < TEMPERATURE_RANGE.min || celsius > TEMPERATURE_RANGE.max) {
    return { say: { key: 'vehicle.climate.out_of_range', params }, actions: [] };
  }
  const actions: string[] = [];
  for (const seat of seatsOf(side)) set(vehicle, actions, seat, celsius);
  return { say: { key: 'vehicle.climate.set', params: { ...params, temperature: celsius } }, actions };
};

/** "A bit warmer" with no number moves the set-point by this much (°C). */
const DEFAULT_STEP = 1;

export const climateAdjust: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const side = sideOf(slots);
  const step = (typeof slots.amount === 'number' ? slots.amount : DEFAULT_STEP) * (slots.direction === 'down' ? -1 : 1);
  const seats = seatsOf(side);
  const current = num(vehicle, seats[0] as SignalPath) ?? 21;
  const target = Math.min(TEMPERATURE_RANGE.max, Math.max(TEMPERATURE_RANGE.min, halfDegree(current + step)));
  const params = { side: { ref: `vehicle.climate.side.${side}` }, temperature: target };
  if (target === current) {
    return { say: { key: step > 0 ? 'vehicle.climate.at_max' : 'vehicle.climate.at_min', params }, actions: [] };
  }
  const actions: string[] = [];
  for (const seat of seats) set(vehicle, actions, seat, target);
  return { say: { key: step > 0 ? 'vehicle.climate.warmer' : 'vehicle.climate.cooler', params }, actions };
};

const FANS: SignalPath[] = ['Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed', 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed'];
/** One "up" or "down" moves the fan by this many percent; "on" from off starts here. */
const FAN_STEP = 20;
const FAN_ON = 40;

export const fan: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const current = num(vehicle, FANS[0] as SignalPath) ?? 0;
  const level = typeof slots.level === 'number' ? slots.level : undefined;
  let target: number;
  switch (slots.action) {
    case 'off':
      target = 0;
      break;
    case 'on':
      target = current > 0 ? current : FAN_ON;
      break;
    case 'max':
      target = 100;
      break;
    case 'down':
      target = current - FAN_STEP;
      break;
    case 'set':
      // Levels are spoken 0–10, as the fan knob shows them.
      target = level !== undefined ? level * 10 : current;
      break;
    default:
      target = level !== undefined ? level * 10 : current + FAN_STEP;
  }
  target = Math.min(100, Math.max(0, target));
  const actions: string[] = [];
  for (const path of FANS) if (vehicle.get(path) !== undefined) set(vehicle, actions, path, target);
  const key = target === 0 ? 'vehicle.fan.off' : target === current ? 'vehicle.fan.unchanged' : 'vehicle.fan.set';
  return { say: { key, params: { level: Math.round(target / 10) } }, actions };
};

// ---- windows and locks ----

const WINDOWS = WINDOW_SIGNALS;
const WINDOW_GROUPS: Record<string, (keyof typeof WINDOWS)[]> = {
  driver: ['driver'],
  passenger: ['passenger'],
  rear_left: ['rear_left'],
  rear_right: ['rear_right'],
  front: ['driver', 'passenger'],
  rear: ['rear_left', 'rear_right'],
  all: ['driver', 'passenger', 'rear_left', 'rear_right'],
};

export const window: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const which = typeof slots.window === 'string' && WINDOW_GROUPS[slots.window] ? slots.window : 'driver';
  const open = slots.action === 'open';
  // VSS: 0 is closed, 100 fully open. "Open" with no amount opens fully.
  const position = open ? (typeof slots.amount === 'number' ? slots.amount : 100) : 0;
  const actions: string[] = [];
  for (const name of WINDOW_GROUPS[which] ?? []) set(vehicle, actions, WINDOWS[name], position);
  const params = { window: { ref: `vehicle.window.name.${which}` }, amount: position };
  if (actions.length === 0) return { say: { key: open ? 'vehicle.window.already_open' : 'vehicle.window.already_closed', params }, actions };
  const key = !open ? 'vehicle.window.closed' : position < 100 ? 'vehicle.window.opened_partly' : 'vehicle.window.opened';
  return { say: { key, params }, actions };
};

const DOOR_LOCKS = DOOR_LOCK_SIGNALS;

export const lock: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const locked = slots.action !== 'unlock';
  const actions: string[] = [];
  for (const door of DOOR_LOCKS) set(vehicle, actions, door, locked);
  if (actions.length === 0) return { say: { key: locked ? 'vehicle.lock.already_locked' : 'vehicle.lock.already_unlocked' }, actions };
  return { say: { key: locked ? 'vehicle.lock.locked' : 'vehicle.lock.unlocked' }, actions };
};

// ---- status ----

const TIRES = TIRE_SIGNALS;

function energy(vehicle: VehicleBus): Speech[] {
  const fuel = num(vehicle, 'Vehicle.Powertrain.FuelSystem.RelativeLevel');
  const battery = num(vehicle, 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current');
  const range = num(vehicle, 'Vehicle.Powertrain.Range');
  const km = range === undefined ? undefined : Math.round(range / 1000);
  const out: Speech[] = [];
  if (fuel !== undefined) out.push({ key: 'vehicle.status.fuel', params: { percent: Math.round(fuel) } });
  if (battery !== undefined) out.push({ key: 'vehicle.status.battery', params: { percent: Math.round(battery) } });
  if (km !== undefined) out.push({ key: 'vehicle.status.range', params: { km } });
  return out;
}

function tires(vehicle: VehicleBus): Speech[] {
  const readings = Object.entries(TIRES).flatMap(([name, path]) => {
    const kpa = num(vehicle, path);
    return kpa === undefined ? [] : [{ name, kpa }];
  });
  if (readings.length === 0) return [{ key: 'vehicle.status.unknown' }];
  const low = readings.filter((r) => r.kpa < LOW_TIRE_KPA);
  if (low.length === 0) return [{ key: 'vehicle.status.tires_ok', params: { min: Math.min(...readings.map((r) => r.kpa)), max: Math.max(...readings.map((r) => r.kpa)) } }];
  return low.map((r) => ({ key: 'vehicle.status.tire_low', params: { tire: { ref: `vehicle.status.tire.${r.name}` }, kpa: Math.round(r.kpa) } }));
}

function temperatures(vehicle: VehicleBus): Speech[] {
  const inside = num(vehicle, 'Vehicle.Cabin.HVAC.AmbientAirTemperature');
  const outside = num(vehicle, 'Vehicle.Exterior.AirTemperature');
  const setPoint = num(vehicle, SEAT_TEMPERATURE.driver);
  return [{ key: 'vehicle.status.temperature', params: { inside: Math.round(inside ?? Number.NaN), outside: Math.round(outside ?? Number.NaN), set: setPoint ?? '?' } }];
}

function doors(vehicle: VehicleBus): Speech[] {
  const unlocked = DOOR_LOCKS.filter((door) => vehicle.get(door) === false).length;
  return [unlocked === 0 ? { key: 'vehicle.status.doors_locked' } : { key: 'vehicle.status.doors_unlocked', params: { count: unlocked } }];
}

function windows(vehicle: VehicleBus): Speech[] {
  const open = Object.entries(WINDOWS).filter(([, path]) => (num(vehicle, path) ?? 0) > 0);
  return [open.length === 0 ? { key: 'vehicle.status.windows_closed' } : { key: 'vehicle.status.windows_open', params: { count: open.length } }];
}

export const status: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  let lines: Speech[];
  switch (slots.item) {
    case 'fuel':
    case 'battery':
    case 'range':
      // Asked for fuel in an electric car (or the reverse), the driver still wants to know how far it goes.
      lines = energy(vehicle);
      break;
    case 'tire_pressure':
      lines = tires(vehicle);
      break;
    case 'temperature':
      lines = temperatures(vehicle);
      break;
    case 'doors':
      lines = doors(vehicle);
      break;
    case 'windows':
      lines = windows(vehicle);
      break;
    default:
      lines = [...energy(vehicle), ...tires(vehicle), ...doors(vehicle), ...windows(vehicle)];
  }
  if (lines.length === 0) lines = [{ key: 'vehicle.status.unknown' }];
  // Spoken as one answer; the card shows the same lines one per row.
  return { say: lines, actions: [], card: { titleKey: 'card.vehicle', lines } };
};

export const vehicleHandlers: Record<string, IntentHandler> = {
  'vehicle.lights': lights,
  'vehicle.climate_set': climateSet,
  'vehicle.climate_adjust': climateAdjust,
  'vehicle.fan': fan,
  'vehicle.defrost': defrost,
  'vehicle.ac': airConditioning,
  'vehicle.window': window,
  'vehicle.lock': lock,
  'vehicle.status': status,
};
