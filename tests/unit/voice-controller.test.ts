// The voice controller (renderer/src/voice/controller.ts) with real audio: espeak-ng speech cut by the real VAD,
// driven through the dialogue's states. The microphone, the wake-word engine and the recognizer are the
// hardware and model boundaries, so they are stand-ins here: the microphone plays a file frame by frame, the
// detector fires when told, the recognizer answers with the words it is given. (The engines themselves are
// tested in Chromium: tests/e2e/wake-word.test.ts, tests/e2e/recognizer.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import type { Command, DialogueState, Lang, VoiceEvent } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import { VoiceController, type VoiceStatus } from '../../renderer/src/voice/controller.js';
import type { Recognizer, RecognizerLang } from '../../renderer/src/voice/recognizer.js';
import type { WakeDetection, WakeEngineKind, WakeWordDetector } from '../../renderer/src/voice/wake-word.js';
import { DEFAULT_VOICE_SETTINGS } from '../../main/services/voice/settings.js';
import { assemble, readWav, speechToolsMissing, speechWav, warnSpeechSkipped } from '../support/speech-wav.js';

const missing = speechToolsMissing();
if (missing) warnSpeechSkipped('tests/unit/voice-controller.test.ts', missing);

class ScriptedDetector implements WakeWordDetector {
  sensitivity = -1;
  accepted = 0;
  resets = 0;
  closed = false;
  private readonly listeners = new Set<(d: WakeDetection) => void>();
  constructor(
    readonly engine: WakeEngineKind,
    private readonly loads: Result<{ phrases: string[] }>,
  ) {}
  load() {
    return Promise.resolve(this.loads);
  }
  accept(pcm: Float32Array) {
    this.accepted += pcm.length;
  }
  setSensitivity(value: number) {
    this.sensitivity = value;
  }
  onDetect(listener: (d: WakeDetection) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  reset() {
    this.resets++;
  }
  close() {
    this.closed = true;
  }
  fire() {
    for (const listener of this.listeners) listener({ phrase: 'hey_jarvis', score: 0.9, atMs: 0 });
  }
}

/** Says `words` when finish() is called, after having heard at least `minSamples` of audio. */
class ScriptedRecognizer implements Recognizer {
  heard = 0;
  loadedWith: [string, RecognizerLang] | null = null;
  private readonly listeners = { partial: new Set<(t: string) => void>(), final: new Set<(t: string) => void>() };
  closed = false;
  constructor(
    private readonly words: string[],
    readonly crash: () => void,
  ) {}
  load(url: string, lang: RecognizerLang) {
    this.loadedWith = [url, lang];
    return Promise.resolve(ok({ lang }));
  }
  accept(pcm: Float32Array) {
    this.heard += pcm.length;
    if (this.heard > 8000) for (const l of this.listeners.partial) l(this.words[0] ?? '');
  }
  finish() {
    const text = this.heard > 0 ? (this.words.shift() ?? '') : '';
    queueMicrotask(() => {
      for (const l of this.listeners.final) l(text);
    });
  }
  on(event: 'partial' | 'final', listener: (t: string) => void) {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }
  close() {
    this.closed = true;
  }
}

interface Rig {
  controller: VoiceController;
  sent: Command[];
  statuses: VoiceStatus[];
  detectors: ScriptedDetector[];
  recognizers: ScriptedRecognizer[];
  segments: number;
  mic: { open: boolean; play(samples: Float32Array): void };
  notices: string[];
  set(dialogue: DialogueState, voice?: VoiceEvent | null, lang?: Lang, talking?: boolean): void;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 5));

