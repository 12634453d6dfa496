// The simulator UI end to end: the real core and sim server in-process, the built renderer in a real
// headless Chromium (playwright-core, Debian's chromium). Runs after `npm run build`.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant } from '../../main/core/compose.js';
import { LlmService } from '../../main/llm/index.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 10_000;
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/sim-ui.test.ts');

(executablePath ? describe : describe.skip)('simulator UI in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const byTestId = (id: string, text: string) => page.getByTestId(id).filter({ hasText: text });

  /** Types like a user and submits with Enter. */
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
    sim = createSimulatedAssistant({ database: ':memory:' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null });
    browser = await launchChromium(executablePath!);
    context = browser.context;
    // A hang becomes a clear failure well inside the test's own timeout.
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    // CSP violations and uncaught exceptions land here; the page must have none.
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('turns the headlights on from a typed English sentence', async () => {
    await byTestId('status-headlights', 'Headlights off').waitFor({ timeout: WAIT_MS });
    await byTestId('status-connection', 'Simulator').waitFor({ timeout: WAIT_MS });
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(false);

    await say('turn on the headlights');

    const response = page.getByTestId('response').last();
    await response.getByTestId('response-text').filter({ hasText: 'Headlights on.' }).waitFor({ timeout: WAIT_MS });
    expect(await response.getByTestId('response-text').textContent()).toBe('Headlights on.');
    await byTestId('status-headlights', 'Headlights on').waitFor({ timeout: WAIT_MS });
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(true);

    // The user's line, the decision trace, and a cleared text box for the next turn.
    expect(await page.getByTestId('transcript').last().textContent()).toBe('turn on the headlights');
    const trace = await response.getByTestId('trace').textContent();
    expect(trace).toContain('vehicle.lights');
    expect(trace).toContain('template');
    expect(trace).toContain('allow');
    expect(await page.getByLabel('Type what you would say').inputValue()).toBe('');
  });

  it('shows that no language model is installed, and how to get one', async () => {
    const knowledge = loadKnowledge();
    const env = { KEMUDI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kemudi-e2e-llm-')), KEMUDI_MODEL: '', KEMUDI_LLM_URL: '' };
    const llm = new LlmService(knowledge.catalog, (state, detail) => sim.assistant.setLlmStatus(state, detail), env);
    await llm.start();
    const chip = page.getByTestId('status-llm');
    await chip.filter({ hasText: 'No language model' }).waitFor({ timeout: WAIT_MS });
    expect(await chip.getAttribute('data-state')).toBe('off');
    expect(await chip.getAttribute('title')).toMatch(/kemudi models pull \S+/);
    // A page loaded later gets it on connect.
    expect(sim.assistant.initialEvents().find((e) => e.type === 'llm')).toMatchObject({ state: 'off' });
    await llm.close();
  });

  it('plays music by voice and controls it by touch: the audio element follows the core', async () => {
    await say('play some jazz');
    const now = page.getByTestId('media-now');
    await now.filter({ hasText: 'Kemudi Quartet' }).waitFor({ timeout: WAIT_MS });
    const audio = page.getByTestId('media-audio');
    const id = sim.player.current()?.id;
    expect(await audio.getAttribute('src')).toBe(`/media/tracks/${id}?token=${server.token}`);
    // Without the run's token the server does not hand out the file.
    expect((await fetch(new URL(`/media/tracks/${id}`, server.url))).status).toBe(401);
    // The file really loads and plays (the server answers the element's requests).
    // Polled from Node: a page-side polling function would need eval, which the page's CSP forbids.
    await expect
      .poll(() => audio.evaluate((element) => { const a = element as unknown as { paused: boolean; currentTime: number }; return !a.paused && a.currentTime > 0; }), { timeout: WAIT_MS })
      .toBe(true);
    await page.getByTestId('media-pause').click();
    await page.getByTestId('media-bar').and(page.locator('[data-status="paused"]')).waitFor({ timeout: WAIT_MS });
    expect(await audio.evaluate((element) => (element as unknown as { paused: boolean }).paused)).toBe(true);
    expect(sim.player.snapshot().status).toBe('paused');
    await page.getByTestId('media-louder').click();
    await page.getByTestId('media-volume').filter({ hasText: '60' }).waitFor({ timeout: WAIT_MS });
    expect(await audio.evaluate((element) => (element as unknown as { volume: number }).volume)).toBeCloseTo(0.6);
    await page.getByTestId('media-play').click();
    await page.getByTestId('media-bar').and(page.locator('[data-status="playing"]')).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('media-pause').click();
    await page.getByTestId('media-bar').and(page.locator('[data-status="paused"]')).waitFor({ timeout: WAIT_MS });
  });

  it('navigates by voice: the map shows the sample town, the route and the next manoeuvre', async () => {
    await say('navigate to Hill Street');
    await page.getByTestId('map-guidance').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('map-next-text').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('map-remaining').textContent()).toContain('Hill Street');
    expect(await page.getByTestId('map-attribution').textContent()).toContain('generated sample map');
    expect(sim.navigation.status()?.place.name).toBe('Hill Street');
    await say('cancel the route');
    await page.getByTestId('map-guidance').waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('wakes on the mic button and turns the high beams on from Chinese', async () => {
    const before = await page.getByTestId('response').count();
    await page.getByTestId('mic').click();
    await page.locator('[data-testid="status-dialogue"][data-state="listening"]').waitFor({ timeout: WAIT_MS });

    await say('打开远光灯');

    await page.getByTestId('response-text').filter({ hasText: '已打开远光灯。' }).waitFor({ timeout: WAIT_MS });
    await byTestId('status-highbeams', 'High beams on').waitFor({ timeout: WAIT_MS });
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.High.IsOn')).toBe(true);
    expect(await page.getByTestId('response').count()).toBe(before + 1);
    await page.locator('[data-testid="status-dialogue"][data-state="idle"]').waitFor({ timeout: WAIT_MS });

    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'sim-home.png') });
  });

  it('a reloaded page resumes the conversation and the car as they were', async () => {
    const before = await page.getByTestId('transcript').allTextContents();
    expect(before.length).toBeGreaterThan(0);
    await page.reload();
    await byTestId('status-highbeams', 'High beams on').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('transcript').filter({ hasText: '打开远光灯' }).waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('transcript').allTextContents()).toEqual(before);
  });

  it('keeps the text box usable in the simulator while the car moves', async () => {
    expect(sim.vehicle.simulate({ 'Vehicle.Speed': 80, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' }).ok).toBe(true);
    await byTestId('status-speed', '80 km/h').waitFor({ timeout: WAIT_MS });
    await byTestId('status-gear', 'Gear D').waitFor({ timeout: WAIT_MS });
    // The policy restricts the keyboard while moving, but here the text box stands in for the microphone.
    expect(await page.getByLabel('Type what you would say').isEnabled()).toBe(true);
    expect(await page.getByTestId('typing-disabled').count()).toBe(0);
    // …and says that in the car it would be locked now.
    await page.getByTestId('moving-badge').waitFor({ timeout: WAIT_MS });

    await say('turn off the high beams');
    await byTestId('status-highbeams', 'High beams off').waitFor({ timeout: WAIT_MS });
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.High.IsOn')).toBe(false);
  });

  it('under the Electron bridge, obeys the keyboard restriction and shows error events', async () => {
    // A stand-in for main/preload's window.kemudi: records commands, lets the test push events.
    const bridged = await context.newPage();
    await bridged.addInitScript({
      content: `window.kemudiSent = [];
        window.kemudi = {
          send(command) { window.kemudiSent.push(command); return Promise.resolve({ ok: true, value: undefined }); },
          onEvent(listener) { window.kemudiEmit = listener; return () => { window.kemudiEmit = undefined; }; },
        };`,
    });
    const warnings: string[] = [];
    bridged.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await bridged.goto(server.url);
    const vehicle = sim.assistant.snapshot().vehicle;
    const moving = {
      type: 'state',
      dialogue: 'idle',
      vehicle: { ...vehicle, 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' },
      restrictions: { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 },
    };
    const parked = {
      type: 'state',
      dialogue: 'idle',
      vehicle: { ...vehicle, 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' },
      restrictions: { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 },
    };
    await bridged.evaluate(`window.kemudiEmit(${JSON.stringify(moving)})`);

    await bridged.getByTestId('typing-disabled').filter({ hasText: 'Typing is disabled while driving' }).waitFor({ timeout: WAIT_MS });
    expect(await bridged.getByLabel('Type what you would say').isDisabled()).toBe(true);
    // No WebSocket here, so no connection badge.
    expect(await bridged.getByTestId('status-connection').count()).toBe(0);

    await bridged.getByTestId('mic').click();
    await bridged.waitForFunction('window.kemudiSent.length === 1');
    expect(await bridged.evaluate('window.kemudiSent')).toEqual([{ type: 'wake' }]);

    // Events outside the contract are dropped with a warning; valid error events show as a toast.
    await bridged.evaluate(`window.kemudiEmit({ type: 'response', text: 42 })`);
    await bridged.evaluate(`window.kemudiEmit({ type: 'error', code: 'busy', message: 'Still working on the last request.' })`);
    await bridged.getByTestId('toast').filter({ hasText: 'Still working on the last request.' }).waitFor({ timeout: WAIT_MS });
    expect(await bridged.getByTestId('response').count()).toBe(0);
    expect(warnings.some((text) => text.includes('dropped an invalid event'))).toBe(true);
    await bridged.screenshot({ path: join(resultsDir, 'bridge-moving.png') });

    // Parked again: typing comes back.
    await bridged.evaluate(`window.kemudiEmit(${JSON.stringify(parked)})`);
    await bridged.getByLabel('Type what you would say').fill('turn off the headlights');
    await bridged.getByLabel('Type what you would say').press('Enter');
    await bridged.waitForFunction('window.kemudiSent.length === 2');
    expect(await bridged.evaluate('window.kemudiSent[1]')).toEqual({ type: 'utterance', text: 'turn off the headlights', source: 'text' });
    await bridged.close();
  });

  it('logged no page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
