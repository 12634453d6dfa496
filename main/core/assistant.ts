// The headless core: commands in, events out. Every voice and touch action becomes an event of the
// dialogue machine (dialogue/machine.ts), which runs NLU → policy → handler → response; this host
// turns its snapshots and what it says into contract events, and keeps the history.
import { type Actor, type ActorOptions, type AnyActorLogic, createActor, waitFor } from 'xstate';
import type { CallEvent, Command, ListKind, DialogueState, Event, Lang, LlmEvent, MapRoadsEvent, MediaEvent, NavEvent, SimEvent, SimScenarioAction, SimulatorCommand, StateEvent } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { VehicleSignals } from '../../common/vss.js';
import type { IntentCatalog } from '../nlu/catalog.js';
import type { HistoryStore } from '../storage/history.js';
import { provideDialogue } from './dialogue/actors.js';
import type { DialogueEmitted, DialogueTimings, Resolve } from './dialogue/machine.js';
import type { IntentHandler, Nlu, Policy, Responses, Speech, VehicleBus } from './ports.js';
import type { VoiceControls } from '../services/voice/settings.js';
import type { ListSource } from '../services/lists.js';
import type { ModelControls } from '../llm/model-service.js';

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
  /** A text message arrives from a contact (by name) or a number, as in a scenario's message step. */
  message?(from: string, text: string, lang?: Lang): Result<void>;
  /** The scenarios on offer and the timeline of the one loaded. */
  status?(): SimEvent;
  onStatus?(listener: (event: SimEvent) => void): () => void;
}

/** The phone as the screen sees it: the call in progress, and hanging up. */
export interface PhoneControls {
  call(): CallEvent['call'];
  hangUp(): Result<void>;
  onChange(listener: (call: CallEvent['call']) => void): () => void;
}

/** The music player as the screen sees it: its state, and the audio element reporting a track's end. */
export interface MediaControls {
  snapshot(): MediaEvent;
  ended(trackId: number): void;
  onChange(listener: (event: MediaEvent) => void): () => void;
}

/** The map and guidance as the screen sees them: the roads around the car, the route, the next manoeuvre. */
export interface MapControls {
  roads(): MapRoadsEvent | null;
  nav(): NavEvent;
  onChange(listener: (event: MapRoadsEvent | NavEvent) => void): () => void;
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
  /** The clock the dialogue's timeouts run on; tests pass xstate's SimulatedClock. */
  clock?: ActorOptions<AnyActorLogic>['clock'];
  /** Dialogue timings; headless use (the CLI, tests) says 0 for speech and follow-up. */
  timings?: Partial<DialogueTimings>;
  /** Slot resolution against what the car knows (the address book); without it, names are taken as said. */
  resolve?: Resolve;
  phone?: PhoneControls;
  media?: MediaControls;
  map?: MapControls;
  voice?: VoiceControls;
  /** The touch screens' lists (places, POI categories, messages, contacts, calls); without it `list` is refused. */
  lists?: ListSource;
  /** The models and their downloads (the Settings screen); without it `models.*` commands are refused. */
  models?: ModelControls;
}

export type EventListener = (event: Event) => void;

/** Conversation events kept for a page that reconnects: the screen shows a short history anyway. */
const CONVERSATION_KEPT = 40;

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
    case 'sim.message':
      return sim.message ? sim.message(command.from, command.text, command.lang) : missing();
  }
}

/** The machine's states as the contract names them (transient ones never settle, so never show). */
const DIALOGUE_STATE: Record<string, DialogueState> = {
  idle: 'idle',
  listening: 'listening',
  followUp: 'listening',
  understanding: 'understanding',
  deciding: 'understanding',
  checking: 'understanding',
  rechecking: 'understanding',
  clarifying: 'clarifying',
  confirming: 'confirming',
  acting: 'acting',
  speaking: 'speaking',
  failing: 'speaking',
  cancelled: 'idle',
  offeringMessage: 'confirming',
};

