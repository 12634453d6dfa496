// The headless core: commands in, events out. Every voice and touch action goes through the same
// NLU → policy → handler → response path. The dialogue machine (xstate) replaces the turn logic here
// in its own issue; the contract and the ports stay as they are.
import type { Command, DialogueState, Event, Lang, SimEvent, SimScenarioAction, SimulatorCommand, Slots, StateEvent, Trace } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { VehicleSignals } from '../../common/vss.js';
import type { IntentCatalog } from '../nlu/catalog.js';
import type { HistoryStore } from '../storage/history.js';
import type { HandlerOutcome, IntentHandler, Nlu, Policy, Responses, Speech, Understanding, VehicleBus } from './ports.js';

/** Simulator-only controls, present only when the core runs with the simulated car. The panel's controls
 *  are optional so a bare simulator (set and reset) still works; what it lacks is refused. */
export interface SimulatorControls {
  set(signals: VehicleSignals): Result<void>;
  reset(): void;
  /** A target speed in km/h; the physics ramps to it. */
  drive?(kmh: number): Result<void>;
  /** Brake to a standstill, then P. */
  park?(): Result<void>;
  scenario?(action: SimScenarioAction, name?: string): Result<void>;
  /** The scenarios on offer and the timeline of the one loaded. */
  status?(): SimEvent;
  onStatus?(listener: (event: SimEvent) => void): () => void;
}

export interface AssistantDeps {
  catalog: IntentCatalog;
  nlu: Nlu;
  policy: Policy;
  vehicle: VehicleBus;
  handlers: Readonly<Record<string, IntentHandler>>;
  responses: Responses;
  history?: HistoryStore;
  simulator?: SimulatorControls;
  lang?: Lang;
  now?: () => number;
}

export type EventListener = (event: Event) => void;

function simulate(sim: SimulatorControls, command: SimulatorCommand): Result<void> {
  const missing = (): Result<void> => err('not_allowed', `this simulator does not offer ${command.type}`);
  switch (command.type) {
    case 'sim.set':
      return sim.set(command.signals);
    case 'sim.reset':
      sim.reset();
      return ok(undefined);
    case 'sim.drive':
      return sim.drive ? sim.drive(command.speed) : missing();
    case 'sim.park':
      return sim.park ? sim.park() : missing();
    case 'sim.scenario':
      return sim.scenario ? sim.scenario(command.action, command.name) : missing();
  }
}

interface PendingConfirmation {
  understanding: Understanding;
  trace: Trace;
  rest: Understanding[];
}

export class Assistant {
  private readonly listeners = new Set<EventListener>();
  private dialogue: DialogueState = 'idle';
  private lang: Lang;
  private pending: PendingConfirmation | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeSim: () => void;
  private readonly now: () => number;

