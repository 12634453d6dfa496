// The simulated car's physics on its explicit clock: nothing here waits for real time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signalPathsFor, type SignalPath, type VehicleSignals } from '../../common/vss.js';
import { haversineMeters, type LatLon } from '../../main/simulator/geo.js';
import { initialSignals, rangeFor, SimulatedVehicle, STEP_MS } from '../../main/simulator/vehicle.js';

const SPEED: SignalPath = 'Vehicle.Speed';
const GEAR: SignalPath = 'Vehicle.Powertrain.Transmission.SelectedGear';
const CABIN: SignalPath = 'Vehicle.Cabin.HVAC.AmbientAirTemperature';
const FUEL: SignalPath = 'Vehicle.Powertrain.FuelSystem.RelativeLevel';
const BATTERY: SignalPath = 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current';
const RANGE: SignalPath = 'Vehicle.Powertrain.Range';
const DOORS: SignalPath[] = [
  'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked',
  'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked',
];

const num = (car: SimulatedVehicle, path: SignalPath): number => {
  const value = car.get(path);
  if (typeof value !== 'number') throw new Error(`${path} is not a number: ${String(value)}`);
  return value;
};
const position = (car: SimulatedVehicle): LatLon => [num(car, 'Vehicle.CurrentLocation.Latitude'), num(car, 'Vehicle.CurrentLocation.Longitude')];

/** Samples a signal after each of `count` slices of `sliceMs`. */
function sample(car: SimulatedVehicle, path: SignalPath, count: number, sliceMs: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    car.advance(sliceMs);
    values.push(num(car, path));
  }
  return values;
}

