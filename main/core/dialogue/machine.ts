// The dialogue machine (XState v5): every conversation, voice or touch, runs through it.
//   idle → listening → understanding → (clarifying | confirming | acting) → speaking → follow-up → idle
// The async work (understanding a sentence, running a handler) is done by actors supplied by name with
// `machine.provide` (see actors.ts); they answer with plain events (UNDERSTOOD, ACTED, …), so the chart
// stays a pure function that @xstate/graph can walk. Everything said goes out as an emitted `say` event
// with its rendered text and decision trace; the host turns those into contract events.
import { and, assign, enqueueActions, fromCallback, setup } from 'xstate';
import type { Lang, Slots, Trace } from '../../../common/contract.js';
import type { HandlerOutcome, PolicyDecision, Speech, Understanding } from '../ports.js';
import { pointsToPerson, pointsToPlace, replyOf, sideFollowUp } from './replies.js';

export interface DialogueTimings {
  /** Listening after the wake word before re-prompting once, then giving up (ms). */
  listenMs: number;
  /** Waiting for a missing slot or a yes/no before re-prompting once, then giving up (ms). */
  answerMs: number;
  /** After Kemudi speaks, the driver may go on without the wake word for this long (ms). */
  followUpMs: number;
  /** How long an answer takes to say (ms), when the speech output does not report its end (SPOKEN). */
  speechMs: (text: string) => number;
}

/** About 15 characters a second, as a TTS voice speaks. */
export const estimateSpeechMs = (text: string): number => Math.min(15_000, 400 + text.length * 65);

export const DEFAULT_TIMINGS: DialogueTimings = { listenMs: 8000, answerMs: 8000, followUpMs: 5000, speechMs: estimateSpeechMs };

/** What the conversation remembers for follow-ups: who and where was mentioned last, the last request. */
export interface Memory {
  contact?: string;
  place?: string;
  last?: { intent: string; slots: Slots };
}

export interface Turn {
  heard: string;
  lang: Lang;
  /** The language the utterance came with; absent, the NLU detects it. */
  given?: Lang;
  /** Requests still to run, in order (multi-intent); the head is the current one. */
  queue: Understanding[];
  /** The current request's trace, once the policy has spoken. */
  trace: Trace | null;
  /** The policy wants the current answer spoken, not shown (messages while moving). */
  spokenOnly: boolean;
  /** Something failed in this turn (the host reports it as an error). */
  failed: boolean;
}

/** The safety policy for one request, given the car now: pure, asked before every action. */
export type Decide = (understanding: Understanding) => PolicyDecision;
/** Renders a response in a language (the Responses port). */
export type Render = (speech: Speech | Speech[], lang: Lang) => string;
/** Whether a slot takes free text (a body, a name, a place) rather than a value from a list. */
export type IsFreeText = (intent: string, slot: string) => boolean;
/** Slot resolution against what the car knows (the address book): a name as said becomes the contact
 *  it means, or a choice to ask ("Which Sari?"), or a name nobody has. */
export type Resolution =
  | { kind: 'ok'; understanding: Understanding }
  | { kind: 'choose'; slot: string; options: string[] }
  | { kind: 'unknown'; slot: string; value: string };
export type Resolve = (understanding: Understanding) => Resolution;

const unchanged: Resolve = (understanding) => ({ kind: 'ok', understanding });

export interface DialogueContext {
  lang: Lang;
  turn: Turn;
  memory: Memory;
  /** The slot a clarifying question asks for. */
  asking: string | null;
  /** Re-prompts used in the current wait: one, then we give up. */
  reprompts: number;
  /** The last answer, said again after turn-by-turn guidance cut it off. */
  lastSaid: { text: string; lang: Lang } | null;
  /** Length of what is being said now, for the speech-time estimate. */
  sayingChars: number;
  /** Incoming messages that arrived while the driver was busy: offered when the conversation is free. */
  inbox: { from: string; text: string; lang: Lang }[];
  timings: DialogueTimings;
  decide: Decide;
  render: Render;
  isFreeText: IsFreeText;
  resolve: Resolve;
  /** The names offered by a "Which Sari?" question. */
  choices: string[];
}

