// The Vosk wake-word engine: a second Kaldi recognizer on the recognizer worker's model, restricted by a
// grammar to the wake phrases plus "[unk]" (anything else), so it hears either a wake phrase or nothing.
//
// Out-of-vocabulary words: a Vosk grammar takes only words of the model's vocabulary; any other word is
// dropped with a warning ("Ignoring word missing in vocabulary"), so "hey kemudi" would shrink to "hey" and
// fire on every "hey". "kemudi" is in no Vosk vocabulary, so each language spells the phrase with
// in-vocabulary words that sound alike (WAKE_PHRASES); a detection reports the phrase as the driver knows it.
// There is no Indonesian Vosk model: "hai kemudi" is spelled for the English one.
import { err, ok, type Result } from '../../../common/result.js';
import type { RecognizerLang, VoskWorkerClient } from './recognizer.js';
import { thresholdFor, type WakeDetection, type WakeWordDetector } from './wake-word.js';

export interface WakePhrase {
  /** What the driver says and the detection reports ("hey kemudi"). */
  phrase: string;
  /** The same sounds in words of the model's vocabulary: what the grammar holds. */
  spellings: string[];
}

/** The default phrases by language (of the model loaded, not the UI): "kemudi" spelled as it sounds. */
export const WAKE_PHRASES: Record<RecognizerLang, WakePhrase[]> = {
  en: [{ phrase: 'hey kemudi', spellings: ['hey come moody', 'hey come muddy', 'hey can moody'] }],
  // Read with the English model: there is no Indonesian one.
  id: [{ phrase: 'hai kemudi', spellings: ['hi come moody', 'hi come muddy'] }],
  // The Chinese model's vocabulary is words and single characters: kē mù dí.
  zh: [{ phrase: '你好 kemudi', spellings: ['你好 科 穆 迪', '你好 可 木 迪'] }],
};

export interface VoskWakeOptions {
  worker: VoskWorkerClient;
  /** The model to load on the worker (shared with the recognizer when it is the same URL). */
  modelUrl: string;
  lang: RecognizerLang;
  /** Other phrases than WAKE_PHRASES[lang]. */
  phrases?: WakePhrase[];
  sampleRate?: number;
}

/** The grammar Vosk gets: every spelling, lower-cased, plus "[unk]" so other speech has somewhere to go. */
export function wakeGrammar(phrases: readonly WakePhrase[]): string[] {
  const spellings = phrases.flatMap((p) => p.spellings.map((s) => normalize(s)));
  return [...new Set(spellings.filter((s) => s !== '')), '[unk]'];
}

/** The phrase whose spelling `text` contains as whole words, or null. */
export function matchWake(text: string, phrases: readonly WakePhrase[]): string | null {
  const heard = ` ${normalize(text)} `;
  for (const phrase of phrases) {
    if (phrase.spellings.some((spelling) => normalize(spelling) !== '' && heard.includes(` ${normalize(spelling)} `))) return phrase.phrase;
  }
  return null;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A partial result carries no confidence: what it counts as (heard while the phrase is still being said). */
const PARTIAL_SCORE = 0.7;

let channels = 0;

export class VoskWakeWordDetector implements WakeWordDetector {
  readonly engine = 'vosk' as const;
  private readonly channel = `wake-${++channels}`;
  private readonly phrases: WakePhrase[];
  private readonly sampleRate: number;
  private readonly listeners = new Set<(detection: WakeDetection) => void>();
  private threshold = thresholdFor(0.5);
  private loaded = false;
  private heardSamples = 0;
  /** Samples heard when the last detection fired: results of the same phrase still in flight are ignored. */
  private firedAt: number | null = null;

  constructor(private readonly options: VoskWakeOptions) {
    this.phrases = options.phrases ?? WAKE_PHRASES[options.lang];
    this.sampleRate = options.sampleRate ?? 16_000;
  }

  async load(): Promise<Result<{ phrases: string[] }>> {
    this.loaded = false;
    const grammar = wakeGrammar(this.phrases);
    if (grammar.length < 2) return err('bad_model', 'no wake phrase to listen for');
    const loaded = await this.options.worker.load(this.options.modelUrl);
    if (!loaded.ok) return loaded;
    const created = await this.options.worker.create(this.channel, this.sampleRate, grammar, {
      partial: (text) => this.heard(text, PARTIAL_SCORE),
      final: (text, _requested, conf) => this.heard(text, conf ?? PARTIAL_SCORE),
    });
    if (!created.ok) return created;
    this.loaded = true;
    this.heardSamples = 0;
    this.firedAt = null;
    return ok({ phrases: this.phrases.map((p) => p.phrase) });
  }

  accept(pcm16k: Float32Array): void {
    if (!this.loaded) return;
    this.heardSamples += pcm16k.length;
    this.options.worker.audio(this.channel, pcm16k);
  }

  setSensitivity(value: number): void {
    this.threshold = thresholdFor(value);
  }

  onDetect(listener: (detection: WakeDetection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.heardSamples = 0;
    this.firedAt = null;
    this.options.worker.reset(this.channel);
  }

  close(): void {
    this.loaded = false;
    this.options.worker.remove(this.channel);
  }

  private heard(text: string, score: number): void {
    if (this.firedAt !== null && this.heardSamples - this.firedAt < this.sampleRate / 2) return;
    if (score < this.threshold) return;
    const phrase = matchWake(text, this.phrases);
    if (!phrase) return;
    this.firedAt = this.heardSamples;
    const detection: WakeDetection = { phrase, score, atMs: Math.round((this.heardSamples / this.sampleRate) * 1000) };
    for (const listener of this.listeners) listener(detection);
    // The recognizer forgets the phrase, so its final result does not fire again.
    this.options.worker.reset(this.channel);
  }
}