function rig(options: { words?: string[]; detectorLoads?: (engine: WakeEngineKind) => Result<{ phrases: string[] }>; micRefused?: boolean } = {}): Rig {
  let onFrame: ((pcm: Float32Array) => void) | null = null;
  const r: Rig = {
    sent: [],
    statuses: [],
    detectors: [],
    recognizers: [],
    segments: 0,
    notices: [],
    mic: {
      open: false,
      play(samples) {
        for (let i = 0; i + 320 <= samples.length; i += 320) onFrame?.(samples.slice(i, i + 320));
      },
    },
    controller: undefined as unknown as VoiceController,
    set(dialogue, voice, lang = 'en', talking = false) {
      current = { dialogue, voice: voice === undefined ? current.voice : voice, lang, talking };
      r.controller.update(current);
    },
  };
  let current: { dialogue: DialogueState; voice: VoiceEvent | null; lang: Lang; talking: boolean } = { dialogue: 'idle', voice: null, lang: 'en', talking: false };
  r.controller = new VoiceController({
    send: (command) => {
      r.sent.push(command);
      return Promise.resolve(ok(undefined));
    },
    openMicrophone: (frame) => {
      if (options.micRefused) return Promise.reject(new Error('Permission denied'));
      onFrame = frame;
      r.mic.open = true;
      return Promise.resolve({
        stop: () => {
          if (onFrame !== frame) return Promise.resolve(); // a newer microphone is open
          r.mic.open = false;
          onFrame = null;
          return Promise.resolve();
        },
      });
    },
    createWakeWord: (engine) => {
      const detector = new ScriptedDetector(engine, options.detectorLoads?.(engine) ?? ok({ phrases: ['x'] }));
      r.detectors.push(detector);
      return detector;
    },
    createRecognizer: (onCrash) => {
      const recognizer = new ScriptedRecognizer([...(options.words ?? [])], onCrash);
      r.recognizers.push(recognizer);
      return recognizer;
    },
    modelUrl: (id) => `/models/voice/${id}.tar.gz`,
    onStatus: (status) => r.statuses.push(status),
    onSegment: () => r.segments++,
    onNotice: (code) => r.notices.push(code),
  });
  return r;
}

const voice = (models: VoiceEvent['models'] = [], settings: Partial<VoiceEvent['settings']> = {}): VoiceEvent => ({ type: 'voice', settings: { ...DEFAULT_VOICE_SETTINGS, ...settings }, models });
const EN_MODEL = [{ id: 'vosk-model-small-en-us-0.15', lang: 'en' as const }];

let rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs) r.controller.dispose();
  rigs = [];
});
const make = (...args: Parameters<typeof rig>) => {
  const r = rig(...args);
  rigs.push(r);
  return r;
};

