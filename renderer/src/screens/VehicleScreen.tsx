import { DOOR_LOCK_SIGNALS, LOW_TIRE_KPA, TIRE_SIGNALS, WINDOW_SIGNALS, type SignalPath } from '../../../common/vss.js';
import { numberFormat, uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { formatDistance } from '../state/units.js';
import { TouchReply, useTouch } from './touch.js';
import './vehicle.css';

const DOOR_LOCKS = DOOR_LOCK_SIGNALS;
const WINDOWS = WINDOW_SIGNALS;
type WindowName = keyof typeof WINDOWS | 'all';
const TIRES = TIRE_SIGNALS;
const HALF = 50;

/** The vehicle screen: the car's status at a glance, then its lights, locks and windows. Every control sends
 *  the vehicle intents voice uses, so the policy decides: unlocking while moving is refused, and the answer
 *  shows beside the title while the button stays where it is. */
export function VehicleScreen({ store }: { store: Store }) {
  const t = useT();
  const touch = useTouch(store);
  const signals = store.ui.value.state?.vehicle;
  const number = numberFormat(uiLang.value, 0);
  const read = (path: SignalPath): number | undefined => {
    const value = signals?.[path];
    return typeof value === 'number' ? value : undefined;
  };

  const speed = read('Vehicle.Speed');
  const gear = signals?.['Vehicle.Powertrain.Transmission.SelectedGear'];
  const fuel = read('Vehicle.Powertrain.FuelSystem.RelativeLevel');
  const battery = read('Vehicle.Powertrain.TractionBattery.StateOfCharge.Current');
  const range = read('Vehicle.Powertrain.Range');
  const locks = DOOR_LOCKS.map((path) => signals?.[path]).filter((value): value is boolean => typeof value === 'boolean');
  const unlocked = locks.filter((locked) => !locked).length;
  const windowNames = Object.keys(WINDOWS) as (keyof typeof WINDOWS)[];
  const openWindows = windowNames.filter((name) => (read(WINDOWS[name]) ?? 0) > 0).length;
  const tires = (Object.keys(TIRES) as (keyof typeof TIRES)[]).flatMap((name) => {
    const kpa = read(TIRES[name]);
    return kpa === undefined ? [] : [{ name, kpa }];
  });
  const lowBeam = signals?.['Vehicle.Body.Lights.Beam.Low.IsOn'] === true;
  const highBeam = signals?.['Vehicle.Body.Lights.Beam.High.IsOn'] === true;

  const windowRow = (name: WindowName) => {
    const position = name === 'all' ? undefined : read(WINDOWS[name]);
    const label = t(`vehicle:window.${name}`);
    const actions = [
      { key: 'open', slots: { action: 'open', window: name }, current: position === 100 },
      { key: 'half', slots: { action: 'open', window: name, amount: HALF }, current: position === HALF },
      { key: 'close', slots: { action: 'close', window: name }, current: position === 0 },
    ] as const;
    return (
      <div key={name} class="vehicle-window" role="group" aria-labelledby={`vehicle-window-${name}`} data-testid={`vehicle-window-${name}`}>
        <p class="vehicle-window-name" id={`vehicle-window-${name}`}>
          <span>{label}</span>
          {position !== undefined && (
            <span class="vehicle-window-position" data-testid={`vehicle-window-${name}-position`}>
              {position === 0 ? t('vehicle:closed') : t('vehicle:position', { value: number.format(position) })}
            </span>
          )}
        </p>
        <div class="vehicle-window-actions">
          {actions.map((action) => (
            <button
              key={action.key}
              type="button"
              class={action.current ? 'vehicle-button vehicle-current' : 'vehicle-button'}
              aria-label={t('vehicle:windowAction', { action: t(`vehicle:${action.key}`), window: label })}
              data-testid={`vehicle-window-${name}-${action.key}`}
              onClick={() => touch.send('vehicle.window', action.slots)}
            >
              {t(`vehicle:${action.key}`)}
            </button>
          ))}
        </div>
      </div>
    );
  };

  return (
    <section class="screen vehicle-screen" data-testid="screen-vehicle" aria-labelledby="screen-title">
      <div class="touch-head">
        <h1 id="screen-title" class="screen-title">
          {t('common:nav.vehicle')}
        </h1>
        <TouchReply reply={touch.reply} />
      </div>
      {!signals && <p class="vehicle-waiting">{t('vehicle:waiting')}</p>}

      <div class="vehicle-body">
        <div class="vehicle-left">
          <h2 class="visually-hidden">{t('vehicle:status')}</h2>
          <dl class="vehicle-status" data-testid="vehicle-status">
            {speed !== undefined && (
              <div>
                <dt>{t('vehicle:speed')}</dt>
                <dd data-testid="vehicle-speed">{t('vehicle:speedValue', { value: number.format(speed) })}</dd>
              </div>
            )}
            {typeof gear === 'string' && (
              <div>
                <dt>{t('vehicle:gear')}</dt>
                <dd data-testid="vehicle-gear">{gear}</dd>
              </div>
            )}
            {fuel !== undefined && (
              <div>
                <dt>{t('vehicle:fuel')}</dt>
                <dd data-testid="vehicle-energy">{t('vehicle:percent', { value: number.format(fuel) })}</dd>
              </div>
            )}
            {battery !== undefined && (
              <div>
                <dt>{t('vehicle:battery')}</dt>
                <dd data-testid="vehicle-energy">{t('vehicle:percent', { value: number.format(battery) })}</dd>
              </div>
            )}
            {range !== undefined && (
              <div>
                <dt>{t('vehicle:range')}</dt>
                <dd data-testid="vehicle-range">{formatDistance(range, undefined, uiLang.value)}</dd>
              </div>
            )}
            {locks.length > 0 && (
              <div>
                <dt>{t('vehicle:doors')}</dt>
                <dd data-testid="vehicle-doors" data-locked={String(unlocked === 0)}>
                  {unlocked === 0 ? t('vehicle:locked') : t('vehicle:unlocked', { count: unlocked })}
                </dd>
              </div>
            )}
            <div>
              <dt>{t('vehicle:windows')}</dt>
              <dd data-testid="vehicle-windows">{openWindows === 0 ? t('vehicle:windowsClosed') : t('vehicle:windowsOpen', { count: openWindows })}</dd>
            </div>
            {tires.length > 0 && (
              <div class="vehicle-tires">
                <dt>{t('vehicle:tires')}</dt>
                <dd>
                  <ul class="vehicle-tire-list" data-testid="vehicle-tires">
                    {tires.map(({ name, kpa }) => (
                      <li key={name} class={kpa < LOW_TIRE_KPA ? 'vehicle-tire-low' : undefined}>
                        <span class="vehicle-tire-name">{t(`vehicle:tire.${name}`)}</span> {t('vehicle:tireValue', { value: number.format(kpa) })}
                        {kpa < LOW_TIRE_KPA && <strong> {t('vehicle:tireLow')}</strong>}
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
            )}
          </dl>

          <div class="vehicle-controls">
            <div class="vehicle-group" role="group" aria-labelledby="vehicle-lights">
              <h2 id="vehicle-lights" class="vehicle-group-name">
                {t('vehicle:lights')}
              </h2>
              <div class="vehicle-group-row">
                <button type="button" class="vehicle-button vehicle-toggle" aria-pressed={lowBeam} data-testid="vehicle-low-beam" onClick={() => touch.send('vehicle.lights', { state: lowBeam ? 'off' : 'on', beam: 'low' })}>
                  {t('vehicle:lowBeam')}
                </button>
                <button type="button" class="vehicle-button vehicle-toggle" aria-pressed={highBeam} data-testid="vehicle-high-beam" onClick={() => touch.send('vehicle.lights', { state: highBeam ? 'off' : 'on', beam: 'high' })}>
                  {t('vehicle:highBeam')}
                </button>
              </div>
            </div>
            <div class="vehicle-group" role="group" aria-labelledby="vehicle-locks">
              <h2 id="vehicle-locks" class="vehicle-group-name">
                {t('vehicle:locks')}
              </h2>
              <div class="vehicle-group-row">
                <button type="button" class={locks.length > 0 && unlocked === 0 ? 'vehicle-button vehicle-current' : 'vehicle-button'} data-testid="vehicle-lock" onClick={() => touch.send('vehicle.lock', { action: 'lock' })}>
                  {t('vehicle:lock')}
                </button>
                <button type="button" class={unlocked === locks.length && unlocked > 0 ? 'vehicle-button vehicle-current' : 'vehicle-button'} data-testid="vehicle-unlock" onClick={() => touch.send('vehicle.lock', { action: 'unlock' })}>
                  {t('vehicle:unlock')}
                </button>
              </div>
            </div>
          </div>
        </div>
        <div class="vehicle-right">
          <h2 class="vehicle-group-name">{t('vehicle:windows')}</h2>
          <div class="vehicle-windows">
            {windowNames.map(windowRow)}
            {windowRow('all')}
          </div>
        </div>
      </div>
    </section>
  );
}
