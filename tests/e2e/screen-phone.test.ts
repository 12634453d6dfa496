// The Phone screen by touch, against the real simulator core: favourites and recent calls from the core's
// lists call through phone.call (the call banner shows the call), and the dial pad is there only while the
// keyboard is allowed (parked), with a reason in its place while moving. Runs after the build.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../common/contract.js';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, screensDir, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const MOVING = { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } as const;
const PARKED = { 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' } as const;

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-phone.test.ts');

(executablePath ? describe : describe.skip)('phone screen in Chromium', () => {
  let h: ScreenHarness;
  const calls: CallEvent[] = [];
  const favourites = () => h.page.getByTestId('phone-favourite');
  const recent = () => h.page.getByTestId('phone-recent-call');
  const withNumber = () => h.sim.contacts.all().filter((c) => c.numbers.length > 0);

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
    h.sim.assistant.on((event) => {
      if (event.type === 'call') calls.push(event);
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Hangs up with the call banner's button, as the driver would. */
  async function hangUp(): Promise<void> {
    await h.page.getByTestId('call-banner').getByRole('button').click();
    await expect.poll(() => h.sim.phone.current(), { timeout: WAIT_MS }).toBeNull();
    await h.page.getByTestId('call-banner').waitFor({ state: 'detached' });
  }

  it('lists the favourites and no calls yet, with the dial pad parked', async () => {
    await h.page.getByTestId('nav-phone').click();
    await h.page.getByTestId('screen-phone').getByRole('heading', { level: 1, name: 'Phone' }).waitFor();
    await expect.poll(() => favourites().count(), { timeout: WAIT_MS }).toBe(withNumber().length);
    await h.page.getByTestId('phone-recent-empty').waitFor();
    await h.page.getByTestId('phone-dialpad').waitFor();
    await expectTouchTargets(h.page, 'screen-phone');
  });

  it('calls a favourite through phone.call; the call banner shows it, and the call lands in the recent calls', async () => {
    const budi = h.sim.contacts.resolve('Budi Santoso')[0]!.contact;
    const before = h.responses.length;
    await favourites().filter({ hasText: 'Budi Santoso' }).click();
    await expect.poll(() => h.sim.phone.current()?.number, { timeout: WAIT_MS }).toBe(budi.numbers[0]!.number.replace(/[^\d+]/g, ''));
    await expect.poll(() => h.responses.length, { timeout: WAIT_MS }).toBeGreaterThan(before);
    expect(h.responses[before]?.trace).toMatchObject({ intent: 'phone.call', source: 'touch' });
    expect(calls.at(-1)?.call).toMatchObject({ name: 'Budi Santoso', state: 'dialing' });
    // The frame's call banner, once: this screen does not show the call itself.
    await h.page.getByTestId('call-banner').filter({ hasText: 'Budi Santoso' }).waitFor();
    expect(await h.page.getByTestId('call-banner').count()).toBe(1);
    await hangUp();
    await recent().filter({ hasText: 'Budi Santoso' }).waitFor();
    expect(await recent().first().getAttribute('data-direction')).toBe('outgoing');
  });

  it('dials a number on the pad, and calls back from the recent calls', async () => {
    for (const key of ['plus', '6', '2', '8', '1', '2', '9', '9', '9', '9', '0', '0', '0', '7']) await h.page.getByTestId(`phone-key-${key}`).click();
    await h.page.getByTestId('phone-key-delete').click();
    await h.page.getByTestId('phone-number').filter({ hasText: '+628129999000' }).waitFor();
    expect(await h.page.getByTestId('phone-number').textContent()).toBe('+628129999000');
    await h.page.getByTestId('phone-call').click();
    await expect.poll(() => h.sim.phone.current()?.number, { timeout: WAIT_MS }).toBe('+628129999000');
    expect(await h.page.getByTestId('phone-call').isDisabled()).toBe(true); // the pad is cleared
    await hangUp();
    await expect.poll(() => recent().count(), { timeout: WAIT_MS }).toBe(2);
    expect(await recent().first().textContent()).toContain('+628129999000');

    await recent().filter({ hasText: 'Budi Santoso' }).click();
    await expect.poll(() => h.sim.phone.current()?.contactId, { timeout: WAIT_MS }).toBe(h.sim.contacts.resolve('Budi Santoso')[0]!.contact.id);
    await hangUp();
    await expect.poll(() => recent().count(), { timeout: WAIT_MS }).toBe(3);
  });

  it('hides the dial pad and shortens the lists while moving; all back parked', async () => {
    await h.simSet(MOVING);
    await h.page.getByTestId('phone-dialpad').waitFor({ state: 'detached' });
    await h.page.getByTestId('phone-dialpad-off').filter({ hasText: 'The dial pad is off while driving' }).waitFor();
    await expect.poll(() => favourites().count(), { timeout: WAIT_MS }).toBe(6);
    expect(await h.page.getByTestId('screen-phone').getByRole('button', { name: /^[0-9+]$/ }).count()).toBe(0);
    // Calling stays allowed while moving.
    await favourites().filter({ hasText: 'Budi Santoso' }).click();
    await expect.poll(() => h.sim.phone.current()?.state, { timeout: WAIT_MS }).toBe('dialing');
    await hangUp();
    await h.page.getByTestId('screen-phone').screenshot({ path: join(screensDir, 'phone-moving.png') });

    await h.simSet(PARKED);
    await h.page.getByTestId('phone-dialpad').waitFor();
    await expect.poll(() => favourites().count(), { timeout: WAIT_MS }).toBe(withNumber().length);
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    const files = await h.screenshots('phone', () => recent().first().waitFor());
    expect(files).toHaveLength(4);
    expect(h.pageErrors).toEqual([]);
  });
});
