import './styles.css';
import { render } from 'preact';
import * as z from 'zod';
import { App } from './app.js';
import { createStore } from './state/store.js';
import { selectTransport } from './transport/index.js';
import { createAudioSpeechOutput, fallbackSpeechUrl, withFallback } from './voice/espeak-speech.js';
import { createWebSpeechOutput } from './voice/speech.js';
import { browserEngines } from './voice/engines.js';
import { OpenWakeWordDetector, type OpenWakeWordOptions } from './voice/openwakeword.js';
import { createVoiceInput, type VoiceInputContext } from './voice/voice-input.js';
// Already in the bundle through engines.ts: the test hook below adds nothing to load.
import { createVoskRecognizer, VoskWorkerClient, type RecognizerOptions, type VoskWorkerOptions } from './voice/recognizer.js';
import { VoskWakeWordDetector, type VoskWakeOptions } from './voice/vosk-wake.js';

// zod probes `new Function` for its fast path, which the page's policy (no 'unsafe-eval') reports as a violation.
z.config({ jitless: true });

const root = document.getElementById('app');
if (!root) throw new Error('kemudi: index.html has no #app element');

const transport = selectTransport({ kemudi: (window as Window & { kemudi?: unknown }).kemudi, location: window.location });
/** The page's localStorage, or none where the profile refuses it (the mute setting then lasts a session). */
function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The audio element espeak-ng's speech plays through, where the browser has no voice for a language. */
function speechAudio(): HTMLAudioElement {
  const audio = document.createElement('audio');
  audio.hidden = true;
  audio.preload = 'auto';
  audio.dataset.testid = 'speech-audio';
  document.body.append(audio);
  return audio;
}

const speech = withFallback(createWebSpeechOutput(), createAudioSpeechOutput({ audio: speechAudio(), url: fallbackSpeechUrl(transport.kind, window.location) }));
const store = createStore(transport, {
  speech,
  storage: localStorageOrNull(),
  // No microphone API (an old browser, a page not on localhost or https): the button and typing still work.
  ...(navigator.mediaDevices ? { voice: (context: VoiceInputContext) => createVoiceInput(context, browserEngines(transport.kind, window.location)) } : {}),
});
render(<App store={store} />, root);
window.addEventListener('pagehide', () => store.dispose());
// Simulator only: the end-to-end tests feed PCM to the openWakeWord engine through this (tests/e2e/wake-word.test.ts).
if (transport.kind === 'websocket') {
  (window as Window & { kemudiWakeWord?: unknown }).kemudiWakeWord = (options?: OpenWakeWordOptions) => Promise.resolve(new OpenWakeWordDetector(options));
  // The Vosk recognizer and wake-word engine, for tests/e2e/recognizer.test.ts.
  (window as Window & { kemudiVoice?: unknown }).kemudiVoice = {
    worker: (options?: VoskWorkerOptions) => new VoskWorkerClient(options),
    recognizer: (options?: RecognizerOptions) => createVoskRecognizer(options),
    wake: (options: VoskWakeOptions) => new VoskWakeWordDetector(options),
  };
}
