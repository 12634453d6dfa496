// COVESA VSS signal paths that Kemudi reads and actuates, with their value types.
// One catalog, used by the simulated vehicle, the policy, the contract and the renderer.

/** What moves the car: a fuel tank or a traction battery. Each has signals the other lacks. */
export const POWERTRAINS = ['combustion', 'electric'] as const;
export type Powertrain = (typeof POWERTRAINS)[number];

interface SignalBase {
  actuator: boolean;
  /** Present only on cars with this powertrain (fuel level on combustion, battery charge on electric). */
  powertrain?: Powertrain;
}
interface NumberSignal extends SignalBase {
  kind: 'number';
  unit: string;
  min: number;
  max: number;
}
interface BooleanSignal extends SignalBase {
  kind: 'boolean';
}
interface EnumSignal extends SignalBase {
  kind: 'enum';
  values: readonly string[];
}
export type SignalSpec = NumberSignal | BooleanSignal | EnumSignal;

const num = (unit: string, min: number, max: number, actuator = false): NumberSignal => ({
  kind: 'number',
  unit,
  min,
  max,
  actuator,
});
const bool = (actuator = false): BooleanSignal => ({ kind: 'boolean', actuator });
const onlyOn = <S extends SignalSpec>(powertrain: Powertrain, spec: S): S & { powertrain: Powertrain } => ({ ...spec, powertrain });

export const GEARS = ['P', 'R', 'N', 'D'] as const;
export type Gear = (typeof GEARS)[number];

export const SIGNALS = {
  'Vehicle.Speed': num('km/h', 0, 250),
  'Vehicle.Powertrain.Transmission.SelectedGear': { kind: 'enum', values: GEARS, actuator: false },
  // VSS counts gears: 0 is neutral (and park), negative is reverse, 1.. forward.
  'Vehicle.Powertrain.Transmission.CurrentGear': num('gear', -1, 10),
  'Vehicle.Body.Lights.Beam.Low.IsOn': bool(true),
  'Vehicle.Body.Lights.Beam.High.IsOn': bool(true),
  'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': num('celsius', 16, 30, true),
  'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature': num('celsius', 16, 30, true),
  'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed': num('percent', 0, 100, true),
  'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed': num('percent', 0, 100, true),
  'Vehicle.Cabin.HVAC.IsFrontDefrosterActive': bool(true),
  'Vehicle.Cabin.HVAC.IsRearDefrosterActive': bool(true),
  'Vehicle.Cabin.HVAC.IsAirConditioningActive': bool(true),
  'Vehicle.Cabin.HVAC.AmbientAirTemperature': num('celsius', -40, 80),
  'Vehicle.Exterior.AirTemperature': num('celsius', -40, 60),
  'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': bool(true),
  'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked': bool(true),
  'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked': bool(true),
  'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked': bool(true),
  'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position': num('percent', 0, 100, true),
  'Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position': num('percent', 0, 100, true),
  'Vehicle.Cabin.Door.Row2.DriverSide.Window.Position': num('percent', 0, 100, true),
  'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position': num('percent', 0, 100, true),
  'Vehicle.Powertrain.FuelSystem.RelativeLevel': onlyOn('combustion', num('percent', 0, 100)),
  'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current': onlyOn('electric', num('percent', 0, 100)),
  'Vehicle.Powertrain.Range': num('m', 0, 2_000_000),
  'Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure': num('kPa', 0, 1000),
  'Vehicle.Chassis.Axle.Row1.Wheel.Right.Tire.Pressure': num('kPa', 0, 1000),
  'Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure': num('kPa', 0, 1000),
  'Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure': num('kPa', 0, 1000),
  'Vehicle.CurrentLocation.Latitude': num('degrees', -90, 90),
  'Vehicle.CurrentLocation.Longitude': num('degrees', -180, 180),
} as const satisfies Record<string, SignalSpec>;

export type SignalPath = keyof typeof SIGNALS;
export type SignalValue = number | boolean | string;
/** A snapshot of signal values, path → value. */
export type VehicleSignals = Partial<Record<SignalPath, SignalValue>>;

export const SIGNAL_PATHS = Object.keys(SIGNALS) as SignalPath[];

export function isSignalPath(path: string): path is SignalPath {
  return Object.hasOwn(SIGNALS, path);
}

/** Whether a car with this powertrain has the signal: an electric car has no fuel level, a combustion car no battery charge. */
export function hasSignal(powertrain: Powertrain, path: SignalPath): boolean {
  const spec: SignalSpec = SIGNALS[path];
  return spec.powertrain === undefined || spec.powertrain === powertrain;
}

/** The signals a car with this powertrain has, in catalog order. */
export function signalPathsFor(powertrain: Powertrain): SignalPath[] {
  return SIGNAL_PATHS.filter((path) => hasSignal(powertrain, path));
}

/** Checks a value against a signal's declared type and range; returns a reason when it does not fit. */
export function checkSignalValue(path: SignalPath, value: unknown): string | null {
  const spec: SignalSpec = SIGNALS[path];
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} takes a number`;
      if (value < spec.min || value > spec.max) return `${path} must be within ${spec.min}..${spec.max} ${spec.unit}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path} takes true or false`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
        ? null
        : `${path} takes one of ${spec.values.join(', ')}`;
  }
}

// ---- Groups of signals the core and the screens both read ----

/** The doors' locks, front to back. */
export const DOOR_LOCK_SIGNALS: readonly SignalPath[] = [
  'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked',
];

/** The windows by the names the intents use (0 closed, 100 fully open). */
export const WINDOW_SIGNALS = {
  driver: 'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position',
  passenger: 'Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position',
  rear_left: 'Vehicle.Cabin.Door.Row2.DriverSide.Window.Position',
  rear_right: 'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position',
} as const satisfies Record<string, SignalPath>;

/** The tires' pressures (kPa). */
export const TIRE_SIGNALS = {
  front_left: 'Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure',
  front_right: 'Vehicle.Chassis.Axle.Row1.Wheel.Right.Tire.Pressure',
  rear_left: 'Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure',
  rear_right: 'Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure',
} as const satisfies Record<string, SignalPath>;

/** Below this (kPa) a tire is low; typical cold pressure for cars is 220–250 kPa. */
export const LOW_TIRE_KPA = 200;
