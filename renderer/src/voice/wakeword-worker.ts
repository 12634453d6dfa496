/// <reference types="vite/client" />
// The openWakeWord worker: loads onnxruntime-web (its wasm served from our origin, single-threaded, since the
// page is not cross-origin isolated) and the models, then scores the 16 kHz audio the page posts.
// Protocol: page → worker `load` | `audio` | `threshold` | `reset` | `drain`; worker → page `loaded` | `detect` | `drained`.
// The plain wasm build with its JS glue bundled: only the .wasm is fetched, as a Vite asset of our own.
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { Result } from '../../../common/result.js';
import { ChunkedDetector, CORE_MODEL_FILES, KEYWORD_MODEL_FILES, ModelLoadError, OpenWakeWordPipeline, type OrtLike } from './openwakeword-pipeline.js';

export type WorkerRequest =
  | { type: 'load'; assetBase: string; keywords: string[]; threshold: number }
  | { type: 'audio'; pcm: Float32Array }
  | { type: 'threshold'; value: number }
  | { type: 'reset' }
  | { type: 'drain'; id: number };

export type WorkerReply =
  | { type: 'loaded'; result: Result<{ phrases: string[] }> }
  | { type: 'detect'; phrase: string; score: number; atMs: number }
  | { type: 'drained'; id: number; heardMs: number; computeMs: number; peaks: Record<string, number> };

const scope = self as unknown as { postMessage(message: WorkerReply): void; onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };
let detector: ChunkedDetector | null = null;
let threshold = 0.5;

/** A model's bytes, or why not: a missing file is no_model, anything unreadable is bad_model. */
async function fetchModel(base: string, file: string): Promise<Uint8Array> {
  const url = new URL(file, base);
  if (url.protocol === 'file:') return readFileUrl(url, file);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw Object.assign(new Error(`${file}: ${String(error)}`), { code: 'no_model' as const });
  }
  if (!response.ok) throw Object.assign(new Error(`${file}: HTTP ${response.status}`), { code: 'no_model' as const });
  return new Uint8Array(await response.arrayBuffer());
}

/** fetch() refuses file: (the Electron window is loaded from disk); XHR reads it, as onnxruntime's own loader does. */
function readFileUrl(url: URL, file: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('GET', url.href);
    request.responseType = 'arraybuffer';
    request.onload = () =>
      request.response instanceof ArrayBuffer && request.response.byteLength > 0
        ? resolve(new Uint8Array(request.response))
        : reject(Object.assign(new Error(`${file}: not found`), { code: 'no_model' as const }));
    request.onerror = () => reject(Object.assign(new Error(`${file}: not found`), { code: 'no_model' as const }));
    request.send();
  });
}

async function load(assetBase: string, keywords: string[]): Promise<Result<{ phrases: string[] }>> {
  // One thread: SharedArrayBuffer needs cross-origin isolation, which the page does not have.
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const models = new URL('models/', assetBase).href;
  try {
    const unknown = keywords.filter((k) => !KEYWORD_MODEL_FILES[k]);
    if (unknown.length > 0) return { ok: false, error: { code: 'no_model', message: `no openWakeWord model for ${unknown.join(', ')}` } };
    const [mel, embedding, vad, ...heads] = await Promise.all([
      fetchModel(models, CORE_MODEL_FILES.mel),
      fetchModel(models, CORE_MODEL_FILES.embedding),
      fetchModel(models, CORE_MODEL_FILES.vad),
      ...keywords.map((k) => fetchModel(models, KEYWORD_MODEL_FILES[k]!)),
    ]);
    const pipeline = await OpenWakeWordPipeline.create(ort as unknown as OrtLike, {
      mel: mel!,
      embedding: embedding!,
      vad: vad!,
      keywords: Object.fromEntries(keywords.map((k, i) => [k, heads[i]!])),
    });
    detector = new ChunkedDetector(pipeline, (d) => scope.postMessage({ type: 'detect', ...d }), { threshold });
    return { ok: true, value: { phrases: pipeline.phrases } };
  } catch (error) {
    const code = (error as { code?: unknown }).code === 'no_model' ? 'no_model' : 'bad_model';
    const where = error instanceof ModelLoadError ? '' : 'openWakeWord: ';
    return { ok: false, error: { code, message: `${where}${error instanceof Error ? error.message : String(error)}` } };
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'load':
      threshold = message.threshold;
      void load(message.assetBase, message.keywords).then((result) => scope.postMessage({ type: 'loaded', result }));
      break;
    case 'audio':
      detector?.accept(message.pcm);
      break;
    case 'threshold':
      threshold = message.value;
      if (detector) detector.threshold = message.value;
      break;
    case 'reset':
      detector?.reset();
      break;
    case 'drain': {
      const d = detector;
      if (!d) scope.postMessage({ type: 'drained', id: message.id, heardMs: 0, computeMs: 0, peaks: {} });
      else void d.idle().then(() => scope.postMessage({ type: 'drained', id: message.id, heardMs: d.heardMs, computeMs: d.computeMs, peaks: { ...d.peaks } }));
      break;
    }
  }
};
