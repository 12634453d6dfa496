// The simulated car behind the VehicleBus. Physics (speed toward a target, position along a route,
// cabin temperature toward the set-point, fuel draining) arrives with the vehicle issue; this holds
// the signal state, checks every write against the VSS catalog and tells subscribers what changed.
import { err, ok, type Result } from '../../common/result.js';
import { SIGNALS, checkSignalValue, type SignalPath, type SignalValue, type VehicleSignals } from '../../common/vss.js';
import type { SignalListener, VehicleBus } from '../core/ports.js';

/** Parked in P, doors locked, windows closed, lights off, cabin at 21 °C. */
export function initialSignals(): VehicleSignals {
  return {
    'Vehicle.Speed': 0,
    'Vehicle.Powertrain.Transmission.SelectedGear': 'P',
    'Vehicle.Body.Lights.Beam.Low.IsOn': false,
    'Vehicle.Body.Lights.Beam.High.IsOn': false,
    'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': 21,
    'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature': 21,
    'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed': 30,
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
    'Vehicle.Powertrain.Range': 480_000,
    'Vehicle.CurrentLocation.Latitude': 43.7384,
    'Vehicle.CurrentLocation.Longitude': 7.4246,
  };
}

export class SimulatedVehicle implements VehicleBus {
  private signals: VehicleSignals;
  private readonly listeners = new Set<SignalListener>();

  constructor(start: VehicleSignals = {}) {
    this.signals = { ...initialSignals(), ...start };
  }

  get(path: SignalPath): SignalValue | undefined {
    return this.signals[path];
  }

  snapshot(): VehicleSignals {
    return { ...this.signals };
  }

  actuate(path: SignalPath, value: SignalValue): Result<void> {
    if (!SIGNALS[path].actuator) return err('not_allowed', `${path} is a sensor, not an actuator`);
    const problem = checkSignalValue(path, value);
    if (problem) return err('invalid_slots', problem);
    this.write({ [path]: value });
    return ok(undefined);
  }

  /** Simulator controls: sets any signal, sensors included (speed, gear, fuel…). Values are checked. */
  simulate(patch: VehicleSignals): Result<void> {
    for (const [path, value] of Object.entries(patch) as [SignalPath, SignalValue][]) {
      const problem = checkSignalValue(path, value);
      if (problem) return err('invalid_message', problem);
    }
    this.write(patch);
    return ok(undefined);
  }

  reset(start: VehicleSignals = {}): void {
    this.signals = {};
    this.write({ ...initialSignals(), ...start });
  }

  subscribe(listener: SignalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(patch: VehicleSignals): void {
    const changed: VehicleSignals = {};
    for (const [path, value] of Object.entries(patch) as [SignalPath, SignalValue][]) {
      if (this.signals[path] === value) continue;
      this.signals[path] = value;
      changed[path] = value;
    }
    if (Object.keys(changed).length === 0) return;
    for (const listener of this.listeners) listener(changed);
  }
}
