import './styles.css';
import { render } from 'preact';
import { App } from './app.js';
import { createStore } from './state/store.js';
import { selectTransport } from './transport/index.js';
import { createWebSpeechOutput } from './voice/speech.js';

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

const store = createStore(transport, { speech: createWebSpeechOutput(), storage: localStorageOrNull() });
render(<App store={store} />, root);
window.addEventListener('pagehide', () => store.dispose());
