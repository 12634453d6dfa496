// The simulated car behind the VehicleBus. It holds the signal state, checks every write against the
// VSS catalog and tells subscribers what changed; physics steps on an explicit clock (`advance`), so
// tests control time and the live simulator drives the same clock from a timer.
import { err, ok, type Result } from '../../common/result.js';
import {
  SIGNALS,
  checkSignalValue,
  hasSignal,
  signalPathsFor,
  type Gear,
  type Powertrain,
  type SignalPath,
  type SignalValue,
  type VehicleSignals,
} from '../../common/vss.js';
import { isMoving } from '../core/policy/policy.js';
import type { SignalListener, VehicleBus } from '../core/ports.js';
import { haversineMeters, interpolate, type LatLon } from './geo.js';

/** Physics advances in fixed steps so a run is the same however `advance` is sliced. */
export const STEP_MS = 100;
/** A live timer that stalls (a suspended laptop) catches up at most this much at once. */
const MAX_CATCH_UP_MS = 1000;

const KMH_PER_MPS = 3.6;
/** Brisk but ordinary driving, m/s². */
const ACCELERATION_MPS2 = 3;
const BRAKING_MPS2 = 5;
export const MAX_SPEED_KMH = 250;

// A mid-size car: range is what is left divided by what it burns.
const FUEL_TANK_L = 50;
const FUEL_L_PER_100KM = 7.5;
const BATTERY_KWH = 60;
const BATTERY_KWH_PER_100KM = 16;

/** °C per second the HVAC moves the cabin toward the set-point: slow with the fan off, ~0.5 °C per 10 s at a middling fan. */
const CABIN_RATE_BASE = 0.03;
const CABIN_RATE_PER_FAN_PERCENT = 0.0005;
/** With the A/C compressor running, cooling toward a lower set-point goes this many times faster. */
const AC_COOLING_FACTOR = 2;

/** Upshift points of a six-speed automatic in D, km/h. */
const UPSHIFT_KMH = [15, 30, 50, 70, 90];