type DialogueActor = Actor<ReturnType<typeof provideDialogue>>;

export class Assistant {
  private readonly listeners = new Set<EventListener>();
  private readonly actor: DialogueActor;
  private dialogue: DialogueState = 'idle';
  private queue: Promise<unknown> = Promise.resolve();
  private failedInTurn: string | null = null;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeSim: () => void;
  private readonly unsubscribePhone: () => void;
  private readonly unsubscribeMedia: () => void;
  private readonly unsubscribeMap: () => void;
  private readonly unsubscribeVoice: () => void;
  private readonly unsubscribeLists: () => void;
  /** The last list of each kind a screen asked for, sent again when the car starts or stops moving. */
  private readonly listsAsked = new Map<ListKind, { query?: string; lang?: Lang }>();
  private listsMoving: boolean;
  private readonly unsubscribeModels: () => void;
  private readonly now: () => number;
  private llm: LlmEvent | null = null;
  /** The conversation so far (heard and answered), replayed to a page that (re)connects: a reloaded or
   *  crashed renderer resumes where the driver was. Spoken-only answers stay spoken-only. */
  private readonly conversation: Event[] = [];

  constructor(private readonly deps: AssistantDeps) {
    this.now = deps.now ?? Date.now;
    const catalog = deps.catalog;
    const machine = provideDialogue({ nlu: deps.nlu, handlers: deps.handlers, vehicle: deps.vehicle });
    this.actor = createActor(machine, {
      ...(deps.clock ? { clock: deps.clock } : {}),
      input: {
        lang: deps.lang ?? 'en',
        ...(deps.timings ? { timings: deps.timings } : {}),
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
        // The policy is asked with the car as it is at that moment.
        decide: (u) => deps.policy.decide(u.intent, u.slots, deps.vehicle.snapshot(), u.source),
        render: (speech, lang) => this.render(speech, lang),
        isFreeText: (intent, slot) => {
          const spec = catalog.get(intent)?.slots[slot];
          return spec?.type === 'string' && !spec.enum;
        },
      },
    });
    this.actor.on('*', (emitted) => this.relay(emitted as DialogueEmitted));
    this.actor.subscribe({
      next: (snapshot) => {
        const state = DIALOGUE_STATE[String(snapshot.value)] ?? 'idle';
        if (state === this.dialogue) return;
        this.dialogue = state;
        this.emit(this.snapshot());
      },
      error: (error) => this.emit({ type: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) }),
    });
    this.actor.start();
    // Any change to the car (a handler, the simulator, a scenario) reaches the UI at once.
    this.unsubscribe = deps.vehicle.subscribe(() => this.emit(this.snapshot()));
    this.unsubscribeSim = deps.simulator?.onStatus?.((event) => this.emit(event)) ?? (() => undefined);
    this.unsubscribePhone = deps.phone?.onChange((call) => this.emit({ type: 'call', call })) ?? (() => undefined);
    this.unsubscribeMedia = deps.media?.onChange((event) => this.emit(event)) ?? (() => undefined);
    this.unsubscribeMap = deps.map?.onChange((event) => this.emit(event)) ?? (() => undefined);
    this.unsubscribeVoice = deps.voice?.onChange((event) => this.emit(event)) ?? (() => undefined);
    this.listsMoving = deps.policy.restrictions(deps.vehicle.snapshot()).moving;
    this.unsubscribeLists = deps.lists ? this.watchLists(deps.lists) : () => undefined;
    this.unsubscribeModels = deps.models?.onChange((event) => this.emit(event)) ?? (() => undefined);
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
    const phone = this.deps.phone;
    return [
      this.snapshot(),
      ...(sim ? [sim] : []),
      ...(phone ? [{ type: 'call' as const, call: phone.call() }] : []),
      ...(this.deps.media ? [this.deps.media.snapshot()] : []),
      ...(this.deps.map ? [this.deps.map.roads(), this.deps.map.nav()].filter((e): e is MapRoadsEvent | NavEvent => e !== null) : []),
      ...(this.llm ? [this.llm] : []),
      ...(this.deps.voice ? [this.deps.voice.snapshot()] : []),
      ...(this.deps.models ? [this.deps.models.snapshot()] : []),
      // Answers already said are shown again, not said again.
      ...this.conversation.map((event) => (event.type === 'response' ? { ...event, replayed: true } : event)),
    ];
  }

  /** What the screen shows about the language model (off and how to get one, loading, ready, failed). */
  setLlmStatus(state: LlmEvent['state'], detail: string): void {
    this.llm = { type: 'llm', state, detail: detail.slice(0, 500) };
    this.emit(this.llm);
  }

  /** Handles one command after those before it, resolving once the dialogue has settled. Resolves with a
   *  typed error for commands this core refuses, and for a turn that failed (also reported as events:
   *  an apology and an `error`); never throws. */
  handle(command: Command): Promise<Result<void>> {
    // Barge-in: cancel and wake reach the dialogue at once, even while a turn is still being understood
    // (a model thinking for seconds), instead of waiting behind it; the turn's actor is stopped and
    // the model told to stop.
    if (command.type === 'cancel' || command.type === 'wake') return this.process(command);
    // Not a turn: a track ended and the next one starts, without a word and without waiting for one.
    if (command.type === 'media.ended') return Promise.resolve(this.mediaEnded(command.trackId, command.id));
    // Not a turn either: the speech output finished the answer being said now. Queued behind a turn, it
    // would end that turn's answer instead; at once, a turn still in progress simply ignores it.
    if (command.type === 'spoken') return Promise.resolve(this.spokenNow());
    // A setting, not a turn: it takes effect at once, whatever the dialogue is doing.
    if (command.type === 'voice.settings') return Promise.resolve(this.voiceSettings(command));
    // Not a turn: a screen shows a list, answered at once.
    if (command.type === 'list') return Promise.resolve(this.list(command));
    // Downloads run in the background; their progress comes as `models` events.
    if (command.type === 'models.pull' || command.type === 'models.cancel') return Promise.resolve(this.modelCommand(command));
    const run = this.queue.then(() => this.process(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private spokenNow(): Result<void> {
    this.actor.send({ type: 'SPOKEN' });
    return ok(undefined);
  }

  private voiceSettings(command: Extract<Command, { type: 'voice.settings' }>): Result<void> {
    if (!this.deps.voice) return this.refuse('not_allowed', 'this core has no voice settings', command.id);
    this.deps.voice.update(command.settings);
    return ok(undefined);
  }

  private modelCommand(command: Extract<Command, { type: 'models.pull' | 'models.cancel' }>): Result<void> {
    const models = this.deps.models;
    if (!models) return this.refuse('not_allowed', 'this core cannot download models', command.id);
    const result = command.type === 'models.pull' ? models.pull(command.model) : models.cancel(command.model);
    return result.ok ? result : this.refuse(result.error.code, result.error.message, command.id);
  }

  /** Answers a `list` command with a `list` event to every screen, as the UX restrictions allow now. */
  private list(command: Extract<Command, { type: 'list' }>): Result<void> {
    if (!this.deps.lists) return this.refuse('not_allowed', 'this core has no lists', command.id);
    const request = { ...(command.query !== undefined ? { query: command.query } : {}), ...(command.lang ? { lang: command.lang } : {}) };
    const sent = this.sendList(command.what, request, command.id);
    if (!sent.ok) return this.refuse(sent.error.code, sent.error.message, command.id);
    this.listsAsked.set(command.what, request);
    return sent;
  }

  private sendList(what: ListKind, request: { query?: string; lang?: Lang }, requestId?: string): Result<void> {
    const lists = this.deps.lists;
    if (!lists) return err('not_allowed', 'this core has no lists');
    const restrictions = this.deps.policy.restrictions(this.deps.vehicle.snapshot());
    const lang = request.lang ?? this.actor.getSnapshot().context.lang;
    let payload: ReturnType<ListSource['list']>;
    try {
      payload = lists.list({ what, lang, ...(request.query !== undefined ? { query: request.query } : {}) }, restrictions);
    } catch (error) {
      // A list that cannot be read (a storage bug) must not break the turn that changed it, nor throw here.
      return err('internal', `the ${what} list could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!payload.ok) return payload;
    this.emit({ type: 'list', ...payload.value, ...(requestId !== undefined ? { requestId } : {}) });
    return ok(undefined);
  }

  /** Lists follow what changes them: new or read messages are pushed to every screen; lists a screen asked
   *  for are sent again when their content changes and when the car starts or stops moving (a long list
   *  shrinks as the car pulls away). A search is dropped once moving: it needs the keyboard. */
  private watchLists(lists: ListSource): () => void {
    const offChange = lists.onChange((what) => {
      const asked = this.listsAsked.get(what);
      if (!asked && what !== 'messages') return;
      const sent = this.sendList(what, asked ?? {});
      if (!sent.ok && sent.error.code === 'internal') this.emit({ type: 'error', code: 'internal', message: sent.error.message });
    });
    const offVehicle = this.deps.vehicle.subscribe(() => {
      const moving = this.deps.policy.restrictions(this.deps.vehicle.snapshot()).moving;
      if (moving === this.listsMoving) return;
      this.listsMoving = moving;
      for (const [what, asked] of [...this.listsAsked]) {
        if (moving && what === 'places.search') {
          this.listsAsked.delete(what);
          continue;
        }
        const sent = this.sendList(what, asked);
        if (!sent.ok && sent.error.code === 'internal') this.emit({ type: 'error', code: 'internal', message: sent.error.message });
      }
    });
    return () => {
      offChange();
      offVehicle();
    };
  }

  private mediaEnded(trackId: number, id: string | undefined): Result<void> {
    if (!this.deps.media) return this.refuse('not_allowed', 'there is no music player', id);
    this.deps.media.ended(trackId);
    return ok(undefined);
  }

  /** An incoming message (the simulator, a scenario, the phone): offered to the driver when free. */
  incoming(from: string, text: string, lang: Lang): Promise<void> {
    return this.after(() => this.actor.send({ type: 'INCOMING', from, text, lang }));
  }

  /** Turn-by-turn guidance: said at once, cutting off chatter that is then said again. */
  guidance(speech: Speech, lang?: Lang): Promise<void> {
    return this.after(() => this.actor.send({ type: 'GUIDANCE', speech, ...(lang ? { lang } : {}) }));
  }

  /** Ends the speaking state early, after the turns already queued (the `spoken` command, from the
   *  renderer's speech output, takes effect at once instead). */
  spoken(): Promise<void> {
    return this.after(() => this.actor.send({ type: 'SPOKEN' }));
  }

  /** The machine's snapshot, for tests and the decision trace in the simulator. */
  dialogueSnapshot() {
    return this.actor.getSnapshot();
  }

  dispose(): void {
    this.actor.stop();
    this.unsubscribe();
    this.unsubscribeSim();
    this.unsubscribePhone();
    this.unsubscribeMedia();
    this.unsubscribeVoice();
    this.unsubscribeLists();
    this.unsubscribeModels();
    this.unsubscribeMap();
    this.listeners.clear();
  }

  private async after(send: () => void): Promise<void> {
    await this.handleRaw(send);
  }

  private handleRaw(send: () => void): Promise<void> {
    const run = this.queue.then(async () => {
      send();
      await this.settled();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(command: Command): Promise<Result<void>> {
    this.failedInTurn = null;
    switch (command.type) {
      case 'utterance': {
        const text = command.text.trim();
        if (!text) return ok(undefined);
        this.actor.send({ type: 'UTTERANCE', text, ...(command.lang ? { lang: command.lang } : {}) });
        break;
      }
      case 'intent': {
        const slots = this.deps.catalog.validateSlots(command.name, command.slots);
        if (!slots.ok) return this.refuse(slots.error.code, slots.error.message, command.id);
        this.actor.send({ type: 'TOUCH', intent: command.name, slots: slots.value });
        break;
      }
      case 'confirm':
        this.actor.send({ type: 'CONFIRM' });
        break;
      case 'cancel':
        this.actor.send({ type: 'CANCEL' });
        break;
      case 'wake':
        this.actor.send({ type: 'WAKE' });
        break;
      case 'media.ended':
        return this.mediaEnded(command.trackId, command.id);
      case 'spoken':
        return this.spokenNow();
      case 'voice.settings':
        return this.voiceSettings(command);
      case 'list':
        return this.list(command);
      case 'models.pull':
      case 'models.cancel':
        return this.modelCommand(command);
      case 'hangup': {
        const result = this.deps.phone ? this.deps.phone.hangUp() : err('not_allowed', 'there is no phone');
        if (!result.ok) return this.refuse(result.error.code, result.error.message, command.id);
        return ok(undefined);
      }
      case 'sim.set':
      case 'sim.reset':
      case 'sim.drive':
      case 'sim.park':
      case 'sim.scenario':
      case 'sim.message': {
        const sim = this.deps.simulator;
        if (!sim) return this.refuse('not_allowed', `${command.type} works only in the simulator`, command.id);
        const result = simulate(sim, command);
        if (!result.ok) return this.refuse(result.error.code, result.error.message, command.id);
        return ok(undefined);
      }
    }
    await this.settled();
    return this.failedInTurn === null ? ok(undefined) : err('internal', 'the turn failed; the assistant is back to a clean state');
  }

  /** Until the dialogue waits for the driver, or speaks (headless, a turn ends in idle at once). */
  private async settled(): Promise<void> {
    await waitFor(this.actor, (s) => !s.hasTag('busy'), { timeout: Infinity });
  }

  private relay(emitted: DialogueEmitted): void {
    switch (emitted.type) {
      case 'heard':
        this.emit({ type: 'transcript', text: emitted.text, lang: emitted.lang, final: true });
        return;
      case 'say': {
        const { text, lang, trace, card, spokenOnly } = emitted;
        this.emit({
          type: 'response',
          text,
          lang,
          ...(card ? { card: { title: this.render({ key: card.titleKey }, lang), lines: card.lines.map((line) => this.render(line, lang)) } } : {}),
          ...(trace ? { trace: { ...trace, actions: [...trace.actions] } } : {}),
          ...(spokenOnly ? { spokenOnly } : {}),
        });
        if (trace) this.deps.history?.record(trace, text, this.now());
        return;
      }
      case 'failed':
        // A bug in a handler or service: the machine apologizes and goes back to a clean state.
        this.failedInTurn = emitted.message;
        this.emit({ type: 'error', code: 'internal', message: emitted.message });
        return;
      case 'stopSpeech':
        // Not sent: the renderer's speaker (renderer/src/voice/speaker.ts) stops its speech on the driver's
        // barge-in and when "speaking" gives way to a new turn; guidance cutting in is a new answer there.
        return;
    }
  }

  private render(speech: Speech | Speech[], lang: Lang): string {
    // Chinese sentences run on without spaces.
    return (Array.isArray(speech) ? speech : [speech]).map((s) => this.deps.responses.render(lang, s)).join(lang === 'zh' ? '' : ' ');
  }

  private refuse(code: Parameters<typeof err>[0], message: string, id?: string): Result<void> {
    this.emit(id === undefined ? { type: 'error', code, message } : { type: 'error', id, code, message });
    return err(code, message);
  }

  private emit(event: Event): void {
    if ((event.type === 'transcript' && event.final) || event.type === 'response') {
      this.conversation.push(event);
      if (this.conversation.length > CONVERSATION_KEPT) this.conversation.splice(0, this.conversation.length - CONVERSATION_KEPT);
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket) must not stop the others or the turn.
      }
    }
  }
}
