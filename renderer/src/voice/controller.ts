// The voice controller: the one place that joins the microphone, the wake word, endpointing and recognition
// to the dialogue. It follows the core's state (the dialogue, the `voice` settings and models) and sends the
// same commands a touch would: `wake` when the wake word is heard (which also stops speech output: barge-in),
// an `utterance` (source voice) when an utterance ends and the recognizer has its words.
//  - The microphone is open while a wake-word engine is loaded (to hear it) or while Kemudi listens.
//  - Idle, speaking or waiting: frames go to the wake-word detector. Listening: to the VAD, which cuts the
//    utterance (silence, length limit, or push-to-talk released), and to the recognizer, whose partial words
//    are shown as they come.
//  - Nothing here needs a model: without a recognition model the screen says so and the rest goes on; without
//    a wake-word engine the button and push-to-talk still work.
// No DOM here: the microphone, detectors and recognizer are passed in, so unit tests drive it with recorded
// audio in plain Node.
import type { Command, DialogueState, Lang, VoiceEvent, VoiceSettings } from '../../../common/contract.js';
import type { Result } from '../../../common/result.js';
import { text, type Vars } from '../i18n/text.js';
import type { Recognizer } from './recognizer.js';
import { VoiceActivityDetector, type SpeechSegment, type VadOptions } from './vad.js';
import type { WakeEngineKind, WakeWordDetector } from './wake-word.js';

export interface Microphone {
  stop(): Promise<void>;
}

/** What the screen shows about voice. */
export type VoiceStatus =
  | { kind: 'off' } // no wake word; the button and push-to-talk still work
  | { kind: 'starting' }
  | { kind: 'wake'; engine: WakeEngineKind; phrase: string } // listening for the wake word
  | { kind: 'listening'; partial: string }
  | { kind: 'no-model'; lang: Lang } // Kemudi listens, but cannot turn speech into words in this language
  | { kind: 'no-mic'; message: string };

export interface VoiceControllerOptions {
  send(command: Command): Promise<Result<void>>;
  /** Opens the microphone; every 16 kHz mono frame goes to onFrame. Rejects when there is none or it is refused. */
  openMicrophone(onFrame: (pcm16k: Float32Array) => void): Promise<Microphone>;
  createWakeWord(engine: WakeEngineKind, settings: VoiceSettings, model: { url: string; lang: Lang } | null): WakeWordDetector;
  /** A recognizer; `onCrash` is called if its worker dies after loading (it is then loaded afresh). */
  createRecognizer(onCrash: () => void): Recognizer;
  /** Where the recognizer fetches an installed model (the transport knows how). */
  modelUrl(id: string): string;
  onStatus(status: VoiceStatus): void;
  /** Each utterance the VAD cut (the simulator shows them to its tests). */
  onSegment?(segment: SpeechSegment): void;
  /** A short notice for the driver (a wake-word engine that failed to load). */
  onNotice?(code: string, message: string): void;
  /** The notices' words in the screen's language (i18n's translate); English without it. */
  words?(key: string, vars?: Vars): string;
  vad?: VadOptions;
  /** How long to wait for the recognizer's last words after the utterance ends. */
  finalTimeoutMs?: number;
}

export interface VoiceInputs {
  dialogue: DialogueState;
  voice: VoiceEvent | null;
  /** The language recognition is in: the one chosen, else English. */
  lang: Lang;
  /** Kemudi's own voice is playing (the screen's speech output): a question is heard out before the
   *  microphone takes the answer, so Kemudi does not answer itself. */
  talking?: boolean;
}

/** Whether the driver's words are being taken now. */
function hearing(inputs: VoiceInputs): boolean {
  if (inputs.dialogue === 'listening') return true;
  return HEARING.has(inputs.dialogue) && inputs.talking !== true;
}

/** The states in which hearing the wake word means "stop and listen to me". */
const WAKEABLE: ReadonlySet<DialogueState> = new Set(['idle', 'speaking', 'acting', 'understanding']);
/** The states in which Kemudi waits for the driver's words: a request, a missing detail ("what should I say?")
 *  or a yes or no. The microphone's frames go to the VAD and the recognizer then. */
const HEARING: ReadonlySet<DialogueState> = new Set(['listening', 'clarifying', 'confirming']);

/** The phrase the screen tells the driver to say. */
export function wakePhrase(engine: WakeEngineKind, settings: VoiceSettings, lang: Lang): string {
  return engine === 'vosk' ? settings.wakePhrases[lang] : settings.wakeKeyword.replace(/_/g, ' ');
}

