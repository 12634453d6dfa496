// The vehicle screen by touch, against the real simulator core: the car's status from its signals, and the
// lights, locks and windows through the vehicle intents voice uses. Unlocking while moving is refused by the
// policy: the doors stay locked and the answer shows. Runs after the build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const LOW = 'Vehicle.Body.Lights.Beam.Low.IsOn';
const HIGH = 'Vehicle.Body.Lights.Beam.High.IsOn';
const LOCKS = ['Vehicle.Cabin.Door.Row1.DriverSide.IsLocked', 'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked', 'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked', 'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked'];
const WINDOWS = {
  driver: 'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position',
  passenger: 'Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position',
  rear_left: 'Vehicle.Cabin.Door.Row2.DriverSide.Window.Position',
  rear_right: 'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position',
};

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-vehicle.test.ts');

(executablePath ? describe : describe.skip)('vehicle screen in Chromium', () => {
  let h: ScreenHarness;
  const signal = (path: string) => (h.sim.vehicle.snapshot() as Record<string, unknown>)[path];
  const locks = () => LOCKS.map(signal);

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the car’s status from its signals, with large targets', async () => {
    await h.page.getByTestId('nav-vehicle').click();
    await h.page.getByTestId('screen-vehicle').getByRole('heading', { level: 1, name: 'Vehicle' }).waitFor();
    await h.page.getByTestId('vehicle-speed').filter({ hasText: '0 km/h' }).waitFor();
    expect(await h.page.getByTestId('vehicle-gear').textContent()).toBe('P');
    expect(await h.page.getByTestId('vehicle-energy').textContent()).toBe('72 %');
    expect(await h.page.getByTestId('vehicle-range').textContent()).toMatch(/^\d+ km$/);
    expect(await h.page.getByTestId('vehicle-doors').textContent()).toBe('Locked');
    expect(await h.page.getByTestId('vehicle-windows').textContent()).toBe('All closed');
    expect(await h.page.getByTestId('vehicle-tires').locator('li').count()).toBe(4);
    await expectTouchTargets(h.page, 'screen-vehicle');
  });

  it('switches the headlights and high beams through vehicle.lights', async () => {
    const on = await h.tap('vehicle-low-beam');
    expect(on.trace).toMatchObject({ intent: 'vehicle.lights', source: 'touch', slots: { state: 'on', beam: 'low' } });
    expect(signal(LOW)).toBe(true);
    await h.page.locator('[data-testid="vehicle-low-beam"][aria-pressed="true"]').waitFor();
    expect(await h.page.getByTestId('touch-reply').textContent()).toBe(on.text);

    await h.tap('vehicle-high-beam');
    expect(signal(HIGH)).toBe(true);
    await h.page.locator('[data-testid="vehicle-high-beam"][aria-pressed="true"]').waitFor();
    // Low beams off take the high beams with them (the handler's rule).
    await h.tap('vehicle-low-beam');
    expect(signal(LOW)).toBe(false);
    expect(signal(HIGH)).toBe(false);
    await h.page.locator('[data-testid="vehicle-high-beam"][aria-pressed="false"]').waitFor();
  });

  it('opens, half-opens and closes windows through vehicle.window', async () => {
    await h.tap('vehicle-window-driver-open');
    expect(signal(WINDOWS.driver)).toBe(100);
    await h.page.getByTestId('vehicle-window-driver-position').filter({ hasText: '100 % open' }).waitFor();
    const half = await h.tap('vehicle-window-passenger-half');
    expect(half.trace?.slots).toMatchObject({ action: 'open', window: 'passenger', amount: 50 });
    expect(signal(WINDOWS.passenger)).toBe(50);
    await h.page.getByTestId('vehicle-windows').filter({ hasText: '2 open' }).waitFor();
    await h.tap('vehicle-window-rear_right-open');
    expect(signal(WINDOWS.rear_right)).toBe(100);
    await h.tap('vehicle-window-driver-close');
    expect(signal(WINDOWS.driver)).toBe(0);
    await h.tap('vehicle-window-all-close');
    expect(Object.values(WINDOWS).map(signal)).toEqual([0, 0, 0, 0]);
    await h.page.getByTestId('vehicle-windows').filter({ hasText: 'All closed' }).waitFor();
  });

  it('unlocks and locks while parked through vehicle.lock', async () => {
    await h.tap('vehicle-unlock');
    expect(locks()).toEqual([false, false, false, false]);
    await h.page.getByTestId('vehicle-doors').filter({ hasText: '4 unlocked' }).waitFor();
    await h.tap('vehicle-lock');
    expect(locks()).toEqual([true, true, true, true]);
    await h.page.getByTestId('vehicle-doors').filter({ hasText: 'Locked' }).waitFor();
  });

  it('refuses unlocking while moving: the doors stay locked, the answer shows, the button stays', async () => {
    await h.simSet({ 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    await h.page.getByTestId('vehicle-speed').filter({ hasText: '50 km/h' }).waitFor();
    expect(await h.page.getByTestId('vehicle-gear').textContent()).toBe('D');
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(true);

    const refused = await h.tap('vehicle-unlock');
    expect(refused.trace).toMatchObject({ intent: 'vehicle.lock', policy: 'deny' });
    expect(locks()).toEqual([true, true, true, true]);
    expect(await h.page.getByTestId('touch-reply').textContent()).toBe(refused.text);
    expect(refused.text.length).toBeGreaterThan(0);
    expect(await h.page.getByTestId('vehicle-unlock').isVisible()).toBe(true);
    expect(await h.page.getByTestId('vehicle-unlock').isEnabled()).toBe(true);
    expect(await h.page.getByTestId('vehicle-doors').textContent()).toBe('Locked');

    // The rest still works while moving.
    await h.tap('vehicle-window-driver-half');
    expect(signal(WINDOWS.driver)).toBe(50);
    await h.tap('vehicle-window-driver-close');

    await h.simSet({ 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(false);
    await h.page.getByTestId('vehicle-gear').filter({ hasText: 'P' }).waitFor();
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    await h.tap('vehicle-window-passenger-half');
    const files = await h.screenshots('vehicle', () => h.page.getByTestId('vehicle-gear').waitFor());
    expect(files).toHaveLength(4);
    expect(h.pageErrors).toEqual([]);
  });
});
