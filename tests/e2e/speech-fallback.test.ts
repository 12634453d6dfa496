// Speech output through espeak-ng end to end: the real core and sim server in-process (with the real espeak-ng
// behind `/speech`), the built renderer in headless Chromium. The page's Web Speech is a stub with no voices at
// all (as a head unit without them; headless Chromium's own list is empty too, but not by promise), so every
// answer goes to the fallback: a WAV from the server, played by the page's audio element. The core's estimate
// of the speaking time is 30 s, so only the page's `spoken` can end "speaking" within the test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 15_000;

const NO_VOICES = `(() => {
  const synth = {
    speaking: false, pending: false, paused: false,
    getVoices: () => [],
    speak(utterance) { setTimeout(() => utterance.onerror && utterance.onerror({ type: 'error', error: 'synthesis-failed' }), 0); },
    cancel() {}, pause() {}, resume() {},
    addEventListener() {}, removeEventListener() {},
  };
  class Utterance { constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.onend = null; this.onerror = null; } }
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true, writable: true });
})();`;

/** What the page's speech audio element shows. */
interface AudioState {
  src: string;
  paused: boolean;
  ended: boolean;
  currentTime: number;
  played: number;
}

const executablePath = findChromium();
const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
if (!executablePath) warnSkipped('tests/e2e/speech-fallback.test.ts');
if (!hasEspeak) console.warn('\n!!! tests/e2e/speech-fallback.test.ts SKIPPED: espeak-ng is not installed (apt-get install espeak-ng). !!!\n');

(executablePath && hasEspeak ? describe : describe.skip)('speech output through espeak-ng in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const handled: Command[] = [];
  /** Every answer from `/speech` the page got: its query and how it was answered. */
  const fetched: { lang: string | null; text: string | null; token: boolean; status: number; type: string | null }[] = [];

  const dialogue = () => sim.assistant.snapshot().dialogue;
  const commandsSince = (index: number) => handled.slice(index).map((c) => c.type);
  // Strings, not functions: the tests' type-checker has no DOM.
  const AUDIO = `document.querySelector('[data-testid="speech-audio"]')`;
  const audioState = () =>
    page.evaluate(
      `(() => { const a = ${AUDIO}; return a && { src: a.getAttribute('src') || '', paused: a.paused, ended: a.ended, currentTime: a.currentTime, played: a.played.length }; })()`,
    ) as Promise<AudioState | null>;
  const playbackRate = (rate: number) => page.evaluate(`${AUDIO}.defaultPlaybackRate = ${rate}`);

  async function say(text: string): Promise<void> {
    const box = page.getByLabel('Type what you would say');
    await box.fill(text);
    await box.press('Enter');
  }

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) {
      throw new Error(`${join(renderer, 'index.html')} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`);
    }
    sim = createSimulatedAssistant({ database: ':memory:', timings: { speechMs: () => 30_000 } });
    const handle = sim.assistant.handle.bind(sim.assistant);
    sim.assistant.handle = (command) => {
      handled.push(command);
      return handle(command);
    };
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer });
    browser = await launchChromium(executablePath!);
    browser.context.setDefaultTimeout(WAIT_MS);
    await browser.context.addInitScript({ content: NO_VOICES });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname !== '/speech') return;
      fetched.push({
        lang: url.searchParams.get('lang'),
        text: url.searchParams.get('text'),
        token: url.searchParams.get('token') === server.token,
        status: response.status(),
        type: response.headers()['content-type'] ?? null,
      });
    });
    await page.goto(server.url);
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('says each answer with espeak-ng in its language, to its end, and the core leaves "speaking" on `spoken`', async () => {
    const cases = [
      { text: 'turn on the headlights', answer: 'Headlights on.', lang: 'en' },
      { text: 'nyalakan lampu jauh', answer: 'Lampu jauh dinyalakan.', lang: 'id' },
      { text: '关闭大灯', answer: '已关闭大灯。', lang: 'zh' },
    ];
    for (const { text, answer, lang } of cases) {
      const from = handled.length;
      await say(text);
      await page.getByTestId('response-text').filter({ hasText: answer }).waitFor({ timeout: WAIT_MS });
      await expect.poll(() => fetched.find((f) => f.text === answer), { timeout: WAIT_MS }).toEqual({ lang, text: answer, token: true, status: 200, type: 'audio/wav' });
      // Only the page's `spoken` ends "speaking" before the 30 s estimate, and it comes once the audio has ended.
      await expect.poll(() => commandsSince(from), { timeout: WAIT_MS }).toEqual(['utterance', 'spoken']);
      await expect.poll(dialogue, { timeout: WAIT_MS }).not.toBe('speaking');
      const audio = await audioState();
      expect(audio).toMatchObject({ ended: true, paused: true });
      expect(audio!.played).toBeGreaterThan(0);
      expect(audio!.currentTime).toBeGreaterThan(0.3);
      expect(new URL(audio!.src, server.url).searchParams.get('text')).toBe(answer);
    }
    // After its short follow-up window, the dialogue is idle again.
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('idle');
    // The notice for a language with no voice never showed: there was one, espeak-ng's.
    expect(await page.getByTestId('speech-notice').count()).toBe(0);
  });

  it('stops the audio at once when the driver barges in, and sends no `spoken` for it', async () => {
    // Played slowly, the answer is still being said when the mic is pressed.
    await playbackRate(0.1);
    const from = handled.length;
    await say('turn on the high beams');
    await page.getByTestId('response-text').filter({ hasText: 'High beams on.' }).waitFor({ timeout: WAIT_MS });
    await expect.poll(async () => (await audioState())?.currentTime ?? 0, { timeout: WAIT_MS }).toBeGreaterThan(0);
    expect(await audioState()).toMatchObject({ paused: false, ended: false });
    expect(dialogue()).toBe('speaking');

    await page.getByTestId('mic').click();
    // At once: the click's own handler paused it and dropped its source.
    expect(await audioState()).toMatchObject({ paused: true, ended: false, src: '' });
    await page.locator('[data-testid="status-dialogue"][data-state="listening"]').waitFor({ timeout: WAIT_MS });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(commandsSince(from)).toEqual(['utterance', 'wake']);
    expect(dialogue()).toBe('listening');

    await playbackRate(1);
    await say('cancel');
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('idle');
  });

  it('logged no page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
