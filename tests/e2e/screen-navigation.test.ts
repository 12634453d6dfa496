// The navigation screen end to end: the real core and sim server in-process, the built renderer in Debian's
// headless Chromium. Every tap must reach the core as the intent voice would send (a route starts or stops),
// the search must go while the car moves and come back when it parks, and lists stay short while moving.
// Runs after `npm run build`.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { SAMPLE_CENTER } from '../../main/simulator/sample-map.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 10_000;
const shotsDir = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));

// Home: two streets south and one east of the start (the sample town's grid is about 130 m a step).
const HOME = { name: 'Garden Street 12', lat: SAMPLE_CENTER.lat - 0.0024, lon: SAMPLE_CENTER.lon + 0.0016 };

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-navigation.test.ts');

(executablePath ? describe : describe.skip)('navigation screen in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const screen = () => page.getByTestId('screen-navigation');
  const destination = () => sim.navigation.status()?.place.name ?? null;
  /** The touch turns the core answered: intent and slots, from the responses' traces. */
  const traces: { intent: string | null; slots: unknown }[] = [];
  const touched = () => traces;

  async function drive(speed: number): Promise<void> {
    await sim.assistant.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': speed, 'Vehicle.Powertrain.Transmission.SelectedGear': speed > 0 ? 'D' : 'P' } });
  }

  /** Stops the route by touch and checks the core dropped it. */
  async function stopRoute(): Promise<void> {
    const before = traces.length;
    await page.getByTestId('nav-stop').click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBeNull();
    expect(traces.slice(before).map((t) => t.intent)).toContain('navigation.cancel');
    await page.getByTestId('nav-route').waitFor({ state: 'detached', timeout: WAIT_MS });
  }

  async function openScreen(): Promise<void> {
    await page.getByTestId('nav-navigation').click();
    await screen().waitFor({ timeout: WAIT_MS });
  }

  /** Sets a key of the page's localStorage (the theme, the language), read when the page loads. */
  async function store(key: string, value: string): Promise<void> {
    // Typed here: this file compiles without the DOM's types.
    await page.evaluate(([k, v]) => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(k, v), [key, value] as const);
  }

  async function shoot(name: string, width: number, theme: 'day' | 'night'): Promise<void> {
    await store('kemudi.ui.theme', theme);
    await page.setViewportSize({ width, height: 720 });
    await page.reload();
    await openScreen();
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
    await page.getByTestId('nav-category').first().waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: join(shotsDir, `${name}-${width}x720-${theme}.png`) });
  }

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) {
      throw new Error(`${join(renderer, 'index.html')} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`);
    }
    mkdirSync(shotsDir, { recursive: true });
    sim = createSimulatedAssistant({ database: ':memory:' });
    // The sample town now (not on the first route), so the search has something to find.
    await sim.prepareMap();
    // There is no intent to save a place yet: the store's own call, as the settings would make it.
    sim.maps.setSavedPlace('home', HOME);
    // No microphone in this test.
    sim.voice.update({ wakeEngine: 'off' });
    sim.assistant.on((event) => {
      if (event.type === 'response' && event.trace?.source === 'touch') traces.push({ intent: event.trace.intent, slots: event.trace.slots });
    });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null });
    browser = await launchChromium(executablePath!);
    context = browser.context;
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    await page.goto(server.url);
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor({ timeout: WAIT_MS });
    await openScreen();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('drives home from the saved place, then stops by touch', async () => {
    const home = page.getByTestId('nav-saved').getByTestId('nav-place');
    await home.filter({ hasText: 'Home' }).waitFor({ timeout: WAIT_MS });
    expect(await home.count()).toBe(1);
    expect(await home.textContent()).toContain(HOME.name);
    expect(destination()).toBeNull();

    await home.click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBe(HOME.name);
    // The route's panel: destination, next instruction, what is left, and the way out.
    const route = page.getByTestId('nav-route');
    await route.waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('nav-route-destination').textContent()).toContain(HOME.name);
    expect(((await page.getByTestId('nav-route-next').textContent()) ?? '').length).toBeGreaterThan(3);
    expect(await page.getByTestId('nav-route-left').textContent()).toMatch(/\d/);
    // It went through the core's dialogue as a touch turn, with the saved place's label as the destination.
    expect(touched()).toContainEqual({ intent: 'navigation.navigate', slots: { destination: 'home' } });

    await stopRoute();
    // The route just driven is now a recent destination.
    await page.getByTestId('nav-recent').getByTestId('nav-place').filter({ hasText: HOME.name }).waitFor({ timeout: WAIT_MS });
  });

  it('takes a recent destination again', async () => {
    await page.getByTestId('nav-recent').getByTestId('nav-place').filter({ hasText: HOME.name }).click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBe(HOME.name);
    expect(touched().at(-1)).toEqual({ intent: 'navigation.navigate', slots: { destination: HOME.name } });
    await page.getByTestId('nav-route').waitFor({ timeout: WAIT_MS });
    await stopRoute();
  });

  it('finds the nearest fuel station from its category button', async () => {
    const categories = page.getByTestId('nav-category');
    // Every category parked, named in the screen's language.
    expect(await categories.count()).toBe(15);
    const fuel = page.locator('[data-testid="nav-category"][data-category="fuel"]');
    expect(await fuel.textContent()).toMatch(/fuel/i);
    await fuel.click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBe('Harbour Fuel');
    expect(sim.navigation.status()?.place.category).toBe('fuel');
    // The category as the slot; the policy fills in the default `near`.
    expect(touched()).toContainEqual({ intent: 'navigation.find_poi', slots: { category: 'fuel', near: 'car' } });
    await page.getByTestId('nav-route-destination').filter({ hasText: 'Harbour Fuel' }).waitFor({ timeout: WAIT_MS });
    await stopRoute();
  });

  it('searches while parked and navigates to a result', async () => {
    const input = page.getByTestId('nav-search-input');
    // A street in two parts is one button: both would send the same name.
    await input.fill('olive');
    const olive = page.getByTestId('nav-results').getByTestId('nav-place').filter({ hasText: 'Olive Street' });
    await olive.first().waitFor({ timeout: WAIT_MS });
    expect(await olive.count()).toBe(1);
    await input.fill('coral rest');
    const result = page.getByTestId('nav-results').getByTestId('nav-place').filter({ hasText: 'Coral Restaurant' });
    await result.first().waitFor({ timeout: WAIT_MS });
    await result.first().click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBe('Coral Restaurant');
    expect(touched().at(-1)).toEqual({ intent: 'navigation.navigate', slots: { destination: 'Coral Restaurant' } });
    await page.getByTestId('nav-route').waitFor({ timeout: WAIT_MS });
  });

  it('hides the search and shortens the lists while moving, and brings them back parked', async () => {
    // Some recent destinations first, so the lists would be long.
    for (const to of ['Harbour Hospital', 'Pine Pharmacy', 'Lighthouse Cafe', 'Market Car Park', 'Kemudi Charging Hub', 'Harbour Road', 'Olive Street']) {
      sim.maps.recordDestination({ name: to, lat: SAMPLE_CENTER.lat + 0.001, lon: SAMPLE_CENTER.lon });
    }
    await page.getByTestId('nav-search-input').fill('');
    // A fresh look: the screen asks for its lists when it opens.
    await page.getByTestId('nav-home').click();
    await openScreen();
    await page.getByTestId('nav-recent').getByTestId('nav-place').nth(6).waitFor({ timeout: WAIT_MS });

    await drive(50);
    await page.getByTestId('nav-search-parked').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('nav-search-parked').textContent()).toContain('Search is available when parked');
    expect(await page.getByTestId('nav-search-input').count()).toBe(0);
    await expect.poll(() => page.getByTestId('nav-category').count(), { timeout: WAIT_MS }).toBe(6);
    await expect.poll(() => page.getByTestId('nav-recent').getByTestId('nav-place').count(), { timeout: WAIT_MS }).toBeLessThanOrEqual(6);
    for (const list of ['nav-saved', 'nav-recent', 'nav-categories']) {
      expect(await page.getByTestId(list).locator('li').count()).toBeLessThanOrEqual(6);
    }
    await page.getByTestId('nav-hidden').waitFor({ timeout: WAIT_MS });
    // Every text within the policy's maxChars.
    const texts = await screen().locator('button, p, h2').allTextContents();
    for (const text of texts) expect(Array.from(text).length).toBeLessThanOrEqual(120);

    // Touch still works while moving: the route in progress stops, a category starts a new one.
    await stopRoute();
    await page.locator('[data-testid="nav-category"][data-category="hospital"]').click();
    await expect.poll(destination, { timeout: WAIT_MS }).toBe('Harbour Hospital');

    await drive(0);
    await page.getByTestId('nav-search-input').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('nav-search-parked').count()).toBe(0);
    await expect.poll(() => page.getByTestId('nav-category').count(), { timeout: WAIT_MS }).toBe(15);
    await expect.poll(() => page.getByTestId('nav-recent').getByTestId('nav-place').count(), { timeout: WAIT_MS }).toBeGreaterThan(6);
  });

  it('speaks the screen language: Indonesian and Chinese labels, categories from the core', async () => {
    for (const [lang, saved, stop, home] of [
      ['id', 'Tempat tersimpan', 'Hentikan navigasi', 'Rumah'],
      ['zh', '收藏的地点', '停止导航', '家'],
    ] as const) {
      await store('kemudi.ui.lang', lang);
      await page.reload();
      await openScreen();
      await page.getByTestId('nav-saved').getByTestId('nav-place').filter({ hasText: home }).waitFor({ timeout: WAIT_MS });
      expect(await screen().getByRole('heading', { name: saved }).count()).toBe(1);
      expect(await page.getByTestId('nav-stop').textContent()).toBe(stop);
      const fuel = await page.locator('[data-testid="nav-category"][data-category="fuel"]').textContent();
      expect(fuel).not.toMatch(/fuel/i);
      if (lang === 'zh') await page.screenshot({ path: join(shotsDir, 'navigation-zh-1280x720-night.png') });
    }
    await store('kemudi.ui.lang', 'en');
    await page.reload();
    await openScreen();
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    // Parked with a route in progress (the hospital, from the test before).
    expect(destination()).toBe('Harbour Hospital');
    for (const theme of ['day', 'night'] as const) {
      for (const width of [1280, 1920]) await shoot('navigation', width, theme);
    }
    // A search with its results, and the end of the screen (the categories) scrolled into view.
    await page.getByTestId('nav-search-input').fill('street');
    await page.getByTestId('nav-results').getByTestId('nav-place').first().waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: join(shotsDir, 'navigation-search-1920x720-night.png') });
    await page.getByTestId('nav-search-input').fill('');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('nav-category').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shotsDir, 'navigation-scrolled-1280x720-night.png') });
    // And moving: the search gives way to its reason, the lists are short.
    await drive(50);
    for (const theme of ['day', 'night'] as const) await shoot('navigation-moving', 1280, theme);
    await drive(0);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('had no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
