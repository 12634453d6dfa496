// openWakeWord end to end in headless Chromium: the built renderer served by the sim server (its CSP, its
// token), the engine's module Worker running onnxruntime-web's wasm and the ONNX models from our own origin.
// espeak-ng says "hey jarvis" in several voices, speeds and pitches, some under sox noise; other speech (en,
// id, zh, near misses) and noise must not wake it. The PCM goes in as 20 ms frames through the page's
// simulator-only hook (window.kemudiWakeWord), as the capture pipeline would send it. Also: a missing model
// is `no_model` within seconds, nothing is requested off 127.0.0.1, and no CSP violation is logged, with the
// worker held to the page's policy (no 'unsafe-eval').
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { SIM_CSP, startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';
import { noiseWav, readWav, rms, speechBounds, speechToolsMissing, speechWav, warnSpeechSkipped, writeWav, type SpeechLang } from '../support/speech-wav.js';

const executablePath = findChromium();
const missing = speechToolsMissing();
if (!executablePath) warnSkipped('tests/e2e/wake-word.test.ts');
else if (missing) warnSpeechSkipped('tests/e2e/wake-word.test.ts', missing);

const RATE = 16_000;

/** espeak-ng with a chosen voice, speed and pitch, resampled by sox to 16 kHz mono. */
function espeak(dir: string, text: string, voice: string, speed: number, pitch: number): Float32Array {
  const raw = join(dir, 'raw.wav');
  const out = join(dir, 'out.wav');
  for (const [cmd, args] of [
    ['espeak-ng', ['-v', voice, '-s', String(speed), '-p', String(pitch), '-w', raw, text]],
    ['sox', [raw, '-r', String(RATE), '-c', '1', '-b', '16', out]],
  ] as const) {
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr}`);
  }
  return readWav(out).samples;
}

/** Peak at −6 dBFS, with `leadMs` of silence before and `tailMs` after; where the phrase ends, in ms. */
function place(samples: Float32Array, leadMs: number, tailMs: number): { pcm: Float32Array; endMs: number } {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const lead = (leadMs * RATE) / 1000;
  const pcm = new Float32Array(lead + samples.length + (tailMs * RATE) / 1000);
  for (let i = 0; i < samples.length; i++) pcm[lead + i] = (samples[i]! / peak) * 0.5;
  return { pcm, endMs: leadMs + speechBounds(samples).endMs };
}

/** Adds noise at `snrDb` below the speech's active RMS. */
function addNoise(pcm: Float32Array, color: 'pink' | 'brown' | 'white', snrDb: number): Float32Array {
  const noise = readWav(noiseWav(color, Math.ceil(pcm.length / RATE) + 1)).samples;
  const bounds = speechBounds(pcm);
  const speech = rms(pcm.subarray((bounds.startMs * RATE) / 1000, (bounds.endMs * RATE) / 1000));
  const gain = speech / 10 ** (snrDb / 20) / rms(noise);
  return pcm.map((s, i) => s + noise[i]! * gain);
}

function toBase64(pcm: Float32Array): string {
  const ints = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) ints[i] = Math.round(Math.max(-1, Math.min(1, pcm[i]!)) * 32767);
  return Buffer.from(ints.buffer).toString('base64');
}

interface Fed {
  detections: { phrase: string; score: number; atMs: number }[];
  peaks: Record<string, number>;
  heardMs: number;
  computeMs: number;
}

/** Feeds PCM in 20 ms frames to the page's detector and waits until all of it is scored. */
async function feed(page: Page, pcm: Float32Array, reset: boolean): Promise<Fed> {
  return page.evaluate(
    async ({ b64, reset }) => {
      const w = globalThis as unknown as {
        wake: { accept(p: Float32Array): void; reset(): void; drain(): Promise<Omit<Fed, 'detections'>> };
        wakeHeard: Fed['detections'];
      };
      if (reset) w.wake.reset();
      w.wakeHeard.length = 0;
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const ints = new Int16Array(bytes.buffer);
      for (let i = 0; i < ints.length; i += 320) {
        const frame = new Float32Array(Math.min(320, ints.length - i));
        for (let j = 0; j < frame.length; j++) frame[j] = ints[i + j]! / 32768;
        w.wake.accept(frame);
      }
      const report = await w.wake.drain();
      return { ...report, detections: [...w.wakeHeard] };
    },
    { b64: toBase64(pcm), reset },
  );
}

const POSITIVE_VOICES = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-us-nyc'];
const NEGATIVE: { text: string; lang: SpeechLang }[] = [
  { text: 'turn on the headlights', lang: 'en' },
  { text: 'navigate to the nearest petrol station', lang: 'en' },
  { text: 'send a message to Sari saying I will be late', lang: 'en' },
  { text: 'what is the weather like in Jakarta tomorrow', lang: 'en' },
  { text: 'play some jazz music and turn the volume up', lang: 'en' },
  { text: 'set the temperature to twenty one degrees', lang: 'en' },
  { text: 'hey Travis, are you coming to the party', lang: 'en' },
  { text: 'hey Marvin, call me back', lang: 'en' },
  { text: 'the jars of jam are in the car', lang: 'en' },
  { text: 'hey, is this the service station', lang: 'en' },
  { text: 'nyalakan lampu jauh', lang: 'id' },
  { text: 'kirim pesan ke Budi bahwa saya terlambat', lang: 'id' },
  { text: 'bagaimana cuaca di Bandung hari ini', lang: 'id' },
  { text: 'putar lagu kesukaan saya', lang: 'id' },
  { text: '打开大灯', lang: 'zh' },
  { text: '导航到最近的加油站', lang: 'zh' },
  { text: '给小明发消息说我会晚到', lang: 'zh' },
  { text: '明天北京的天气怎么样', lang: 'zh' },
];

(executablePath && !missing ? describe : describe.skip)('openWakeWord in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let work: string;
  const problems: string[] = [];
  const offOrigin: string[] = [];
  let workerServedUnderPagePolicy = 0;

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'wakeword/models/hey_jarvis_v0.1.onnx'))) throw new Error('run `npm run build` before the e2e tests');
    work = mkdtempSync(join(tmpdir(), 'kemudi-wake-'));
    sim = createSimulatedAssistant({ database: ':memory:' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: () => null });
    browser = await launchChromium(executablePath!);
    const origin = new URL(server.url).origin;
    browser.context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) offOrigin.push(url);
    });
    // The servers give workers/ a looser policy (vosk-browser needs 'unsafe-eval'); this worker must not need
    // it, so here its script is served under the page's own policy.
    await browser.context.route(/\/workers\/wakeword-worker-[^/]+\.js$/, async (route) => {
      const response = await route.fetch();
      workerServedUnderPagePolicy++;
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': SIM_CSP } });
    });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy|Refused/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('worker', (worker) => worker.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy|Refused/i.test(message.text())) problems.push(`worker console: ${message.text()}`);
    }));
    await page.goto(server.url);
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: 15_000 });
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        cspViolations: string[];
        document: { addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void };
      };
      w.cspViolations = [];
      w.document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('loads in a module worker and hears "hey jarvis", not other speech or noise', async () => {
    const loaded = await page.evaluate(async () => {
      const w = globalThis as unknown as {
        kemudiWakeWord(): Promise<{ load(): Promise<unknown>; onDetect(l: (d: unknown) => void): void }>;
        wake: unknown;
        wakeHeard: unknown[];
      };
      const detector = await w.kemudiWakeWord();
      w.wake = detector;
      w.wakeHeard = [];
      detector.onDetect((d) => w.wakeHeard.push(d));
      const started = performance.now();
      const result = await detector.load();
      return { result, ms: performance.now() - started };
    });
    console.info(`wake e2e: load ${Math.round(loaded.ms)} ms ${JSON.stringify(loaded.result)}`);
    expect(loaded.result).toEqual({ ok: true, value: { phrases: ['hey_jarvis'] } });

    // Positives: 5 voices × 3 speeds × 2 pitches clean, and the 5 voices at 140 wpm under road-like noise.
    const positives: { name: string; pcm: Float32Array; endMs: number }[] = [];
    for (const voice of POSITIVE_VOICES) {
      for (const speed of [120, 140, 160]) {
        for (const pitch of [40, 60]) {
          const { pcm, endMs } = place(espeak(work, 'hey jarvis', voice, speed, pitch), 1000, 2000);
          positives.push({ name: `${voice} ${speed}wpm p${pitch}`, pcm, endMs });
        }
      }
      const { pcm, endMs } = place(espeak(work, 'hey jarvis', voice, 140, 50), 1000, 2000);
      positives.push({ name: `${voice} 140wpm +brown 10 dB`, pcm: addNoise(pcm, 'brown', 10), endMs });
      positives.push({ name: `${voice} 140wpm +pink 15 dB`, pcm: addNoise(pcm, 'pink', 15), endMs });
    }
    let hits = 0;
    const latencies: number[] = [];
    const misses: string[] = [];
    for (const clip of positives) {
      const fed = await feed(page, clip.pcm, true);
      if (fed.detections.length > 0) {
        hits++;
        latencies.push(fed.detections[0]!.atMs - clip.endMs);
      } else misses.push(`${clip.name} (peak ${(fed.peaks.hey_jarvis ?? 0).toFixed(2)})`);
      expect(fed.detections.length).toBeLessThanOrEqual(1);
    }
    const rate = hits / positives.length;
    latencies.sort((a, b) => a - b);
    console.info(
      `wake e2e: detected ${hits}/${positives.length} (${(rate * 100).toFixed(0)} %); latency after the phrase ends: median ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies.at(-1)} ms (audio time); missed: ${misses.join('; ') || 'none'}`,
    );

    // Negatives: the sentences in two voices each (en at two speeds), then under noise, then noise alone.
    const stream: Float32Array[] = [];
    for (const { text, lang } of NEGATIVE) {
      const base = readWav(speechWav(text, lang)).samples;
      stream.push(place(base, 800, 800).pcm);
      const voice = lang === 'en' ? 'en-gb' : lang === 'id' ? 'ms' : 'yue';
      stream.push(place(espeak(work, text, voice, 130, 60), 800, 800).pcm);
      stream.push(addNoise(place(base, 800, 800).pcm, 'pink', 10));
    }
    for (const color of ['pink', 'brown', 'white'] as const) stream.push(readWav(noiseWav(color, 40)).samples.map((s) => s * 0.3));
    let negativeMs = 0;
    let falseAccepts = 0;
    const falses: string[] = [];
    await feed(page, new Float32Array(0), true);
    for (const part of stream) {
      const fed = await feed(page, part, false);
      negativeMs += (part.length * 1000) / RATE;
      falseAccepts += fed.detections.length;
      for (const d of fed.detections) falses.push(`${d.phrase} ${d.score.toFixed(2)} at ${Math.round(d.atMs)} ms`);
    }
    const perHour = falseAccepts / (negativeMs / 3_600_000);
    console.info(`wake e2e: ${falseAccepts} false accepts in ${(negativeMs / 60_000).toFixed(1)} min of other speech and noise (${perHour.toFixed(1)}/h) ${falses.join('; ')}`);

    // Measured 39–40 of 40 here (one clip peaks at 0.45–0.50); espeak at 100 wpm or in en-029 scores lower (README).
    expect(rate).toBeGreaterThanOrEqual(0.85);
    expect(falseAccepts).toBe(0);
    expect(negativeMs).toBeGreaterThan(4 * 60_000);
  }, 240_000);

  it('says no_model when the models are not there, not a timeout', async () => {
    const outcome = await page.evaluate(async () => {
      const w = globalThis as unknown as { kemudiWakeWord(o: object): Promise<{ load(): Promise<unknown>; close(): void }> };
      const detector = await w.kemudiWakeWord({ assetBase: new URL('./no-such-wakeword/', (globalThis as unknown as { location: { href: string } }).location.href).href });
      const started = performance.now();
      const result = await detector.load();
      detector.close();
      return { result, ms: performance.now() - started };
    });
    console.info(`wake e2e: missing models → ${JSON.stringify(outcome.result)} in ${Math.round(outcome.ms)} ms`);
    expect(outcome.result).toMatchObject({ ok: false, error: { code: 'no_model' } });
  });

  it('asked for nothing off 127.0.0.1 and logged no CSP violation or error', async () => {
    const violations = await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations).toEqual([]);
    expect(workerServedUnderPagePolicy).toBeGreaterThan(0);
    expect(offOrigin).toEqual([]);
    // The missing-model check's 404s are expected in the console; nothing else is.
    expect(problems.filter((p) => !/404|no-such-wakeword/.test(p))).toEqual([]);
  });
});

// The whole way in: Chromium's fake microphone plays a looped file into the app as it starts — getUserMedia →
// the capture AudioWorklet (48 → 16 kHz) → the voice controller → this engine — with the default voice
// settings (no Vosk model: openWakeWord). "hey jarvis" must send `wake` to the core; another sentence must not.
(executablePath && !missing ? describe : describe.skip)('openWakeWord through the fake microphone', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let work: string;
  const handled: Command[] = [];

  /** Opens the app with the microphone playing `pcm` in a loop; returns the problems logged and a closer. */
  async function withMicrophone(pcm: Float32Array, name: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
    const wav = join(work, `${name}.wav`);
    writeWav(wav, pcm, RATE);
    const context: BrowserContext = await chromium.launchPersistentContext(join(work, `profile-${name}`), {
      executablePath: executablePath!,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
      ],
    });
    const problems: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy|Refused/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(server.url);
    return { page, problems, close: () => context.close() };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kemudi-wake-mic-'));
    sim = createSimulatedAssistant({ database: ':memory:' });
    const handle = sim.assistant.handle.bind(sim.assistant);
    sim.assistant.handle = (command) => {
      handled.push(command);
      return handle(command);
    };
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: rendererDir(), trackFile: () => null });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('stays asleep while the microphone hears another sentence', async () => {
    const { pcm } = place(readWav(speechWav('turn on the headlights', 'en')).samples, 2500, 2500);
    const app = await withMicrophone(pcm, 'other');
    try {
      // The engine is loaded and listening ("Say “hey jarvis”"), then two loops of the file go by.
      await app.page.locator('[data-testid="voice-status"][data-voice="wake"][data-engine="openwakeword"]').waitFor({ timeout: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 2 * (pcm.length / RATE) * 1000));
      expect(handled.filter((c) => c.type === 'wake')).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('wakes the assistant when the microphone hears "hey jarvis"', async () => {
    const { pcm } = place(espeak(work, 'hey jarvis', 'en-gb', 130, 50), 2500, 2500);
    const app = await withMicrophone(pcm, 'wake');
    try {
      const started = Date.now();
      await expect.poll(() => handled.some((c) => c.type === 'wake'), { timeout: 30_000, interval: 200 }).toBe(true);
      console.info(`wake e2e (fake microphone): wake ${Date.now() - started} ms after the page opened; commands ${handled.map((c) => c.type).join(', ')}`);
      // Nothing but the wake word reached the core first (the looped phrase may then be heard as an utterance).
      expect(handled[0]?.type).toBe('wake');
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
