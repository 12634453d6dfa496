// The speaker: says every answer, in its language, and stops when the driver barges in. A pure reducer
// (`step`: what happened → the new state and what to do) and a thin driver that does it with a SpeechOutput
// (speech.ts) and the transport. No DOM here: the unit tests run it in Node with a fake output.
//
// The rules, from what the core sends (common/contract.ts, main/core/assistant.ts):
// - Every live `response` is said, spoken-only ones too (that is their point); replayed ones (a reloaded
//   page) are not said again. Answers queue in order: a multi-request turn says each in turn.
// - The driver barging in from this screen (the mic, a cancel, a yes, a typed or spoken request, a touch)
//   stops what is being said at once: it is obsolete. No `spoken` follows a stop.
// - The dialogue leaving "speaking" for a new turn (understanding, acting, clarifying) stops what was being
//   said before it. A move to listening, idle or confirming is not stopped: those are also where the core's
//   estimate of the speaking time leads when it runs out before the voice does (Chinese, a long message),
//   and cutting an answer off there would be wrong; the driver's own barge-in stops it (above).
// - A new answer while the dialogue is already "speaking" cuts in (the core does that only for turn-by-turn
//   guidance, and then says the answer again after it).
// - When everything queued has been said, `spoken` tells the core, which leaves "speaking" at once instead of
//   after its estimate; only while the dialogue is "speaking" (or as soon as it gets there). When something
//   could not be said (no voice for the language, an engine error) nothing is sent: the estimate ends it.
// - Muted, nothing is said, and `spoken` follows each answer at once: there is nothing to wait for.
import type { Command, DialogueState, Event, Lang } from '../../../common/contract.js';
import type { SpeechOutput, SpeechResult } from './speech.js';

export interface Utterance {
  id: number;
  text: string;
  lang: Lang;
  /** How many `state` events had arrived when it did: what came before a state change is older than it. */
  epoch: number;
}

export interface SpeakerState {
  /** The dialogue as the last `state` event said; null before the first. */
  dialogue: DialogueState | null;
  epoch: number;
  muted: boolean;
  /** Being said now. */
  current: Utterance | null;
  /** Waiting to be said, in order. */
  queue: readonly Utterance[];
  /** Something since the last time everything was said could not be said: no `spoken` for it. */
  failed: boolean;
  /** Everything was said before the dialogue reached "speaking": `spoken` goes out when it does. */
  owed: boolean;
  /** Languages already reported as having no voice (reported once each). */
  voiceless: readonly Lang[];
  nextId: number;
}

export type SpeakerInput =
  | { type: 'event'; event: Event }
  /** The output finished an utterance; `voiceless`: it failed because there is no voice for its language. */
  | { type: 'finished'; id: number; result: SpeechResult; voiceless?: boolean }
  /** The driver did something on this screen that cuts Kemudi off (see `isBargeIn`). */
  | { type: 'bargeIn' }
  | { type: 'mute'; muted: boolean };

export type SpeakerEffect =
  | { type: 'speak'; utterance: Utterance }
  | { type: 'stop' }
  /** Send the `spoken` command. */
  | { type: 'spoken' }
  /** Say on screen, once, that there is no voice for this language. */
  | { type: 'noVoice'; lang: Lang };

export interface Step {
  state: SpeakerState;
  effects: SpeakerEffect[];
}

export function initialSpeaker(muted = false): SpeakerState {
  return { dialogue: null, epoch: 0, muted, current: null, queue: [], failed: false, owed: false, voiceless: [], nextId: 1 };
}

/** States only a new turn reaches from "speaking": what was being said is obsolete there. */
const NEW_TURN: ReadonlySet<DialogueState> = new Set(['understanding', 'acting', 'clarifying']);

/** Commands by which the driver takes the word: whatever Kemudi is saying stops. */
export function isBargeIn(command: Command): boolean {
  return command.type === 'wake' || command.type === 'cancel' || command.type === 'confirm' || command.type === 'utterance' || command.type === 'intent';
}

/** Everything queued is said (or, muted, skipped): tell the core now, or once it is "speaking". */
function drained(state: SpeakerState, effects: SpeakerEffect[]): SpeakerState {
  if (state.failed) return { ...state, failed: false, owed: false };
  if (state.dialogue === 'speaking') {
    effects.push({ type: 'spoken' });
    return { ...state, owed: false };
  }
  return { ...state, owed: true };
}

/** Starts the next queued utterance, or reports that all is said. */
function next(state: SpeakerState, effects: SpeakerEffect[]): SpeakerState {
  const [head, ...rest] = state.queue;
  if (!head) return drained({ ...state, current: null }, effects);
  effects.push({ type: 'speak', utterance: head });
  return { ...state, current: head, queue: rest };
}

/** Stops everything, as if nothing had been queued. */
function silence(state: SpeakerState, effects: SpeakerEffect[]): SpeakerState {
  if (state.current) effects.push({ type: 'stop' });
  return { ...state, current: null, queue: [], failed: false, owed: false };
}

