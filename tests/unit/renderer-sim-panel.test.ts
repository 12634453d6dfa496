// The simulator panel and the driving restrictions as the renderer computes them, in plain Node:
// the `sim` event reduced into state, what the panel says about the car and the timeline, and how the
// conversation is cut down while moving.
import { describe, expect, it } from 'vitest';
import { decodeCommand, MAX_MESSAGE_CHARS, type SimEvent, type SimScenarioStatus, type StateEvent, type UxRestrictions } from '../../common/contract.js';
import {
  formatClock,
  gearOf,
  incomingMessage,
  pickedScenario,
  pickedSender,
  QUICK_SPEEDS,
  speedOf,
  timelineView,
  vehicleDetails,
} from '../../renderer/src/state/simPanel.js';
import { clipText, glance, initialUi, reduce, restrictionSummary, typingAllowed, typingNotice, type Turn } from '../../renderer/src/state/ui.js';

const PARKED: UxRestrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
const MOVING: UxRestrictions = { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 };

const status: SimScenarioStatus = {
  name: 'monaco-harbour.yaml',
  title: 'Monaco harbour to Larvotto',
  elapsedS: 45,
  durationS: 180,
  steps: [
    { atS: 0, label: 'Check Speed = 0', done: true },
    { atS: 1, label: 'Drive at 50 km/h', done: true },
    { atS: 20, label: 'Check Speed = 50', done: true, failed: true },
    { atS: 60, label: 'Set Powertrain.FuelSystem.RelativeLevel = 8', done: false },
    { atS: 180, label: 'Check Powertrain.Transmission.SelectedGear = P', done: false },
  ],
  running: true,
};

const simEvent: SimEvent = {
  type: 'sim',
  scenarios: [
    { name: 'beijing-ev.yaml', title: 'Beijing EV on Chang’an Avenue', description: 'An electric car.' },
    { name: 'monaco-harbour.yaml', title: 'Monaco harbour to Larvotto', description: 'By the harbour.' },
  ],
  scenario: status,
};

describe('renderer state: the sim event', () => {
  it('keeps the latest simulator status beside the car state, leaving the rest alone', () => {
    const state: StateEvent = { type: 'state', dialogue: 'idle', vehicle: { 'Vehicle.Speed': 12 }, restrictions: MOVING };
    let ui = reduce(initialUi(), state);
    expect(ui.sim).toBeNull();
    ui = reduce(ui, simEvent);
    expect(ui.sim).toEqual(simEvent);
    expect(ui.state).toBe(state);
    expect(ui.turns).toEqual([]);
    const later = reduce(ui, { ...simEvent, scenario: null });
    expect(later.sim?.scenario).toBeNull();
    // Pure: the earlier state is untouched.
    expect(ui.sim?.scenario).toEqual(status);
  });
});

