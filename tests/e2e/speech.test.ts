// Speech output end to end: the real core and sim server in-process, the built renderer in headless Chromium.
// Headless Chromium has no voices, so the hardware boundary — speechSynthesis — is a stub injected before the
// page loads: it records each utterance and ends it after a short delay (or holds it, for barge-in). The core
// runs with car-like timings: an answer takes 30 s to say by its estimate, so only the page's `spoken` can end
// "speaking" within the test.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, DialogueState } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { createEspeak } from '../../main/services/speech/espeak.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 10_000;
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** What the stub records for each utterance the page hands it. */
interface Said {
  text: string;
  lang: string;
  voice: string | null;
  ended: boolean;
  cancelled: boolean;
}

/** The stand-in for the browser's speech engine. Voices: local ones for the three languages and a network
 *  English voice (which must not be chosen), or none at all with `voices=none` in the page's query. Each
 *  utterance ends 300 ms after it starts, unless `window.speechHold` is set. */
const SPEECH_STUB = `(() => {
  const none = new URLSearchParams(location.search).get('voices') === 'none';
  const voices = none ? [] : [
    { name: 'Network English', lang: 'en-US', localService: false, default: true, voiceURI: 'net-en' },
    { name: 'Local English', lang: 'en-US', localService: true, default: false, voiceURI: 'local-en' },
    { name: 'Local Indonesian', lang: 'id-ID', localService: true, default: false, voiceURI: 'local-id' },
    { name: 'Local Mandarin', lang: 'zh-CN', localService: true, default: false, voiceURI: 'local-zh' },
  ];
  const log = [];
  window.speechLog = log;
  window.speechHold = false;
  const queue = [];
  let current = null;
  let timer = null;
  function next() {
    current = queue.shift() || null;
    if (!current) return;
    const utterance = current;
    const entry = { text: utterance.text, lang: utterance.lang, voice: utterance.voice ? utterance.voice.name : null, ended: false, cancelled: false };
    utterance.entry = entry;
    log.push(entry);
    if (window.speechHold) return;
    timer = setTimeout(() => {
      if (current !== utterance) return;
      entry.ended = true;
      current = null;
      if (utterance.onend) utterance.onend({ type: 'end' });
      next();
    }, 300);
  }
  class Utterance {
    constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.onend = null; this.onerror = null; }
  }
  const synth = {
    get speaking() { return current !== null; },
    get pending() { return queue.length > 0; },
    paused: false,
    getVoices: () => voices.slice(),
    speak(utterance) { queue.push(utterance); if (!current) next(); },
    cancel() {
      const dropped = [current, ...queue.splice(0)].filter(Boolean);
      current = null;
      clearTimeout(timer);
      for (const utterance of dropped) {
        if (utterance.entry) utterance.entry.cancelled = true;
        if (utterance.onerror) utterance.onerror({ type: 'error', error: 'interrupted' });
      }
    },
    pause() {}, resume() {},
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true, writable: true });
})();`;

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/speech.test.ts');

