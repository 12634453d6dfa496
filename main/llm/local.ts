// The local engine: node-llama-cpp in a child process of its own (worker.ts), driven from here.
// One request runs at a time (the model has one warm context); the driver's requests go before
// background work; every call has a deadline and can be cancelled (barge-in); a worker that dies is
// restarted and its in-flight request answered with a typed `crashed` error, never a hang.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import PQueue from 'p-queue';
import { err, ok, type ErrorCode, type KemudiError, type Result } from '../../common/result.js';
import { projectRoot } from '../core/paths.js';
import type { CallOptions, Completion, CompletionRequest, EngineInfo, LlmEngine } from './engine.js';
import { type LoadedInfo, WorkerMessage } from './protocol.js';

export interface LocalEngineOptions {
  modelPath: string;
  /** Tokens per sequence (clipped to the model's training context). */
  contextSize?: number;
  /** A fixed thread count; absent: measured once per model at first load and reused after restarts. */
  threads?: number;
  /** Offload to a GPU when the machine has one. */
  gpu?: boolean;
  /** Default deadline of a call, queueing included. */
  timeoutMs?: number;
  /** Deadline for starting the worker and loading the model. */
  loadTimeoutMs?: number;
  /** How long a cancelled call may take to stop before its worker is killed and restarted. */
  stopGraceMs?: number;
  /** The bundled worker; tests and the Electron package may point elsewhere. */
  workerScript?: string;
  onEvent?: (event: EngineEvent) => void;
}

export type EngineEvent =
  | { type: 'loaded'; info: LoadedInfo }
  | { type: 'load_failed'; error: KemudiError }
  | { type: 'crashed'; message: string; restarts: number }
  | { type: 'stuck'; id: number };

/** Crashes within this window that make the engine give up restarting (a model that kills every worker). */
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 3;
const PRIORITY = { driver: 1, background: 0 } as const;

type Reply = Extract<WorkerMessage, { type: 'completed' | 'warmed' | 'failed' }>;

interface Worker {
  child: ChildProcess;
  ready: Promise<Result<LoadedInfo>>;
  pending: Map<number, (reply: Reply) => void>;
  stderr: string[];
}

/** The bundled worker. In a packaged app it is unpacked beside the asar archive (electron-builder.yml's
 *  asarUnpack): a forked process runs a real file, next to the native binaries it loads. */
export const defaultWorkerScript = (): string => join(projectRoot(), 'dist', 'llm-worker.js').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');

export class LocalEngine implements LlmEngine {
  private readonly queue = new PQueue({ concurrency: 1 });
  private worker: Worker | null = null;
  private loadedInfo: LoadedInfo | null = null;
  /** Measured once, then given to every restarted worker so a crash does not cost a re-measure. */
  private threads: number | undefined;
  private fatal: KemudiError | null = null;
  private crashes: number[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: LocalEngineOptions) {
    this.threads = options.threads;
  }

  info(): EngineInfo {
    return { kind: 'local', model: basename(this.options.modelPath), ...(this.loadedInfo ? { threads: this.loadedInfo.threads } : {}) };
  }

  /** What the worker reported at its last load: thread trials, context size, load time. */
  loaded(): LoadedInfo | null {
    return this.loadedInfo;
  }

  /** Starts the worker and loads the model now, instead of on the first request. */
  async load(): Promise<Result<LoadedInfo>> {
    if (this.fatal) return { ok: false, error: this.fatal };
    return this.ensureWorker().ready;
  }

  async warm(system: string): Promise<Result<void>> {
    const result = await this.call({ type: 'warm', system }, { priority: 'background' });
    return result.ok ? ok(undefined) : result;
  }

  async complete(request: CompletionRequest, options: CallOptions = {}): Promise<Result<Completion>> {
    const result = await this.call(
      { type: 'complete', system: request.system, user: request.user, schema: request.schema as Record<string, unknown>, maxTokens: request.maxTokens },
      options,
    );
    if (!result.ok) return result;
    const reply = result.value;
    if (reply.type !== 'completed') return err('internal', `the worker answered ${reply.type} to a completion`);
    let value: unknown;
    try {
      value = JSON.parse(reply.text);
    } catch {
      return err('invalid_output', 'the model did not answer with JSON');
    }
    return ok({ value, usage: reply.usage, ms: reply.ms });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.clear();
    const worker = this.worker;
    this.worker = null;
    if (worker) await stopChild(worker.child);
  }

