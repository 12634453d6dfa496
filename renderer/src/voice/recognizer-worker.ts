// The speech recognition worker: hosts vosk-browser (Kaldi/Vosk as WASM), which starts a blob: worker of its
// own. It runs as a module worker from our origin (dist/renderer/workers/), served with a policy of its own
// (WORKER_CSP in the simulator, APP_WORKER_CSP in Electron) that allows the `new Function` of vosk-browser's
// Emscripten glue; Chromium applies a dedicated worker's response policy, and the blob: worker inherits it,
// so the page's policy never needs 'unsafe-eval'.
// Several recognizers ("channels") share one loaded model: `main` for what the driver says, `wake` with a
// grammar of the wake phrases (vosk-wake.ts).
// Protocol: page → worker `load` | `create` | `audio` | `finish` | `reset` | `remove` | `crash` (tests only);
// worker → page `loaded` | `created` | `partial` | `final` | `crashed`.
import { Model } from 'vosk-browser';
import type { Result } from '../../../common/result.js';
import type { RecognizerReply, RecognizerRequest } from './recognizer-protocol.js';

type Kaldi = InstanceType<Model['KaldiRecognizer']>;
interface Channel {
  recognizer: Kaldi;
  sampleRate: number;
  grammar: string[] | null;
  finishing: number;
}

const scope = self as unknown as { postMessage(message: RecognizerReply): void; onmessage: ((event: MessageEvent<RecognizerRequest>) => void) | null };
let model: Model | null = null;
const channels = new Map<string, Channel>();

const reply = (message: RecognizerReply): void => scope.postMessage(message);
// A policy violation inside the worker is invisible to the page's own listener: say it where tests and
// developers look.
self.addEventListener('securitypolicyviolation', (event) => console.error(`recognizer worker: CSP violation of ${event.violatedDirective} (${event.blockedURI})`));
const fail = (code: 'no_model' | 'bad_model' | 'timeout' | 'unavailable', message: string): Result<null> => ({ ok: false, error: { code, message } });

/** A HEAD request first: a missing model (404) and an unreachable server are told apart from a bad archive,
 *  which vosk-browser itself reports only as a bare `error`. */
async function reachable(url: string, timeoutMs: number): Promise<Result<null>> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return fail('timeout', `the voice model server gave no answer within ${timeoutMs} ms`);
    return fail('unavailable', `the voice model server cannot be reached (${(error as Error).message})`);
  }
  const where = url.split('?')[0];
  if (response.status === 404) return fail('no_model', `no voice model at ${where} (is it installed? \`kemudi models pull <id>\`)`);
  if (!response.ok) return fail('no_model', `the voice model at ${where} answered HTTP ${response.status}`);
  return { ok: true, value: null };
}

function unload(): void {
  for (const channel of channels.values()) channel.recognizer.remove();
  channels.clear();
  model?.terminate();
  model = null;
}

async function load(modelUrl: string, reachTimeoutMs: number): Promise<Result<null>> {
  unload();
  const reach = await reachable(modelUrl, reachTimeoutMs);
  if (!reach.ok) return reach;
  const loading = new Model(modelUrl, -1);
  model = loading;
  // vosk-browser does not pass on its own worker's death: a crash there is a crash here.
  (loading as unknown as { worker: Worker }).worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    reply({ type: 'crashed', message: `the Vosk worker stopped: ${event.message || 'unknown error'}` });
  });
  return new Promise((resolve) => {
    loading.on('load', (message) => resolve('result' in message && message.result ? { ok: true, value: null } : fail('bad_model', `${modelUrl.split('?')[0]} is not a Vosk model archive`)));
    loading.on('error', (message) => {
      const error = 'error' in message && message.error ? String(message.error) : '';
      // The glue refused by a policy without 'unsafe-eval' (a server that sent this worker the page's policy):
      // no model could load, so it is no fault of the archive.
      if (/Content Security Policy|unsafe-eval|EvalError/i.test(error)) resolve(fail('unavailable', `speech recognition cannot start: this worker's Content-Security-Policy forbids what vosk-browser needs (${error.trim()})`));
      else resolve(fail('bad_model', `${modelUrl.split('?')[0]} is not a Vosk model archive${error ? `: ${error}` : ' (not a gzipped tar of a model folder?)'}`));
    });
  });
}

function create(name: string, sampleRate: number, grammar: string[] | null): Result<null> {
  if (!model?.ready) return fail('unavailable', 'no voice model is loaded');
  channels.get(name)?.recognizer.remove();
  const recognizer = grammar ? new model.KaldiRecognizer(sampleRate, JSON.stringify(grammar)) : new model.KaldiRecognizer(sampleRate);
  // Per-word confidences for a grammar (the wake word's score); a grammar's out-of-vocabulary words are
  // dropped by Vosk with a warning, so vosk-wake.ts spells the phrases with in-vocabulary words.
  if (grammar) recognizer.setWords(true);
  const channel: Channel = { recognizer, sampleRate, grammar, finishing: 0 };
  recognizer.on('partialresult', (message) => {
    if (channels.get(name) !== channel) return;
    if ('result' in message && 'partial' in message.result && message.result.partial) reply({ type: 'partial', channel: name, text: message.result.partial });
  });
  recognizer.on('result', (message) => {
    if (channels.get(name) !== channel || !('result' in message) || !('text' in message.result)) return;
    const requested = channel.finishing > 0;
    if (requested) channel.finishing--;
    // An endpoint Vosk finds in silence gives an empty result: only a requested one is passed on empty.
    const words = Array.isArray(message.result.result) ? message.result.result : [];
    const conf = words.length > 0 ? words.reduce((sum, word) => sum + word.conf, 0) / words.length : null;
    if (requested || message.result.text) reply({ type: 'final', channel: name, text: message.result.text, requested, conf });
  });
  channels.set(name, channel);
  return { ok: true, value: null };
}

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case 'load':
      void load(request.modelUrl, request.reachTimeoutMs).then((result) => reply({ type: 'loaded', seq: request.seq, result }));
      break;
    case 'create':
      reply({ type: 'created', seq: request.seq, result: create(request.channel, request.sampleRate, request.grammar) });
      break;
    case 'audio': {
      const channel = channels.get(request.channel);
      if (channel && request.pcm.length > 0) channel.recognizer.acceptWaveformFloat(request.pcm, channel.sampleRate);
      break;
    }
    case 'finish': {
      const channel = channels.get(request.channel);
      if (channel) {
        channel.finishing++;
        channel.recognizer.retrieveFinalResult();
      } else reply({ type: 'final', channel: request.channel, text: '', requested: true, conf: null });
      break;
    }
    case 'reset': {
      // A fresh recognizer forgets everything heard; the same grammar.
      const channel = channels.get(request.channel);
      if (channel) create(request.channel, channel.sampleRate, channel.grammar);
      break;
    }
    case 'remove':
      channels.get(request.channel)?.recognizer.remove();
      channels.delete(request.channel);
      break;
    case 'crash':
      // Tests only: an uncaught error, as a real fault in the worker would be.
      setTimeout(() => {
        throw new Error('recognizer worker: crash requested by a test');
      });
      break;
  }
};