export type DialogueEvent =
  // From the driver (voice, typing, touch).
  | { type: 'WAKE' }
  | { type: 'UTTERANCE'; text: string; lang?: Lang }
  | { type: 'TOUCH'; intent: string; slots: Slots }
  | { type: 'CONFIRM' }
  | { type: 'DENY' }
  | { type: 'CANCEL' }
  // From the world.
  | { type: 'INCOMING'; from: string; text: string; lang: Lang }
  | { type: 'GUIDANCE'; speech: Speech; lang?: Lang }
  // From the actors and the speech output.
  | { type: 'UNDERSTOOD'; lang: Lang; understandings: Understanding[] }
  | { type: 'ACTED'; outcome: HandlerOutcome }
  | { type: 'UNAVAILABLE' }
  | { type: 'FAILED'; message: string }
  | { type: 'SPOKEN' };

/** Emitted to the host. */
export type DialogueEmitted =
  /** What the driver said, once its language is known. */
  | { type: 'heard'; text: string; lang: Lang }
  | { type: 'say'; text: string; lang: Lang; trace: Trace | null; card?: HandlerOutcome['card']; spokenOnly?: boolean }
  | { type: 'failed'; message: string }
  | { type: 'stopSpeech' };

export interface DialogueInput {
  lang: Lang;
  decide: Decide;
  render: Render;
  isFreeText: IsFreeText;
  /** Without one, slots are taken as said. */
  resolve?: Resolve;
  timings?: Partial<DialogueTimings>;
}

const emptyTurn = (lang: Lang, heard = ''): Turn => ({ heard, lang, queue: [], trace: null, spokenOnly: false, failed: false });
const head = (context: DialogueContext): Understanding | undefined => context.turn.queue[0];

/** Slots as response parameters ("What should I say to {contact}?"). */
function paramsOf(slots: Slots): Record<string, string | number> {
  return Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
}

function traceOf(turn: Turn, u: Understanding, policy: Trace['policy'] = null, policyReason?: string): Trace {
  return { heard: turn.heard, lang: turn.lang, intent: u.intent, slots: u.slots, source: u.source, confidence: u.confidence, policy, ...(policyReason ? { policyReason } : {}), actions: [] };
}

/** "Call her", "navigate there": pronouns resolved from what was mentioned last. */
function resolve(u: Understanding, memory: Memory): Understanding {
  const slots = { ...u.slots };
  if (pointsToPerson(slots.contact) && memory.contact) slots.contact = memory.contact;
  if (pointsToPlace(slots.destination) && memory.place) slots.destination = memory.place;
  return { ...u, slots };
}

/** Right after a message was read, "reply on my way" and "call back" mean its sender. */
function withConversationContact(u: Understanding, memory: Memory): Understanding {
  const follows = memory.last?.intent === 'messaging.read' || memory.last?.intent === 'messaging.send';
  if (!follows || !memory.contact || u.slots.contact !== undefined || u.slots.number !== undefined) return u;
  if (u.intent !== 'messaging.send' && u.intent !== 'phone.call') return u;
  const missing = (u.missing ?? []).filter((m) => m !== 'contact');
  const filled: Understanding = { ...u, slots: { ...u.slots, contact: memory.contact } };
  if (missing.length > 0) filled.missing = missing;
  else delete filled.missing;
  return filled;
}

function remember(memory: Memory, u: Understanding): Memory {
  const next: Memory = { ...memory, last: { intent: u.intent, slots: u.slots } };
  if (typeof u.slots.contact === 'string') next.contact = u.slots.contact;
  if (typeof u.slots.destination === 'string') next.place = u.slots.destination;
  return next;
}

interface SayParams {
  speech: Speech | Speech[];
  lang?: Lang;
  trace?: Trace | null;
  card?: HandlerOutcome['card'];
  spokenOnly?: boolean;
}

/** What saying something emits, and what it changes (the length, for the speech-time estimate). */
function spoken(context: DialogueContext, params: SayParams): { event: DialogueEmitted; patch: Pick<DialogueContext, 'sayingChars' | 'lastSaid'> } {
  const lang = params.lang ?? context.lang;
  const text = context.render(params.speech, lang);
  return {
    event: { type: 'say', text, lang, trace: params.trace ?? null, ...(params.card ? { card: params.card } : {}), ...(params.spokenOnly ? { spokenOnly: true } : {}) },
    patch: { sayingChars: context.sayingChars + text.length, lastSaid: { text, lang } },
  };
}

