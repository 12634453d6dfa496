// Issue 7's "done when": a scenario drives the simulated car while typed commands change climate,
// windows and lights, and the policy blocks or confirms exactly as its table says.
import { describe, expect, it } from 'vitest';
import type { Event, ResponseEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import { parseScenario, ScenarioRunner } from '../../main/simulator/scenario.js';

const SCENARIO = `
name: Policy on the road
description: Parked, then the highway at 110 km/h, then parked again; the driver talks all the way.
route:
  name: Jalan Tol Dalam Kota
  points: [[-6.2297, 106.8296], [-6.2088, 106.8228], [-6.1862, 106.8230], [-6.1650, 106.8235], [-6.1400, 106.8240]]
steps:
  - { at: 1s, say: open all the windows }
  - { at: 2s, say: close all the windows }
  - { at: 3s, drive: { speed: 110 } }
  - { at: 40s, say: set the temperature to 19 degrees }
  - { at: 41s, say: turn on the headlights }
  - { at: 42s, say: open all the windows }
  - { at: 43s, say: open the driver window a little }
  - { at: 44s, say: unlock the doors }
  - { at: 45s, expect: { Vehicle.Speed: { min: 100 }, Vehicle.Cabin.Door.Row1.DriverSide.IsLocked: true } }
  - { at: 46s, stop: true }
  - { at: 90s, expect: { Vehicle.Speed: 0, Vehicle.Powertrain.Transmission.SelectedGear: P } }
  - { at: 91s, say: unlock the doors }
`;

describe('a drive with the policy in the loop', () => {
  it('acts, confirms and refuses per the table as the car speeds up and parks', async () => {
    const parsed = parseScenario(SCENARIO, 'inline.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const scenario = parsed.value;
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge: loadKnowledge(), start: scenario.start, powertrain: scenario.powertrain });
    const turns: { said: string; speed: number; response: ResponseEvent | undefined }[] = [];
    let last: ResponseEvent | undefined;
    sim.assistant.on((e: Event) => {
      if (e.type === 'response') last = e;
    });
    const runner = new ScenarioRunner(sim.vehicle, scenario, {
      onSay: async (text, lang) => {
        last = undefined;
        await sim.assistant.handle({ type: 'utterance', text, ...(lang ? { lang } : {}), source: 'text' });
        turns.push({ said: text, speed: sim.vehicle.get('Vehicle.Speed') as number, response: last });
      },
    });
    const progress = await runner.runToEnd();
    expect([progress.passed, progress.failed]).toEqual([2, 0]);

    const at = (said: string, speedAbove: number) => turns.find((t) => t.said === said && t.speed > speedAbove) ?? turns.find((t) => t.said === said);
    // Parked: windows open and close freely.
    expect(turns[0]).toMatchObject({ speed: 0, response: { trace: { intent: 'vehicle.window', policy: 'allow' } } });
    // At 110 km/h: climate and lights act; wide-open windows wait for a yes; a crack is fine; unlocking is refused.
    const highway = turns.filter((t) => t.speed > 100).map((t) => [t.said, t.response?.trace?.policy, t.response?.trace?.policyReason ?? null]);
    expect(highway).toEqual([
      ['set the temperature to 19 degrees', 'allow', null],
      ['turn on the headlights', 'allow', null],
      ['open all the windows', 'confirm', 'policy.reason.window_wide_fast'],
      ['open the driver window a little', 'allow', null],
      ['unlock the doors', 'deny', 'policy.reason.unlock_moving'],
    ]);
    expect(at('set the temperature to 19 degrees', 100)?.response?.text).toBe('Temperature set to 19 degrees.');
    // Parked again: the same unlock goes through.
    expect(turns.at(-1)).toMatchObject({ said: 'unlock the doors', speed: 0, response: { trace: { policy: 'allow' } } });
    const car = sim.vehicle.snapshot();
    expect(car['Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature']).toBe(19);
    expect(car['Vehicle.Body.Lights.Beam.Low.IsOn']).toBe(true);
    expect(car['Vehicle.Cabin.Door.Row1.DriverSide.IsLocked']).toBe(false);
    expect(car['Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position']).toBe(0); // never opened wide at speed
    sim.close();
  });
});
