// Speech output's fallback: the main process says the text with espeak-ng (main/services/speech) and the page
// plays the WAV through an audio element. Used for a language the browser has no voice for (`withFallback`).
// No DOM types here (as in speech.ts): the element is handed in, so the unit tests run this in plain Node.
import type { Lang } from '../../../common/contract.js';
import { pageToken } from '../transport/websocket.js';
import type { TransportKind } from '../transport/types.js';
import { splitSentences, type SpeechOutput, type SpeechResult } from './speech.js';

/** The part of HTMLAudioElement used here. */
export interface AudioLike {
  src: string;
  play(): Promise<void>;
  pause(): void;
  load(): void;
  removeAttribute(name: string): void;
  onended: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** Where the WAV for one piece of text comes from. */
export type SpeechUrl = (text: string, lang: Lang) => string;

/** espeak-ng's answer for a text: `kemudi-media://speech?…` in Electron (main/app/media-protocol.ts), the
 *  simulator's `/speech?…` with the run's token otherwise (main/simulator/server.ts). */
export function fallbackSpeechUrl(kind: TransportKind, location: { search?: string }): SpeechUrl {
  if (kind === 'electron') return (text, lang) => `kemudi-media://speech?${new URLSearchParams({ lang, text }).toString()}`;
  const token = pageToken(location);
  return (text, lang) => `/speech?${new URLSearchParams({ lang, text, ...(token ? { token } : {}) }).toString()}`;
}

/** Pieces are fetched one at a time: the first is heard sooner, and each URL stays short. */
export const FALLBACK_CHUNK_CHARS = 300;

export interface AudioSpeechOptions {
  audio: AudioLike;
  url: SpeechUrl;
  /** Runs fn after ms; returns a cancel function (tests pass a fake clock). */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** The time in ms (tests pass a fake one). */
  now?: () => number;
}

/** After a language failed (no espeak-ng: a 503), it is not asked for again this long: one failed request
 *  per answer would only fill the console. */
export const RETRY_AFTER_MS = 60_000;

const timeout = (fn: () => void, ms: number): (() => void) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

/** Fetching and saying one piece may take this long before it counts as stuck (about four characters a second). */
const pieceTimeoutMs = (text: string): number => 10_000 + Array.from(text).length * 300;

interface Job {
  done: boolean;
  finish(result: SpeechResult): void;
}

/** Plays espeak-ng's WAVs. A language whose audio failed counts as unavailable (so the speaker says once that
 *  there is no voice for it) and fails at once for RETRY_AFTER_MS, then is tried again. */
export function createAudioSpeechOutput(options: AudioSpeechOptions): SpeechOutput {
  const { audio, url } = options;
  const schedule = options.schedule ?? timeout;
  const now = options.now ?? Date.now;
  /** When each failing language last failed. */
  const failing = new Map<Lang, number>();
  let job: Job | null = null;

  const silence = (): void => {
    audio.onended = null;
    audio.onerror = null;
    audio.pause();
    // Drops the source, so a half-fetched WAV is not fetched on.
    audio.removeAttribute('src');
    try {
      audio.load();
    } catch {
      // Nothing loaded.
    }
  };

  const stop = (): void => {
    const current = job;
    job = null;
    if (!current || current.done) return;
    current.finish('stopped');
    silence();
  };

  const playPiece = (current: Job, text: string, lang: Lang): Promise<SpeechResult> =>
    new Promise<SpeechResult>((resolve) => {
      let over = false;
      const end = (result: SpeechResult): void => {
        if (over) return;
        over = true;
        cancelTimer();
        if (!current.done) {
          audio.onended = null;
          audio.onerror = null;
        }
        resolve(result);
      };
      const cancelTimer = schedule(() => end('failed'), pieceTimeoutMs(text));
      audio.onended = () => end('done');
      audio.onerror = () => end('failed');
      audio.src = url(text, lang);
      let played: Promise<void>;
      try {
        played = audio.play();
      } catch {
        end('failed');
        return;
      }
      // A play() cut short by stop() rejects too: by then the job is over and this changes nothing.
      played.catch(() => end(current.done ? 'stopped' : 'failed'));
    });

  return {
    available: (lang) => !failing.has(lang),
    stop,
    speak(text, lang) {
      stop();
      const failedAt = failing.get(lang);
      if (failedAt !== undefined && now() - failedAt < RETRY_AFTER_MS) return Promise.resolve('failed');
      const current: Job = { done: false, finish: () => undefined };
      job = current;
      const result = new Promise<SpeechResult>((resolve) => {
        current.finish = (outcome) => {
          if (current.done) return;
          current.done = true;
          if (job === current) job = null;
          resolve(outcome);
        };
      });
      void (async () => {
        for (const piece of splitSentences(text, FALLBACK_CHUNK_CHARS)) {
          const outcome = await playPiece(current, piece, lang);
          if (current.done) return;
          if (outcome !== 'done') {
            if (outcome === 'failed') failing.set(lang, now());
            silence();
            return current.finish(outcome);
          }
        }
        failing.delete(lang);
        current.finish('done');
      })();
      return result;
    },
  };
}

/** Says with `primary` (Web Speech) where it has a voice for the language, else with `fallback`. The primary
 *  is asked first each time: it waits a moment for a voice list that browsers fill late. */
export function withFallback(primary: SpeechOutput, fallback: SpeechOutput): SpeechOutput {
  let turn = 0;
  const stop = (): void => {
    turn += 1;
    primary.stop();
    fallback.stop();
  };
  return {
    available: (lang) => primary.available(lang) || fallback.available(lang),
    stop,
    async speak(text, lang) {
      stop();
      const mine = turn;
      const first = await primary.speak(text, lang);
      // Failed for want of a voice, and not stopped or replaced meanwhile: the fallback says it.
      if (first !== 'failed' || primary.available(lang) || mine !== turn) return first;
      return fallback.speak(text, lang);
    },
  };
}