/** The part of xstate's `enqueue` that saying needs. */
interface Sayer {
  emit(event: DialogueEmitted): void;
  assign(patch: Pick<DialogueContext, 'sayingChars' | 'lastSaid'>): void;
}

function sayIn(enqueue: Sayer, context: DialogueContext, params: SayParams): void {
  const { event, patch } = spoken(context, params);
  enqueue.emit(event);
  enqueue.assign(patch);
}

export const dialogueMachine = setup({
  types: {
    context: {} as DialogueContext,
    events: {} as DialogueEvent,
    emitted: {} as DialogueEmitted,
    input: {} as DialogueInput,
  },
  actors: {
    // Supplied by the host (actors.ts). These defaults never answer: a machine without them waits, and
    // its timeouts still fire, rather than pretend.
    understand: fromCallback<DialogueEvent, { text: string; lang?: Lang }>(() => undefined),
    act: fromCallback<DialogueEvent, { understanding: Understanding; lang: Lang }>(() => undefined),
  },
  actions: {
    /** Says something: rendered here so the speech-time estimate knows its length. */
    say: enqueueActions(({ context, enqueue }, params: SayParams) => sayIn(enqueue, context, params)),
    startTurn: assign(({ context, event }) => {
      if (event.type !== 'UTTERANCE') return {};
      return { reprompts: 0, asking: null, choices: [], sayingChars: 0, turn: { ...emptyTurn(event.lang ?? context.lang, event.text.trim()), ...(event.lang ? { given: event.lang } : {}) } };
    }),
    startTouch: assign(({ context, event }) => {
      if (event.type !== 'TOUCH') return {};
      const touch: Understanding = { intent: event.intent, slots: event.slots, source: 'touch', confidence: 1 };
      return { reprompts: 0, asking: null, choices: [], sayingChars: 0, turn: { ...emptyTurn(context.lang, `[touch] ${event.intent}`), queue: [touch] } };
    }),
    clearTurn: assign(({ context }) => ({ turn: emptyTurn(context.lang), asking: null, choices: [] })),
    clearQueue: assign(({ context }) => ({ turn: { ...context.turn, queue: [] } })),
    countReprompt: assign(({ context }) => ({ reprompts: context.reprompts + 1 })),
    /** A new wake word or tap: its own silence gets its own re-prompt. */
    freshWait: assign({ reprompts: 0 }),
    stopSpeech: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'stopSpeech' });
      enqueue.assign({ sayingChars: 0 });
    }),
    fail: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit({ type: 'failed', message: event.type === 'FAILED' ? event.message : 'the turn failed' });
      enqueue.assign({ turn: { ...context.turn, queue: [], failed: true } });
    }),
    /** The transcript of an utterance the NLU did not need to read (a yes, a slot's answer, cancel). */
    hear: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UTTERANCE') return;
      enqueue.emit({ type: 'heard', text: event.text.trim(), lang: event.lang ?? context.lang });
      // "Iya" answers in Indonesian: what follows is said in Indonesian too.
      if (event.lang && event.lang !== context.lang) enqueue.assign({ lang: event.lang, turn: { ...context.turn, lang: event.lang } });
    }),
    /** The transcript of what the NLU read, in the language it found. */
    hearUnderstood: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'UNDERSTOOD') enqueue.emit({ type: 'heard', text: context.turn.heard, lang: event.lang });
      else enqueue.emit({ type: 'heard', text: context.turn.heard, lang: context.turn.lang });
    }),
    takeUnderstanding: assign(({ context, event }) => {
      if (event.type !== 'UNDERSTOOD') return {};
      const queue = event.understandings.map((u) => resolve(withConversationContact(u, context.memory), context.memory));
      // Who and where was mentioned counts from the moment it is heard, done or not ("text Sari" … "call her").
      const memory = queue.reduce<Memory>((m, u) => ({ ...m, ...(typeof u.slots.contact === 'string' ? { contact: u.slots.contact } : {}), ...(typeof u.slots.destination === 'string' ? { place: u.slots.destination } : {}) }), context.memory);
      return { lang: event.lang, memory, turn: { ...context.turn, lang: event.lang, queue } };
    }),
    repeatForSide: assign(({ context }) => {
      const last = context.memory.last;
      const side = sideFollowUp(context.turn.heard, context.turn.lang);
      if (!last || !side) return {};
      return { turn: { ...context.turn, queue: [{ intent: last.intent, slots: { ...last.slots, side }, source: 'template' as const, confidence: 1 }] } };
    }),
    /** The answer to a clarifying question fills the slot as said (a message body, a name, a place). */
    fillSlot: assign(({ context, event }) => {
      if (event.type !== 'UTTERANCE') return {};
      const [u, ...rest] = context.turn.queue;
      const slot = context.asking;
      if (!u || !slot) return {};
      const missing = (u.missing ?? []).filter((m) => m !== slot);
      const filled: Understanding = resolve({ ...u, slots: { ...u.slots, [slot]: event.text.trim() } }, context.memory);
      if (missing.length > 0) filled.missing = missing;
      else delete filled.missing;
      return { reprompts: 0, turn: { ...context.turn, heard: `${context.turn.heard} → ${event.text.trim()}`, queue: [filled, ...rest] } };
    }),
    addAnswer: assign(({ context, event }) => {
      if (event.type !== 'UTTERANCE') return {};
      const joiner = context.turn.lang === 'zh' ? '' : ' ';
      // Counts as a try: an answer that still leaves the request incomplete is asked for once more, then we give up.
      return { reprompts: context.reprompts + 1, asking: null, turn: { ...emptyTurn(context.turn.lang, `${context.turn.heard}${joiner}${event.text.trim()}`) } };
    }),
    skipOutOfScope: enqueueActions(({ context, enqueue }) => {
      const u = head(context);
      if (!u) return;
      sayIn(enqueue, context, { speech: { key: 'out_of_scope' }, trace: traceOf(context.turn, u) });
      enqueue.assign({ turn: { ...context.turn, queue: context.turn.queue.slice(1) } });
    }),
    askForSlot: enqueueActions(({ context, enqueue }) => {
      const u = head(context);
      const slot = u?.missing?.[0];
      if (!u || !slot) return;
      enqueue.assign({ asking: slot });
      // "Which Sari: Sari Wulandari or Sari Dewi?" when the name fits several people.
      const speech: Speech =
        context.choices.length > 0 ? { key: 'ask.choose', params: { options: context.choices.join(context.lang === 'zh' ? '、' : ', ') } } : { key: `ask.${u.intent}.${slot}`, params: paramsOf(u.slots) };
      sayIn(enqueue, context, { speech, trace: traceOf(context.turn, u) });
    }),
    offerChoice: assign(({ context }) => {
      const u = head(context);
      if (!u) return {};
      const resolution = context.resolve(u);
      if (resolution.kind !== 'choose') return {};
      const slots = { ...u.slots };
      delete slots[resolution.slot];
      const asked: Understanding = { ...u, slots, missing: [resolution.slot, ...(u.missing ?? []).filter((m) => m !== resolution.slot)] };
      return { choices: resolution.options, turn: { ...context.turn, queue: [asked, ...context.turn.queue.slice(1)] } };
    }),
    applyResolution: assign(({ context }) => {
      const u = head(context);
      if (!u) return {};
      const resolution = context.resolve(u);
      return resolution.kind === 'ok' ? { choices: [], turn: { ...context.turn, queue: [resolution.understanding, ...context.turn.queue.slice(1)] } } : {};
    }),
    sayNameUnknown: enqueueActions(({ context, enqueue }) => {
      const u = head(context);
      if (!u) return;
      const resolution = context.resolve(u);
      const name = resolution.kind === 'unknown' ? resolution.value : '';
      sayIn(enqueue, context, { speech: { key: 'contact.unknown', params: { name } }, trace: traceOf(context.turn, u) });
    }),
    sayDenied: enqueueActions(({ context, enqueue }) => {
      const u = head(context);
      if (!u) return;
      const decision = context.decide(u);
      const reason = decision.kind === 'deny' ? decision.reason : 'policy.reason.moving_deny';
      sayIn(enqueue, context, { speech: { key: 'policy.denied', params: { reason: { ref: reason } } }, trace: traceOf(context.turn, u, 'deny', reason) });
    }),
    askConfirmation: enqueueActions(({ context, enqueue }) => {
      const u = head(context);
      if (!u) return;
      const decision = context.decide(u);
      const reason = decision.kind === 'confirm' ? decision.reason : 'policy.reason.moving_confirm';
      const trace = traceOf(context.turn, u, 'confirm', reason);
      sayIn(enqueue, context, { speech: { key: 'policy.confirm', params: { ...paramsOf(u.slots), reason: { ref: reason } } }, trace });
      enqueue.assign({ reprompts: 0, turn: { ...context.turn, trace } });
    }),
    markAllowed: assign(({ context }) => {
      const u = head(context);
      if (!u) return {};
      const decision = context.decide(u);
      return { turn: { ...context.turn, trace: traceOf(context.turn, u, 'allow'), spokenOnly: decision.kind === 'allow' && decision.spokenOnly === true } };
    }),
    markConfirmed: assign(({ context }) => {
      const u = head(context);
      if (!u) return {};
      // The re-check may still want the answer spoken only (a message read while moving).
      const decision = context.decide(u);
      return { turn: { ...context.turn, trace: traceOf(context.turn, u, 'confirm', context.turn.trace?.policyReason), spokenOnly: decision.kind === 'allow' && decision.spokenOnly === true } };
    }),
    reportOutcome: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'ACTED') return;
      const [done, ...rest] = context.turn.queue;
      if (!done) return;
      const trace = { ...(context.turn.trace ?? traceOf(context.turn, done, 'allow')), actions: event.outcome.actions };
      const spokenOnly = context.turn.spokenOnly;
      sayIn(enqueue, context, { speech: event.outcome.say, trace, ...(event.outcome.card && !spokenOnly ? { card: event.outcome.card } : {}), spokenOnly });
      enqueue.assign({ memory: { ...remember(context.memory, done), ...event.outcome.mentions }, turn: { ...context.turn, queue: rest, trace: null, spokenOnly: false } });
    }),
    sayUnavailable: enqueueActions(({ context, enqueue }) => {
      // Declared but not built yet: said honestly; the rest of the queue stops here.
      sayIn(enqueue, context, { speech: { key: 'not_available' }, trace: context.turn.trace });
      enqueue.assign({ turn: { ...context.turn, queue: [] } });
    }),
    sayNotUnderstood: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UNDERSTOOD') return;
      enqueue.assign({ lang: event.lang, turn: { ...context.turn, lang: event.lang } });
      const trace: Trace = { heard: context.turn.heard, lang: event.lang, intent: null, slots: {}, source: 'none', confidence: 0, policy: null, actions: [] };
      sayIn(enqueue, context, { speech: { key: 'not_understood' }, lang: event.lang, trace });
    }),
    offerMessage: enqueueActions(({ context, enqueue }) => {
      // "New message from Sari. Read it?": a yes reads it (messaging.read for that contact).
      const [message, ...inbox] = context.inbox;
      if (!message) return;
      const read: Understanding = { intent: 'messaging.read', slots: { contact: message.from }, source: 'none', confidence: 1 };
      // Offered in the driver's language, whatever language the message is in.
      const turn = { ...emptyTurn(context.lang, `[incoming] ${message.from}`), queue: [read] };
      enqueue.assign({ inbox, reprompts: 0, turn: { ...turn, trace: traceOf(turn, read, 'confirm', 'message.incoming') } });
      sayIn(enqueue, context, { speech: { key: 'message.incoming', params: { from: message.from } } });
    }),
    // Guidance is not an answer: it does not replace the answer to say again after it.
    guidance: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'GUIDANCE') return;
      const lang = event.lang ?? context.lang;
      enqueue.emit({ type: 'say', text: context.render(event.speech, lang), lang, trace: null });
    }),
  },
  guards: {
    isCancel: ({ context, event }) => event.type === 'UTTERANCE' && replyOf(event.text, event.lang ?? context.lang) === 'cancel',
    isYes: ({ context, event }) => event.type === 'UTTERANCE' && replyOf(event.text, event.lang ?? context.lang) === 'yes',
    isNo: ({ context, event }) => event.type === 'UTTERANCE' && replyOf(event.text, event.lang ?? context.lang) === 'no',
    canReprompt: ({ context }) => context.reprompts < 1,
    noFollowUp: ({ context }) => context.timings.followUpMs <= 0,
    silent: ({ context }) => context.timings.speechMs('x'.repeat(context.sayingChars)) <= 0,
    gaveUpAsking: ({ context }) => (head(context)?.missing?.length ?? 0) > 0 && context.reprompts >= 2,
    askingFreeText: ({ context }) => {
      const u = head(context);
      return u !== undefined && context.asking !== null && context.isFreeText(u.intent, context.asking);
    },
    hasInbox: ({ context }) => context.inbox.length > 0,
    nothingUnderstood: ({ event }) => event.type === 'UNDERSTOOD' && event.understandings.length === 0,
    isSideFollowUp: ({ context }) => !!context.memory.last && /^vehicle\.climate_/.test(context.memory.last.intent) && sideFollowUp(context.turn.heard, context.turn.lang) !== null,
    queueEmpty: ({ context }) => head(context) === undefined,
    headOutOfScope: ({ context }) => head(context)?.intent === 'out_of_scope',
    headMissingSlots: ({ context }) => (head(context)?.missing?.length ?? 0) > 0,
    headNeedsChoice: ({ context }) => {
      const u = head(context);
      return u !== undefined && context.resolve(u).kind === 'choose';
    },
    headNameUnknown: ({ context }) => {
      const u = head(context);
      return u !== undefined && context.resolve(u).kind === 'unknown';
    },
    policyDenies: ({ context }) => {
      const u = head(context);
      return u !== undefined && context.decide(u).kind === 'deny';
    },
    policyConfirms: ({ context }) => {
      const u = head(context);
      return u !== undefined && context.decide(u).kind === 'confirm';
    },
  },
  delays: {
    listen: ({ context }) => context.timings.listenMs,
    answer: ({ context }) => context.timings.answerMs,
    followUp: ({ context }) => context.timings.followUpMs,
    speech: ({ context }) => context.timings.speechMs('x'.repeat(context.sayingChars)),
  },
}).createMachine({
  id: 'dialogue',
  context: ({ input }) => ({
    lang: input.lang,
    turn: emptyTurn(input.lang),
    memory: {},
    asking: null,
    reprompts: 0,
    lastSaid: null,
    sayingChars: 0,
    inbox: [],
    timings: { ...DEFAULT_TIMINGS, ...input.timings },
    decide: input.decide,
    render: input.render,
    isFreeText: input.isFreeText,
    resolve: input.resolve ?? unchanged,
    choices: [],
  }),
  initial: 'idle',
  on: {
    // Incoming messages wait until the driver is free of the current exchange.
    INCOMING: { actions: assign({ inbox: ({ context, event }) => [...context.inbox, { from: event.from, text: event.text, lang: event.lang }] }) },
    // Turn-by-turn guidance is said at once, whatever else is going on.
    GUIDANCE: { actions: 'guidance' },
  },
  states: {
    idle: {
      tags: ['resting'],
      entry: assign({ reprompts: 0, asking: null }),
      always: { guard: 'hasInbox', target: 'offeringMessage' },
      on: {
        WAKE: { target: 'listening', actions: 'freshWait' },
        UTTERANCE: { target: 'understanding', actions: 'startTurn' },
        TOUCH: { target: 'deciding', actions: 'startTouch' },
        CONFIRM: { target: 'speaking', actions: [assign({ sayingChars: 0 }), { type: 'say', params: { speech: { key: 'confirm.nothing' } } }] },
      },
    },

    listening: {
      tags: ['resting', 'listening'],
      after: {
        listen: [
          { guard: 'canReprompt', target: 'listening', reenter: true, actions: ['countReprompt', { type: 'say', params: { speech: { key: 'dialogue.listening' } } }] },
          { target: 'idle', actions: [{ type: 'say', params: { speech: { key: 'dialogue.give_up' } } }, 'clearTurn'] },
        ],
      },
      on: {
        UTTERANCE: [{ guard: 'isCancel', target: 'cancelled', actions: 'hear' }, { target: 'understanding', actions: 'startTurn' }],
        TOUCH: { target: 'deciding', actions: 'startTouch' },
        CANCEL: 'cancelled',
        WAKE: { target: 'listening', reenter: true, actions: 'freshWait' },
      },
    },

    understanding: {
      tags: ['busy'],
      // "And the passenger side too": the last climate request again, for that side; no NLU needed.
      always: { guard: 'isSideFollowUp', target: 'deciding', actions: ['hearUnderstood', 'repeatForSide'] },
      invoke: { src: 'understand', input: ({ context }) => ({ text: context.turn.heard, ...(context.turn.given ? { lang: context.turn.given } : {}) }) },
      on: {
        UNDERSTOOD: [
          { guard: 'nothingUnderstood', target: 'speaking', actions: ['hearUnderstood', 'sayNotUnderstood'] },
          { target: 'deciding', actions: ['hearUnderstood', 'takeUnderstanding'] },
        ],
        FAILED: { target: 'failing', actions: 'fail' },
        CANCEL: 'cancelled',
        WAKE: { target: 'listening', actions: 'freshWait' },
      },
    },

    // What to do with the head of the queue (transient).
    deciding: {
      tags: ['busy'],
      always: [
        { guard: 'queueEmpty', target: 'speaking' },
        { guard: 'headOutOfScope', target: 'deciding', reenter: true, actions: 'skipOutOfScope' },
        { guard: 'gaveUpAsking', target: 'speaking', actions: [{ type: 'say', params: { speech: { key: 'dialogue.give_up' } } }, 'clearQueue'] },
        { guard: 'headMissingSlots', target: 'clarifying' },
        // Names are looked up before the policy and the read-back, so both see the contact meant.
        { guard: 'headNeedsChoice', target: 'clarifying', actions: 'offerChoice' },
        { guard: 'headNameUnknown', target: 'speaking', actions: ['sayNameUnknown', 'clearQueue'] },
        { target: 'checking', actions: 'applyResolution' },
      ],
    },

    // The policy, on the resolved request (transient).
    checking: {
      tags: ['busy'],
      always: [
        // Stop at the first denial: the rest of the queue is dropped and the driver told why.
        { guard: 'policyDenies', target: 'speaking', actions: ['sayDenied', 'clearQueue'] },
        { guard: 'policyConfirms', target: 'confirming', actions: 'askConfirmation' },
        { target: 'acting', actions: 'markAllowed' },
      ],
    },

    clarifying: {
      tags: ['resting', 'answering'],
      entry: 'askForSlot',
      after: {
        answer: [
          { guard: 'canReprompt', target: 'clarifying', reenter: true, actions: 'countReprompt' },
          { target: 'idle', actions: [{ type: 'say', params: { speech: { key: 'dialogue.give_up' } } }, 'clearTurn'] },
        ],
      },
      on: {
        UTTERANCE: [
          { guard: 'isCancel', target: 'cancelled', actions: 'hear' },
          { guard: 'askingFreeText', target: 'deciding', actions: ['hear', 'fillSlot'] },
          // "Turn the lights…" → "Lights on or off?" → "on": the request is understood again with the answer.
          { target: 'understanding', actions: 'addAnswer' },
        ],
        TOUCH: { target: 'deciding', actions: 'startTouch' },
        CANCEL: 'cancelled',
        WAKE: { target: 'clarifying', reenter: true, actions: 'freshWait' },
      },
    },

    confirming: {
      tags: ['resting', 'answering'],
      after: {
        answer: [
          { guard: 'canReprompt', target: 'confirming', reenter: true, actions: ['countReprompt', { type: 'say', params: { speech: { key: 'dialogue.confirm_again' } } }] },
          { target: 'idle', actions: [{ type: 'say', params: { speech: { key: 'confirm.cancelled' } } }, 'clearTurn'] },
        ],
      },
      on: {
        CONFIRM: 'rechecking',
        DENY: 'cancelled',
        CANCEL: 'cancelled',
        // The wake word or the mic button: the driver wants to say something else, and the question lapses.
        WAKE: { target: 'listening', actions: 'freshWait' },
        UTTERANCE: [
          { guard: 'isYes', target: 'rechecking', actions: 'hear' },
          { guard: 'isNo', target: 'cancelled', actions: 'hear' },
          { guard: 'isCancel', target: 'cancelled', actions: 'hear' },
          // Anything else is a new request: the question lapses.
          { target: 'understanding', actions: 'startTurn' },
        ],
        TOUCH: { target: 'deciding', actions: 'startTouch' },
      },
    },

    // After a yes the car may have changed: the policy is asked again, and a deny still wins.
    rechecking: {
      tags: ['busy'],
      always: [{ guard: 'policyDenies', target: 'speaking', actions: ['sayDenied', 'clearQueue'] }, { target: 'acting', actions: 'markConfirmed' }],
    },

    acting: {
      tags: ['busy'],
      invoke: { src: 'act', input: ({ context }) => ({ understanding: head(context) as Understanding, lang: context.lang, heard: context.turn.heard }) },
      on: {
        ACTED: { target: 'deciding', actions: 'reportOutcome' },
        UNAVAILABLE: { target: 'speaking', actions: 'sayUnavailable' },
        FAILED: { target: 'failing', actions: 'fail' },
        // Stops the rest of a multi-request sentence; a late answer from the handler is dropped.
        CANCEL: 'cancelled',
      },
    },

    // Any actor failing: a spoken apology and back to a clean state, never stuck.
    failing: {
      always: { target: 'speaking', actions: { type: 'say', params: ({ context }) => ({ speech: { key: 'error.internal' }, trace: context.turn.trace }) } },
    },

    cancelled: {
      always: { target: 'idle', actions: [{ type: 'say', params: { speech: { key: 'cancel.done' } } }, 'clearTurn'] },
    },

    offeringMessage: {
      always: { target: 'confirming', actions: 'offerMessage' },
    },

    speaking: {
      tags: ['resting', 'speaking'],
      // The speech output says when it is done (SPOKEN); otherwise the estimate of how long it takes.
      // Headless (no speech output, no follow-up window) a turn ends at once, with no timer at all.
      always: [
        { guard: and(['silent', 'noFollowUp']), target: 'idle', actions: [assign({ sayingChars: 0 }), 'clearTurn'] },
        { guard: 'silent', target: 'followUp', actions: assign({ sayingChars: 0 }) },
      ],
      after: {
        speech: [
          { guard: 'noFollowUp', target: 'idle', actions: [assign({ sayingChars: 0 }), 'clearTurn'] },
          { target: 'followUp', actions: assign({ sayingChars: 0 }) },
        ],
      },
      on: {
        SPOKEN: [
          { guard: 'noFollowUp', target: 'idle', actions: [assign({ sayingChars: 0 }), 'clearTurn'] },
          { target: 'followUp', actions: assign({ sayingChars: 0 }) },
        ],
        // Barge-in: the wake word or a tap stops speech at once and listens.
        WAKE: { target: 'listening', actions: ['stopSpeech', 'freshWait'] },
        UTTERANCE: [
          { guard: 'isCancel', target: 'cancelled', actions: ['stopSpeech', 'hear'] },
          { target: 'understanding', actions: ['stopSpeech', 'startTurn'] },
        ],
        TOUCH: { target: 'deciding', actions: ['stopSpeech', 'startTouch'] },
        CANCEL: { target: 'idle', actions: ['stopSpeech', 'clearTurn'] },
        // Guidance preempts the answer being spoken, which is said again after it.
        GUIDANCE: {
          actions: [
            'stopSpeech',
            'guidance',
            enqueueActions(({ context, enqueue }) => {
              if (context.lastSaid) enqueue.emit({ type: 'say', text: context.lastSaid.text, lang: context.lastSaid.lang, trace: null });
            }),
          ],
        },
      },
    },

    // The driver may answer or go on without the wake word.
    followUp: {
      tags: ['resting', 'listening'],
      always: { guard: 'hasInbox', target: 'offeringMessage' },
      after: { followUp: { target: 'idle', actions: 'clearTurn' } },
      on: {
        UTTERANCE: [{ guard: 'isCancel', target: 'cancelled', actions: 'hear' }, { target: 'understanding', actions: 'startTurn' }],
        TOUCH: { target: 'deciding', actions: 'startTouch' },
        WAKE: { target: 'listening', actions: 'freshWait' },
        CANCEL: { target: 'idle', actions: 'clearTurn' },
      },
    },
  },
});

export type DialogueMachine = typeof dialogueMachine;
