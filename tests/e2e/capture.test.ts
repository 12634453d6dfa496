// Microphone capture end to end: the real core and sim server in-process, the built renderer in headless
// Chromium whose fake microphone plays a WAV (silence, an espeak-ng phrase, silence). Tapping Talk opens the
// capture (getUserMedia → the AudioWorklet resampler → the VAD); the page must find exactly one speech segment
// about as long as the phrase, with no CSP violation (the worklet is a bundled file from 'self'). Holding F2
// (push-to-talk) sends `wake`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { readWav, speechBounds, speechToolsMissing, speechWav, warnSpeechSkipped, writeWav } from '../support/speech-wav.js';

const WAIT_MS = 15_000;
const executablePath = findChromium();
const missing = speechToolsMissing();
if (!executablePath) warnSkipped('tests/e2e/capture.test.ts');
else if (missing) warnSpeechSkipped('tests/e2e/capture.test.ts', missing);

interface Segment {
  startMs: number;
  endMs: number;
  reason: string;
  samples: number;
}

(executablePath && !missing ? describe : describe.skip)('microphone capture in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const handled: Command[] = [];
  let phraseMs = 0;

  const segments = async (): Promise<Segment[]> => JSON.parse((await page.getByTestId('composer').getAttribute('data-speech-segments')) ?? '[]') as Segment[];
  const dialogue = () => sim.assistant.snapshot().dialogue;

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) throw new Error('run `npm run build` before the e2e tests');
    // The fake microphone's file: 1.5 s of silence, the phrase, 2.5 s of silence.
    const phrase = readWav(speechWav('turn on the headlights', 'en'));
    const bounds = speechBounds(phrase.samples);
    phraseMs = bounds.endMs - bounds.startMs;
    const gap = (ms: number) => new Float32Array((ms * phrase.rate) / 1000);
    const peak = phrase.samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    const parts = [gap(1500), phrase.samples.map((s) => (s / peak) * 0.5), gap(2500)];
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    profile = mkdtempSync(join(tmpdir(), 'kemudi-capture-'));
    const wav = join(profile, 'mic.wav');
    writeWav(wav, all, phrase.rate);

    sim = createSimulatedAssistant({ database: ':memory:' });
    // No wake word here: the microphone (and the file it plays) opens only when Talk is tapped.
    sim.voice.update({ wakeEngine: 'off' });
    const handle = sim.assistant.handle.bind(sim.assistant);
    sim.assistant.handle = (command) => {
      handled.push(command);
      return handle(command);
    };
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null });
    context = await chromium.launchPersistentContext(join(profile, 'profile'), {
      executablePath: executablePath!,
      headless: true,
      viewport: { width: 1280, height: 720 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}%noloop`,
      ],
    });
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') pageErrors.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(server.url);
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    sim?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('finds the one spoken phrase in what the microphone hears after Talk is tapped', async () => {
    await page.getByTestId('mic').click();
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('listening');
    await expect.poll(async () => (await segments()).length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(1);
    // The file's trailing silence has passed: still one segment, as long as the phrase.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const found = await segments();
    console.info(`capture e2e: phrase ${phraseMs} ms; segments ${JSON.stringify(found)}`);
    expect(found).toHaveLength(1);
    expect(found[0]!.reason).toBe('silence');
    expect(Math.abs(found[0]!.endMs - found[0]!.startMs - phraseMs)).toBeLessThanOrEqual(300);
    await page.getByLabel('Type what you would say').fill('cancel');
    await page.getByLabel('Type what you would say').press('Enter');
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('idle');
  });

  it('sends `wake` when the push-to-talk key (F2) is held, and the dialogue listens', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const from = handled.length;
    await page.keyboard.down('F2');
    await page.locator('[data-testid="status-dialogue"][data-state="listening"]').waitFor({ timeout: WAIT_MS });
    expect(dialogue()).toBe('listening');
    expect(handled.slice(from).map((c) => c.type)).toEqual(['wake']);
    await page.keyboard.up('F2');
  });

  it('logged no page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
