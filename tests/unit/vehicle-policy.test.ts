import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../main/core/compose.js';
import { isMoving, SafetyPolicy } from '../../main/core/policy/policy.js';
import { IntentCatalog } from '../../main/nlu/catalog.js';
import { initialSignals, SimulatedVehicle } from '../../main/simulator/vehicle.js';

describe('simulated vehicle', () => {
  it('starts parked, locked, windows closed, lights off, cabin at 21 °C', () => {
    const car = new SimulatedVehicle();
    expect(car.get('Vehicle.Speed')).toBe(0);
    expect(car.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');
    expect(car.get('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked')).toBe(true);
    expect(car.get('Vehicle.Cabin.Door.Row1.DriverSide.Window.Position')).toBe(0);
    expect(car.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(false);
    expect(car.get('Vehicle.Cabin.HVAC.AmbientAirTemperature')).toBe(21);
  });

  it('actuates actuators, refuses sensors and bad values, and tells subscribers what changed', () => {
    const car = new SimulatedVehicle();
    const seen: unknown[] = [];
    car.subscribe((changed) => seen.push(changed));
    expect(car.actuate('Vehicle.Body.Lights.Beam.Low.IsOn', true).ok).toBe(true);
    expect(car.actuate('Vehicle.Body.Lights.Beam.Low.IsOn', true).ok).toBe(true);
    expect(car.actuate('Vehicle.Speed', 100)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(car.actuate('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature', 99)).toMatchObject({ ok: false, error: { code: 'invalid_slots' } });
    expect(seen).toEqual([{ 'Vehicle.Body.Lights.Beam.Low.IsOn': true }]);
  });

  it('lets the simulator set sensors, and resets to the start', () => {
    const car = new SimulatedVehicle();
    expect(car.simulate({ 'Vehicle.Speed': 80, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' }).ok).toBe(true);
    expect(car.simulate({ 'Vehicle.Speed': 900 }).ok).toBe(false);
    expect(car.get('Vehicle.Speed')).toBe(80);
    car.reset();
    expect(car.snapshot()).toEqual(initialSignals());
  });
});

describe('safety policy', () => {
  const catalog = IntentCatalog.fromYaml(`
intents:
  a.allowed: { description: a, slots: {}, moving: allow, responses: [] }
  a.confirmed: { description: c, slots: {}, moving: confirm, responses: [] }
  a.denied: { description: d, slots: {}, moving: deny, responses: [] }
`);
  const policy = new SafetyPolicy(catalog);
  const parked = initialSignals();
  const rolling = { ...parked, 'Vehicle.Speed': 30, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' as const };
  const inDrive = { ...parked, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' as const };

  it('counts a car in gear or above walking pace as moving', () => {
    expect(isMoving(parked)).toBe(false);
    expect(isMoving(inDrive)).toBe(true);
    expect(isMoving(rolling)).toBe(true);
  });

  it.each([
    ['a.allowed', 'allow', 'allow'],
    ['a.confirmed', 'allow', 'confirm'],
    ['a.denied', 'allow', 'deny'],
    ['no.such', 'deny', 'deny'],
  ])('%s: parked → %s, moving → %s', (intent, whenParked, whenMoving) => {
    expect(policy.decide(intent, {}, parked).kind).toBe(whenParked);
    expect(policy.decide(intent, {}, rolling).kind).toBe(whenMoving);
  });

  it('restricts the UI while moving: no keyboard, short lists and strings', () => {
    expect(policy.restrictions(parked)).toMatchObject({ moving: false, keyboard: true });
    expect(policy.restrictions(rolling)).toEqual({ moving: true, keyboard: false, maxListItems: 6, maxChars: 120 });
  });

  it('is driven by the real catalog: lights are allowed while moving', () => {
    const real = new SafetyPolicy(loadKnowledge().catalog);
    expect(real.decide('vehicle.lights', { state: 'on', beam: 'low' }, rolling).kind).toBe('allow');
  });
});
