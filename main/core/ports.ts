// The interfaces the core is wired from. Each has a real implementation now or in its own issue;
// the assistant depends only on these, so the simulator and the head unit can supply different ones.
import type { Lang, NluSource, Slots, UxRestrictions } from '../../common/contract.js';
import type { Result } from '../../common/result.js';
import type { SignalPath, SignalValue, VehicleSignals } from '../../common/vss.js';

/** One understood request. A sentence may hold several ("navigate home and call Sari"). */
export interface Understanding {
  intent: string;
  slots: Slots;
  source: NluSource;
  /** 0..1; templates are exact (1), the classifier and the LLM report their own. */
  confidence: number;
  /** Required slots not given: the dialogue asks for them before acting. */
  missing?: string[];
}

export interface NluResult {
  lang: Lang;
  understandings: Understanding[];
}

export interface UnderstandOptions {
  /** Barge-in and cancel stop a slow path (the LLM) through this. */
  signal?: AbortSignal;
}

export interface Nlu {
  understand(text: string, lang?: Lang, options?: UnderstandOptions): Promise<NluResult>;
}

/** The NLU's last resort for a sentence nothing else placed: the LLM's tool call (main/llm/tools.ts),
 *  already validated against the catalog. Errors (no model, timeout, cancelled) leave the sentence
 *  unplaced; they never throw. */
export interface IntentFallback {
  call(text: string, lang: Lang, options?: { signal?: AbortSignal; timeoutMs?: number; priority?: 'driver' | 'background' }): Promise<Result<Understanding>>;
}

/** `reason` is a response key. `spokenOnly`: answer by voice, show no text (messages while moving). */
export type PolicyDecision = { kind: 'allow'; spokenOnly?: boolean } | { kind: 'confirm'; reason: string } | { kind: 'deny'; reason: string };

/** Pure: intent × slots × vehicle state → decision. Nothing, the LLM included, bypasses it. */
export interface Policy {
  /** `source`: who understood it; a request only the LLM understood asks before acting. */
  decide(intent: string, slots: Slots, vehicle: VehicleSignals, source?: NluSource): PolicyDecision;
  restrictions(vehicle: VehicleSignals): UxRestrictions;
}

export type SignalListener = (changed: VehicleSignals) => void;

/** The car, addressed by VSS paths: the simulator now, a KUKSA.val databroker later. */
export interface VehicleBus {
  get(path: SignalPath): SignalValue | undefined;
  snapshot(): VehicleSignals;
  /** Asks the car to change an actuator; refuses sensors and out-of-range values. */
  actuate(path: SignalPath, value: SignalValue): Result<void>;
  subscribe(listener: SignalListener): () => void;
}

/** What a handler asks the core to say, by response key, with parameters for the template. */
/** A parameter that is itself a response, rendered in the same language ("{side}" → "the driver's side").
 *  An object, never a marked string: words the driver or the model said are always said as they are. */
export interface SpeechRef {
  ref: string;
}

export interface Speech {
  key: string;
  params?: Record<string, string | number | SpeechRef>;
}

export interface HandlerOutcome {
  /** Several speeches are said as one answer, in order. */
  say: Speech | Speech[];
  /** Short descriptions of what was done, for the decision trace ("set Vehicle.Body.Lights.Beam.Low.IsOn=true"). */
  actions: string[];
  card?: { titleKey: string; lines: Speech[] };
  /** Who or where the answer was about ("From Sari: …"), so "reply" and "call her" know whom. */
  mentions?: { contact?: string; place?: string };
}

export interface HandlerContext {
  vehicle: VehicleBus;
  lang: Lang;
  /** Aborted when the driver barges in or cancels: slow handlers (the LLM's answers) stop. */
  signal?: AbortSignal;
  /** The sentence as heard, when the request was spoken or typed (a question is asked as the driver put it). */
  heard?: string;
}

export type IntentHandler = (slots: Slots, ctx: HandlerContext) => Promise<HandlerOutcome> | HandlerOutcome;

/** Renders a response key in a language; unknown keys fall back to English, then to the key itself. */
export interface Responses {
  render(lang: Lang, speech: Speech): string;
}