(executablePath ? describe : describe.skip)('speech output in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Every command the core got from the pages, in order. */
  const handled: Command[] = [];
  /** The dialogue states the core went through, in order. */
  const states: DialogueState[] = [];

  const watch = (target: Page): void => {
    // CSP violations and uncaught exceptions land here; the pages must have none.
    target.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    target.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
  };

  async function say(target: Page, text: string): Promise<void> {
    const box = target.getByLabel('Type what you would say');
    await box.fill(text);
    await box.press('Enter');
  }

  const speechLog = (target: Page = page) => target.evaluate('window.speechLog') as Promise<Said[]>;
  /** Held, utterances do not end on their own: the answer is still being said when the mic is pressed. */
  const hold = (held: boolean) => page.evaluate(`window.speechHold = ${held}`);
  const dialogue = () => sim.assistant.snapshot().dialogue;
  const commandsSince = (index: number) => handled.slice(index).map((c) => c.type);

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
    sim.assistant.on((event) => {
      if (event.type === 'state' && states.at(-1) !== event.dialogue) states.push(event.dialogue);
    });
    // espeak-ng as if it were not installed: a page with no voice has no fallback either (speech-fallback.test.ts has one).
    const espeak = createEspeak({ binary: '/nonexistent/espeak-ng' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null, speech: espeak });
    browser = await launchChromium(executablePath!);
    browser.context.setDefaultTimeout(WAIT_MS);
    await browser.context.addInitScript({ content: SPEECH_STUB });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    watch(page);
    await page.goto(server.url);
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('says a typed request in its language, and the core leaves "speaking" because the page said it was done', async () => {
    const cases = [
      { text: 'turn on the headlights', answer: 'Headlights on.', tag: 'en-US', voice: 'Local English' },
      { text: 'nyalakan lampu jauh', answer: 'Lampu jauh dinyalakan.', tag: 'id-ID', voice: 'Local Indonesian' },
      { text: '关闭大灯', answer: '已关闭大灯。', tag: 'zh-CN', voice: 'Local Mandarin' },
    ];
    for (const { text, answer, tag, voice } of cases) {
      const from = handled.length;
      const statesFrom = states.length;
      await say(page, text);
      await page.getByTestId('response-text').filter({ hasText: answer }).waitFor({ timeout: WAIT_MS });
      await expect.poll(async () => (await speechLog()).find((u) => u.text === answer), { timeout: WAIT_MS }).toMatchObject({ lang: tag, voice, ended: true, cancelled: false });
      // The estimate is 30 s: only the page's `spoken` brings the core out of "speaking" this soon.
      await expect.poll(() => commandsSince(from), { timeout: WAIT_MS }).toEqual(['utterance', 'spoken']);
      await expect.poll(dialogue, { timeout: WAIT_MS }).not.toBe('speaking');
      expect(states.slice(statesFrom)).toContain('speaking');
      expect(states.at(-1)).not.toBe('speaking');
    }

    // A reloaded page shows the conversation again, and says none of it again.
    await page.reload();
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('response-text').filter({ hasText: '已关闭大灯。' }).waitFor({ timeout: WAIT_MS });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await speechLog()).toEqual([]);
  });

  it('says nothing while muted, lets the core move on at once, and stays muted after a reload', async () => {
    const toggle = page.getByTestId('speech-toggle');
    const box = (await toggle.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(76);
    expect(box.height).toBeGreaterThanOrEqual(76);
    expect(await toggle.getAttribute('aria-label')).toBe("Mute Kemudi's voice");
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');

    await page.reload();
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('speech-toggle').getAttribute('aria-pressed')).toBe('true');

    const from = handled.length;
    await say(page, 'turn off the headlights');
    await page.getByTestId('response-text').filter({ hasText: 'The headlights are already off.' }).waitFor({ timeout: WAIT_MS });
    await expect.poll(() => commandsSince(from), { timeout: WAIT_MS }).toEqual(['utterance', 'spoken']);
    await expect.poll(dialogue, { timeout: WAIT_MS }).not.toBe('speaking');
    expect(await speechLog()).toEqual([]);

    await page.getByTestId('speech-toggle').click();
    expect(await page.getByTestId('speech-toggle').getAttribute('aria-pressed')).toBe('false');
  });

  it('stops the voice at once when the mic is pressed mid-answer (barge-in), and sends no `spoken` for it', async () => {
    await hold(true);
    const from = handled.length;
    await say(page, 'turn on the high beams');
    await page.getByTestId('response-text').filter({ hasText: 'High beams on.' }).waitFor({ timeout: WAIT_MS });
    await expect.poll(async () => (await speechLog()).at(-1), { timeout: WAIT_MS }).toMatchObject({ text: 'High beams on.', ended: false, cancelled: false });
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('speaking');

    await page.getByTestId('mic').click();
    await expect.poll(async () => (await speechLog()).at(-1), { timeout: WAIT_MS }).toMatchObject({ text: 'High beams on.', ended: false, cancelled: true });
    await page.locator('[data-testid="status-dialogue"][data-state="listening"]').waitFor({ timeout: WAIT_MS });
    expect(dialogue()).toBe('listening');
    expect(commandsSince(from)).toEqual(['utterance', 'wake']);

    // Back to a clean state for what follows: utterances end on their own again, and the listening is cancelled.
    await hold(false);
    await say(page, 'cancel');
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('idle');
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'speech.png') });
  });

  it('without a voice for the language, says so once and leaves the end of "speaking" to the core', async () => {
    // Only the voiceless page is connected now: no other page speaks for it.
    await page.close();
    const voiceless = await browser.context.newPage();
    watch(voiceless);
    await voiceless.goto(`${server.url}&voices=none`);
    await voiceless.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });

    const from = handled.length;
    await say(voiceless, 'turn off the high beams');
    await voiceless.getByTestId('response-text').filter({ hasText: 'High beams off.' }).waitFor({ timeout: WAIT_MS });
    const notice = voiceless.getByTestId('speech-notice');
    await notice.filter({ hasText: 'No voice for English' }).waitFor({ timeout: WAIT_MS });
    expect(await notice.getAttribute('role')).toBe('status');
    await voiceless.screenshot({ path: join(resultsDir, 'speech-no-voice.png') });
    // Nothing was said and nothing claimed so: the core is still "speaking" on its 30 s estimate.
    expect(await speechLog(voiceless)).toEqual([]);
    expect(commandsSince(from)).toEqual(['utterance']);
    expect(dialogue()).toBe('speaking');

    // Once per language: a second English answer does not bring it back after it is gone.
    await notice.waitFor({ state: 'detached', timeout: WAIT_MS });
    const answers = await voiceless.getByTestId('response-text').count();
    await say(voiceless, 'turn on the headlights');
    await expect.poll(() => voiceless.getByTestId('response-text').count(), { timeout: WAIT_MS }).toBe(answers + 1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await notice.count()).toBe(0);
    await voiceless.close();
  });

  it('logged no page errors or CSP violations', () => {
    // Expected: the voiceless page asked espeak-ng's route once, which had none to offer (503).
    const expected = (line: string) => line.startsWith('console: Failed to load resource: the server responded with a status of 503') && line.includes('/speech?');
    expect(pageErrors.filter((line) => expected(line))).toHaveLength(1);
    expect(pageErrors.filter((line) => !expected(line))).toEqual([]);
  });
});
