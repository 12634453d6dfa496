import type { Slots } from '../../../common/contract.js';
import { SIGNALS, type SignalPath } from '../../../common/vss.js';
import { numberFormat, uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { formatTemperature } from '../state/units.js';
import { TouchReply, useTouch } from './touch.js';
import './climate.css';

const SIDES = {
  driver: 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature',
  passenger: 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature',
} as const satisfies Record<string, SignalPath>;
type Side = keyof typeof SIDES;
const RANGE = SIGNALS[SIDES.driver];
const FAN: SignalPath = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed';
const FAN_LEVELS = 10;
const FRONT_DEFROST: SignalPath = 'Vehicle.Cabin.HVAC.IsFrontDefrosterActive';
const REAR_DEFROST: SignalPath = 'Vehicle.Cabin.HVAC.IsRearDefrosterActive';
const AIR_CONDITIONING: SignalPath = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';

/** The on/off buttons: the signal shown, and the intent (with its slots, less `state`) a tap sends. */
interface Toggle {
  id: string;
  label: 'climate:defrostFront' | 'climate:defrostRear' | 'climate:ac';
  path: SignalPath;
  intent: string;
  slots: Slots;
}
const TOGGLES: Toggle[] = [
  { id: 'climate-defrost-front', label: 'climate:defrostFront', path: FRONT_DEFROST, intent: 'vehicle.defrost', slots: { target: 'front' } },
  { id: 'climate-defrost-rear', label: 'climate:defrostRear', path: REAR_DEFROST, intent: 'vehicle.defrost', slots: { target: 'rear' } },
  { id: 'climate-ac', label: 'climate:ac', path: AIR_CONDITIONING, intent: 'vehicle.ac', slots: {} },
];

const MINUS = 'M5 12h14';
const PLUS = 'M12 5v14M5 12h14';

function Glyph({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
    </svg>
  );
}

/** The climate screen: each side's set-point with large − and +, the fan, the defrosters and the A/C as
 *  large toggles, and the cabin's temperatures.
 *  Every button sends the vehicle intents voice uses; the values shown are the car's signals. */
export function ClimateScreen({ store }: { store: Store }) {
  const t = useT();
  const touch = useTouch(store);
  const signals = store.ui.value.state?.vehicle;
  const number = numberFormat(uiLang.value, 1);
  const read = (path: SignalPath): number | undefined => {
    const value = signals?.[path];
    return typeof value === 'number' ? value : undefined;
  };
  // In the unit chosen in Settings (°C or °F); the car and the intents stay in °C.
  const degrees = (value: number | undefined): string => (value === undefined ? '–' : formatTemperature(value, undefined, uiLang.value));

  const fan = read(FAN);
  const fanLevel = fan === undefined ? undefined : Math.round(fan / (100 / FAN_LEVELS));
  const driver = read(SIDES.driver);
  // Each toggle shows the car's own state and asks for the opposite; a car without the signal has no button.
  const toggles = TOGGLES.flatMap((toggle) => {
    const on = signals?.[toggle.path];
    return typeof on === 'boolean' ? [{ ...toggle, on }] : [];
  });

  return (
    <section class="screen climate-screen" data-testid="screen-climate" aria-labelledby="screen-title">
      <div class="touch-head">
        <h1 id="screen-title" class="screen-title">
          {t('common:nav.climate')}
        </h1>
        <TouchReply reply={touch.reply} />
      </div>
      {!signals && <p class="climate-waiting">{t('climate:waiting')}</p>}
      <div class="climate-sides">
        {(Object.keys(SIDES) as Side[]).map((side) => {
          const value = read(SIDES[side]);
          const name = t(`climate:${side}`);
          return (
            <div key={side} class="climate-side" role="group" aria-labelledby={`climate-${side}-name`} data-testid={`climate-${side}`}>
              <button
                type="button"
                class="climate-step"
                aria-label={t('climate:cooler', { side: name })}
                data-testid={`climate-${side}-down`}
                disabled={value !== undefined && value <= RANGE.min}
                onClick={() => touch.send('vehicle.climate_adjust', { direction: 'down', side })}
              >
                <Glyph d={MINUS} />
              </button>
              <div class="climate-reading">
                <h2 id={`climate-${side}-name`} class="climate-name">
                  {name}
                </h2>
                <output class="climate-value" data-testid={`climate-${side}-value`} aria-live="polite" aria-label={value === undefined ? name : t('climate:setPoint', { side: name, value: degrees(value) })}>
                  {degrees(value)}
                </output>
              </div>
              <button
                type="button"
                class="climate-step"
                aria-label={t('climate:warmer', { side: name })}
                data-testid={`climate-${side}-up`}
                disabled={value !== undefined && value >= RANGE.max}
                onClick={() => touch.send('vehicle.climate_adjust', { direction: 'up', side })}
              >
                <Glyph d={PLUS} />
              </button>
            </div>
          );
        })}
      </div>

      <div class="climate-fan" role="group" aria-labelledby="climate-fan-name" data-testid="climate-fan">
        <h2 id="climate-fan-name" class="climate-name">
          {t('climate:fan')}
        </h2>
        <div class="climate-fan-row">
          <button type="button" class="climate-step" aria-label={t('climate:fanDown')} data-testid="climate-fan-down" disabled={fanLevel === 0} onClick={() => touch.send('vehicle.fan', { action: 'down' })}>
            <Glyph d={MINUS} />
          </button>
          <div class="climate-fan-level" role="img" aria-label={fanLevel === undefined ? t('climate:fan') : t('climate:fanLevel', { level: fanLevel })} data-testid="climate-fan-level" data-level={fanLevel ?? ''}>
            {Array.from({ length: FAN_LEVELS }, (_, i) => (
              <span key={i} class={fanLevel !== undefined && i < fanLevel ? 'climate-fan-bar climate-fan-on' : 'climate-fan-bar'} />
            ))}
          </div>
          <span class="climate-fan-number" aria-hidden="true">
            {fanLevel === undefined ? '–' : fanLevel === 0 ? t('climate:off') : number.format(fanLevel)}
          </span>
          <button type="button" class="climate-step" aria-label={t('climate:fanUp')} data-testid="climate-fan-up" disabled={fanLevel === FAN_LEVELS} onClick={() => touch.send('vehicle.fan', { action: 'up' })}>
            <Glyph d={PLUS} />
          </button>
          <button type="button" class="climate-pill" aria-label={t('climate:fanOff')} data-testid="climate-fan-off" aria-pressed={fanLevel === 0} onClick={() => touch.send('vehicle.fan', { action: 'off' })}>
            {t('climate:off')}
          </button>
          <button type="button" class="climate-pill" aria-label={t('climate:fanMax')} data-testid="climate-fan-max" aria-pressed={fanLevel === FAN_LEVELS} onClick={() => touch.send('vehicle.fan', { action: 'max' })}>
            {t('climate:max')}
          </button>
        </div>
      </div>

      <div class="climate-buttons" data-testid="climate-buttons">
        {toggles.map((toggle) => (
          <button
            key={toggle.id}
            type="button"
            class="climate-toggle"
            aria-pressed={toggle.on}
            data-testid={toggle.id}
            onClick={() => touch.send(toggle.intent, { ...toggle.slots, state: toggle.on ? 'off' : 'on' })}
          >
            <span class="climate-toggle-label">{t(toggle.label)}</span>
            <span class="climate-toggle-state" aria-hidden="true">
              {toggle.on ? t('climate:on') : t('climate:off')}
            </span>
          </button>
        ))}
        <button
          type="button"
          class="climate-sync"
          data-testid="climate-sync"
          disabled={driver === undefined || read(SIDES.passenger) === driver}
          onClick={() => driver !== undefined && touch.send('vehicle.climate_set', { temperature: driver, unit: 'celsius', side: 'both' })}
        >
          {t('climate:sync')}
        </button>
      </div>

      <dl class="climate-info" data-testid="climate-info">
        <div>
          <dt>{t('climate:inside')}</dt>
          <dd>{degrees(read('Vehicle.Cabin.HVAC.AmbientAirTemperature'))}</dd>
        </div>
        <div>
          <dt>{t('climate:outside')}</dt>
          <dd>{degrees(read('Vehicle.Exterior.AirTemperature'))}</dd>
        </div>
      </dl>
    </section>
  );
}
