// The messages between the page's recognizer client (recognizer.ts) and its worker (recognizer-worker.ts).
// Free of DOM types, so code outside the renderer may import the recognizer's types.
import type { Result } from '../../../common/result.js';

export type RecognizerRequest =
  | { type: 'load'; seq: number; modelUrl: string; reachTimeoutMs: number }
  | { type: 'create'; seq: number; channel: string; sampleRate: number; grammar: string[] | null }
  | { type: 'audio'; channel: string; pcm: Float32Array }
  | { type: 'finish'; channel: string }
  | { type: 'reset'; channel: string }
  | { type: 'remove'; channel: string }
  | { type: 'crash' };

export type RecognizerReply =
  | { type: 'loaded'; seq: number; result: Result<null> }
  | { type: 'created'; seq: number; result: Result<null> }
  | { type: 'partial'; channel: string; text: string }
  /** `requested`: the answer to a `finish` (sent even when nothing was heard). */
  | { type: 'final'; channel: string; text: string; requested: boolean; conf: number | null }
  | { type: 'crashed'; message: string };
