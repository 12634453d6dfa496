import './styles.css';
import { render } from 'preact';
import { App } from './app.js';
import { createStore } from './state/store.js';
import { selectTransport } from './transport/index.js';

const root = document.getElementById('app');
if (!root) throw new Error('kemudi: index.html has no #app element');

const transport = selectTransport({ kemudi: (window as Window & { kemudi?: unknown }).kemudi, location: window.location });
const store = createStore(transport);
render(<App store={store} />, root);
window.addEventListener('pagehide', () => store.dispose());
