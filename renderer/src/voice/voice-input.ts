// Voice input for the screen: the voice controller (controller.ts) fed by the store's signals — the
// dialogue's state, the `voice` settings and models, the language picked — and what it reports as signals
// the components read (the status line, the utterances cut, for the simulator's tests).
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { Command, Lang } from '../../../common/contract.js';
import type { Result } from '../../../common/result.js';
import { translate } from '../i18n/index.js';
import type { UiState } from '../state/ui.js';
import { VoiceController, type VoiceControllerOptions, type VoiceStatus } from './controller.js';

export interface SegmentInfo {
  startMs: number;
  endMs: number;
  reason: string;
  samples: number;
}

export interface VoiceInput {
  readonly status: ReadonlySignal<VoiceStatus>;
  /** The utterances the VAD cut this session (shown to the simulator's tests only). */
  readonly segments: ReadonlySignal<readonly SegmentInfo[]>;
  /** Push-to-talk released. */
  finish(): void;
  dispose(): void;
}

export interface VoiceInputContext {
  send(command: Command): Promise<Result<void>>;
  ui: ReadonlySignal<UiState>;
  lang: ReadonlySignal<Lang | undefined>;
  /** Kemudi's voice is playing now. */
  talking: ReadonlySignal<boolean>;
  notify(code: string, message: string): void;
}

/** The hardware and engines: the microphone, the wake-word engines, the recognizer, model URLs. */
export type VoiceEngines = Pick<VoiceControllerOptions, 'openMicrophone' | 'createWakeWord' | 'createRecognizer' | 'modelUrl'>;

const KEPT_SEGMENTS = 50;

export function createVoiceInput(context: VoiceInputContext, engines: VoiceEngines): VoiceInput {
  const status = signal<VoiceStatus>({ kind: 'starting' });
  const segments = signal<readonly SegmentInfo[]>([]);
  const controller = new VoiceController({
    ...engines,
    send: context.send,
    onStatus: (next) => (status.value = next),
    onSegment: (s) => (segments.value = [...segments.value, { startMs: s.startMs, endMs: s.endMs, reason: s.reason, samples: s.audio.length }].slice(-KEPT_SEGMENTS)),
    onNotice: (code, message) => context.notify(code, message),
    words: (key, vars) => translate(key, vars),
  });
  const stop = effect(() => {
    const ui = context.ui.value;
    controller.update({ dialogue: ui.state?.dialogue ?? 'idle', voice: ui.voice, lang: context.lang.value ?? 'en', talking: context.talking.value });
  });
  return {
    status,
    segments,
    finish: () => controller.finish(),
    dispose() {
      stop();
      controller.dispose();
    },
  };
}
