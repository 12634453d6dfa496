// The simulator panel's side of the core: sim.drive, sim.park and sim.scenario through the assistant, the
// scenario list from a folder, the `sim` status events and how often they go out (on the simulated clock).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Event, SimEvent } from '../../common/contract.js';
import { Assistant } from '../../main/core/assistant.js';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant } from '../../main/core/compose.js';
import { scenariosDir } from '../../main/core/paths.js';
import { SafetyPolicy } from '../../main/core/policy/policy.js';
import { listScenarios, PROGRESS_EVERY_MS, SimulatorController, stepLabel } from '../../main/simulator/controller.js';
import type { ScenarioMessage } from '../../main/simulator/scenario.js';
import { SimulatedVehicle } from '../../main/simulator/vehicle.js';

const knowledge = loadKnowledge();
const dir = mkdtempSync(join(tmpdir(), 'kemudi-sim-panel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHORT = `name: Short drive
description: A short test drive with a turn and a message.
start:
  Vehicle.Powertrain.FuelSystem.RelativeLevel: 40
steps:
  - { at: 0s, expect: { Vehicle.Speed: 0 } }
  - { at: 1s, drive: { speed: 30 } }
  - { at: 2s, say: turn on the headlights }
  - { at: 3s, message: { from: Sari, text: Where are you? } }
  - { at: 4s, expect: { Vehicle.Speed: 200 } }
  - { at: 5s, stop: true }
`;
writeFileSync(join(dir, 'short.yaml'), SHORT);
writeFileSync(join(dir, 'broken.yaml'), 'name: Broken\ndescription: no steps\nsteps: []\n');
writeFileSync(join(dir, 'notes.txt'), 'not a scenario');
writeFileSync(join(dir, '.hidden.yaml'), SHORT);
mkdirSync(join(dir, 'nested.yaml'));

/** Lets the controller's coalesced status (a microtask) go out. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function simEvents(events: Event[]): SimEvent[] {
  return events.filter((event): event is SimEvent => event.type === 'sim');
}

describe('scenario list', () => {
  it('lists the example scenarios by file name, with their titles', () => {
    const listing = listScenarios(scenariosDir());
    expect(listing.problems).toEqual([]);
    expect(listing.scenarios.map((entry) => entry.name)).toEqual(['beijing-ev.yaml', 'jakarta-hot-afternoon.yaml', 'monaco-harbour.yaml']);
    expect(listing.scenarios.find((entry) => entry.name === 'monaco-harbour.yaml')?.scenario.name).toBe('Monaco harbour to Larvotto');
  });

  it('keeps only YAML files that check, and reads a missing folder as empty', () => {
    const listing = listScenarios(dir);
    expect(listing.scenarios.map((entry) => entry.name)).toEqual(['short.yaml']);
    expect(listing.problems.map((problem) => problem.file)).toEqual([join(dir, 'broken.yaml')]);
    expect(listScenarios(join(dir, 'missing'))).toEqual({ scenarios: [], problems: [] });
  });

  it('labels every kind of step in words', () => {
    expect(stepLabel({ type: 'drive', speed: 50 })).toBe('Drive at 50 km/h');
    expect(stepLabel({ type: 'drive', speed: 0 })).toBe('Slow to a stop, staying in gear');
    expect(stepLabel({ type: 'stop' })).toBe('Brake to a stop, then P');
    expect(stepLabel({ type: 'set', signals: { 'Vehicle.Powertrain.FuelSystem.RelativeLevel': 8 } })).toBe('Set Powertrain.FuelSystem.RelativeLevel = 8');
    expect(stepLabel({ type: 'message', message: { from: 'Sari', text: 'Where are you?' } })).toBe('Message from Sari: “Where are you?”');
    expect(stepLabel({ type: 'say', text: 'turn on the headlights' })).toBe('Driver says “turn on the headlights”');
    expect(stepLabel({ type: 'expect', signals: { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Range': { min: 1, max: 2 } } })).toBe('Check Speed = 50, Powertrain.Range 1..2');
    expect(stepLabel({ type: 'say', text: 'x'.repeat(500) }).length).toBeLessThanOrEqual(160);
  });
});

describe('simulator controls through the assistant', () => {
  let sim: SimulatedAssistant;
  const messages: ScenarioMessage[] = [];
  const finished: string[] = [];
  afterEach(() => {
    sim.close();
    messages.length = 0;
    finished.length = 0;
  });

  function open(): { sim: SimulatedAssistant; events: Event[] } {
    sim = createSimulatedAssistant({
      database: ':memory:',
      knowledge,
      scenariosDir: dir,
      scenarioHooks: { onMessage: (message) => messages.push(message), onFinished: (scenario) => finished.push(scenario.name) },
    });
    const events: Event[] = [];
    sim.assistant.on((event) => events.push(event));
    return { sim, events };
  }

  it('drives toward a target speed, stops in gear at 0, and parks', async () => {
    const { sim } = open();
    expect(await sim.assistant.handle({ type: 'sim.drive', speed: 50 })).toEqual({ ok: true, value: undefined });
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('D');
    sim.vehicle.advance(1000);
    const ramping = sim.vehicle.get('Vehicle.Speed') as number;
    expect(ramping).toBeGreaterThan(0);
    expect(ramping).toBeLessThan(50);
    sim.vehicle.advance(20_000);
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(50);
    expect(sim.assistant.snapshot().restrictions.moving).toBe(true);

    await sim.assistant.handle({ type: 'sim.drive', speed: 0 });
    sim.vehicle.advance(20_000);
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('D');

    await sim.assistant.handle({ type: 'sim.drive', speed: 30 });
    sim.vehicle.advance(10_000);
    await sim.assistant.handle({ type: 'sim.park' });
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('D');
    sim.vehicle.advance(10_000);
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');
    expect(sim.assistant.snapshot().restrictions).toMatchObject({ moving: false, keyboard: true });
  });

  it('offers the folder’s scenarios first, with nothing loaded', () => {
    const { sim } = open();
    const [state, status] = sim.assistant.initialEvents();
    expect(state?.type).toBe('state');
    expect(status).toEqual({
      type: 'sim',
      scenarios: [{ name: 'short.yaml', title: 'Short drive', description: 'A short test drive with a turn and a message.' }],
      scenario: null,
      contacts: expect.any(Array),
    });
    // The sample address book's names for the message picker: each once, sorted.
    const names = status?.type === 'sim' ? (status.contacts ?? []) : [];
    expect(names).toEqual(expect.arrayContaining(['Sari Wulandari', 'Sari Dewi', 'Budi Santoso', '王伟', 'Mom']));
    expect(names).toHaveLength(new Set(sim.contacts.all().map((contact) => contact.name)).size);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('delivers sim.message as a scenario delivers its message step: in the inbox, then offered', async () => {
    const { sim, events } = open();
    const budi = sim.contacts.resolve('Budi Santoso')[0]?.contact;
    expect(await sim.assistant.handle({ type: 'sim.message', from: 'budi santoso', text: 'Sudah sampai?', lang: 'id' })).toEqual({ ok: true, value: undefined });
    // The offer is queued behind the command; a cancel queued behind it waits for it, then ends it.
    await sim.assistant.handle({ type: 'cancel' });
    expect(events.some((event) => event.type === 'response' && event.text === 'New message from Budi Santoso. Read it?')).toBe(true);
    expect(sim.messages.recent({ limit: 5, unreadOnly: true }).map((m) => [m.contactId, m.body, m.lang])).toEqual([[budi?.id, 'Sudah sampai?', 'id']]);
    // The scenario hook is told about a scenario's steps only, not about the panel's messages.
    expect(messages).toEqual([]);

    // A number not in the address book is stored under that number.
    await sim.assistant.handle({ type: 'sim.message', from: '+6281299990000', text: 'Paket sudah dikirim' });
    expect(sim.messages.recent({ limit: 1 })[0]).toMatchObject({ number: '+6281299990000', contactId: null, body: 'Paket sudah dikirim' });
  });

  it('starts a scenario from its start, plays its steps, and stops its clock at the end', async () => {
    const { sim, events } = open();
    await sim.assistant.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': 90, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } });
    expect(await sim.assistant.handle({ type: 'sim.scenario', action: 'start', name: 'short.yaml' })).toEqual({ ok: true, value: undefined });
    // The car is back in the scenario's starting state, and the step at 0 s has fired.
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    expect(sim.vehicle.get('Vehicle.Powertrain.FuelSystem.RelativeLevel')).toBe(40);
    await settle();
    const first = simEvents(events).at(-1)?.scenario;
    expect(first).toMatchObject({ name: 'short.yaml', title: 'Short drive', running: true, durationS: 5, elapsedS: 0 });
    expect(first?.steps.map((step) => [step.atS, step.done])).toEqual([
      [0, true],
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(first?.steps[3]?.label).toBe('Message from Sari: “Where are you?”');

    sim.vehicle.advance(2500);
    await sim.simulator.runner?.idle();
    await settle();
    // The say step went to the assistant as a typed turn.
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(true);
    expect(events.some((event) => event.type === 'transcript' && event.text === 'turn on the headlights')).toBe(true);
    const middle = simEvents(events).at(-1)?.scenario;
    expect(middle?.elapsedS).toBe(2.5);
    expect(middle?.steps.filter((step) => step.done)).toHaveLength(3);

    sim.vehicle.advance(3000);
    await sim.simulator.runner?.idle();
    await settle();
    const last = simEvents(events).at(-1)?.scenario;
    expect(last?.running).toBe(false);
    expect(last?.elapsedS).toBe(5);
    expect(last?.steps.every((step) => step.done)).toBe(true);
    // The failed expectation is marked; the others are not.
    expect(last?.steps.map((step) => step.failed === true)).toEqual([false, false, false, false, true, false]);
    expect(messages).toEqual([{ from: 'Sari', text: 'Where are you?' }]);
    // The message step reached the inbox through the same delivery as the panel's sim.message.
    expect(sim.messages.recent({ limit: 5, unreadOnly: true }).map((m) => m.body)).toEqual(['Where are you?']);
    expect(finished).toEqual(['Short drive']);

    // The clock stopped with the timeline; the car brakes and parks on its own.
    sim.vehicle.advance(10_000);
    await settle();
    expect(simEvents(events).at(-1)?.scenario?.elapsedS).toBe(5);
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');
  });

  it('stops (pauses), resets to the start without running, and starts again from the beginning', async () => {
    const { sim, events } = open();
    await sim.assistant.handle({ type: 'sim.scenario', action: 'start', name: 'short.yaml' });
    sim.vehicle.advance(1500);
    expect(await sim.assistant.handle({ type: 'sim.scenario', action: 'stop' })).toEqual({ ok: true, value: undefined });
    sim.vehicle.advance(3000);
    await settle();
    const paused = simEvents(events).at(-1)?.scenario;
    expect(paused).toMatchObject({ running: false, elapsedS: 1.5 });
    expect(paused?.steps.filter((step) => step.done)).toHaveLength(2);
    // Stopping the timeline leaves the car as it was: still driving.
    expect(sim.vehicle.get('Vehicle.Speed') as number).toBeGreaterThan(0);

    await sim.assistant.handle({ type: 'sim.scenario', action: 'reset' });
    await settle();
    expect(simEvents(events).at(-1)?.scenario).toMatchObject({ running: false, elapsedS: 0 });
    expect(simEvents(events).at(-1)?.scenario?.steps.some((step) => step.done)).toBe(false);
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    expect(sim.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');

    await sim.assistant.handle({ type: 'sim.scenario', action: 'start' });
    sim.vehicle.advance(1000);
    await settle();
    expect(simEvents(events).at(-1)?.scenario).toMatchObject({ running: true, elapsedS: 1 });
  });

  it('replays a loaded scenario on sim.reset; without one, the car goes back to its start', async () => {
    const { sim } = open();
    await sim.assistant.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': 40, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } });
    await sim.assistant.handle({ type: 'sim.reset' });
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    expect(sim.simulator.runner).toBeNull();

    await sim.assistant.handle({ type: 'sim.scenario', action: 'start', name: 'short.yaml' });
    sim.vehicle.advance(3000);
    await sim.assistant.handle({ type: 'sim.reset' });
    expect(sim.simulator.runner?.progress()).toMatchObject({ running: true, elapsedMs: 0 });
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
  });

  it('refuses scenarios that are not on the list, and stop or start with nothing loaded', async () => {
    const { sim, events } = open();
    expect(await sim.assistant.handle({ type: 'sim.scenario', action: 'stop' })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await sim.assistant.handle({ type: 'sim.scenario', action: 'start' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const unknown = await sim.assistant.handle({ type: 'sim.scenario', id: 'u1', action: 'start', name: 'broken.yaml' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(!unknown.ok && unknown.error.message).toContain('short.yaml');
    // A file that matches the name pattern but is hidden, or a folder, never loads.
    expect((await sim.assistant.handle({ type: 'sim.scenario', action: 'start', name: 'nested.yaml' })).ok).toBe(false);
    expect(events.filter((event) => event.type === 'error').map((event) => event.type === 'error' && event.id)).toContain('u1');
    expect(sim.simulator.runner).toBeNull();
  });

  it('sends progress at most every 250 ms of simulated time, and nothing while no scenario is loaded', async () => {
    const { sim, events } = open();
    await sim.assistant.handle({ type: 'sim.drive', speed: 50 });
    for (let i = 0; i < 30; i++) {
      sim.vehicle.advance(100);
      await settle();
    }
    expect(simEvents(events)).toEqual([]);

    await sim.assistant.handle({ type: 'sim.scenario', action: 'start', name: 'short.yaml' });
    await settle();
    const before = simEvents(events).length;
    for (let i = 0; i < 50; i++) {
      sim.vehicle.advance(100);
      await settle();
    }
    const sent = simEvents(events).slice(before);
    const seconds = 5;
    // One per 250 ms bucket, plus at most one for each step that fired (each may fall in its own tick).
    expect(sent.length).toBeGreaterThan(seconds);
    expect(sent.length).toBeLessThanOrEqual((seconds * 1000) / PROGRESS_EVERY_MS + 6);
    const elapsed = sent.map((event) => event.scenario?.elapsedS ?? -1);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
  });
});

describe('without the simulator', () => {
  it('refuses every simulator command, and sends no simulator status', async () => {
    const vehicle = new SimulatedVehicle();
    const headUnit = new Assistant({ catalog: knowledge.catalog, nlu: knowledge.nlu, policy: new SafetyPolicy(knowledge.catalog), vehicle, handlers: {}, responses: knowledge.responses });
    const errors: Event[] = [];
    headUnit.on((event) => event.type === 'error' && errors.push(event));
    for (const command of [
      { type: 'sim.drive', id: 'd', speed: 80 },
      { type: 'sim.park', id: 'p' },
      { type: 'sim.scenario', id: 's', action: 'start', name: 'monaco-harbour.yaml' },
      { type: 'sim.message', id: 'm', from: 'Sari', text: 'Where are you?' },
    ] as const) {
      expect(await headUnit.handle(command)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    }
    expect(errors.map((event) => event.type === 'error' && [event.id, event.code])).toEqual([
      ['d', 'not_allowed'],
      ['p', 'not_allowed'],
      ['s', 'not_allowed'],
      ['m', 'not_allowed'],
    ]);
    vehicle.advance(5000);
    expect(vehicle.get('Vehicle.Speed')).toBe(0);
    expect(vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');
    expect(headUnit.initialEvents().map((event) => event.type)).toEqual(['state']);
  });

  it('refuses what a bare simulator (set and reset only) does not offer', async () => {
    const vehicle = new SimulatedVehicle();
    const bare = new Assistant({
      catalog: knowledge.catalog,
      nlu: knowledge.nlu,
      policy: new SafetyPolicy(knowledge.catalog),
      vehicle,
      handlers: {},
      responses: knowledge.responses,
      simulator: { set: (signals) => vehicle.simulate(signals), reset: () => vehicle.reset() },
    });
    expect(await bare.handle({ type: 'sim.drive', speed: 30 })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await bare.handle({ type: 'sim.scenario', action: 'stop' })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await bare.handle({ type: 'sim.message', from: 'Sari', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await bare.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': 30 } })).toEqual({ ok: true, value: undefined });
  });

  it('refuses messages in a controller with no phone wired, and lists no contacts', () => {
    const controller = new SimulatorController(new SimulatedVehicle());
    expect(controller.message('Sari', 'hi')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(controller.status()).toEqual({ type: 'sim', scenarios: [], scenario: null });
    controller.dispose();
  });
});
