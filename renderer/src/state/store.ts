// The app's state as signals, fed by the transport. Components read signals; only this file writes them.
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { Command, Lang } from '../../../common/contract.js';
import type { Result } from '../../../common/result.js';
import type { ConnectionStatus, Transport, TransportKind } from '../transport/types.js';
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
  dispose(): void;
}

export function createStore(transport: Transport): Store {
  const ui = signal<UiState>(initialUi());
  const connection = signal<ConnectionStatus>('connecting');
  const lang = signal<Lang | undefined>(undefined);
  const timers = new Set<ReturnType<typeof setTimeout>>();

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

  const offEvent = transport.onEvent((event) => update(reduce(ui.value, event)));
  const offStatus = transport.onStatus((status) => (connection.value = status));

  const send = async (command: Command): Promise<Result<void>> => {
    const result = await transport.send(command);
    if (!result.ok) update(notify(ui.value, result.error.code, result.error.message));
    return result;
  };

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
    notify: (code, message) => update(notify(ui.value, code, message)),
    mediaUrl: (trackId) => transport.mediaUrl(trackId),
    dispose() {
      offEvent();
      offStatus();
      for (const timer of timers) clearTimeout(timer);
      transport.close();
    },
  };
}
