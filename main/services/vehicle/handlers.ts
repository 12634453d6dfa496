// Vehicle intent handlers: each turns validated slots into actuations on the bus and a spoken answer.
import type { HandlerOutcome, IntentHandler } from '../../core/ports.js';
import type { SignalPath } from '../../../common/vss.js';

const BEAM_SIGNAL: Record<string, SignalPath> = {
  low: 'Vehicle.Body.Lights.Beam.Low.IsOn',
  high: 'Vehicle.Body.Lights.Beam.High.IsOn',
};

export const lights: IntentHandler = (slots, { vehicle }): HandlerOutcome => {
  const beam = slots.beam === 'high' ? 'high' : 'low';
  const on = slots.state === 'on';
  const path = BEAM_SIGNAL[beam] as SignalPath;
  const params = { beam_name: `@vehicle.lights.name.${beam}`, beam_name_lower: `@vehicle.lights.name_lower.${beam}` };
  if (vehicle.get(path) === on) {
    return { say: { key: on ? 'vehicle.lights.already_on' : 'vehicle.lights.already_off', params }, actions: [] };
  }
  const actions: string[] = [];
  // High beams need the low beams on in every real car; switching low beams off takes the high beams with them.
  if (beam === 'high' && on && vehicle.get(BEAM_SIGNAL.low as SignalPath) !== true) {
    const result = vehicle.actuate(BEAM_SIGNAL.low as SignalPath, true);
    if (!result.ok) throw new Error(result.error.message);
    actions.push(`${BEAM_SIGNAL.low}=true`);
  }
  if (beam === 'low' && !on && vehicle.get(BEAM_SIGNAL.high as SignalPath) === true) {
    const result = vehicle.actuate(BEAM_SIGNAL.high as SignalPath, false);
    if (!result.ok) throw new Error(result.error.message);
    actions.push(`${BEAM_SIGNAL.high}=false`);
  }
  const result = vehicle.actuate(path, on);
  if (!result.ok) throw new Error(result.error.message);
  actions.push(`${path}=${on}`);
  return { say: { key: on ? 'vehicle.lights.on' : 'vehicle.lights.off', params }, actions };
};

export const vehicleHandlers: Record<string, IntentHandler> = {
  'vehicle.lights': lights,
};
