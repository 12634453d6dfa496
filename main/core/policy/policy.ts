// The driving-safety policy: a pure function of intent × slots × vehicle state, in the spirit of
// Android Automotive's UX restrictions and NHTSA's distraction guidelines. The intent's safety class
// while moving comes from intents.yaml; the rules below refine it where one class is not enough.
// Nothing calls a handler without asking it first, whoever understood the request (template, LLM, touch).
import type { NluSource, Slots, UxRestrictions } from '../../../common/contract.js';
import type { VehicleSignals } from '../../../common/vss.js';
import type { IntentCatalog } from '../../nlu/catalog.js';
import type { Policy, PolicyDecision } from '../ports.js';

/** Above this speed (km/h) the car counts as moving even in P (a car rolling in neutral, a sensor glitch). */
export const MOVING_SPEED_KMH = 3;
/** Above this speed (km/h) a wide-open window is a hazard (buffeting, things flying out): ask first. */
export const FAST_SPEED_KMH = 80;
/** A window opened further than this (percent) counts as wide open. */
export const WIDE_OPEN_PERCENT = 50;

export function isMoving(vehicle: VehicleSignals): boolean {
  const speed = vehicle['Vehicle.Speed'];
  const gear = vehicle['Vehicle.Powertrain.Transmission.SelectedGear'];
  return (typeof speed === 'number' && speed > MOVING_SPEED_KMH) || (gear !== undefined && gear !== 'P');
}

function speedOf(vehicle: VehicleSignals): number {
  const speed = vehicle['Vehicle.Speed'];
  return typeof speed === 'number' ? speed : 0;
}

export const PARKED_RESTRICTIONS: UxRestrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
export const MOVING_RESTRICTIONS: UxRestrictions = { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 };

const ALLOW: PolicyDecision = { kind: 'allow' };
const confirm = (reason: string): PolicyDecision => ({ kind: 'confirm', reason: `policy.reason.${reason}` });
const deny = (reason: string): PolicyDecision => ({ kind: 'deny', reason: `policy.reason.${reason}` });

/** Rules that refine an intent's class while moving; undefined means "the class decides". */
const MOVING_RULES: Record<string, (slots: Slots, vehicle: VehicleSignals) => PolicyDecision | undefined> = {
  // Doors stay locked while the car moves: unlocking is refused, locking is always fine.
  'vehicle.lock': (slots) => (slots.action === 'unlock' ? deny('unlock_moving') : ALLOW),
  // Opening a window wide at speed asks first; a crack, or any window at city speed, is fine.
  'vehicle.window': (slots, vehicle) => {
    if (slots.action !== 'open') return ALLOW;
    const amount = typeof slots.amount === 'number' ? slots.amount : 100;
    return amount > WIDE_OPEN_PERCENT && speedOf(vehicle) > FAST_SPEED_KMH ? confirm('window_wide_fast') : ALLOW;
  },
  // Messages are read aloud, never shown, while moving (the UX restrictions hide long text).
  'messaging.read': () => ({ kind: 'allow', spokenOnly: true }),
};

/** Rules that hold parked or moving. */
const ALWAYS_RULES: Record<string, (slots: Slots) => PolicyDecision> = {
  // A dictated message is read back and confirmed before it goes, wherever the car is.
  'messaging.send': () => confirm('message_readback'),
};

/** Intents that change the car or reach someone. When only the LLM understood the request, the driver
 *  confirms what it guessed before any of these runs; its guess never loosens a confirm or a deny. */
export const LLM_CONFIRMS = new Set([
  'navigation.navigate',
  'navigation.cancel',
  'phone.call',
  'vehicle.climate_set',
  'vehicle.climate_adjust',
  'vehicle.fan',
  'vehicle.defrost',
  'vehicle.ac',
  'vehicle.window',
  'vehicle.lights',
  'vehicle.lock',
]);

export class SafetyPolicy implements Policy {
  constructor(private readonly catalog: IntentCatalog) {}

  decide(intent: string, slots: Slots, vehicle: VehicleSignals, source?: NluSource): PolicyDecision {
    const decision = this.decideFor(intent, slots, vehicle);
    if (source === 'llm' && decision.kind === 'allow' && LLM_CONFIRMS.has(intent)) return confirm(`llm_guess.${intent}`);
    return decision;
  }

  private decideFor(intent: string, slots: Slots, vehicle: VehicleSignals): PolicyDecision {
    const spec = this.catalog.get(intent);
    // Anything we do not know is refused: the LLM cannot invent its way past the catalog.
    if (!spec) return deny('unknown_request');
    const always = ALWAYS_RULES[intent]?.(slots);
    if (always) return always;
    if (!isMoving(vehicle)) return ALLOW;
    const ruled = MOVING_RULES[intent]?.(slots, vehicle);
    if (ruled) return ruled;
    switch (spec.moving) {
      case 'allow':
        return ALLOW;
      case 'confirm':
        return confirm('moving_confirm');
      case 'deny':
        return deny('moving_deny');
    }
  }

  restrictions(vehicle: VehicleSignals): UxRestrictions {
    return isMoving(vehicle) ? MOVING_RESTRICTIONS : PARKED_RESTRICTIONS;
  }
}
