// The driving-safety policy: a pure function of intent × slots × vehicle state, in the spirit of
// Android Automotive's UX restrictions and NHTSA's distraction guidelines. The intent's safety class
// while moving comes from intents.yaml; rules per intent refine it in the vehicle issue.
import type { Slots, UxRestrictions } from '../../../common/contract.js';
import type { VehicleSignals } from '../../../common/vss.js';
import type { IntentCatalog } from '../../nlu/catalog.js';
import type { Policy, PolicyDecision } from '../ports.js';

/** Above this speed (km/h) the car counts as moving even in a gear other than P. */
export const MOVING_SPEED_KMH = 3;

export function isMoving(vehicle: VehicleSignals): boolean {
  const speed = vehicle['Vehicle.Speed'];
  const gear = vehicle['Vehicle.Powertrain.Transmission.SelectedGear'];
  return (typeof speed === 'number' && speed > MOVING_SPEED_KMH) || (gear !== undefined && gear !== 'P');
}

export const PARKED_RESTRICTIONS: UxRestrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
export const MOVING_RESTRICTIONS: UxRestrictions = { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 };

export class SafetyPolicy implements Policy {
  constructor(private readonly catalog: IntentCatalog) {}

  decide(intent: string, _slots: Slots, vehicle: VehicleSignals): PolicyDecision {
    const spec = this.catalog.get(intent);
    // Anything we do not know is refused: the LLM cannot invent its way past the catalog.
    if (!spec) return { kind: 'deny', reason: 'unknown request' };
    if (!isMoving(vehicle)) return { kind: 'allow' };
    switch (spec.moving) {
      case 'allow':
        return { kind: 'allow' };
      case 'confirm':
        return { kind: 'confirm', reason: 'policy.reason.moving_confirm' };
      case 'deny':
        return { kind: 'deny', reason: 'policy.reason.moving_deny' };
    }
  }

  restrictions(vehicle: VehicleSignals): UxRestrictions {
    return isMoving(vehicle) ? MOVING_RESTRICTIONS : PARKED_RESTRICTIONS;
  }
}