  constructor(private readonly deps: AssistantDeps) {
    this.lang = deps.lang ?? 'en';
    this.now = deps.now ?? Date.now;
    // Any change to the car (a handler, the simulator, a scenario) reaches the UI at once.
    this.unsubscribe = deps.vehicle.subscribe(() => this.emit(this.snapshot()));
    this.unsubscribeSim = deps.simulator?.onStatus?.((event) => this.emit(event)) ?? (() => undefined);
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StateEvent {
    const vehicle = this.deps.vehicle.snapshot();
    return { type: 'state', dialogue: this.dialogue, vehicle, restrictions: this.deps.policy.restrictions(vehicle) };
  }

  /** What a screen that just connected needs: the state, and in the simulator its panel's status. */
  initialEvents(): Event[] {
    const sim = this.deps.simulator?.status?.();
    return sim ? [this.snapshot(), sim] : [this.snapshot()];
  }

  /** Handles one command after those before it. Resolves with a typed error for commands this core refuses;
   *  a failure inside a turn is reported as events (an apology and an `error`), never thrown. */
  handle(command: Command): Promise<Result<void>> {
    const run = this.queue.then(() => this.process(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    this.unsubscribe();
    this.unsubscribeSim();
    this.listeners.clear();
  }

  private async process(command: Command): Promise<Result<void>> {
    try {
      switch (command.type) {
        case 'utterance':
          await this.utterance(command.text, command.lang);
          return ok(undefined);
        case 'intent': {
          const slots = this.deps.catalog.validateSlots(command.name, command.slots);
          if (!slots.ok) return this.refuse(slots.error.code, slots.error.message, command.id);
          await this.run([{ intent: command.name, slots: slots.value, source: 'touch', confidence: 1 }], `[touch] ${command.name}`);
          return ok(undefined);
        }
        case 'confirm':
          await this.confirm();
          return ok(undefined);
        case 'cancel':
          this.pending = null;
          this.say({ key: 'cancel.done' }, this.lang);
          this.setDialogue('idle');
          return ok(undefined);
        case 'wake':
          this.setDialogue('listening');
          return ok(undefined);
        case 'sim.set':
        case 'sim.reset':
        case 'sim.drive':
        case 'sim.park':
        case 'sim.scenario': {
          const sim = this.deps.simulator;
          if (!sim) return this.refuse('not_allowed', `${command.type} works only in the simulator`, command.id);
          const result = simulate(sim, command);
          if (!result.ok) return this.refuse(result.error.code, result.error.message, command.id);
          return ok(undefined);
        }
      }
    } catch (error) {
      // A bug in a handler or service: apologize, report, and go back to idle, never stay stuck.
      this.pending = null;
      this.emit({ type: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) });
      this.say({ key: 'error.internal' }, this.lang);
      this.setDialogue('idle');
      return err('internal', 'the turn failed; the assistant is back to idle');
    }
  }

  private refuse(code: Parameters<typeof err>[0], message: string, id?: string): Result<void> {
    this.emit(id === undefined ? { type: 'error', code, message } : { type: 'error', id, code, message });
    return err(code, message);
  }

  private async utterance(text: string, lang: Lang | undefined): Promise<void> {
    const heard = text.trim();
    if (!heard) return;
    this.setDialogue('understanding');
    const understood = await this.deps.nlu.understand(heard, lang);
    this.lang = understood.lang;
    this.emit({ type: 'transcript', text: heard, lang: this.lang, final: true });
    if (understood.understandings.length === 0) {
      const trace: Trace = { heard, lang: this.lang, intent: null, slots: {}, source: 'none', confidence: 0, policy: null, actions: [] };
      this.finish(trace, { key: 'not_understood' });
      return;
    }
    // A new request replaces a question left open.
    this.pending = null;
    await this.run(understood.understandings, heard);
  }

  /** Runs understood intents in order, stopping at the first that needs confirmation or is denied. */
  private async run(queue: Understanding[], heard: string): Promise<void> {
    const [first, ...rest] = queue;
    if (!first) return;
    const trace: Trace = {
      heard,
      lang: this.lang,
      intent: first.intent,
      slots: first.slots,
      source: first.source,
      confidence: first.confidence,
      policy: null,
      actions: [],
    };
    if (first.intent === 'out_of_scope') {
      this.finish(trace, { key: 'out_of_scope' });
      return this.run(rest, heard);
    }
    const decision = this.deps.policy.decide(first.intent, first.slots, this.deps.vehicle.snapshot());
    trace.policy = decision.kind;
    if (decision.kind === 'deny') {
      trace.policyReason = decision.reason;
      this.finish(trace, { key: 'policy.denied', params: { reason: `@${decision.reason}` } });
      return;
    }
    if (decision.kind === 'confirm') {
      trace.policyReason = decision.reason;
      this.pending = { understanding: first, trace, rest };
      this.say({ key: 'policy.confirm', params: { reason: `@${decision.reason}` } }, this.lang, trace);
      this.setDialogue('confirming');
      return;
    }
    if (!(await this.act(first, trace, decision.spokenOnly === true))) return;
    await this.run(rest, heard);
  }

  private async confirm(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (!pending) {
      this.say({ key: 'confirm.nothing' }, this.lang);
      this.setDialogue('idle');
      return;
    }
    // The car may have changed while we waited: ask the policy again, and never act on a deny.
    const decision = this.deps.policy.decide(pending.understanding.intent, pending.understanding.slots, this.deps.vehicle.snapshot());
    if (decision.kind === 'deny') {
      this.finish({ ...pending.trace, policy: 'deny', policyReason: decision.reason }, { key: 'policy.denied', params: { reason: `@${decision.reason}` } });
      return;
    }
    if (!(await this.act(pending.understanding, { ...pending.trace, policy: 'confirm' }))) return;
    await this.run(pending.rest, pending.trace.heard);
  }

  private async act(understanding: Understanding, trace: Trace, spokenOnly = false): Promise<boolean> {
    const handler = this.deps.handlers[understanding.intent];
    if (!handler) {
      // Declared but not built yet: say so honestly instead of pretending.
      this.finish(trace, { key: 'not_available' });
      return false;
    }
    this.setDialogue('acting');
    const outcome: HandlerOutcome = await handler(understanding.slots as Slots, { vehicle: this.deps.vehicle, lang: this.lang });
    trace.actions.push(...outcome.actions);
    this.finish(trace, outcome.say, spokenOnly ? undefined : outcome.card, spokenOnly);
    return true;
  }

  private finish(trace: Trace, speech: Speech | Speech[], card?: HandlerOutcome['card'], spokenOnly = false): void {
    const text = this.say(speech, trace.lang, trace, card, spokenOnly);
    this.deps.history?.record(trace, text, this.now());
    this.setDialogue('idle');
  }

  private say(speech: Speech | Speech[], lang: Lang, trace?: Trace, card?: HandlerOutcome['card'], spokenOnly = false): string {
    this.setDialogue('speaking');
    // Chinese sentences run on without spaces.
    const text = (Array.isArray(speech) ? speech : [speech]).map((s) => this.deps.responses.render(lang, s)).join(lang === 'zh' ? '' : ' ');
    this.emit({
      type: 'response',
      text,
      lang,
      ...(card ? { card: { title: this.deps.responses.render(lang, { key: card.titleKey }), lines: card.lines.map((l) => this.deps.responses.render(lang, l)) } } : {}),
      ...(trace ? { trace: { ...trace, actions: [...trace.actions] } } : {}),
      ...(spokenOnly ? { spokenOnly } : {}),
    });
    return text;
  }

  private setDialogue(state: DialogueState): void {
    if (this.dialogue === state) return;
    this.dialogue = state;
    this.emit(this.snapshot());
  }

  private emit(event: Event): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket) must not stop the others or the turn.
      }
    }
  }
}