describe('simulator panel: the car', () => {
  it('lists every live signal in words, with fuel for a combustion car', () => {
    const rows = vehicleDetails({
      'Vehicle.Speed': 52.6,
      'Vehicle.Powertrain.Transmission.SelectedGear': 'D',
      'Vehicle.Cabin.HVAC.AmbientAirTemperature': 23.44,
      'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': 21,
      'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature': 22.5,
      'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed': 40,
      'Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed': 0,
      'Vehicle.Exterior.AirTemperature': 30,
      'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position': 40,
      'Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position': 0,
      'Vehicle.Cabin.Door.Row2.DriverSide.Window.Position': 100,
      'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position': 12.6,
      'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true,
      'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked': false,
      'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked': true,
      'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked': true,
      'Vehicle.Body.Lights.Beam.Low.IsOn': true,
      'Vehicle.Body.Lights.Beam.High.IsOn': false,
      'Vehicle.Powertrain.FuelSystem.RelativeLevel': 34.6,
      'Vehicle.Powertrain.Range': 263_400,
    }).map((row) => [row.id, row.label, row.value]);
    expect(rows).toEqual([
      ['speed', 'Speed', '53 km/h'],
      ['gear', 'Gear', 'D'],
      ['cabin', 'Cabin', '23.4 °C'],
      ['setpoint', 'Set (driver / passenger)', '21 °C / 22.5 °C'],
      ['fan', 'Fan (driver / passenger)', '40% / 0%'],
      ['outside', 'Outside', '30 °C'],
      ['windows-front', 'Front windows (driver / passenger)', '40% / 0%'],
      ['windows-rear', 'Rear windows (driver / passenger)', '100% / 13%'],
      ['locks', 'Doors', '1 of 4 unlocked'],
      ['lights', 'Lights', 'low beam on, high beam off'],
      ['energy', 'Fuel', '35%'],
      ['range', 'Range', '263 km'],
    ]);
  });

  it('shows the battery for an electric car, and a dash for what the car does not report', () => {
    const rows = vehicleDetails({ 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Current': 20, 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true });
    const value = (id: string) => rows.find((row) => row.id === id);
    expect(value('energy')).toEqual({ id: 'energy', label: 'Battery', value: '20%' });
    expect(value('speed')?.value).toBe('–');
    expect(value('range')?.value).toBe('–');
    expect(value('locks')?.value).toBe('All locked');
    expect(value('lights')?.value).toBe('low beam –, high beam –');
    expect(vehicleDetails({}).find((row) => row.id === 'locks')?.value).toBe('–');
  });

  it('reads the speed and gear for the big readouts', () => {
    expect(speedOf({ 'Vehicle.Speed': 4.2 })).toBe(4.2);
    expect(speedOf({})).toBeNull();
    expect(speedOf(undefined)).toBeNull();
    expect(gearOf({ 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' })).toBe('P');
    expect(gearOf(undefined)).toBe('–');
    expect(QUICK_SPEEDS).toEqual([0, 30, 50, 80, 120]);
  });
});

describe('simulator panel: the timeline', () => {
  it('shows progress, times and which steps are done or failed', () => {
    const view = timelineView(status);
    expect(view).toMatchObject({ state: 'Running', percent: 25, elapsed: '0:45', duration: '3:00', done: 3 });
    expect(view.steps.map((step) => [step.time, step.done, step.failed])).toEqual([
      ['0:00', true, false],
      ['0:01', true, false],
      ['0:20', true, true],
      ['1:00', false, false],
      ['3:00', false, false],
    ]);
  });

  it('tells ready, paused and finished apart', () => {
    const none = status.steps.map((step) => ({ ...step, done: false }));
    expect(timelineView({ ...status, running: false, elapsedS: 0, steps: none }).state).toBe('Ready');
    expect(timelineView({ ...status, running: false }).state).toBe('Paused');
    const all = status.steps.map((step) => ({ ...step, done: true }));
    const finished = timelineView({ ...status, running: false, elapsedS: 180, steps: all });
    expect(finished).toMatchObject({ state: 'Finished', percent: 100, elapsed: '3:00' });
    // A timeline whose only step is at 0 s is finished at once, not stuck at 0%.
    expect(timelineView({ ...status, durationS: 0, elapsedS: 0, running: false, steps: [{ atS: 0, label: 'x', done: true }] }).percent).toBe(100);
  });

  it('writes clock times', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(5.9)).toBe('0:05');
    expect(formatClock(175)).toBe('2:55');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatClock(-3)).toBe('0:00');
  });

  it('keeps the picker on the tester’s choice, else on the scenario loaded, else the first', () => {
    expect(pickedScenario('beijing-ev.yaml', simEvent)).toBe('beijing-ev.yaml');
    expect(pickedScenario(null, simEvent)).toBe('monaco-harbour.yaml');
    expect(pickedScenario('gone.yaml', simEvent)).toBe('monaco-harbour.yaml');
    expect(pickedScenario(null, { ...simEvent, scenario: null })).toBe('beijing-ev.yaml');
    expect(pickedScenario(null, { type: 'sim', scenarios: [], scenario: null })).toBe('');
    expect(pickedScenario(null, null)).toBe('');
  });
});

describe('simulator panel: an incoming message', () => {
  const withContacts: SimEvent = { ...simEvent, contacts: ['Budi Santoso', 'Sari Dewi', 'Sari Wulandari', '王伟'] };

  it('keeps the sender picker on the tester’s choice while it is in the address book, else the first name', () => {
    expect(pickedSender('Sari Dewi', withContacts)).toBe('Sari Dewi');
    expect(pickedSender(null, withContacts)).toBe('Budi Santoso');
    expect(pickedSender('Someone removed', withContacts)).toBe('Budi Santoso');
    expect(pickedSender('Sari Dewi', simEvent)).toBe('');
    expect(pickedSender(null, { ...withContacts, contacts: [] })).toBe('');
    expect(pickedSender(null, null)).toBe('');
  });

  it('builds the sim.message the contract takes, trimmed, or nothing to send', () => {
    const message = incomingMessage('王伟', '  你在哪里？ ', 'zh');
    expect(message).toEqual({ type: 'sim.message', from: '王伟', text: '你在哪里？', lang: 'zh' });
    expect(decodeCommand(message)).toEqual({ ok: true, value: message });
    const longest = incomingMessage('Sari Dewi', 'y'.repeat(MAX_MESSAGE_CHARS), 'id');
    expect(longest && decodeCommand(longest).ok).toBe(true);
    expect(incomingMessage('Sari Dewi', '   ', 'en')).toBeNull();
    expect(incomingMessage('', 'Where are you?', 'en')).toBeNull();
    expect(incomingMessage('Sari Dewi', 'y'.repeat(MAX_MESSAGE_CHARS + 1), 'en')).toBeNull();
    expect(incomingMessage('x'.repeat(101), 'hi', 'en')).toBeNull();
  });
});

describe('driving restrictions on screen', () => {
  it('says the restrictions plainly', () => {
    expect(restrictionSummary(MOVING)).toBe('Moving: keyboard off, lists ≤ 6, text ≤ 120 characters');
    expect(restrictionSummary(PARKED)).toBe('Parked: lists ≤ 50, text ≤ 2000 characters');
    expect(restrictionSummary(undefined)).toBe('Waiting for the car…');
  });

  it('locks the composer in the car, and only flags it in the simulator', () => {
    expect(typingNotice('electron', MOVING)).toBe('locked');
    expect(typingAllowed('electron', MOVING)).toBe(false);
    expect(typingNotice('websocket', MOVING)).toBe('simulated');
    expect(typingAllowed('websocket', MOVING)).toBe(true);
    expect(typingNotice('electron', PARKED)).toBeNull();
    expect(typingNotice('websocket', PARKED)).toBeNull();
    expect(typingNotice('websocket', undefined)).toBeNull();
  });

  it('clips text to the limit with an ellipsis, never splitting a character', () => {
    expect(clipText('short', 120)).toBe('short');
    expect(clipText('a'.repeat(130), 120)).toBe(`${'a'.repeat(119)}…`);
    expect(clipText('a'.repeat(130), 120)).toHaveLength(120);
    expect(clipText('😀😀😀', 2)).toBe('😀…');
  });

  it('shows only the newest turns and short texts while moving, everything while parked', () => {
    const turns: Turn[] = Array.from({ length: 10 }, (_, i): Turn => (i % 2 === 0 ? { kind: 'user', id: i, text: `ask ${i}`, lang: 'en' } : { kind: 'kemudi', id: i, text: `answer ${i} ${'x'.repeat(200)}`, lang: 'en' }));
    turns.push({ kind: 'kemudi', id: 10, text: 'Status.', lang: 'en', card: { title: 'Vehicle', lines: Array.from({ length: 9 }, (_, i) => `line ${i} ${'y'.repeat(150)}`) } });

    const parked = glance(turns, PARKED);
    expect(parked.hidden).toBe(0);
    expect(parked.turns).toEqual(turns);

    const moving = glance(turns, MOVING);
    expect(moving.hidden).toBe(5);
    expect(moving.turns.map((turn) => turn.id)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(moving.turns.every((turn) => turn.text.length <= 120)).toBe(true);
    const card = moving.turns.at(-1);
    expect(card?.kind === 'kemudi' && card.card?.lines).toHaveLength(6);
    expect(card?.kind === 'kemudi' && card.card?.lines.every((line) => line.length <= 120)).toBe(true);
    // The full text stays in the state for speech output.
    expect(turns[5]?.text.length).toBeGreaterThan(120);
    expect(glance(turns, undefined).turns).toHaveLength(11);
  });
});