function onState(state: SpeakerState, dialogue: DialogueState, effects: SpeakerEffect[]): SpeakerState {
  let s: SpeakerState = { ...state, dialogue, epoch: state.epoch + 1 };
  if (state.dialogue === 'speaking' && NEW_TURN.has(dialogue)) {
    // Barge-in by a new turn: what was said before this change stops; what came with it (a question the
    // new turn asks) is kept.
    const kept = s.queue.filter((u) => u.epoch >= state.epoch);
    if (s.current && s.current.epoch < state.epoch) {
      effects.push({ type: 'stop' });
      const [head, ...rest] = kept;
      if (head) effects.push({ type: 'speak', utterance: head });
      // Cut off, not finished: no `spoken` for it.
      return { ...s, current: head ?? null, queue: rest, failed: false, owed: false };
    }
    s = { ...s, queue: kept };
  }
  if (s.owed) {
    if (dialogue === 'speaking' && !s.current && s.queue.length === 0) effects.push({ type: 'spoken' });
    s = { ...s, owed: false };
  }
  return s;
}

function onResponse(state: SpeakerState, text: string, lang: Lang, effects: SpeakerEffect[]): SpeakerState {
  const utterance: Utterance = { id: state.nextId, text, lang, epoch: state.epoch };
  const s: SpeakerState = { ...state, nextId: state.nextId + 1, owed: false };
  if (s.muted) return drained(s, effects);
  if (s.current && s.dialogue === 'speaking' && s.current.epoch < s.epoch) {
    // Cuts in (guidance): what was being said before stops, and what the core says next follows this.
    effects.push({ type: 'stop' }, { type: 'speak', utterance });
    return { ...s, current: utterance, queue: s.queue.filter((u) => u.epoch >= s.epoch), failed: false };
  }
  if (s.current) return { ...s, queue: [...s.queue, utterance] };
  effects.push({ type: 'speak', utterance });
  return { ...s, current: utterance };
}

/** One input: the new state and what to do. Pure. */
export function step(state: SpeakerState, input: SpeakerInput): Step {
  const effects: SpeakerEffect[] = [];
  switch (input.type) {
    case 'event': {
      const event = input.event;
      if (event.type === 'state') return { state: onState(state, event.dialogue, effects), effects };
      if (event.type === 'response' && !event.replayed && event.text.trim()) return { state: onResponse(state, event.text, event.lang, effects), effects };
      return { state, effects };
    }
    case 'finished': {
      if (state.current?.id !== input.id) return { state, effects }; // stopped or replaced already
      const lang = state.current.lang;
      let s = state;
      // 'stopped' that we did not ask for (another page, the system) counts as not said.
      if (input.result !== 'done') s = { ...s, failed: true };
      if (input.result === 'failed' && input.voiceless && !s.voiceless.includes(lang)) {
        effects.push({ type: 'noVoice', lang });
        s = { ...s, voiceless: [...s.voiceless, lang] };
      }
      return { state: next({ ...s, current: null }, effects), effects };
    }
    case 'bargeIn':
      return { state: silence(state, effects), effects };
    case 'mute': {
      if (input.muted === state.muted) return { state, effects };
      if (!input.muted) return { state: { ...state, muted: false }, effects };
      // Muted mid-answer: nothing more will be said, so the core need not wait for it.
      const busy = state.current !== null || state.queue.length > 0;
      const s = silence({ ...state, muted: true }, effects);
      return { state: busy ? drained(s, effects) : s, effects };
    }
  }
}

export interface SpeakerOptions {
  /** Sends a command to the core (`spoken`); its failure (offline) is of no consequence. */
  send(command: Command): unknown;
  /** There is no voice for a language: said once per language. */
  onNoVoice?(lang: Lang): void;
  muted?: boolean;
  /** After every change: whether something is being said or waits to be. */
  onTalking?(talking: boolean): void;
}

export interface Speaker {
  /** Every event from the core. */
  receive(event: Event): void;
  /** Every command this screen sends, before it goes: a barge-in stops speech at once. */
  sending(command: Command): void;
  setMuted(muted: boolean): void;
  readonly state: SpeakerState;
  dispose(): void;
}

/** Runs the reducer against a real (or fake) speech output. */
export function createSpeaker(output: SpeechOutput, options: SpeakerOptions): Speaker {
  let state = initialSpeaker(options.muted ?? false);
  let disposed = false;

  const dispatch = (input: SpeakerInput): void => {
    if (disposed) return;
    const result = step(state, input);
    state = result.state;
    for (const effect of result.effects) run(effect);
    options.onTalking?.(state.current !== null || state.queue.length > 0);
  };

  const run = (effect: SpeakerEffect): void => {
    switch (effect.type) {
      case 'speak': {
        const { id, text, lang } = effect.utterance;
        output.speak(text, lang).then(
          (result) => dispatch({ type: 'finished', id, result, voiceless: result === 'failed' && !output.available(lang) }),
          () => dispatch({ type: 'finished', id, result: 'failed' }),
        );
        return;
      }
      case 'stop':
        output.stop();
        return;
      case 'spoken':
        options.send({ type: 'spoken' });
        return;
      case 'noVoice':
        options.onNoVoice?.(effect.lang);
        return;
    }
  };

  return {
    receive: (event) => dispatch({ type: 'event', event }),
    sending: (command) => {
      if (isBargeIn(command)) dispatch({ type: 'bargeIn' });
    },
    setMuted: (muted) => dispatch({ type: 'mute', muted }),
    get state() {
      return state;
    },
    dispose() {
      if (state.current) output.stop();
      disposed = true;
    },
  };
}
