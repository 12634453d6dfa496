// The frame around the screens, against the real simulator core: the rail opens every screen (large targets,
// the current one marked), the conversation comes over any screen while Kemudi talks and goes once it is done,
// the automatic theme turns to night with the headlights, and Home's screenshots (1280×720, 1920×720, day
// and night). Runs after the build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENS } from '../../renderer/src/state/screen.js';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-home.test.ts');

(executablePath ? describe : describe.skip)('the frame and Home in Chromium', () => {
  let h: ScreenHarness;
  const theme = () => h.page.locator('html').getAttribute('data-theme');

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('opens every screen from the rail, marks the current one, and its buttons are large', async () => {
    for (const screen of SCREENS) {
      await h.page.getByTestId(`nav-${screen}`).click();
      await h.page.getByTestId(`screen-${screen}`).waitFor();
      expect(await h.page.getByTestId(`nav-${screen}`).getAttribute('aria-current')).toBe('page');
      expect(await h.page.locator('.nav-rail [aria-current="page"]').count()).toBe(1);
    }
    await expectTouchTargets(h.page, 'nav-rail');
    await h.page.getByTestId('nav-home').click();
    await h.page.getByTestId('screen-home').waitFor();
  });

  it('shows the conversation over another screen while Kemudi talks, and takes it away after', async () => {
    await h.page.getByTestId('nav-vehicle').click();
    expect(await h.page.getByTestId('talk-overlay').count()).toBe(0);
    const box = h.page.getByLabel('Type what you would say');
    // A question back keeps the conversation open: "What should I say to Sari?"
    await box.fill('text Sari');
    await box.press('Enter');
    await expect.poll(() => h.sim.assistant.snapshot().dialogue).toBe('clarifying');
    await h.page.getByTestId('talk-overlay').filter({ hasText: 'text Sari' }).waitFor({ timeout: WAIT_MS });
    // The screen underneath is still the one chosen.
    await h.page.getByTestId('screen-vehicle').waitFor();
    await box.fill('cancel');
    await box.press('Enter');
    await expect
      .poll(async () => {
        if (h.sim.assistant.snapshot().dialogue === 'speaking') await h.sim.assistant.handle({ type: 'spoken' });
        return h.sim.assistant.snapshot().dialogue;
      })
      .toBe('idle');
    await h.page.getByTestId('talk-overlay').waitFor({ state: 'detached' });
  });

  it('turns the automatic theme to night with the headlights on', async () => {
    await h.simSet({ 'Vehicle.Body.Lights.Beam.Low.IsOn': true });
    await expect.poll(theme).toBe('night');
    // Chosen by hand it stays as chosen, headlights or not.
    await h.page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('kemudi.ui.theme', 'day'));
    await h.page.reload();
    await h.page.getByTestId('screen-home').waitFor();
    expect(await theme()).toBe('day');
    await h.page.evaluate(() => (globalThis as unknown as { localStorage: { removeItem(k: string): void } }).localStorage.removeItem('kemudi.ui.theme'));
    await h.simSet({ 'Vehicle.Body.Lights.Beam.Low.IsOn': false });
  });

  it('Home at 1280×720 and 1920×720, day and night', async () => {
    const files = await h.screenshots('home');
    expect(files).toHaveLength(4);
  });

  it('logged no page errors', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