const SPEED: SignalPath = 'Vehicle.Speed';
const GEAR: SignalPath = 'Vehicle.Powertrain.Transmission.SelectedGear';
const CURRENT_GEAR: SignalPath = 'Vehicle.Powertrain.Transmission.CurrentGear';
const CABIN: SignalPath = 'Vehicle.Cabin.HVAC.AmbientAirTemperature';
const SET_POINT: SignalPath = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature';
const FANS: SignalPath[] = ['Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed', 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed'];
const AIR_CONDITIONING: SignalPath = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';
const FUEL: SignalPath = 'Vehicle.Powertrain.FuelSystem.RelativeLevel';
const BATTERY: SignalPath = 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current';
const RANGE: SignalPath = 'Vehicle.Powertrain.Range';
const LATITUDE: SignalPath = 'Vehicle.CurrentLocation.Latitude';
const LONGITUDE: SignalPath = 'Vehicle.CurrentLocation.Longitude';
const DOOR_LOCKS: SignalPath[] = [
  'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked',
];

/** Decimal places published per signal: fine enough to read, coarse enough that a 100 ms step rarely changes them. */
const DECIMALS: Partial<Record<SignalPath, number>> = {
  [SPEED]: 1,
  [CABIN]: 1,
  [FUEL]: 1,
  [BATTERY]: 1,
  [RANGE]: -3, // whole kilometres, in metres
  [LATITUDE]: 5, // about a metre
  [LONGITUDE]: 5,
};

function rounded(path: SignalPath, value: number): number {
  const decimals = DECIMALS[path];
  if (decimals === undefined) return value;
  if (decimals >= 0) {
    const scale = 10 ** decimals;
    return Math.round(value * scale) / scale;
  }
  const unit = 10 ** -decimals;
  return Math.round(value / unit) * unit;
}

/** Metres left in a tank or battery at this level. */
export function rangeFor(powertrain: Powertrain, percent: number): number {
  const km = powertrain === 'electric' ? ((percent / 100) * BATTERY_KWH * 100) / BATTERY_KWH_PER_100KM : ((percent / 100) * FUEL_TANK_L * 100) / FUEL_L_PER_100KM;
  return rounded(RANGE, km * 1000);
}

/** Percent of the tank or battery one metre uses. */
function percentPerMeter(powertrain: Powertrain): number {
  return powertrain === 'electric' ? (BATTERY_KWH_PER_100KM / 100_000 / BATTERY_KWH) * 100 : (FUEL_L_PER_100KM / 100_000 / FUEL_TANK_L) * 100;
}

const DEFAULTS: Record<SignalPath, SignalValue> = {
  'Vehicle.Speed': 0,
  'Vehicle.Powertrain.Transmission.SelectedGear': 'P',
  'Vehicle.Powertrain.Transmission.CurrentGear': 0,
  'Vehicle.Body.Lights.Beam.Low.IsOn': false,
  'Vehicle.Body.Lights.Beam.High.IsOn': false,
  'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': 21,
  'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature': 21,
  'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed': 30,
  'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed': 30,
  'Vehicle.Cabin.HVAC.IsFrontDefrosterActive': false,
  'Vehicle.Cabin.HVAC.IsRearDefrosterActive': false,
  'Vehicle.Cabin.HVAC.IsAirConditioningActive': false,
  'Vehicle.Cabin.HVAC.AmbientAirTemperature': 21,
  'Vehicle.Exterior.AirTemperature': 28,
  'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true,
  'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked': true,
  'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked': true,
  'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked': true,
  'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position': 0,
  'Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position': 0,
  'Vehicle.Cabin.Door.Row2.DriverSide.Window.Position': 0,
  'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position': 0,
  'Vehicle.Powertrain.FuelSystem.RelativeLevel': 72,
  'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current': 80,
  'Vehicle.Powertrain.Range': 0, // derived from the energy left, below
  'Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure': 230,
  'Vehicle.Chassis.Axle.Row1.Wheel.Right.Tire.Pressure': 230,
  'Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure': 230,
  'Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure': 230,
  'Vehicle.CurrentLocation.Latitude': 43.7384,
  'Vehicle.CurrentLocation.Longitude': 7.4246,
};

const energySignal = (powertrain: Powertrain): SignalPath => (powertrain === 'electric' ? BATTERY : FUEL);

/** Parked in P, doors locked, windows closed, lights off, cabin at 21 °C; only the signals this powertrain has. */
export function initialSignals(powertrain: Powertrain = 'combustion'): VehicleSignals {
  const signals: VehicleSignals = {};
  for (const path of signalPathsFor(powertrain)) signals[path] = DEFAULTS[path];
  signals[RANGE] = rangeFor(powertrain, DEFAULTS[energySignal(powertrain)] as number);
  return signals;
}

export interface Route {
  name?: string | undefined;
  /** At least two [latitude, longitude] points, driven in order. */
  points: readonly LatLon[];
}

export interface RouteProgress {
  name: string | null;
  totalM: number;
  travelledM: number;
  remainingM: number;
  arrived: boolean;
}

interface ActiveRoute {
  name: string | null;
  points: readonly LatLon[];
  legLengths: number[];
  totalM: number;
  travelledM: number;
  /** Braking for the end: the target speed stays 0 from here on. */
  arriving: boolean;
  arrived: boolean;
}

export interface SimulatedVehicleOptions {
  /** combustion (a fuel tank) unless said otherwise. */
  powertrain?: Powertrain;
}

export type TickListener = (nowMs: number) => void;

export class SimulatedVehicle implements VehicleBus {
  private signals: VehicleSignals = {};
  private readonly listeners = new Set<SignalListener>();
  private readonly tickListeners = new Set<TickListener>();
  private kind: Powertrain;
  // Physics keeps exact values; signals carry them rounded.
  private speedKmh = 0;
  private targetKmh = 0;
  private parkWhenStopped = false;
  private cabinC = 21;
  private energyPercent = 0;
  private position: LatLon = [0, 0];
  private route: ActiveRoute | null = null;
  private clockMs = 0;
  private unsteppedMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(start: VehicleSignals = {}, options: SimulatedVehicleOptions = {}) {
    this.kind = options.powertrain ?? 'combustion';
    this.reset(start);
  }

  get powertrain(): Powertrain {
    return this.kind;
  }

  get(path: SignalPath): SignalValue | undefined {
    return this.signals[path];
  }

  snapshot(): VehicleSignals {
    return { ...this.signals };
  }

  actuate(path: SignalPath, value: SignalValue): Result<void> {
    if (!SIGNALS[path].actuator) return err('not_allowed', `${path} is a sensor, not an actuator`);
    if (!hasSignal(this.kind, path)) return err('not_allowed', `this ${this.kind} car has no ${path}`);
    const problem = checkSignalValue(path, value);
    if (problem) return err('invalid_slots', problem);
    if (DOOR_LOCKS.includes(path) && value === false && isMoving(this.signals)) return err('not_allowed', 'the doors stay locked while the car is moving');
    this.write({ [path]: value });
    return ok(undefined);
  }

  /** Simulator controls: sets any signal, sensors included (speed, gear, fuel…). Values are checked.
   *  A speed becomes the speed the car holds; a speed above 0 in P shifts to D; P stops the car. */
  simulate(patch: VehicleSignals): Result<void> {
    const problem = this.problemWith(patch);
    if (problem) return err('invalid_message', problem);
    const coupled = this.withDerivedRange(this.withMotionRules(patch));
    if (DOOR_LOCKS.some((path) => coupled[path] === false) && isMoving({ ...this.signals, ...coupled })) {
      return err('not_allowed', 'the doors stay locked while the car is moving');
    }
    this.adopt(coupled);
    this.write(coupled);
    return ok(undefined);
  }

  /** Back to the starting car (optionally another powertrain): parked defaults under `start`, no route, no target. */
  reset(start: VehicleSignals = {}, powertrain: Powertrain = this.kind): void {
    const problem = this.problemWith(start, powertrain);
    if (problem) throw new RangeError(`bad start signals: ${problem}`);
    this.kind = powertrain;
    const parked = initialSignals(powertrain);
    const signals = { ...parked, ...this.withDerivedRange(this.withMotionRules(start, parked)) };
    this.route = null;
    this.targetKmh = 0;
    this.parkWhenStopped = false;
    this.speedKmh = 0;
    this.adopt(signals);
    this.signals = {};
    this.write(signals);
  }

  subscribe(listener: SignalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- The clock ----

  /** Simulated milliseconds since the car was made (a multiple of STEP_MS). */
  now(): number {
    return this.clockMs;
  }

  /** Runs the physics forward `ms` of simulated time, in fixed steps; a remainder waits for the next call. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a number of milliseconds ≥ 0, not ${ms}`);
    this.unsteppedMs += ms;
    while (this.unsteppedMs >= STEP_MS) {
      this.unsteppedMs -= STEP_MS;
      this.clockMs += STEP_MS;
      this.step(STEP_MS / 1000);
      for (const listener of this.tickListeners) listener(this.clockMs);
    }
  }

  /** Called after every physics step with the simulated time; scenarios run on this. */
  onTick(listener: TickListener): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** For the live simulator: advances by the time that really passed. The timer never keeps Node alive. */
  startRealtime(): void {
    if (this.timer) return;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.advance(Math.min(now - last, MAX_CATCH_UP_MS));
      last = now;
    }, STEP_MS);
    this.timer.unref();
  }

  stopRealtime(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get realtime(): boolean {
    return this.timer !== null;
  }

  // ---- Driving ----

  /** The speed the car accelerates or brakes toward; above 0 it shifts out of P or N into D. */
  setTargetSpeed(kmh: number): Result<void> {
    if (!Number.isFinite(kmh) || kmh < 0 || kmh > MAX_SPEED_KMH) return err('invalid_message', `a target speed is 0..${MAX_SPEED_KMH} km/h, not ${kmh}`);
    this.targetKmh = kmh;
    this.parkWhenStopped = false;
    const gear = this.signals[GEAR];
    if (kmh > 0 && (gear === 'P' || gear === 'N')) this.write({ [GEAR]: 'D' satisfies Gear });
    return ok(undefined);
  }

  targetSpeed(): number {
    return this.targetKmh;
  }

  /** Brakes to a standstill, then shifts to P. */
  park(): void {
    this.targetKmh = 0;
    this.parkWhenStopped = true;
    if (this.speedKmh === 0) this.shiftToParkIfStopped();
  }

  /** Drives this route from its first point: the car is placed there and follows it while it has speed. */
  setRoute(route: Route): Result<void> {
    if (route.points.length < 2) return err('invalid_message', 'a route needs at least two points');
    for (const [lat, lon] of route.points) {
      if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return err('invalid_message', `[${lat}, ${lon}] is not a latitude and longitude`);
    }
    const legLengths = route.points.slice(1).map((point, i) => haversineMeters(route.points[i] as LatLon, point));
    this.route = {
      name: route.name ?? null,
      points: route.points,
      legLengths,
      totalM: legLengths.reduce((a, b) => a + b, 0),
      travelledM: 0,
      arriving: false,
      arrived: false,
    };
    this.position = route.points[0] as LatLon;
    this.write({ [LATITUDE]: rounded(LATITUDE, this.position[0]), [LONGITUDE]: rounded(LONGITUDE, this.position[1]) });
    return ok(undefined);
  }

  clearRoute(): void {
    this.route = null;
  }

  routeProgress(): RouteProgress | null {
    const route = this.route;
    if (!route) return null;
    return { name: route.name, totalM: route.totalM, travelledM: route.travelledM, remainingM: Math.max(0, route.totalM - route.travelledM), arrived: route.arrived };
  }

  // ---- Internals ----

  private step(seconds: number): void {
    const before = { speed: this.speedKmh, cabin: this.cabinC, energy: this.energyPercent, position: this.position };
    const route = this.route;
    if (route && !route.arriving && this.speedKmh > 0) {
      // Start braking when the rest of the route is about the stopping distance, so the car stops at its end.
      const mps = this.speedKmh / KMH_PER_MPS;
      const stoppingM = (mps * mps) / (2 * BRAKING_MPS2) + mps * seconds;
      if (route.totalM - route.travelledM <= stoppingM) {
        route.arriving = true;
        this.targetKmh = 0;
      }
    }
    if (this.energyPercent <= 0) this.targetKmh = 0; // an empty tank or battery rolls to a stop

    const gap = this.targetKmh - this.speedKmh;
    const maxChange = (gap > 0 ? ACCELERATION_MPS2 : BRAKING_MPS2) * KMH_PER_MPS * seconds;
    this.speedKmh += Math.sign(gap) * Math.min(Math.abs(gap), maxChange);
    const metres = ((before.speed + this.speedKmh) / 2 / KMH_PER_MPS) * seconds;

    if (metres > 0) {
      this.energyPercent = Math.max(0, this.energyPercent - metres * percentPerMeter(this.kind));
      if (route && !route.arrived) this.moveAlong(route, metres);
    }
    if (route?.arriving && this.speedKmh === 0 && !route.arrived) {
      route.arrived = true;
      route.travelledM = route.totalM;
      this.position = route.points.at(-1) as LatLon;
    }

    const setPoint = this.signals[SET_POINT];
    if (typeof setPoint === 'number' && setPoint !== this.cabinC) {
      const fans = FANS.map((path) => this.signals[path]).filter((v): v is number => typeof v === 'number');
      const fan = fans.length ? fans.reduce((a, b) => a + b, 0) / fans.length : 0;
      const gapC = setPoint - this.cabinC;
      const boost = gapC < 0 && this.signals[AIR_CONDITIONING] === true ? AC_COOLING_FACTOR : 1;
      const change = (CABIN_RATE_BASE + CABIN_RATE_PER_FAN_PERCENT * fan) * boost * seconds;
      this.cabinC += Math.sign(gapC) * Math.min(Math.abs(gapC), change);
    }

    const patch: VehicleSignals = {};
    if (this.speedKmh !== before.speed) patch[SPEED] = rounded(SPEED, this.speedKmh);
    if (this.cabinC !== before.cabin) patch[CABIN] = rounded(CABIN, this.cabinC);
    if (this.energyPercent !== before.energy) {
      const energy = energySignal(this.kind);
      patch[energy] = rounded(energy, this.energyPercent);
      patch[RANGE] = rangeFor(this.kind, this.energyPercent);
    }
    if (this.position !== before.position) {
      patch[LATITUDE] = rounded(LATITUDE, this.position[0]);
      patch[LONGITUDE] = rounded(LONGITUDE, this.position[1]);
    }
    this.write(patch);
    this.shiftToParkIfStopped();
  }

  private moveAlong(route: ActiveRoute, metres: number): void {
    route.travelledM = Math.min(route.totalM, route.travelledM + metres);
    let left = route.travelledM;
    for (let leg = 0; leg < route.legLengths.length; leg++) {
      const length = route.legLengths[leg] as number;
      if (left <= length || leg === route.legLengths.length - 1) {
        const fraction = length > 0 ? Math.min(1, left / length) : 1;
        this.position = interpolate(route.points[leg] as LatLon, route.points[leg + 1] as LatLon, fraction);
        return;
      }
      left -= length;
    }
  }

  private shiftToParkIfStopped(): void {
    if (!this.parkWhenStopped || this.speedKmh !== 0) return;
    this.parkWhenStopped = false;
    this.write({ [GEAR]: 'P' satisfies Gear });
  }

  /** Why a patch cannot be written to this car, or null. */
  private problemWith(patch: VehicleSignals, powertrain: Powertrain = this.kind): string | null {
    for (const [path, value] of Object.entries(patch) as [SignalPath, SignalValue][]) {
      if (!hasSignal(powertrain, path)) return `this ${powertrain} car has no ${path}`;
      const problem = checkSignalValue(path, value);
      if (problem) return problem;
    }
    return null;
  }

  /** A car in P does not move; a car given a speed while in P is in D. */
  private withMotionRules(patch: VehicleSignals, current: VehicleSignals = this.signals): VehicleSignals {
    const coupled = { ...patch };
    const speed = patch[SPEED];
    const gear = patch[GEAR] ?? current[GEAR];
    if (patch[GEAR] === 'P' && speed === undefined) coupled[SPEED] = 0;
    else if (typeof speed === 'number' && speed > 0 && gear === 'P') {
      if (patch[GEAR] === 'P') coupled[SPEED] = 0;
      else coupled[GEAR] = 'D' satisfies Gear;
    }
    return coupled;
  }

  /** A patch that gives the energy left but not the range gets the range that energy buys. */
  private withDerivedRange(patch: VehicleSignals): VehicleSignals {
    const energy = patch[energySignal(this.kind)];
    return typeof energy === 'number' && patch[RANGE] === undefined ? { ...patch, [RANGE]: rangeFor(this.kind, energy) } : patch;
  }

  /** Takes the physics state from signals set from outside (the simulator, a reset). */
  private adopt(patch: VehicleSignals): void {
    const number = (path: SignalPath): number | undefined => {
      const value = patch[path];
      return typeof value === 'number' ? value : undefined;
    };
    const speed = number(SPEED);
    if (speed !== undefined) {
      this.speedKmh = speed;
      this.targetKmh = speed;
      this.parkWhenStopped = false;
    }
    this.cabinC = number(CABIN) ?? this.cabinC;
    this.energyPercent = number(energySignal(this.kind)) ?? this.energyPercent;
    const lat = number(LATITUDE);
    const lon = number(LONGITUDE);
    if (lat !== undefined || lon !== undefined) this.position = [lat ?? this.position[0], lon ?? this.position[1]];
  }

  private write(patch: VehicleSignals): void {
    const next: VehicleSignals = { ...patch };
    // A moving car keeps its doors locked, whatever asked otherwise.
    if (isMoving({ ...this.signals, ...patch })) for (const path of DOOR_LOCKS) next[path] = true;
    const gear = next[GEAR] ?? this.signals[GEAR];
    const speed = next[SPEED] ?? this.signals[SPEED];
    if (typeof speed === 'number' && typeof gear === 'string') next[CURRENT_GEAR] = gearInUse(gear, speed);
    const changed: VehicleSignals = {};
    for (const [path, value] of Object.entries(next) as [SignalPath, SignalValue][]) {
      if (this.signals[path] === value) continue;
      this.signals[path] = value;
      changed[path] = value;
    }
    if (Object.keys(changed).length === 0) return;
    for (const listener of this.listeners) listener(changed);
  }
}

/** The gear an automatic is in: VSS numbers, 0 for park and neutral, -1 reverse, 1..6 forward. */
function gearInUse(selected: SignalValue, speedKmh: number): number {
  if (selected === 'R') return -1;
  if (selected !== 'D') return 0;
  return 1 + UPSHIFT_KMH.filter((kmh) => speedKmh >= kmh).length;
}
