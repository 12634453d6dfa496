// The real engines behind the voice controller in the browser and the head unit: the microphone through the
// capture worklet, openWakeWord, and Vosk (the recognizer and the wake-word grammar share one worker and one
// loaded model). Model URLs come from the transport: the simulator's token-guarded route, or the shell's
// kemudi-media: protocol.
import type { TransportKind } from '../transport/types.js';
import { pageToken } from '../transport/websocket.js';
import { openMicrophone } from './capture.js';
import { OpenWakeWordDetector } from './openwakeword.js';
import { createVoskRecognizer, VoskWorkerClient } from './recognizer.js';
import type { VoiceEngines } from './voice-input.js';
import { VoskWakeWordDetector, WAKE_PHRASES, type WakePhrase } from './vosk-wake.js';

/** Where an installed speech-recognition model is fetched, by manifest id only. */
export function voiceModelUrl(kind: TransportKind, location: { search?: string }, id: string): string {
  if (kind === 'electron') return `kemudi-media://voice/${encodeURIComponent(id)}`;
  const token = pageToken(location);
  return `/models/voice/${encodeURIComponent(id)}.tar.gz${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** The driver's phrase for a language: the default ones come with in-vocabulary spellings (vosk-wake.ts);
 *  a phrase of their own is taken as written, so it must be words the model knows. */
function phrasesFor(phrase: string, lang: keyof typeof WAKE_PHRASES): WakePhrase[] {
  const known = WAKE_PHRASES[lang].find((p) => p.phrase === phrase.trim().toLowerCase());
  return known ? [known] : [{ phrase, spellings: [phrase.toLowerCase()] }];
}

export function browserEngines(kind: TransportKind, location: { search?: string }): VoiceEngines {
  let vosk: VoskWorkerClient | null = null;
  const shared = (): VoskWorkerClient => (vosk ??= new VoskWorkerClient());
  return {
    openMicrophone,
    modelUrl: (id) => voiceModelUrl(kind, location, id),
    createRecognizer: (onCrash) => createVoskRecognizer({ worker: shared(), onCrash }),
    createWakeWord(engine, settings, model) {
      if (engine === 'vosk' && model) {
        return new VoskWakeWordDetector({ worker: shared(), modelUrl: model.url, lang: model.lang, phrases: phrasesFor(settings.wakePhrases[model.lang], model.lang) });
      }
      return new OpenWakeWordDetector({ keywords: [settings.wakeKeyword] });
    },
  };
}
