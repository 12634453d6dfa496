// Result type for everything that crosses a boundary (IPC, WebSocket, CLI, files, model output).
// Errors are data with a stable code, never thrown strings.

export const ERROR_CODES = [
  'bad_json', // the bytes were not JSON
  'invalid_message', // JSON, but not a message of the contract
  'not_allowed', // a valid message this transport or state does not accept (e.g. sim.* outside the simulator)
  'invalid_slots', // an intent's slots do not match its declared schema
  'unknown_intent', // no such intent in intents/intents.yaml
  'busy', // the core is already handling a turn and cannot queue more
  'unavailable', // the other side is not reachable now (a transport reconnecting, a model not loaded)
  'timeout', // the work took longer than its deadline and was stopped (a model call, a download)
  'cancelled', // the caller stopped the work (barge-in, a newer request)
  'crashed', // a worker process died; it is restarted and the error reported
  'no_model', // no language model is installed or configured: a normal state, templates still work
  'bad_model', // a model file that is corrupt, truncated or of an architecture the engine cannot run
  'invalid_output', // a model answered with something that breaks its schema even after constraining
  'internal', // a bug on our side: logged, reported, the core stays up
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface KemudiError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: KemudiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
