import { useState } from 'preact/hooks';
import { LANGS, MAX_MESSAGE_CHARS, type Command, type Lang, type SimScenarioAction } from '../../../common/contract.js';
import { uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import {
  incomingMessage,
  MAX_TARGET_KMH,
  pickedScenario,
  pickedSender,
  QUICK_SPEEDS,
  SPEED_STEP_KMH,
  speedOf,
  gearOf,
  timelineView,
  vehicleDetails,
} from '../state/simPanel.js';
import { restrictionSummary } from '../state/ui.js';
import { isLang, LANG_NAMES } from './Composer.js';

function Drive({ store }: { store: Store }) {
  const t = useT();
  const vehicle = store.ui.value.state?.vehicle;
  const speed = speedOf(vehicle);
  // The last target asked for: the car's own target is not a signal, and a scenario may change it.
  const [target, setTarget] = useState(0);
  const drive = (kmh: number): void => {
    setTarget(kmh);
    void store.send({ type: 'sim.drive', speed: kmh });
  };
  return (
    <section class="sim-section" aria-labelledby="sim-drive-title">
      <h2 id="sim-drive-title" class="sim-heading">
        {t('sim:drive.title')}
      </h2>
      <div class="sim-readouts">
        <p class="sim-readout" data-testid="sim-speed" data-value={speed ?? ''}>
          <span class="visually-hidden">{t('sim:drive.speed')}</span>
          <span class="sim-readout-value">{speed === null ? '–' : Math.round(speed)}</span>
          <span class="sim-readout-unit">{t('sim:drive.kmh')}</span>
        </p>
        <p class="sim-readout" data-testid="sim-gear" data-value={gearOf(vehicle)}>
          <span class="visually-hidden">{t('sim:drive.gear')}</span>
          <span class="sim-readout-value">{gearOf(vehicle)}</span>
          <span class="sim-readout-unit" aria-hidden="true">
            {t('sim:drive.gearUnit')}
          </span>
        </p>
      </div>
      <label class="sim-slider-label" for="sim-target">
        {t('sim:drive.target')} <strong>{t('sim:drive.speedValue', { n: target })}</strong>
      </label>
      <input
        id="sim-target"
        class="sim-slider"
        type="range"
        min={0}
        max={MAX_TARGET_KMH}
        step={SPEED_STEP_KMH}
        value={target}
        aria-valuetext={t('sim:drive.speedValue', { n: target })}
        onInput={(event) => setTarget(Number(event.currentTarget.value))}
        // Sent when the thumb is let go (or a key pressed), not on every pixel of a drag.
        onChange={(event) => drive(Number(event.currentTarget.value))}
      />
      <div class="sim-buttons" role="group" aria-label={t('sim:drive.quick')}>
        {QUICK_SPEEDS.map((kmh) => (
          <button key={kmh} type="button" class="sim-button" aria-label={t('sim:drive.driveAt', { n: kmh })} onClick={() => drive(kmh)}>
            {kmh}
            <span class="sim-button-unit" aria-hidden="true">
              {t('sim:drive.kmh')}
            </span>
          </button>
        ))}
        <button
          type="button"
          class="sim-button sim-button-park"
          aria-label={t('sim:drive.park')}
          onClick={() => {
            setTarget(0);
            void store.send({ type: 'sim.park' });
          }}
        >
          {t('sim:drive.parkShort')}
          <span class="sim-button-unit">{t('sim:drive.park')}</span>
        </button>
      </div>
    </section>
  );
}

function Scenario({ store }: { store: Store }) {
  const t = useT();
  const sim = store.ui.value.sim;
  const [choice, setChoice] = useState<string | null>(null);
  if (!sim) return null;
  const picked = pickedScenario(choice, sim);
  const offered = sim.scenarios.find((scenario) => scenario.name === picked);
  const loaded = sim.scenario;
  const timeline = loaded ? timelineView(loaded) : null;
  const act = (action: SimScenarioAction): void => {
    const command: Command = picked ? { type: 'sim.scenario', action, name: picked } : { type: 'sim.scenario', action };
    void store.send(command);
  };
  const isLoaded = loaded !== null && loaded.name === picked;
  return (
    <section class="sim-section" aria-labelledby="sim-scenario-title">
      <h2 id="sim-scenario-title" class="sim-heading">
        {t('sim:scenario.title')}
      </h2>
      {sim.scenarios.length === 0 ? (
        <p class="sim-note">{t('sim:scenario.none')}</p>
      ) : (
        <>
          <label class="visually-hidden" for="sim-scenario">
            {t('sim:scenario.title')}
          </label>
          <select id="sim-scenario" class="sim-select" value={picked} onChange={(event) => setChoice(event.currentTarget.value)}>
            {sim.scenarios.map((scenario) => (
              <option key={scenario.name} value={scenario.name}>
                {scenario.title}
              </option>
            ))}
          </select>
          {offered && <p class="sim-note">{offered.description}</p>}
          <div class="sim-buttons" role="group" aria-label={t('sim:scenario.controls')}>
            <button type="button" class="sim-button" aria-label={t('sim:scenario.startLabel')} disabled={!picked} onClick={() => act('start')}>
              {t('sim:scenario.start')}
            </button>
            <button type="button" class="sim-button" aria-label={t('sim:scenario.stopLabel')} disabled={!isLoaded || !loaded.running} onClick={() => act('stop')}>
              {t('sim:scenario.stop')}
            </button>
            <button type="button" class="sim-button" aria-label={t('sim:scenario.resetLabel')} disabled={!picked} onClick={() => act('reset')}>
              {t('sim:scenario.reset')}
            </button>
          </div>
        </>
      )}
      {loaded && timeline && (
        <div class="sim-timeline" data-testid="sim-timeline" data-state={timeline.state}>
          <p class="sim-timeline-head">
            <strong>{loaded.title}</strong>
            <span data-testid="sim-timeline-state">{t(`sim:scenario.state.${timeline.state}`)}</span>
            <span>
              {timeline.elapsed} / {timeline.duration}
            </span>
          </p>
          <div
            class="sim-progress"
            role="progressbar"
            aria-label={t('sim:scenario.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={timeline.percent}
            aria-valuetext={t('sim:scenario.progressText', { elapsed: timeline.elapsed, duration: timeline.duration, done: timeline.done, steps: timeline.steps.length })}
            data-testid="sim-progress"
          >
            <div class="sim-progress-fill" style={{ width: `${timeline.percent}%` }} />
          </div>
          <ol class="sim-steps" aria-label={t('sim:scenario.timeline')}>
            {timeline.steps.map((step, index) => (
              <li key={index} class={`sim-step${step.done ? ' sim-step-done' : ''}${step.failed ? ' sim-step-failed' : ''}`} data-testid="sim-step" data-done={String(step.done)}>
                <span class="sim-step-mark" aria-hidden="true">
                  {step.failed ? '✗' : step.done ? '✓' : '·'}
                </span>
                <span class="visually-hidden">{t(step.failed ? 'sim:scenario.stepFailed' : step.done ? 'sim:scenario.stepDone' : 'sim:scenario.stepToCome')}</span>
                <span class="sim-step-time">{step.time}</span>
                <span class="sim-step-label">{step.label}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

/** A text message arriving on the phone, as a scenario's message step makes one: offered to the driver
 *  ("New message from Sari. Read it?") once the dialogue is free. */
function IncomingMessage({ store }: { store: Store }) {
  const t = useT();
  const sim = store.ui.value.sim;
  const [choice, setChoice] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [lang, setLang] = useState<Lang>('en');
  const [sending, setSending] = useState(false);
  // A simulator without an address book sends no names: nothing to pick from.
  if (!sim?.contacts) return null;
  const from = pickedSender(choice, sim);
  const message = incomingMessage(from, text, lang);
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (!message || sending) return;
    setSending(true);
    const result = await store.send(message);
    setSending(false);
    // Keep the words when the core refused them, so they can be fixed rather than typed again.
    if (result.ok) setText('');
  };
  return (
    <section class="sim-section" aria-labelledby="sim-message-title">
      <h2 id="sim-message-title" class="sim-heading">
        {t('sim:message.title')}
      </h2>
      {sim.contacts.length === 0 ? (
        <p class="sim-note">{t('sim:message.noContacts')}</p>
      ) : (
        <form class="sim-message" onSubmit={(event) => void submit(event)}>
          <select class="sim-select" aria-label={t('sim:message.from')} value={from} onChange={(event) => setChoice(event.currentTarget.value)}>
            {sim.contacts.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <input
            class="sim-input"
            type="text"
            aria-label={t('sim:message.text')}
            autocomplete="off"
            maxLength={MAX_MESSAGE_CHARS}
            placeholder={t('sim:message.placeholder')}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          <div class="sim-message-row">
            <select
              class="sim-select"
              aria-label={t('sim:message.language')}
              value={lang}
              onChange={(event) => {
                const value = event.currentTarget.value;
                if (isLang(value)) setLang(value);
              }}
            >
              {LANGS.map((code) => (
                <option key={code} value={code}>
                  {LANG_NAMES[code]}
                </option>
              ))}
            </select>
            <button type="submit" class="sim-button sim-button-send" aria-label={t('sim:message.sendLabel')} disabled={!message || sending}>
              {t('sim:message.send')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function VehicleState({ store }: { store: Store }) {
  const t = useT();
  const vehicle = store.ui.value.state?.vehicle;
  if (!vehicle) return null;
  return (
    <section class="sim-section" aria-labelledby="sim-vehicle-title">
      <h2 id="sim-vehicle-title" class="sim-heading">
        {t('sim:vehicle.title')}
      </h2>
      <dl class="sim-details" data-testid="sim-vehicle">
        {vehicleDetails(vehicle, uiLang.value).map((row) => (
          <div key={row.id} class="sim-detail" data-testid={`sim-detail-${row.id}`}>
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The simulator's controls, beside the head unit's screen: only where the core runs the simulated car
 *  behind the WebSocket. A tester's tool, so it is not cut down while "driving". */
export function SimPanel({ store }: { store: Store }) {
  const t = useT();
  const [open, setOpen] = useState(true);
  const restrictions = store.ui.value.state?.restrictions;
  return (
    <aside class={open ? 'sim-panel' : 'sim-panel sim-panel-closed'} aria-label={t('sim:label')} data-testid="sim-panel">
      <button type="button" class="sim-toggle" aria-expanded={open} aria-controls="sim-panel-body" onClick={() => setOpen(!open)}>
        {t(open ? 'sim:hide' : 'sim:show')}
      </button>
      {/* Kept in the page while hidden, so the toggle's aria-controls always names it. */}
      <div id="sim-panel-body" class="sim-body" hidden={!open}>
        <p
          class={restrictions?.moving ? 'sim-restrictions sim-restrictions-moving' : 'sim-restrictions'}
          data-testid="sim-restrictions"
          data-moving={String(restrictions?.moving ?? false)}
          role="status"
        >
          {restrictionSummary(restrictions, uiLang.value)}
        </p>
        <Drive store={store} />
        <Scenario store={store} />
        <IncomingMessage store={store} />
        <VehicleState store={store} />
      </div>
    </aside>
  );
}
