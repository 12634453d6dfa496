// The safety policy as a table on the real catalog: every intent × parked / moving / fast.
// A new intent must get its row here, or the coverage test below fails.
import { describe, expect, it } from 'vitest';
import type { Slots } from '../../common/contract.js';
import type { VehicleSignals } from '../../common/vss.js';
import { loadKnowledge } from '../../main/core/compose.js';
import { LLM_CONFIRMS, SafetyPolicy } from '../../main/core/policy/policy.js';
import { initialSignals } from '../../main/simulator/vehicle.js';

const { catalog } = loadKnowledge();
const policy = new SafetyPolicy(catalog);

const STATES: Record<string, VehicleSignals> = {
  parked: initialSignals(),
  moving: { ...initialSignals(), 'Vehicle.Speed': 40, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' },
  fast: { ...initialSignals(), 'Vehicle.Speed': 120, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' },
};

type Expect = 'allow' | 'allow:spoken' | `confirm:${string}` | `deny:${string}`;
// intent, slots, parked, moving, fast
const TABLE: [string, Slots, Expect, Expect, Expect][] = [
  ['navigation.navigate', { destination: 'home' }, 'allow', 'allow', 'allow'],
  ['navigation.find_poi', { category: 'fuel', near: 'car' }, 'allow', 'allow', 'allow'],
  ['navigation.cancel', {}, 'allow', 'allow', 'allow'],
  ['navigation.eta', {}, 'allow', 'allow', 'allow'],
  ['navigation.traffic', {}, 'allow', 'allow', 'allow'],
  ['messaging.send', { contact: 'sari', body: "i'm late" }, 'confirm:message_readback', 'confirm:message_readback', 'confirm:message_readback'],
  ['messaging.read', {}, 'allow', 'allow:spoken', 'allow:spoken'],
  ['phone.call', { contact: 'sari' }, 'allow', 'allow', 'allow'],
  ['vehicle.climate_set', { temperature: 22, unit: 'celsius', side: 'both' }, 'allow', 'allow', 'allow'],
  ['vehicle.climate_adjust', { direction: 'up', side: 'both' }, 'allow', 'allow', 'allow'],
  ['vehicle.fan', { action: 'up' }, 'allow', 'allow', 'allow'],
  // Defrosting is a safety aid (a fogged windscreen is the hazard): never held back while moving.
  ['vehicle.defrost', { state: 'on', target: 'front' }, 'allow', 'allow', 'allow'],
  ['vehicle.defrost', { state: 'off', target: 'both' }, 'allow', 'allow', 'allow'],
  ['vehicle.ac', { state: 'on' }, 'allow', 'allow', 'allow'],
  ['vehicle.ac', { state: 'off' }, 'allow', 'allow', 'allow'],
  ['vehicle.window', { action: 'open', window: 'all' }, 'allow', 'allow', 'confirm:window_wide_fast'],
  ['vehicle.window', { action: 'open', window: 'driver', amount: 20 }, 'allow', 'allow', 'allow'],
  ['vehicle.window', { action: 'open', window: 'driver', amount: 80 }, 'allow', 'allow', 'confirm:window_wide_fast'],
  ['vehicle.window', { action: 'close', window: 'all' }, 'allow', 'allow', 'allow'],
  ['vehicle.lights', { state: 'on', beam: 'high' }, 'allow', 'allow', 'allow'],
  ['vehicle.lock', { action: 'lock' }, 'allow', 'allow', 'allow'],
  ['vehicle.lock', { action: 'unlock' }, 'allow', 'deny:unlock_moving', 'deny:unlock_moving'],
  ['vehicle.status', { item: 'fuel' }, 'allow', 'allow', 'allow'],
  ['media.play', { query: 'jazz' }, 'allow', 'allow', 'allow'],
  ['media.pause', {}, 'allow', 'allow', 'allow'],
  ['media.next', { direction: 'next' }, 'allow', 'allow', 'allow'],
  ['media.volume', { action: 'up' }, 'allow', 'allow', 'allow'],
  ['assistant.weather', { when: 'now' }, 'allow', 'allow', 'allow'],
  ['assistant.question', { question: 'how far is the moon' }, 'allow', 'allow', 'allow'],
  ['assistant.translate', { text: 'thank you', target: 'id' }, 'allow', 'allow', 'allow'],
  ['out_of_scope', {}, 'allow', 'allow', 'allow'],
  ['vehicle.self_destruct', {}, 'deny:unknown_request', 'deny:unknown_request', 'deny:unknown_request'],
];

function summary(intent: string, slots: Slots, vehicle: VehicleSignals, source?: 'llm'): Expect {
  const decision = policy.decide(intent, slots, vehicle, source);
  switch (decision.kind) {
    case 'allow':
      return decision.spokenOnly ? 'allow:spoken' : 'allow';
    case 'confirm':
      return `confirm:${decision.reason.replace('policy.reason.', '')}`;
    case 'deny':
      return `deny:${decision.reason.replace('policy.reason.', '')}`;
  }
}

describe('safety policy table', () => {
  it.each(TABLE)('%s %j: parked %s, moving %s, fast %s', (intent, slots, parked, moving, fast) => {
    expect([summary(intent, slots, STATES.parked as VehicleSignals), summary(intent, slots, STATES.moving as VehicleSignals), summary(intent, slots, STATES.fast as VehicleSignals)]).toEqual([parked, moving, fast]);
  });

  it('has a row for every intent of the catalog', () => {
    const rows = new Set(TABLE.map(([intent]) => intent));
    expect(catalog.names().filter((name) => !rows.has(name))).toEqual([]);
  });

  it('counts a car in D at a standstill as moving: the rules apply at a red light too', () => {
    const atLight = { ...initialSignals(), 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' as const };
    expect(summary('vehicle.lock', { action: 'unlock' }, atLight)).toBe('deny:unlock_moving');
  });

  it('gives every reason a spoken form in every language', () => {
    const { responses } = loadKnowledge();
    for (const lang of ['en', 'id', 'zh'] as const) {
      for (const reason of ['unlock_moving', 'window_wide_fast', 'message_readback', 'moving_confirm', 'moving_deny', 'unknown_request']) {
        expect(responses.has(lang, `policy.reason.${reason}`), `${lang} policy.reason.${reason}`).toBe(true);
      }
    }
  });

  it('asks before acting on what only the LLM understood, and never loosens a rule for it', () => {
    for (const [intent, slots] of TABLE) {
      for (const [state, vehicle] of Object.entries(STATES)) {
        const plain = summary(intent, slots, vehicle);
        const guessed = summary(intent, slots, vehicle, 'llm');
        if (plain !== 'allow' && plain !== 'allow:spoken') expect(guessed, `${intent} ${state}`).toBe(plain);
        else if (LLM_CONFIRMS.has(intent)) expect(guessed, `${intent} ${state}`).toBe(`confirm:llm_guess.${intent}`);
        else expect(guessed, `${intent} ${state}`).toBe(plain);
      }
    }
    // The guessed request the driver hears before "Should I go ahead?", in every language.
    const { responses } = loadKnowledge();
    for (const lang of ['en', 'id', 'zh'] as const) {
      for (const intent of LLM_CONFIRMS) expect(responses.has(lang, `policy.reason.llm_guess.${intent}`), `${lang} ${intent}`).toBe(true);
    }
  });
});
