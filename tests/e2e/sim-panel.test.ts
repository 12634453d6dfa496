// The simulator panel end to end: set a speed in the panel, see the UI restrict; park, see it relax;
// play the Monaco scenario and watch its timeline move; make a message arrive and have it read. The car's
// physics runs on the wall clock here, as in `kemudi sim`, so every check waits for a state, not a time.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 10_000;
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/sim-panel.test.ts');

(executablePath ? describe : describe.skip)('simulator panel in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  const panel = () => page.getByRole('complementary', { name: 'Simulator' });
  const button = (name: string) => panel().getByRole('button', { name, exact: true });

  async function say(text: string): Promise<void> {
    const box = page.getByLabel('Type what you would say');
    await box.fill(text);
    await box.press('Enter');
  }

  /** A number the page shows in an attribute, polled until it passes (the CSP forbids string predicates). */
  function attribute(testId: string, name: string) {
    return expect.poll(async () => Number(await page.getByTestId(testId).getAttribute(name)), { timeout: WAIT_MS });
  }

  /** Waits until the panel's speed readout shows more than `kmh`. */
  async function speedAbove(kmh: number): Promise<void> {
    await attribute('sim-speed', 'data-value').toBeGreaterThan(kmh);
  }

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) {
      throw new Error(`${join(renderer, 'index.html')} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`);
    }
    sim = createSimulatedAssistant({ database: ':memory:', realtime: true });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer });
    browser = await launchChromium(executablePath!);
    browser.context.setDefaultTimeout(WAIT_MS);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    await page.goto(server.url);
    mkdirSync(resultsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('shows the parked car and its controls, each touch target at least 76 px', async () => {
    await page.getByTestId('sim-restrictions').filter({ hasText: 'Parked' }).waitFor();
    expect(await page.getByTestId('sim-gear').getAttribute('data-value')).toBe('P');
    expect(await page.getByTestId('sim-detail-locks').textContent()).toContain('All locked');
    expect(await page.getByTestId('sim-detail-energy').textContent()).toContain('Fuel');
    expect(await panel().getByRole('combobox', { name: 'Scenario' }).locator('option').allTextContents()).toContain('Monaco harbour to Larvotto');
    for (const name of ['Drive at 0 km/h', 'Drive at 30 km/h', 'Drive at 50 km/h', 'Drive at 80 km/h', 'Drive at 120 km/h', 'Park', 'Start scenario', 'Stop scenario', 'Reset scenario', 'Send message']) {
      const box = await button(name).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.height, name).toBeGreaterThanOrEqual(76);
      expect(box!.width, name).toBeGreaterThanOrEqual(76);
    }
    expect((await page.getByRole('slider', { name: /Target speed/ }).boundingBox())!.height).toBeGreaterThanOrEqual(76);
    for (const field of [panel().getByRole('combobox', { name: 'Message from' }), panel().getByRole('textbox', { name: 'Message text' }), panel().getByRole('combobox', { name: 'Message language' })]) {
      expect((await field.boundingBox())!.height).toBeGreaterThanOrEqual(76);
    }
  });

  it('set speed, see the UI restrict: the moving badge, the restriction line, a short conversation', async () => {
    // Eight turns while parked, all shown.
    for (const text of ['turn on the headlights', 'turn off the headlights', 'turn on the headlights', 'turn off the headlights']) {
      const before = await page.getByTestId('response').count();
      await say(text);
      await page.getByTestId('response').nth(before).waitFor();
    }
    expect(await page.locator('.turns > .turn').count()).toBe(8);
    expect(await page.getByTestId('moving-badge').count()).toBe(0);

    await button('Drive at 80 km/h').click();
    await speedAbove(3);
    await page.getByTestId('moving-badge').filter({ hasText: 'Moving — keyboard would be locked in the car' }).waitFor();
    await page.getByTestId('sim-restrictions').filter({ hasText: 'Moving: keyboard off, lists ≤ 6' }).waitFor();
    expect(await page.getByTestId('sim-restrictions').getAttribute('data-moving')).toBe('true');
    expect(await page.getByTestId('sim-gear').getAttribute('data-value')).toBe('D');
    // Only the newest six turns while moving, and a word about the rest.
    expect(await page.locator('.turns > .turn').count()).toBe(6);
    await page.getByTestId('turns-hidden').filter({ hasText: '2 earlier turns hidden while driving' }).waitFor();
    // In the simulator the text box stands in for the microphone, so it stays usable.
    expect(await page.getByLabel('Type what you would say').isEnabled()).toBe(true);
    await page.screenshot({ path: join(resultsDir, 'sim-panel-moving.png') });

    await button('Park').click();
    await page.getByTestId('moving-badge').waitFor({ state: 'detached' });
    expect(await page.getByTestId('sim-gear').getAttribute('data-value')).toBe('P');
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
    await page.getByTestId('sim-restrictions').filter({ hasText: 'Parked' }).waitFor();
    expect(await page.locator('.turns > .turn').count()).toBe(8);
  });

  it('plays the Monaco scenario: the timeline ticks its steps and the bar moves', async () => {
    await panel().getByRole('combobox', { name: 'Scenario' }).selectOption('monaco-harbour.yaml');
    await button('Start scenario').click();
    const timeline = page.getByTestId('sim-timeline');
    await timeline.filter({ hasText: 'Monaco harbour to Larvotto' }).waitFor();
    expect(await page.getByTestId('sim-step').count()).toBe(10);
    // The step at 1 s (drive at 50 km/h) is ticked once the realtime clock passes it.
    await page.locator('[data-testid="sim-step"][data-done="true"]').filter({ hasText: 'Drive at 50 km/h' }).waitFor();
    await attribute('sim-progress', 'aria-valuenow').toBeGreaterThan(0);
    expect(await page.locator('[data-testid="sim-step"][data-done="false"]').filter({ hasText: 'Message from Sari' }).count()).toBe(1);
    // The scenario drives the car, and the UI restricts again.
    await speedAbove(3);
    await page.getByTestId('moving-badge').waitFor();
    await page.screenshot({ path: join(resultsDir, 'sim-panel-scenario.png') });

    await button('Stop scenario').click();
    await page.locator('[data-testid="sim-timeline"][data-state="Paused"]').waitFor();
    await button('Reset scenario').click();
    await page.locator('[data-testid="sim-timeline"][data-state="Ready"]').waitFor();
    expect(await page.locator('[data-testid="sim-step"][data-done="true"]').count()).toBe(0);
    await page.getByTestId('sim-restrictions').filter({ hasText: 'Parked' }).waitFor();
  });

  it('makes a message arrive from the panel: offered in the conversation, read on a yes', async () => {
    const from = panel().getByRole('combobox', { name: 'Message from' });
    expect(await from.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Sari Wulandari', 'Sari Dewi', '王伟']));
    // Nothing to send until there is something to say.
    expect(await button('Send message').isDisabled()).toBe(true);
    await from.selectOption('Sari Wulandari');
    const text = panel().getByRole('textbox', { name: 'Message text' });
    await text.fill('Running late, sorry');
    await panel().getByRole('combobox', { name: 'Message language' }).selectOption('en');
    await button('Send message').click();
    await page.getByTestId('response').filter({ hasText: 'New message from Sari Wulandari. Read it?' }).waitFor();
    expect(await text.inputValue()).toBe('');
    const sari = sim.contacts.resolve('Sari Wulandari')[0]?.contact;
    expect(sim.messages.recent({ limit: 1, contactId: sari!.id })[0]).toMatchObject({ body: 'Running late, sorry', read: false });

    await say('yes');
    await page.getByTestId('response').filter({ hasText: 'Running late, sorry' }).waitFor();
    expect(sim.messages.unreadCount(sari!.id)).toBe(0);
    await page.screenshot({ path: join(resultsDir, 'sim-panel-message.png') });
  });

  it('hides and shows the panel from its toggle', async () => {
    const toggle = panel().getByRole('button', { name: 'Hide simulator' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    expect(await button('Park').count()).toBe(0);
    await panel().getByRole('button', { name: 'Simulator' }).click();
    await button('Park').waitFor();
  });

  it('logged no page errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