(missing ? describe.skip : describe)('the voice controller', () => {
  const command = () => assemble([{ text: 'navigate to the nearest fuel station', lang: 'en' }]).samples;

  it('hears the wake word only while it may wake Kemudi, and sends wake (which stops speech: barge-in)', async () => {
    const r = make();
    r.set('idle', voice());
    await flush();
    expect(r.detectors.map((d) => d.engine)).toEqual(['openwakeword']); // auto, no model: openWakeWord
    expect(r.mic.open).toBe(true);
    expect(r.statuses.at(-1)).toEqual({ kind: 'wake', engine: 'openwakeword', phrase: 'hey jarvis' });
    r.mic.play(new Float32Array(16_000));
    expect(r.detectors[0]!.accepted).toBe(16_000);
    r.detectors[0]!.fire();
    expect(r.sent).toEqual([{ type: 'wake' }]);
    r.set('speaking');
    r.detectors[0]!.fire();
    expect(r.sent).toHaveLength(2);
    r.set('listening');
    r.detectors[0]!.fire();
    expect(r.sent).toHaveLength(2); // the driver is talking to Kemudi already
  });

  it('cuts the utterance with the VAD and sends the recognizer’s words as a voice utterance', async () => {
    const r = make({ words: ['navigate to the nearest fuel station'] });
    r.set('idle', voice(EN_MODEL));
    await flush();
    expect(r.detectors[0]!.engine).toBe('vosk'); // auto with a model: "hey kemudi" through Vosk
    expect(r.recognizers[0]!.loadedWith).toEqual(['/models/voice/vosk-model-small-en-us-0.15.tar.gz', 'en']);
    r.set('listening');
    r.mic.play(command());
    await flush();
    expect(r.segments).toBe(1);
    expect(r.statuses).toContainEqual({ kind: 'listening', partial: 'navigate to the nearest fuel station' });
    expect(r.sent).toEqual([{ type: 'utterance', text: 'navigate to the nearest fuel station', source: 'voice', lang: 'en' }]);
  });

  it('says plainly when there is no recognition model for the language, and sends nothing', async () => {
    const r = make();
    r.set('idle', voice(EN_MODEL), 'id');
    await flush();
    expect(r.recognizers).toHaveLength(0); // no Indonesian model
    r.set('listening', undefined, 'id');
    expect(r.statuses.at(-1)).toEqual({ kind: 'no-model', lang: 'id' });
    r.mic.play(command());
    await flush();
    expect(r.segments).toBe(1);
    expect(r.sent).toEqual([]);
  });

  it('ends the utterance when push-to-talk is released, before any silence', async () => {
    const r = make({ words: ['turn on the headlights'] });
    r.set('idle', voice(EN_MODEL, { wakeEngine: 'off' }));
    await flush();
    expect(r.mic.open).toBe(false); // no wake word: the microphone stays closed until Kemudi listens
    r.set('listening');
    expect(r.mic.open).toBe(true);
    const speech = readWav(speechWav('turn on the headlights', 'en')).samples;
    r.mic.play(speech.subarray(0, Math.floor(speech.length * 0.8)));
    expect(r.sent).toEqual([]);
    r.controller.finish();
    await flush();
    expect(r.sent).toEqual([{ type: 'utterance', text: 'turn on the headlights', source: 'voice', lang: 'en' }]);
    r.set('idle');
    await flush();
    expect(r.mic.open).toBe(false);
  });

  it('keeps listening when nothing was understood', async () => {
    const r = make({ words: ['', 'open the window'] });
    r.set('idle', voice(EN_MODEL, { wakeEngine: 'off' }));
    await flush();
    r.set('listening');
    r.mic.play(command());
    await flush();
    expect(r.sent).toEqual([]);
    r.mic.play(command());
    await flush();
    expect(r.sent).toEqual([{ type: 'utterance', text: 'open the window', source: 'voice', lang: 'en' }]);
  });

  it('falls back from Vosk to openWakeWord when "auto" cannot load Vosk, and says why', async () => {
    const r = make({ detectorLoads: (engine) => (engine === 'vosk' ? err('bad_model', 'broken archive') : ok({ phrases: ['hey_jarvis'] })) });
    r.set('idle', voice(EN_MODEL));
    await flush();
    expect(r.detectors.map((d) => [d.engine, d.closed])).toEqual([
      ['vosk', true],
      ['openwakeword', false],
    ]);
    expect(r.notices).toEqual(['bad_model']);
    expect(r.statuses.at(-1)).toMatchObject({ kind: 'wake', engine: 'openwakeword' });
  });

  it('follows the sensitivity setting without reloading, and reloads for another keyword', async () => {
    const r = make();
    r.set('idle', voice([], { sensitivity: 0.2 }));
    await flush();
    expect(r.detectors[0]!.sensitivity).toBe(0.2);
    r.set('idle', voice([], { sensitivity: 0.9 }));
    expect(r.detectors).toHaveLength(1);
    expect(r.detectors[0]!.sensitivity).toBe(0.9);
    r.set('idle', voice([], { wakeKeyword: 'alexa' }));
    await flush();
    expect(r.detectors).toHaveLength(2);
    expect(r.detectors[0]!.closed).toBe(true);
    expect(r.statuses.at(-1)).toEqual({ kind: 'wake', engine: 'openwakeword', phrase: 'alexa' });
  });

  it('loads the recognizer and the Vosk wake word again when their worker crashes, and says so', async () => {
    const r = make({ words: ['open the window'] });
    r.set('idle', voice(EN_MODEL));
    await flush();
    expect(r.detectors.map((d) => d.engine)).toEqual(['vosk']);
    r.recognizers[0]!.crash();
    await flush();
    expect(r.notices).toEqual(['crashed']);
    expect(r.recognizers).toHaveLength(2);
    expect(r.recognizers[0]!.closed).toBe(true);
    expect(r.recognizers[1]!.loadedWith).toEqual(['/models/voice/vosk-model-small-en-us-0.15.tar.gz', 'en']);
    expect(r.detectors.map((d) => [d.engine, d.closed])).toEqual([
      ['vosk', true],
      ['vosk', false],
    ]);
    // And it works: the next utterance is recognized by the new one.
    r.set('listening');
    r.mic.play(command());
    await flush();
    expect(r.sent).toEqual([{ type: 'utterance', text: 'open the window', source: 'voice', lang: 'en' }]);
  });

  it('takes the answer to a question (yes/no, a missing detail) once Kemudi has finished asking it', async () => {
    const r = make({ words: ['yes'] });
    r.set('idle', voice(EN_MODEL, { wakeEngine: 'off' }));
    await flush();
    // "New message from Sari. Read it?" is still being said: what the microphone hears now is Kemudi itself.
    r.set('confirming', undefined, 'en', true);
    expect(r.mic.open).toBe(true);
    r.mic.play(command());
    await flush();
    expect(r.segments).toBe(0);
    expect(r.sent).toEqual([]);
    // Said: the driver's answer is taken.
    r.set('confirming', undefined, 'en', false);
    expect(r.statuses.at(-1)).toEqual({ kind: 'listening', partial: '' });
    r.mic.play(command());
    await flush();
    expect(r.sent).toEqual([{ type: 'utterance', text: 'yes', source: 'voice', lang: 'en' }]);
  });

  it('reports a refused microphone instead of failing', async () => {
    const r = make({ micRefused: true });
    r.set('idle', voice());
    await flush();
    expect(r.statuses.at(-1)).toEqual({ kind: 'no-mic', message: 'Permission denied' });
  });
});