export class VoiceController {
  private inputs: VoiceInputs = { dialogue: 'idle', voice: null, lang: 'en' };
  private detector: WakeWordDetector | null = null;
  private detectorKey = '';
  private detectorReady = false;
  private recognizer: Recognizer | null = null;
  private recognizerKey = '';
  private recognizerReady = false;
  private mic: Promise<Microphone | null> | null = null;
  private micWanted = false;
  private vad: VoiceActivityDetector | null = null;
  private partial = '';
  private status: VoiceStatus = { kind: 'off' };
  private micError: string | null = null;
  private disposed = false;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly options: VoiceControllerOptions) {}

  private words(key: string, vars?: Vars): string {
    return this.options.words ? this.options.words(key, vars) : text('en', key, vars);
  }

  /** Called with the core's latest state; cheap when nothing relevant changed. */
  update(inputs: VoiceInputs): void {
    if (this.disposed) return;
    const wasHearing = hearing(this.inputs);
    const before = this.inputs.dialogue;
    this.inputs = inputs;
    this.configure();
    const now = hearing(inputs);
    // A new question (listening → clarifying) starts a fresh utterance.
    if (now && (!wasHearing || before !== inputs.dialogue)) this.startListening();
    if (!now && wasHearing) this.vad = null;
    this.syncMicrophone();
    this.report();
  }

  /** Push-to-talk released: the utterance ends now. */
  finish(): void {
    if (!this.vad) return;
    for (const event of this.vad.flush()) if (event.type === 'speech-end') void this.endUtterance(event);
    // Nothing voiced yet: still hand over what the recognizer heard.
    if (this.vad) void this.endUtterance(null);
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    this.detector?.close();
    this.recognizer?.close();
    this.detector = null;
    this.recognizer = null;
    this.micWanted = false;
    void this.mic?.then((m) => m?.stop());
    this.mic = null;
  }

  private engineFor(settings: VoiceSettings, modelFor: { id: string; lang: Lang } | undefined): WakeEngineKind | null {
    if (settings.wakeEngine === 'off') return null;
    if (settings.wakeEngine === 'auto') return modelFor ? 'vosk' : 'openwakeword';
    return settings.wakeEngine === 'vosk' && !modelFor ? null : settings.wakeEngine;
  }

  /** Loads (or drops) the wake-word engine and the recognizer the settings and models call for. */
  private configure(): void {
    const voice = this.inputs.voice;
    if (!voice) return;
    const lang = this.inputs.lang;
    const model = voice.models.find((m) => m.lang === lang);
    const modelRef = model ? { url: this.options.modelUrl(model.id), lang } : null;

    const engine = this.engineFor(voice.settings, model);
    const detectorKey = engine ? JSON.stringify([engine, voice.settings.wakeKeyword, voice.settings.wakePhrases[lang], engine === 'vosk' ? modelRef : null]) : '';
    if (detectorKey !== this.detectorKey) {
      this.detectorKey = detectorKey;
      this.detector?.close();
      this.detector = null;
      this.detectorReady = false;
      if (engine) this.loadDetector(engine, voice.settings, modelRef);
    } else if (this.detector) {
      this.detector.setSensitivity(voice.settings.sensitivity);
    }

    const recognizerKey = modelRef ? JSON.stringify(modelRef) : '';
    if (recognizerKey !== this.recognizerKey) {
      this.recognizerKey = recognizerKey;
      this.recognizer?.close();
      this.recognizer = null;
      this.recognizerReady = false;
      if (modelRef) this.loadRecognizer(modelRef.url, lang);
    }
  }

  private loadDetector(engine: WakeEngineKind, settings: VoiceSettings, model: { url: string; lang: Lang } | null): void {
    const detector = this.options.createWakeWord(engine, settings, model);
    this.detector = detector;
    detector.setSensitivity(settings.sensitivity);
    this.offs.push(
      detector.onDetect(() => {
        if (this.detector !== detector || !WAKEABLE.has(this.inputs.dialogue)) return;
        detector.reset();
        // Barge-in: the store stops speech output when it sends `wake`.
        void this.options.send({ type: 'wake' });
      }),
    );
    void detector.load().then((loaded) => {
      if (this.detector !== detector) return;
      if (loaded.ok) {
        this.detectorReady = true;
      } else {
        this.detector = null;
        detector.close();
        this.options.onNotice?.(loaded.error.code, this.words('home:voiceNotice.wake', { reason: loaded.error.message }));
        // "auto" falls back from Vosk to openWakeWord, which needs no download.
        if (engine === 'vosk' && settings.wakeEngine === 'auto') this.loadDetector('openwakeword', settings, null);
      }
      this.syncMicrophone();
      this.report();
    });
  }

  private loadRecognizer(url: string, lang: Lang): void {
    const recognizer = this.options.createRecognizer(() => this.crashed(recognizer));
    this.recognizer = recognizer;
    this.offs.push(
      recognizer.on('partial', (text) => {
        if (this.recognizer !== recognizer || !this.vad) return;
        this.partial = text;
        this.report();
      }),
    );
    void recognizer.load(url, lang).then((loaded) => {
      if (this.recognizer !== recognizer) return;
      if (loaded.ok) this.recognizerReady = true;
      else {
        this.recognizer = null;
        recognizer.close();
        // Let a later update try again (a model installed meanwhile, a crashed worker).
        this.recognizerKey = '';
        this.options.onNotice?.(loaded.error.code, this.words('home:voiceNotice.recognizer', { reason: loaded.error.message }));
      }
      this.report();
    });
  }

  /** The recognizer's worker died: tell the driver, and load everything that ran on it again (the Vosk
   *  wake word shares the worker), so voice comes back without a restart. */
  private crashed(recognizer: Recognizer): void {
    if (this.recognizer !== recognizer || this.disposed) return;
    recognizer.close();
    this.recognizer = null;
    this.recognizerReady = false;
    this.recognizerKey = '';
    if (this.detector?.engine === 'vosk') {
      this.detector.close();
      this.detector = null;
      this.detectorReady = false;
      this.detectorKey = '';
    }
    this.options.onNotice?.('crashed', this.words('home:voiceNotice.crashed'));
    // The microphone stays open meanwhile: the new engines are fed as soon as they are ready.
    this.configure();
    this.report();
  }

  private startListening(): void {
    this.vad = new VoiceActivityDetector(this.options.vad);
    this.partial = '';
    this.detector?.reset();
  }

  private syncMicrophone(): void {
    const wanted = !this.disposed && ((this.detector !== null && this.detectorReady) || HEARING.has(this.inputs.dialogue));
    if (wanted === this.micWanted) return;
    this.micWanted = wanted;
    if (wanted) {
      this.micError = null;
      this.mic = this.options.openMicrophone((frame) => this.frame(frame)).catch((error: unknown) => {
        this.micError = error instanceof Error ? error.message : String(error);
        this.micWanted = false;
        this.mic = null;
        this.report();
        return null;
      });
    } else {
      const closing = this.mic;
      this.mic = null;
      void closing?.then((m) => m?.stop());
    }
  }

  private frame(pcm: Float32Array): void {
    if (hearing(this.inputs) && this.vad) {
      if (this.recognizerReady) this.recognizer?.accept(pcm);
      for (const event of this.vad.push(pcm)) if (event.type === 'speech-end') void this.endUtterance(event);
      return;
    }
    if (this.detectorReady && WAKEABLE.has(this.inputs.dialogue)) this.detector?.accept(pcm);
  }

  /** The utterance ended (segment from the VAD, or null when push-to-talk ended it before any speech). */
  private async endUtterance(segment: SpeechSegment | null): Promise<void> {
    if (!this.vad) return;
    this.vad = null;
    if (segment) this.options.onSegment?.(segment);
    const recognizer = this.recognizerReady ? this.recognizer : null;
    if (!recognizer) {
      this.report();
      return;
    }
    const text = await this.finalText(recognizer);
    this.partial = '';
    this.report();
    if (text) await this.options.send({ type: 'utterance', text, source: 'voice', lang: this.inputs.lang });
    // Nothing understood: keep listening, the dialogue's own timeout ends the turn.
    else if (hearing(this.inputs)) this.startListening();
  }

  private finalText(recognizer: Recognizer): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(this.partial.trim());
      }, this.options.finalTimeoutMs ?? 2000);
      const off = recognizer.on('final', (text) => {
        clearTimeout(timer);
        off();
        resolve(text.trim());
      });
      recognizer.finish();
    });
  }

  private report(): void {
    const next = this.computeStatus();
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    this.options.onStatus(next);
  }

  private computeStatus(): VoiceStatus {
    if (this.micError) return { kind: 'no-mic', message: this.micError };
    const voice = this.inputs.voice;
    if (HEARING.has(this.inputs.dialogue)) {
      if (voice && !voice.models.some((m) => m.lang === this.inputs.lang)) return { kind: 'no-model', lang: this.inputs.lang };
      return { kind: 'listening', partial: this.partial };
    }
    if (!voice) return { kind: 'starting' };
    if (this.detector && this.detectorReady) return { kind: 'wake', engine: this.detector.engine, phrase: wakePhrase(this.detector.engine, voice.settings, this.inputs.lang) };
    if (this.detector) return { kind: 'starting' };
    return { kind: 'off' };
  }
}