describe('the starting car', () => {
  it('is parked in P, locked, windows closed, lights off, cabin at 21 °C, with the new signals', () => {
    const car = new SimulatedVehicle();
    expect(car.snapshot()).toMatchObject({
      [SPEED]: 0,
      [GEAR]: 'P',
      'Vehicle.Powertrain.Transmission.CurrentGear': 0,
      [CABIN]: 21,
      'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed': 30,
      'Vehicle.Cabin.HVAC.IsFrontDefrosterActive': false,
      'Vehicle.Cabin.HVAC.IsRearDefrosterActive': false,
      'Vehicle.Cabin.HVAC.IsAirConditioningActive': false,
      'Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure': 230,
      'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position': 0,
      'Vehicle.Body.Lights.Beam.High.IsOn': false,
    });
    for (const door of DOORS) expect(car.get(door)).toBe(true);
    expect(Object.keys(car.snapshot()).sort()).toEqual(signalPathsFor('combustion').sort());
    expect(car.now()).toBe(0);
  });

  it('has a battery and no fuel tank when electric, and its range follows the charge', () => {
    const car = new SimulatedVehicle({}, { powertrain: 'electric' });
    expect(car.powertrain).toBe('electric');
    expect(car.get(FUEL)).toBeUndefined();
    expect(car.get(BATTERY)).toBe(80);
    expect(car.get(RANGE)).toBe(rangeFor('electric', 80));
    expect(car.simulate({ [FUEL]: 50 })).toMatchObject({ ok: false });
    expect(Object.keys(car.snapshot()).sort()).toEqual(signalPathsFor('electric').sort());
    expect(new SimulatedVehicle().get(BATTERY)).toBeUndefined();
  });

  it('derives the range from a fuel level, set at the start or later, unless one is given', () => {
    expect(new SimulatedVehicle({ [FUEL]: 10 }).get(RANGE)).toBe(67_000); // 5 L at 7.5 L/100 km
    expect(new SimulatedVehicle({ [FUEL]: 10, [RANGE]: 12_000 }).get(RANGE)).toBe(12_000);
    expect(initialSignals()[RANGE]).toBe(480_000);
    const car = new SimulatedVehicle();
    car.simulate({ [FUEL]: 8 }); // a scenario's "fuel low", parked
    expect(car.get(RANGE)).toBe(53_000);
  });

  it('holds a starting speed and locks the doors of a car that starts moving', () => {
    const car = new SimulatedVehicle({ [SPEED]: 80, 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': false });
    expect(car.get(GEAR)).toBe('D');
    expect(car.get('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked')).toBe(true);
    car.advance(10_000);
    expect(car.get(SPEED)).toBe(80);
  });
});

describe('speed', () => {
  it('ramps up toward the target at about 3 m/s², holds it, brakes at about 5 m/s² and parks', () => {
    const car = new SimulatedVehicle();
    expect(car.setTargetSpeed(50).ok).toBe(true);
    expect(car.get(GEAR)).toBe('D');
    car.advance(1000);
    expect(num(car, SPEED)).toBeCloseTo(10.8, 1); // 3 m/s² for 1 s
    const rising = sample(car, SPEED, 40, 100);
    for (let i = 1; i < rising.length; i++) expect(rising[i]).toBeGreaterThanOrEqual(rising[i - 1] as number);
    expect(car.get(SPEED)).toBe(50);
    car.advance(20_000);
    expect(car.get(SPEED)).toBe(50);

    car.park();
    car.advance(1000);
    expect(num(car, SPEED)).toBeCloseTo(32, 1); // 5 m/s² for 1 s
    expect(car.get(GEAR)).toBe('D');
    car.advance(2000);
    expect(car.get(SPEED)).toBe(0);
    expect(car.get(GEAR)).toBe('P');
    expect(car.get('Vehicle.Powertrain.Transmission.CurrentGear')).toBe(0);
  });

  it('stops in gear for a target of 0, and refuses a target it cannot reach', () => {
    const car = new SimulatedVehicle();
    car.setTargetSpeed(30);
    car.advance(10_000);
    expect(car.get('Vehicle.Powertrain.Transmission.CurrentGear')).toBe(3);
    car.setTargetSpeed(0);
    car.advance(10_000);
    expect(car.get(SPEED)).toBe(0);
    expect(car.get(GEAR)).toBe('D');
    expect(car.setTargetSpeed(400).ok).toBe(false);
    expect(car.setTargetSpeed(-1).ok).toBe(false);
    expect(car.setTargetSpeed(Number.NaN).ok).toBe(false);
  });

  it('takes a simulated speed as the speed to hold, and P as a standstill', () => {
    const car = new SimulatedVehicle();
    expect(car.simulate({ [SPEED]: 60 }).ok).toBe(true);
    expect(car.get(GEAR)).toBe('D');
    car.advance(5000);
    expect(car.get(SPEED)).toBe(60);
    car.simulate({ [GEAR]: 'P' });
    expect(car.get(SPEED)).toBe(0);
    car.advance(5000);
    expect(car.get(SPEED)).toBe(0);
  });
});

describe('position along a route', () => {
  // Due north along a meridian, then east: distances in metres are easy to check.
  const start: LatLon = [43.73, 7.42];
  const corner: LatLon = [43.74, 7.42]; // ≈ 1112 m north
  const end: LatLon = [43.74, 7.43]; // ≈ 804 m east

  it('moves by speed × time along the first leg (±2%)', () => {
    const car = new SimulatedVehicle();
    expect(car.setRoute({ name: 'test', points: [start, corner, end] }).ok).toBe(true);
    expect(position(car)).toEqual([start[0], start[1]]);
    car.simulate({ [SPEED]: 72 }); // 20 m/s, held
    car.advance(30_000);
    const travelled = haversineMeters(start, position(car));
    expect(travelled).toBeGreaterThan(600 * 0.98);
    expect(travelled).toBeLessThan(600 * 1.02);
    expect(car.routeProgress()?.travelledM).toBeCloseTo(600, 0);
    expect(position(car)[1]).toBeCloseTo(start[1], 5); // still on the meridian
  });

  it('turns the corner onto the next leg and keeps the distance along the route', () => {
    const car = new SimulatedVehicle();
    car.setRoute({ points: [start, corner, end] });
    car.simulate({ [SPEED]: 72 });
    car.advance(70_000); // 1400 m: past the corner
    const firstLeg = haversineMeters(start, corner);
    const alongSecond = haversineMeters(corner, position(car));
    expect(firstLeg + alongSecond).toBeGreaterThan(1400 * 0.98);
    expect(firstLeg + alongSecond).toBeLessThan(1400 * 1.02);
    expect(position(car)[0]).toBeCloseTo(corner[0], 4);
  });

  it('brakes to a stop at the end of the route and sets the target to 0', () => {
    const car = new SimulatedVehicle();
    car.setRoute({ points: [start, corner, end] });
    car.setTargetSpeed(50);
    car.advance(5 * 60_000);
    expect(car.get(SPEED)).toBe(0);
    expect(car.targetSpeed()).toBe(0);
    expect(car.routeProgress()).toMatchObject({ arrived: true, remainingM: 0 });
    expect(position(car)).toEqual([end[0], end[1]]);
  });

  it('stays put without a route, and refuses a route of one point', () => {
    const car = new SimulatedVehicle();
    const before = position(car);
    car.setTargetSpeed(50);
    car.advance(60_000);
    expect(position(car)).toEqual(before);
    expect(car.setRoute({ points: [start] }).ok).toBe(false);
    expect(car.setRoute({ points: [start, [91, 0]] }).ok).toBe(false);
  });
});

describe('cabin temperature', () => {
  it('approaches the set-point monotonically at a plausible rate, and stops there', () => {
    const car = new SimulatedVehicle({ [CABIN]: 34, 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': 22 });
    car.advance(10_000);
    const dropIn10s = 34 - num(car, CABIN);
    expect(dropIn10s).toBeGreaterThan(0.2);
    expect(dropIn10s).toBeLessThan(1);
    const temps = sample(car, CABIN, 600, 1000);
    for (let i = 1; i < temps.length; i++) expect(temps[i]).toBeLessThanOrEqual(temps[i - 1] as number);
    expect(Math.min(...temps)).toBe(22);
    expect(car.get(CABIN)).toBe(22);
  });

  it('warms up toward a higher set-point too', () => {
    const car = new SimulatedVehicle({ [CABIN]: 10 });
    const temps = sample(car, CABIN, 300, 1000);
    for (let i = 1; i < temps.length; i++) expect(temps[i]).toBeGreaterThanOrEqual(temps[i - 1] as number);
    expect(car.get(CABIN)).toBe(21);
  });

  it('moves faster with a higher fan', () => {
    const dropAfterAMinute = (fan: number): number => {
      const car = new SimulatedVehicle({
        [CABIN]: 34,
        'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed': fan,
        'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed': fan,
      });
      car.advance(60_000);
      return 34 - num(car, CABIN);
    };
    expect(dropAfterAMinute(100)).toBeGreaterThan(dropAfterAMinute(0) * 1.5);
  });

  it('cools faster with the A/C on, and warms no faster for it', () => {
    const changeAfterAMinute = (from: number, ac: boolean): number => {
      const car = new SimulatedVehicle({ [CABIN]: from, 'Vehicle.Cabin.HVAC.IsAirConditioningActive': ac });
      car.advance(60_000);
      return Math.abs(from - num(car, CABIN));
    };
    expect(changeAfterAMinute(34, true)).toBeGreaterThan(changeAfterAMinute(34, false) * 1.5);
    expect(changeAfterAMinute(10, true)).toBe(changeAfterAMinute(10, false));
  });
});

describe('energy', () => {
  it('drains fuel with distance (7.5 L/100 km from 50 L) and the range follows', () => {
    const car = new SimulatedVehicle();
    car.advance(60_000);
    expect(car.get(FUEL)).toBe(72); // parked: nothing used
    car.simulate({ [SPEED]: 100 });
    car.advance(360_000); // 10 km
    expect(num(car, FUEL)).toBeCloseTo(72 - 1.5, 1); // 0.75 L of 50 L
    expect(car.get(RANGE)).toBe(470_000);
  });

  it('drains an electric car’s battery with distance (16 kWh/100 km from 60 kWh)', () => {
    const car = new SimulatedVehicle({ [SPEED]: 100 }, { powertrain: 'electric' });
    car.advance(360_000); // 10 km
    expect(num(car, BATTERY)).toBeCloseTo(80 - 2.7, 1); // 1.6 kWh of 60
    expect(car.get(RANGE)).toBe(rangeFor('electric', 80 - 1.6 / 0.6));
  });

  it('rolls to a stop when the tank runs dry', () => {
    const car = new SimulatedVehicle({ [FUEL]: 0.1, [SPEED]: 100 });
    car.advance(120_000);
    expect(car.get(FUEL)).toBe(0);
    expect(car.get(SPEED)).toBe(0);
  });
});

describe('doors', () => {
  it('stay locked while the car moves, whoever asks', () => {
    const car = new SimulatedVehicle();
    expect(car.actuate('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked', false).ok).toBe(true);
    car.setTargetSpeed(40);
    for (const door of DOORS) expect(car.get(door)).toBe(true); // in D counts as moving
    car.advance(5000);
    expect(car.actuate('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked', false)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(car.simulate({ 'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked': false }).ok).toBe(false);
    const seen: VehicleSignals[] = [];
    car.subscribe((changed) => seen.push(changed));
    car.advance(30_000);
    for (const door of DOORS) expect(car.get(door)).toBe(true);
    expect(seen.some((changed) => DOORS.some((door) => door in changed))).toBe(false);
    car.park();
    car.advance(10_000);
    expect(car.actuate('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked', false).ok).toBe(true);
  });
});

describe('the clock', () => {
  it('gives the same car however the time is sliced', () => {
    const drive = (slices: number[]): VehicleSignals => {
      const car = new SimulatedVehicle({ [CABIN]: 30 });
      car.setRoute({ points: [[43.73, 7.42], [43.74, 7.43]] });
      car.setTargetSpeed(70);
      for (const ms of slices) car.advance(ms);
      return car.snapshot();
    };
    const whole = drive([90_000]);
    expect(drive(Array.from({ length: 900 }, () => 100))).toEqual(whole);
    expect(drive([...Array.from({ length: 2727 }, () => 33), 9])).toEqual(whole);
  });

  it('keeps a remainder smaller than a step for the next call', () => {
    const car = new SimulatedVehicle();
    const ticks: number[] = [];
    car.onTick((now) => ticks.push(now));
    car.advance(STEP_MS - 1);
    expect(ticks).toEqual([]);
    car.advance(1);
    expect(ticks).toEqual([STEP_MS]);
    expect(car.now()).toBe(STEP_MS);
    expect(() => car.advance(-5)).toThrow(RangeError);
  });

  it('tells subscribers only what changed, rounded, so a parked car is silent', () => {
    const car = new SimulatedVehicle();
    const seen: VehicleSignals[] = [];
    car.subscribe((changed) => seen.push(changed));
    car.advance(60_000);
    expect(seen).toEqual([]);
    car.simulate({ [SPEED]: 100 });
    seen.length = 0;
    car.advance(10_000); // cruising without a route: only the fuel's tenth of a percent may tick over
    expect(seen.length).toBeLessThanOrEqual(2);
    for (const changed of seen) expect(Object.keys(changed).every((p) => p === FUEL || p === RANGE)).toBe(true);
    car.setTargetSpeed(50);
    car.advance(1000);
    const speed = num(car, SPEED);
    expect(Math.round(speed * 10) / 10).toBe(speed);
  });

  describe('in real time', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('advances from a timer by the time that passed, and stops when told', () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
      const car = new SimulatedVehicle();
      car.setTargetSpeed(50);
      car.startRealtime();
      expect(car.realtime).toBe(true);
      vi.advanceTimersByTime(2000);
      expect(car.now()).toBe(2000);
      expect(num(car, SPEED)).toBeGreaterThan(0);
      car.stopRealtime();
      vi.advanceTimersByTime(2000);
      expect(car.now()).toBe(2000);
      expect(car.realtime).toBe(false);
    });
  });
});
