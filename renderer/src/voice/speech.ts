// Speech output: what the speaker (speaker.ts) says answers through. The browser's Web Speech API
// (speechSynthesis) with the car's local voices, or a silent stand-in when there is no voice for a language:
// it reports 'failed' at once, so the core's own estimate of the speaking time ends the "speaking" state.
// No DOM types here: the browser's objects are looked up at run time (as transport/websocket.ts does), so the
// unit tests run this file in plain Node with a fake speechSynthesis.
import type { Lang } from '../../../common/contract.js';

/** How saying one text ended: to its end, cut off by stop(), or not at all (no voice, an engine error). */
export type SpeechResult = 'done' | 'stopped' | 'failed';

export interface SpeechOutput {
  /** Says `text` in `lang`; resolves when it is over. Never rejects. Saying something else first stops it. */
  speak(text: string, lang: Lang): Promise<SpeechResult>;
  /** Stops at once; the text being said resolves 'stopped'. */
  stop(): void;
  /** Whether there is a voice for the language (as far as is known now: voices may still be loading). */
  available(lang: Lang): boolean;
}

/** The BCP 47 tag an utterance is spoken in. */
export const SPEECH_LANG_TAGS: Readonly<Record<Lang, string>> = { en: 'en-US', id: 'id-ID', zh: 'zh-CN' };

/** The part of SpeechSynthesisVoice used here. */
export interface VoiceLike {
  readonly name: string;
  readonly lang: string;
  readonly localService: boolean;
  readonly default?: boolean;
}

/** The part of SpeechSynthesisUtterance used here. */
export interface UtteranceLike {
  text: string;
  lang: string;
  voice: VoiceLike | null;
  onend: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** The part of speechSynthesis used here. */
export interface SynthesisLike {
  speak(utterance: UtteranceLike): void;
  cancel(): void;
  getVoices(): readonly VoiceLike[];
  addEventListener?(type: 'voiceschanged', listener: () => void): void;
}

/** Where the Web Speech API is found: the window, or a fake in tests. */
export interface SpeechScope {
  speechSynthesis?: SynthesisLike;
  SpeechSynthesisUtterance?: new (text: string) => UtteranceLike;
}

export interface WebSpeechOptions {
  /** Default: the page's own (globalThis). */
  scope?: SpeechScope;
  /** How long to wait for the voice list the first time it is empty (browsers load it late). */
  voicesWaitMs?: number;
  /** Runs fn after ms; returns a cancel function (tests pass a fake clock). */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/** Chromium fills its voice list a moment after the page loads; a browser with no voices never does. */
export const VOICES_WAIT_MS = 1500;
/** Pieces are said one at a time, so stop() never waits on a long utterance and no engine's length limit is hit. */
export const MAX_CHUNK_CHARS = 200;

const timeout = (fn: () => void, ms: number): (() => void) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

/** Nothing to say it with: every text fails at once, and the core's estimate of its length takes over. */
export const silentSpeech: SpeechOutput = {
  speak: () => Promise.resolve('failed'),
  stop: () => undefined,
  available: () => false,
};

/** The primary language subtags a voice for `lang` may carry ('in' is the old code for Indonesian, on
 *  Android; 'cmn' is Mandarin). Cantonese ('yue', and zh-HK voices) reads Mandarin text badly: ranked last. */
const PRIMARY: Readonly<Record<Lang, readonly string[]>> = { en: ['en'], id: ['id', 'in'], zh: ['zh', 'cmn'] };

function voiceScore(voice: VoiceLike, lang: Lang): number {
  const tag = voice.lang.toLowerCase().replace(/_/g, '-');
  const parts = tag.split('-');
  if (!PRIMARY[lang].includes(parts[0] ?? '')) return -1;
  let score = 1;
  // A local voice always wins over a network one: the car is offline, and a local voice is instant.
  if (voice.localService) score += 1000;
  if (tag === SPEECH_LANG_TAGS[lang].toLowerCase()) score += 100;
  if (lang === 'zh' && (parts.includes('cn') || parts.includes('hans'))) score += 50;
  if (lang === 'zh' && (parts.includes('hk') || parts.includes('mo'))) score -= 1;
  if (voice.default) score += 10;
  return score;
}

/** The best voice for the language: local before network, then the exact region (en-US, id-ID, zh-CN),
 *  then the browser's default; null when there is none. */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], lang: Lang): V | null {
  let best: V | null = null;
  let bestScore = -1;
  for (const voice of voices) {
    const score = voiceScore(voice, lang);
    if (score > bestScore) {
      best = voice;
      bestScore = score;
    }
  }
  return bestScore >= 0 ? best : null;
}

/** Cuts a text into pieces of at most `max` characters: at sentence ends (". ", "? ", "。"), then at commas,
 *  then at spaces, then anywhere. Nothing is lost but the blanks between pieces. */
