// The wake word, behind one interface with two engines: openWakeWord (openwakeword.ts: small ONNX models
// through onnxruntime-web, "hey jarvis" and friends) and Vosk with a grammar of the wake phrases
// (vosk-wake.ts: any phrase, in any language a Vosk model is installed for). Both take the capture's 16 kHz
// mono frames, run off the page's thread, and report a detection; the voice controller (controller.ts) then
// stops speech output (barge-in) and starts listening.
import type { Result } from '../../../common/result.js';

export type WakeEngineKind = 'openwakeword' | 'vosk';

export interface WakeDetection {
  /** The phrase or keyword heard ("hey_jarvis", "hey kemudi"). */
  phrase: string;
  /** The engine's confidence in [0, 1]. */
  score: number;
  /** When it was heard: milliseconds of audio accepted since load() or reset(). */
  atMs: number;
}

export interface WakeWordDetector {
  readonly engine: WakeEngineKind;
  /** Loads the engine's models; a typed error (no_model, bad_model, timeout, unavailable) instead of a throw. */
  load(): Promise<Result<{ phrases: string[] }>>;
  /** Feeds 16 kHz mono PCM, samples in [-1, 1], any frame length. Ignored before load() succeeds. */
  accept(pcm16k: Float32Array): void;
  /** 0 (only the clearest) … 1 (eager); 0.5 is each engine's recommended threshold. */
  setSensitivity(value: number): void;
  onDetect(listener: (detection: WakeDetection) => void): () => void;
  /** Forgets the audio heard so far (after a detection, or when listening ends). */
  reset(): void;
  /** Stops the worker; load() may be called again afterwards. */
  close(): void;
}

/** A sensitivity in [0, 1] as a detection threshold on a score in [0, 1]: 0.5 → 0.5, 1 → 0.1, 0 → 0.9. */
export function thresholdFor(sensitivity: number): number {
  const s = Number.isFinite(sensitivity) ? Math.min(1, Math.max(0, sensitivity)) : 0.5;
  return 0.9 - 0.8 * s;
}
