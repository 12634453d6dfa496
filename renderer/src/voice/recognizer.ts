// Speech recognition on the page's side: a client of the recognizer worker (recognizer-worker.ts, which hosts
// vosk-browser). Nothing runs on the page's thread but messages. The model archive is fetched by the worker
// from the URL given: the simulator's `/models/voice/<id>.tar.gz?token=…`, or `kemudi-media://voice/<id>` in
// the head unit.
//
// Failures are data with a stable code, and loading never hangs (vosk-browser's createModel never settles on
// a failure; the worker uses the model's load and error events, and this side a deadline):
//   no_model     the URL answers 404 (the model is not installed) or another error status
//   bad_model    the archive is there but is no Vosk model (corrupt, truncated, not a .tar.gz)
//   timeout      no answer from the server, or the model did not load in time
//   unavailable  the server cannot be reached, or the worker cannot start
//   cancelled    a newer load() or close() replaced this one
//   crashed      the worker died; the next load() starts a fresh one
import { err, ok, type KemudiError, type Result } from '../../../common/result.js';
import type { RecognizerReply, RecognizerRequest } from './recognizer-protocol.js';

export type RecognizerLang = 'en' | 'zh' | 'id';
export type RecognizerEvent = 'partial' | 'final';

export interface RecognizerOptions {
  /** The worker to use; by default one of its own (the wake-word detector may share it: vosk-wake.ts). */
  worker?: VoskWorkerClient;
  /** The sample rate of what accept() gets. Default 16 kHz (what the capture worklet sends). */
  sampleRate?: number;
  /** Told when the worker dies after a load succeeded (a load in progress resolves with `crashed`). */
  onCrash?: (error: KemudiError) => void;
}

export interface Recognizer {
  /** Loads the model archive at `modelUrl` for `lang`; a second load replaces the first. */
  load(modelUrl: string, lang: RecognizerLang): Promise<Result<{ lang: RecognizerLang }>>;
  /** Feeds 16 kHz mono PCM, samples in [-1, 1]. Ignored before a load succeeds. */
  accept(pcm16k: Float32Array): void;
  /** End of utterance (VAD or push-to-talk release): a `final` follows with whatever was heard (possibly ''). */
  finish(): void;
  /** `partial`: the words so far of the utterance being spoken; `final`: an utterance's text once it ends. */
  on(event: RecognizerEvent, listener: (text: string) => void): () => void;
  /** Stops recognizing (and the worker, when it is this recognizer's own); load() may be called again. */
  close(): void;
}

/** The parts of a Worker this uses. Structural, so the types stay free of the DOM (tests outside the renderer
 *  import them). */
export interface WorkerLike {
  postMessage(message: RecognizerRequest, transfer: ArrayBuffer[]): void;
  terminate(): void;
  onmessage: ((event: { data: RecognizerReply }) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
}

interface PageScope {
  Worker: new (url: URL, options: { type: 'module'; name: string }) => WorkerLike;
  document: { baseURI: string };
}

export interface VoskWorkerOptions {
  /** How long the HEAD request may take. Default 3 s. */
  reachTimeoutMs?: number;
  /** How long the model may take to load once reachable (a real 40 MB model: seconds). Default 60 s. */
  loadTimeoutMs?: number;
  /** Starts the worker (tests may pass another); default: recognizer-worker.ts as a module worker. */
  createWorker?: () => WorkerLike;
}

interface ChannelHandlers {
  partial?: (text: string) => void;
  final?: (text: string, requested: boolean, conf: number | null) => void;
}

/** One recognizer worker with one model loaded, shared by the recognizers on it (channels). */
export class VoskWorkerClient {
  private worker: WorkerLike | null = null;
  private loadedUrl: string | null = null;
  private loading: { url: string; promise: Promise<Result<null>> } | null = null;
  private seq = 0;
  private readonly pending = new Map<number, (result: Result<null>) => void>();
  private readonly channels = new Map<string, ChannelHandlers>();
  private readonly crashListeners = new Set<(error: KemudiError) => void>();
  private readonly reachTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly createWorker: () => WorkerLike;

  constructor(options: VoskWorkerOptions = {}) {
    this.reachTimeoutMs = options.reachTimeoutMs ?? 3000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
    this.createWorker =
      options.createWorker ??
      (() => {
        // Named Worker so Vite sees `new Worker(new URL(…))` and bundles the worker into workers/.
        const { Worker } = globalThis as unknown as PageScope;
        return new Worker(new URL('./recognizer-worker.ts', import.meta.url), { type: 'module', name: 'kemudi-recognizer' });
      });
  }

  /** The model URL loaded now, or null. */
  get model(): string | null {
    return this.loadedUrl;
  }

  /** Loads `modelUrl` (made absolute against the page); the same URL loaded or loading is shared. */
  load(modelUrl: string): Promise<Result<null>> {
    const url = new URL(modelUrl, (globalThis as unknown as PageScope).document.baseURI).href;
    if (this.worker && this.loadedUrl === url) return Promise.resolve(ok(null));
    if (this.loading?.url === url) return this.loading.promise;
    this.cancelPending('a newer load replaced this one');
    this.loadedUrl = null;
    const worker = this.ensureWorker();
    if (!worker.ok) return Promise.resolve(worker);
    const promise = this.request((seq) => ({ type: 'load', seq, modelUrl: url, reachTimeoutMs: this.reachTimeoutMs }), this.loadTimeoutMs + this.reachTimeoutMs).then((result) => {
      if (this.loading?.promise === promise) this.loading = null;
      if (result.ok) this.loadedUrl = url;
      // A worker that did not load in time may be stuck inside the WASM: start afresh next time.
      else if (result.error.code === 'timeout') this.stopWorker();
      return result;
    });
    this.loading = { url, promise };
    return promise;
  }

