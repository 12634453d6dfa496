// What the climate, vehicle and media screen tests share: the real simulator core and server, the built
// renderer in Debian's Chromium, a tap that waits for Kemudi's answer and ends its speech so the
// conversation overlay is gone before the next tap, and the screenshots in both themes and both widths.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Command, ResponseEvent } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { launchChromium, type LaunchedBrowser } from './chromium.js';

export const WAIT_MS = 10_000;

/** The page's globals these helpers touch (the Node tsconfig has no DOM types). */
interface PageGlobals {
  localStorage: { setItem(key: string, value: string): void; removeItem(key: string): void };
  document: { documentElement: { dataset: Record<string, string | undefined> } };
}
export const screensDir = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));

export interface ScreenHarness {
  sim: SimulatedAssistant;
  server: SimServer;
  browser: LaunchedBrowser;
  page: Page;
  /** Uncaught exceptions and console errors of the page; must stay empty. */
  pageErrors: string[];
  /** Kemudi's answers, in order. */
  responses: ResponseEvent[];
  /** Taps a control and waits for Kemudi's answer to it, then ends its speech; returns the answer. */
  tap(testId: string): Promise<ResponseEvent>;
  /** Sets signals through the simulator, as its panel would. */
  simSet(signals: Extract<Command, { type: 'sim.set' }>['signals']): Promise<void>;
  /** Day and night, 1280×720 and 1920×720, into test-results/screens/<name>-<w>x720-<theme>.png. */
  screenshots(name: string, ready?: () => Promise<void>): Promise<string[]>;
  close(): Promise<void>;
}

export async function openScreenHarness(executablePath: string): Promise<ScreenHarness> {
  const renderer = rendererDir();
  if (!existsSync(join(renderer, 'index.html'))) throw new Error(`${join(renderer, 'index.html')} is missing: run \`node scripts/build.mjs\` first.`);
  const sim = createSimulatedAssistant({ database: ':memory:' });
  // No wake word: the microphone stays closed.
  sim.voice.update({ wakeEngine: 'off' });
  const responses: ResponseEvent[] = [];
  sim.assistant.on((event) => {
    if (event.type === 'response') responses.push(event);
  });
  const server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null });
  const browser = await launchChromium(executablePath);
  browser.context.setDefaultTimeout(WAIT_MS);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
  });
  await page.goto(server.url);
  mkdirSync(screensDir, { recursive: true });

  /** Ends Kemudi's speech (as the speech output's `spoken` would) until the dialogue is idle again. */
  const quiet = async (): Promise<void> => {
    await expect
      .poll(
        async () => {
          const dialogue = sim.assistant.snapshot().dialogue;
          if (dialogue === 'speaking') await sim.assistant.handle({ type: 'spoken' });
          return dialogue;
        },
        { timeout: WAIT_MS },
      )
      .toBe('idle');
    await page.getByTestId('talk-overlay').waitFor({ state: 'detached' });
  };

  return {
    sim,
    server,
    browser,
    page,
    pageErrors,
    responses,
    async tap(testId) {
      const before = responses.length;
      await page.getByTestId(testId).click();
      await expect.poll(() => responses.length, { timeout: WAIT_MS }).toBeGreaterThan(before);
      await quiet();
      return responses[before]!;
    },
    async simSet(signals) {
      const result = await sim.assistant.handle({ type: 'sim.set', signals });
      expect(result.ok).toBe(true);
    },
    async screenshots(name, ready) {
      const files: string[] = [];
      for (const theme of ['day', 'night'] as const) {
        await page.evaluate((value) => (globalThis as unknown as PageGlobals).localStorage.setItem('kemudi.ui.theme', value), theme);
        await page.reload();
        await page.getByTestId(`nav-${name}`).click();
        await page.getByTestId(`screen-${name}`).waitFor();
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme)).toBe(theme);
        await ready?.();
        for (const width of [1280, 1920]) {
          await page.setViewportSize({ width, height: 720 });
          const file = join(screensDir, `${name}-${width}x720-${theme}.png`);
          await page.screenshot({ path: file });
          files.push(file);
        }
        await page.setViewportSize({ width: 1280, height: 720 });
      }
      await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.removeItem('kemudi.ui.theme'));
      return files;
    },
    async close() {
      await browser.close();
      await server.close();
      sim.close();
    },
  };
}

/** Every visible button in the element is at least the 76 px touch target, both ways. */
export async function expectTouchTargets(page: Page, testId: string): Promise<void> {
  const buttons = page.getByTestId(testId).getByRole('button');
  const count = await buttons.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const box = await button.boundingBox();
    const label = (await button.getAttribute('aria-label')) ?? (await button.textContent());
    expect(box, String(label)).not.toBeNull();
    expect(box!.height, String(label)).toBeGreaterThanOrEqual(76);
    expect(box!.width, String(label)).toBeGreaterThanOrEqual(76);
  }
}