  /** Queues one request for the worker, with the call's deadline and cancellation around it. */
  private async call(
    message: { type: 'complete'; system: string; user: string; schema: Record<string, unknown>; maxTokens: number } | { type: 'warm'; system: string },
    options: CallOptions,
  ): Promise<Result<Reply>> {
    if (this.closed) return err('unavailable', 'the engine is closed');
    if (this.fatal) return { ok: false, error: this.fatal };
    if (!existsSync(this.options.modelPath)) return err('no_model', `the model file ${this.options.modelPath} does not exist`);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 15_000;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort('timeout'), timeoutMs);
    const onAbort = (): void => stop.abort('cancelled');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const stopped = new Promise<Result<Reply>>((resolve) => {
      const answer = (): void => resolve(stop.signal.reason === 'timeout' ? err('timeout', `no answer within ${timeoutMs} ms`) : err('cancelled', 'the request was cancelled'));
      if (stop.signal.aborted) answer();
      else stop.signal.addEventListener('abort', answer, { once: true });
    });
    // Waiting in the queue ends with the call; once running, the slot is held until the worker has
    // really stopped, so the next request never overlaps a cancelled one still unwinding.
    const waiting = new AbortController();
    let started = false;
    stop.signal.addEventListener('abort', () => started || waiting.abort(), { once: true });
    const run = this.queue
      .add(
        async () => {
          started = true;
          if (stop.signal.aborted) return stopped;
          return this.runOnWorker(message, stop.signal);
        },
        { priority: PRIORITY[options.priority ?? 'driver'], signal: waiting.signal },
      )
      .catch((): Promise<Result<Reply>> => stopped);
    try {
      return await Promise.race([run, stopped]);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async runOnWorker(
    message: { type: 'complete'; system: string; user: string; schema: Record<string, unknown>; maxTokens: number } | { type: 'warm'; system: string },
    signal: AbortSignal,
  ): Promise<Result<Reply>> {
    const worker = this.ensureWorker();
    const ready = await Promise.race([worker.ready, abortion(signal)]);
    if (!ready) return err('cancelled', 'stopped while the model was loading');
    if (!ready.ok) return ready;
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => worker.pending.set(id, resolve));
    worker.child.send({ ...message, id });
    const onStop = (): void => {
      if (!worker.child.connected) return;
      worker.child.send({ type: 'cancel', id });
      // A worker that does not stop in time is stuck in native code: kill it; it is restarted.
      const grace = setTimeout(() => {
        if (!worker.pending.has(id)) return;
        this.options.onEvent?.({ type: 'stuck', id });
        worker.child.kill('SIGKILL');
      }, this.options.stopGraceMs ?? 5_000);
      void reply.then(() => clearTimeout(grace));
    };
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    const answer = await reply;
    signal.removeEventListener('abort', onStop);
    return answer.type === 'failed' ? { ok: false, error: answer.error } : ok(answer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const child = fork(this.options.workerScript ?? defaultWorkerScript(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Inside Electron, process.execPath is the Electron binary: run it as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
    });
    const pending = new Map<number, (reply: Reply) => void>();
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 40) stderr.shift();
    });
    let settleReady: (result: Result<LoadedInfo>) => void = () => undefined;
    const ready = new Promise<Result<LoadedInfo>>((resolve) => (settleReady = resolve));
    const loadTimer = setTimeout(() => {
      settleReady(err('timeout', `the model did not load within ${this.options.loadTimeoutMs ?? 120_000} ms`));
      child.kill('SIGKILL');
    }, this.options.loadTimeoutMs ?? 120_000);
    const worker: Worker = { child, ready, pending, stderr };
    child.on('message', (raw: unknown) => {
      const parsed = WorkerMessage.safeParse(raw);
      if (!parsed.success) return; // a worker that breaks the protocol is ignored, and its caller times out
      const message = parsed.data;
      if (message.type === 'loaded') {
        clearTimeout(loadTimer);
        this.loadedInfo = message.info;
        this.threads ??= message.info.threads;
        this.options.onEvent?.({ type: 'loaded', info: message.info });
        settleReady(ok(message.info));
      } else if (message.type === 'load_failed') {
        clearTimeout(loadTimer);
        // A model that cannot be loaded will not load on retry either: remember it, stop the worker.
        this.fatal = message.error;
        this.options.onEvent?.({ type: 'load_failed', error: message.error });
        settleReady({ ok: false, error: message.error });
        void stopChild(child);
      } else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(loadTimer);
      if (this.worker === worker) this.worker = null;
      const detail = stderr.join('').trim().split('\n').slice(-3).join(' | ');
      const message = `the model worker stopped (${signal ?? `exit ${code ?? '?'}`})${detail ? `: ${detail}` : ''}`;
      settleReady(err('crashed', message));
      for (const [id, resolve] of pending) resolve({ type: 'failed', id, error: { code: 'crashed' satisfies ErrorCode, message } });
      pending.clear();
      if (this.closed || this.fatal) return;
      const now = Date.now();
      this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
      this.options.onEvent?.({ type: 'crashed', message, restarts: this.crashes.length });
      if (this.crashes.length >= MAX_CRASHES) this.fatal = { code: 'crashed', message: `${message}; gave up after ${MAX_CRASHES} crashes in a minute` };
      // Restart now, so the next request finds the model loaded again.
      else this.ensureWorker();
    });
    child.on('error', () => undefined); // 'exit' follows and reports it
    child.send({ type: 'load', modelPath: this.options.modelPath, contextSize: this.options.contextSize ?? 4096, threads: this.threads ?? null, gpu: this.options.gpu ?? false });
    this.worker = worker;
    return worker;
  }

  /** For tests and diagnostics: the worker's process id, when one runs. */
  workerPid(): number | undefined {
    return this.worker?.child.pid;
  }
}

function abortion(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(killer);
}