export function splitSentences(text: string, max = MAX_CHUNK_CHARS): string[] {
  const sentences = text.split(/(?<=[.!?…;](?:["'”’)\]]*))\s+|(?<=[。！？；])|\n+/u);
  const pieces: string[] = [];
  for (const sentence of sentences) {
    const trimmed = sentence?.trim();
    if (!trimmed) continue;
    if (Array.from(trimmed).length <= max) pieces.push(trimmed);
    else pieces.push(...splitLong(trimmed, max));
  }
  return pieces;
}

function splitLong(sentence: string, max: number): string[] {
  // Clauses (after a comma), then words; a word longer than `max` (a run of Chinese without punctuation) is cut.
  const words = sentence.split(/(?<=[,:，、：])\s*|\s+/u).filter((w) => w.length > 0);
  const out: string[] = [];
  let line = '';
  const flush = (): void => {
    if (line) out.push(line);
    line = '';
  };
  for (const word of words) {
    const chars = Array.from(word);
    if (chars.length > max) {
      flush();
      for (let i = 0; i < chars.length; i += max) out.push(chars.slice(i, i + max).join(''));
      continue;
    }
    const joined = line ? (/[\u3000-\u9fff\uff00-\uffef]$/u.test(line) ? line + word : `${line} ${word}`) : word;
    if (Array.from(joined).length > max) {
      flush();
      line = word;
    } else line = joined;
  }
  flush();
  return out;
}

/** How long one piece may take before it is given up as stuck (an engine that never ends an utterance):
 *  generous even for Chinese, about four characters a second. */
const pieceTimeoutMs = (text: string): number => 8000 + Array.from(text).length * 300;

interface Job {
  done: boolean;
  finish(result: SpeechResult): void;
  /** Held so the browser does not collect it before it ends (Chromium then never fires onend). */
  utterance: UtteranceLike | null;
}

/** The Web Speech API, or `silentSpeech` when the page has none. */
export function createWebSpeechOutput(options: WebSpeechOptions = {}): SpeechOutput {
  const scope = options.scope ?? (globalThis as SpeechScope);
  const synth = scope.speechSynthesis;
  const Utterance = scope.SpeechSynthesisUtterance;
  if (!synth || !Utterance) return silentSpeech;
  const schedule = options.schedule ?? timeout;
  const voicesWaitMs = options.voicesWaitMs ?? VOICES_WAIT_MS;
  let job: Job | null = null;
  let voicesReady: Promise<void> | null = null;

  const voices = (): readonly VoiceLike[] => {
    try {
      return synth.getVoices();
    } catch {
      return [];
    }
  };

  /** Resolves once voices are listed, or after a wait for a list that may never come. */
  const ready = (): Promise<void> => {
    if (voices().length > 0) return Promise.resolve();
    voicesReady ??= new Promise<void>((resolve) => {
      let cancel: () => void = () => undefined;
      const settle = (): void => {
        cancel();
        resolve();
      };
      synth.addEventListener?.('voiceschanged', () => {
        if (voices().length > 0) settle();
      });
      cancel = schedule(settle, voicesWaitMs);
    });
    return voicesReady;
  };

  const stop = (): void => {
    const current = job;
    job = null;
    if (!current || current.done) return;
    current.finish('stopped');
    try {
      synth.cancel();
    } catch {
      // Nothing left to stop.
    }
  };

  /** Says one piece; resolves how it ended. */
  const sayPiece = (current: Job, text: string, voice: VoiceLike, lang: Lang): Promise<SpeechResult> =>
    new Promise<SpeechResult>((resolve) => {
      const utterance = new Utterance(text);
      utterance.lang = SPEECH_LANG_TAGS[lang];
      utterance.voice = voice;
      current.utterance = utterance;
      let over = false;
      const end = (result: SpeechResult): void => {
        if (over) return;
        over = true;
        cancelTimer();
        resolve(result);
      };
      const cancelTimer = schedule(() => {
        // Stuck: some engines never end an utterance. Said as failed (before the cancel's own error event
        // could say "stopped"); the core's estimate takes over.
        if (over) return;
        end('failed');
        try {
          synth.cancel();
        } catch {
          // Nothing left to cancel.
        }
      }, pieceTimeoutMs(text));
      utterance.onend = () => end('done');
      utterance.onerror = (event: { error?: string }) => end(event.error === 'interrupted' || event.error === 'canceled' ? 'stopped' : 'failed');
      try {
        synth.speak(utterance);
      } catch {
        end('failed');
      }
    });

  return {
    available: (lang) => pickVoice(voices(), lang) !== null,
    stop,
    speak(text, lang) {
      stop();
      const current: Job = { done: false, utterance: null, finish: () => undefined };
      job = current;
      const result = new Promise<SpeechResult>((resolve) => {
        current.finish = (outcome) => {
          if (current.done) return;
          current.done = true;
          current.utterance = null;
          if (job === current) job = null;
          resolve(outcome);
        };
      });
      void (async () => {
        await ready();
        if (current.done) return;
        const voice = pickVoice(voices(), lang);
        if (!voice) return current.finish('failed');
        for (const piece of splitSentences(text)) {
          const outcome = await sayPiece(current, piece, voice, lang);
          if (current.done) return;
          if (outcome !== 'done') return current.finish(outcome);
        }
        current.finish('done');
      })();
      return result;
    },
  };
}
