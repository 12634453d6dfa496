// The app's state as signals, fed by the transport. Components read signals; only this file writes them.
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { Command, Lang } from '../../../common/contract.js';
import type { Result } from '../../../common/result.js';
import type { ConnectionStatus, Transport, TransportKind } from '../transport/types.js';
import { createSpeaker } from '../voice/speaker.js';
import type { SpeechOutput } from '../voice/speech.js';
import type { VoiceInput, VoiceInputContext } from '../voice/voice-input.js';
import { createScreenState, type ScreenState } from './screen.js';
import { dismissNotice, initialUi, notify, reduce, typingAllowed, type UiState } from './ui.js';

/** Long enough to read a sentence, short enough not to linger over the road view. */
export const NOTICE_MS = 6000;

export interface Store {
  readonly kind: TransportKind;
  readonly ui: ReadonlySignal<UiState>;
  readonly connection: ReadonlySignal<ConnectionStatus>;
  readonly typingAllowed: ReadonlySignal<boolean>;
  /** The language chosen in the picker; undefined lets the core detect it. */
  readonly lang: ReadonlySignal<Lang | undefined>;
  setLang(lang: Lang | undefined): void;
  say(text: string): Promise<Result<void>>;
  send(command: Command): Promise<Result<void>>;
  /** Where the audio element fetches a music track (the transport knows how). */
  mediaUrl(trackId: number): string;
  /** A short notice from the screen itself (music that cannot start). */
  notify(code: string, message: string): void;
  /** Speech output: muted or not (kept across restarts), and a language found to have no voice, said once
   *  for a while. Absent when the store was made without a speech output. */
  readonly speech: SpeechControls | null;
  /** The microphone, wake word and recognizer; absent when the store was made without voice input. */
  readonly voice: VoiceInput | null;
  /** The screen shown and the day/night theme. */
  readonly view: ScreenState;
  dispose(): void;
}

export interface SpeechControls {
  readonly muted: ReadonlySignal<boolean>;
  setMuted(muted: boolean): void;
  /** The language just found to have no voice, for a small notice; null when there is nothing to say. */
  readonly noVoice: ReadonlySignal<Lang | null>;
}

/** The part of localStorage the store uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface StoreOptions {
  /** Says the answers (voice/speech.ts); without one, nothing is said and the core's estimates apply. */
  speech?: SpeechOutput;
  /** Where the mute setting is kept (the page's localStorage). */
  storage?: KeyValueStorage | null;
  /** Makes the voice input (voice/voice-input.ts) once the store's signals exist. */
  voice?: (context: VoiceInputContext) => VoiceInput;
}

export const SPEECH_MUTED_KEY = 'kemudi.speech.muted';

function readMuted(storage: KeyValueStorage | null | undefined): boolean {
  try {
    return storage?.getItem(SPEECH_MUTED_KEY) === '1';
  } catch {
    return false; // storage refused (a locked-down profile): speak
  }
}

function writeMuted(storage: KeyValueStorage | null | undefined, muted: boolean): void {
  try {
    storage?.setItem(SPEECH_MUTED_KEY, muted ? '1' : '0');
  } catch {
    // Not kept across restarts; it still holds for this session.
  }
}

export function createStore(transport: Transport, options: StoreOptions = {}): Store {
  const ui = signal<UiState>(initialUi());
  const connection = signal<ConnectionStatus>('connecting');
  const lang = signal<Lang | undefined>(undefined);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const update = (next: UiState): void => {
    const shown = ui.value.notice;
    ui.value = next;
    const notice = next.notice;
    if (notice && notice !== shown) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        ui.value = dismissNotice(ui.value, notice.id);
      }, NOTICE_MS);
      timers.add(timer);
    }
  };

  const muted = signal(readMuted(options.storage));
  const talking = signal(false);
  const noVoice = signal<Lang | null>(null);
  const speaker = options.speech
    ? createSpeaker(options.speech, {
        // `spoken` is a courtesy: offline, the core's estimate ends "speaking" anyway. No toast for it.
        send: (command) => void transport.send(command),
        onNoVoice: (missing) => {
          noVoice.value = missing;
          later(() => {
            if (noVoice.value === missing) noVoice.value = null;
          }, NOTICE_MS);
        },
        muted: muted.value,
        onTalking: (value) => {
          if (talking.value !== value) talking.value = value;
        },
      })
    : null;

  const offEvent = transport.onEvent((event) => {
    update(reduce(ui.value, event));
    speaker?.receive(event);
  });
  const offStatus = transport.onStatus((status) => (connection.value = status));

  const send = async (command: Command): Promise<Result<void>> => {
    // The driver taking the word (the mic, a request, a yes or no, a touch) stops Kemudi at once.
    speaker?.sending(command);
    const result = await transport.send(command);
    if (!result.ok) update(notify(ui.value, result.error.code, result.error.message));
    return result;
  };

  const showNotice = (code: string, message: string): void => update(notify(ui.value, code, message));
  const voice = options.voice ? options.voice({ send, ui, lang, talking, notify: showNotice }) : null;
  const view = createScreenState(ui);

  return {
    kind: transport.kind,
    ui,
    connection,
    typingAllowed: computed(() => typingAllowed(transport.kind, ui.value.state?.restrictions)),
    lang,
    setLang: (value) => (lang.value = value),
    say(text) {
      const chosen = lang.value;
      return send({ type: 'utterance', text, source: 'text', ...(chosen ? { lang: chosen } : {}) });
    },
    send,
    notify: showNotice,
    voice,
    view,
    mediaUrl: (trackId) => transport.mediaUrl(trackId),
    speech: speaker
      ? {
          muted,
          noVoice,
          setMuted(value) {
            muted.value = value;
            writeMuted(options.storage, value);
            speaker.setMuted(value);
          },
        }
      : null,
    dispose() {
      view.dispose();
      voice?.dispose();
      speaker?.dispose();
      offEvent();
      offStatus();
      for (const timer of timers) clearTimeout(timer);
      transport.close();
    },
  };
}
