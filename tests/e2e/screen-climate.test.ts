// The climate screen by touch, against the real simulator core: each button sends the vehicle climate
// intents voice uses and the car's signals change; the values shown are the car's. Runs after the build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const DRIVER = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature';
const PASSENGER = 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature';
const FAN = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed';
const FRONT_DEFROST = 'Vehicle.Cabin.HVAC.IsFrontDefrosterActive';
const REAR_DEFROST = 'Vehicle.Cabin.HVAC.IsRearDefrosterActive';
const AIR_CONDITIONING = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-climate.test.ts');

(executablePath ? describe : describe.skip)('climate screen in Chromium', () => {
  let h: ScreenHarness;
  const signal = (path: string) => h.sim.vehicle.snapshot()[path as keyof ReturnType<typeof h.sim.vehicle.snapshot>];
  const value = (side: string) => h.page.getByTestId(`climate-${side}-value`);

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows each side’s set-point from the car, with large targets', async () => {
    await h.page.getByTestId('nav-climate').click();
    await h.page.getByTestId('screen-climate').getByRole('heading', { level: 1, name: 'Climate' }).waitFor();
    await value('driver').filter({ hasText: '21 °C' }).waitFor();
    await value('passenger').filter({ hasText: '21 °C' }).waitFor();
    expect(await h.page.getByTestId('climate-fan-level').getAttribute('data-level')).toBe('3');
    await expectTouchTargets(h.page, 'screen-climate');
  });

  it('changes the temperature per side through vehicle.climate_adjust and climate_set', async () => {
    const warmer = await h.tap('climate-driver-up');
    expect(warmer.trace?.intent).toBe('vehicle.climate_adjust');
    expect(warmer.trace?.source).toBe('touch');
    expect(signal(DRIVER)).toBe(22);
    expect(signal(PASSENGER)).toBe(21);
    await value('driver').filter({ hasText: '22 °C' }).waitFor();
    // The answer stays on the screen after the overlay has gone.
    expect(await h.page.getByTestId('touch-reply').textContent()).toBe(warmer.text);

    await h.tap('climate-passenger-down');
    expect(signal(PASSENGER)).toBe(20);
    expect(signal(DRIVER)).toBe(22);
    await value('passenger').filter({ hasText: '20 °C' }).waitFor();

    const sync = await h.tap('climate-sync');
    expect(sync.trace?.intent).toBe('vehicle.climate_set');
    expect(signal(PASSENGER)).toBe(22);
    await value('passenger').filter({ hasText: '22 °C' }).waitFor();
    expect(await h.page.getByTestId('climate-sync').isDisabled()).toBe(true);
  });

  it('changes the fan through vehicle.fan', async () => {
    await h.tap('climate-fan-up');
    expect(signal(FAN)).toBe(50);
    await h.page.locator('[data-testid="climate-fan-level"][data-level="5"]').waitFor();
    await h.tap('climate-fan-off');
    expect(signal(FAN)).toBe(0);
    await h.page.locator('[data-testid="climate-fan-off"][aria-pressed="true"]').waitFor();
    expect(await h.page.getByTestId('climate-fan-down').isDisabled()).toBe(true);
    await h.tap('climate-fan-max');
    expect(signal(FAN)).toBe(100);
    await h.page.locator('[data-testid="climate-fan-max"][aria-pressed="true"]').waitFor();
    await h.tap('climate-fan-down');
    expect(signal(FAN)).toBe(80);
  });

  it('toggles the front and rear defrosters and the A/C through vehicle.defrost and vehicle.ac', async () => {
    const toggles: [string, string, string][] = [
      ['climate-defrost-front', FRONT_DEFROST, 'vehicle.defrost'],
      ['climate-defrost-rear', REAR_DEFROST, 'vehicle.defrost'],
      ['climate-ac', AIR_CONDITIONING, 'vehicle.ac'],
    ];
    for (const [id, path, intent] of toggles) {
      expect(signal(path), id).toBe(false);
      await h.page.locator(`[data-testid="${id}"][aria-pressed="false"]`).waitFor();
      const on = await h.tap(id);
      expect(on.trace?.intent).toBe(intent);
      expect(on.trace?.source).toBe('touch');
      expect(signal(path), id).toBe(true);
      await h.page.locator(`[data-testid="${id}"][aria-pressed="true"]`).waitFor();
    }
    // Only the tapped signal changed: the front toggle did not switch the rear one, nor the reverse.
    expect(await h.page.getByTestId('touch-reply').textContent()).toBe('Air conditioning on.');
    for (const [id, path] of toggles) {
      await h.tap(id);
      expect(signal(path), id).toBe(false);
      await h.page.locator(`[data-testid="${id}"][aria-pressed="false"]`).waitFor();
    }
  });

  it('defrosts while moving: a fogged windscreen is the hazard, so the policy allows it', async () => {
    await h.simSet({ 'Vehicle.Speed': 90, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(true);
    const on = await h.tap('climate-defrost-front');
    expect(on.trace?.policy).toBe('allow');
    expect(signal(FRONT_DEFROST)).toBe(true);
    await h.tap('climate-defrost-front');
    expect(signal(FRONT_DEFROST)).toBe(false);
    await h.simSet({ 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(false);
  });

  it('keeps working while moving (climate is allowed), and stops at the car’s range', async () => {
    await h.simSet({ 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(true);
    await h.tap('climate-driver-down');
    expect(signal(DRIVER)).toBe(21);
    await value('driver').filter({ hasText: '21 °C' }).waitFor();
    await h.simSet({ 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(false);

    // At the top of the range the + is disabled.
    await h.simSet({ [PASSENGER]: 30 });
    await value('passenger').filter({ hasText: '30 °C' }).waitFor();
    expect(await h.page.getByTestId('climate-passenger-up').isDisabled()).toBe(true);
    await h.tap('climate-passenger-down');
    expect(signal(PASSENGER)).toBe(29);
  });

  it('shows the set-points in °F when Settings says so; the car stays in °C', async () => {
    type Storage = { localStorage: { setItem(key: string, value: string): void; removeItem(key: string): void } };
    await h.page.evaluate(() => (globalThis as unknown as Storage).localStorage.setItem('kemudi.ui.units', JSON.stringify({ temperature: 'f', distance: 'km' })));
    await h.page.reload();
    await h.page.getByTestId('nav-climate').click();
    // 21 °C is 70 °F (rounded), 29 °C is 84 °F.
    await value('driver').filter({ hasText: '70 °F' }).waitFor();
    await value('passenger').filter({ hasText: '84 °F' }).waitFor();
    await h.tap('climate-driver-up');
    expect(signal(DRIVER)).toBe(22);
    await value('driver').filter({ hasText: '72 °F' }).waitFor();
    await h.page.evaluate(() => (globalThis as unknown as Storage).localStorage.removeItem('kemudi.ui.units'));
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    const files = await h.screenshots('climate', () => value('driver').filter({ hasText: '°C' }).waitFor());
    expect(files).toHaveLength(4);
    expect(h.pageErrors).toEqual([]);
  });
});