  /** Creates (or replaces) the recognizer `channel`, restricted to `grammar` when given. */
  create(channel: string, sampleRate: number, grammar: string[] | null, handlers: ChannelHandlers): Promise<Result<null>> {
    if (!this.worker || this.loadedUrl === null) return Promise.resolve(err('unavailable', 'no voice model is loaded'));
    this.channels.set(channel, handlers);
    return this.request((seq) => ({ type: 'create', seq, channel, sampleRate, grammar }), 10_000);
  }

  audio(channel: string, pcm: Float32Array): void {
    if (!this.worker || !this.channels.has(channel) || pcm.length === 0) return;
    // A copy is transferred: the caller may reuse its buffer (the capture worklet's frames are shared).
    const copy = pcm.slice();
    this.post({ type: 'audio', channel, pcm: copy }, [copy.buffer]);
  }

  finish(channel: string): void {
    if (this.worker && this.channels.has(channel)) this.post({ type: 'finish', channel });
    else this.channels.get(channel)?.final?.('', true, null);
  }

  reset(channel: string): void {
    if (this.worker && this.channels.has(channel)) this.post({ type: 'reset', channel });
  }

  remove(channel: string): void {
    if (this.channels.delete(channel) && this.worker) this.post({ type: 'remove', channel });
  }

  onCrash(listener: (error: KemudiError) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Tests only: makes the worker throw, as a fault in it would. */
  crashForTest(): void {
    this.post({ type: 'crash' });
  }

  close(): void {
    this.cancelPending('close() stopped this');
    this.stopWorker();
    this.channels.clear();
  }

  private ensureWorker(): Result<WorkerLike> {
    if (this.worker) return ok(this.worker);
    let worker: WorkerLike;
    try {
      worker = this.createWorker();
    } catch (error) {
      return err('unavailable', `the speech recognition worker cannot start: ${String(error)}`);
    }
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.crashed(`the speech recognition worker stopped: ${event.message || 'it could not start'}`);
    };
    this.worker = worker;
    return ok(worker);
  }

  private receive(message: RecognizerReply): void {
    switch (message.type) {
      case 'loaded':
      case 'created':
        this.pending.get(message.seq)?.(message.result);
        this.pending.delete(message.seq);
        break;
      case 'partial':
        this.channels.get(message.channel)?.partial?.(message.text);
        break;
      case 'final':
        this.channels.get(message.channel)?.final?.(message.text, message.requested, message.conf);
        break;
      case 'crashed':
        this.crashed(message.message);
        break;
    }
  }

  /** The worker is gone: everything waiting on it gets `crashed`, and the next load() starts a fresh one. */
  private crashed(message: string): void {
    const error: KemudiError = { code: 'crashed', message };
    const wasLoaded = this.loadedUrl !== null;
    for (const resolve of this.pending.values()) resolve(err('crashed', message));
    this.pending.clear();
    this.stopWorker();
    if (wasLoaded) for (const listener of this.crashListeners) listener(error);
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
    this.loadedUrl = null;
    this.loading = null;
  }

  private cancelPending(why: string): void {
    for (const resolve of this.pending.values()) resolve(err('cancelled', why));
    this.pending.clear();
    this.loading = null;
  }

  private request(make: (seq: number) => RecognizerRequest, timeoutMs: number): Promise<Result<null>> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        resolve(err('timeout', `the voice model did not load within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.post(make(seq));
    });
  }

  private post(message: RecognizerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(message, transfer);
  }
}

let channels = 0;

export function createVoskRecognizer(options: RecognizerOptions = {}): Recognizer {
  const own = options.worker === undefined;
  const client = options.worker ?? new VoskWorkerClient();
  const sampleRate = options.sampleRate ?? 16_000;
  const channel = `recognizer-${++channels}`;
  const listeners: Record<RecognizerEvent, Set<(text: string) => void>> = { partial: new Set(), final: new Set() };
  const emit = (event: RecognizerEvent, text: string): void => {
    for (const listener of listeners[event]) listener(text);
  };
  let ready = false;
  let generation = 0;
  client.onCrash((error) => {
    if (!ready) return;
    ready = false;
    options.onCrash?.(error);
  });

  return {
    async load(modelUrl, lang) {
      const mine = ++generation;
      ready = false;
      const loaded = await client.load(modelUrl);
      if (mine !== generation) return err('cancelled', 'a newer load or close() replaced this one');
      if (!loaded.ok) return loaded;
      const created = await client.create(channel, sampleRate, null, {
        partial: (text) => emit('partial', text),
        final: (text) => emit('final', text),
      });
      if (mine !== generation) return err('cancelled', 'a newer load or close() replaced this one');
      if (!created.ok) return created;
      ready = true;
      return ok({ lang });
    },
    accept(pcm16k) {
      if (ready) client.audio(channel, pcm16k);
    },
    finish() {
      if (ready) client.finish(channel);
      else emit('final', '');
    },
    on(event, listener) {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    },
    close() {
      generation++;
      ready = false;
      client.remove(channel);
      if (own) client.close();
    },
  };
}
