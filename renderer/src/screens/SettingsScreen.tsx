// Settings: the screen's language and the one Kemudi speaks, day or night, the wake word, Kemudi's voice, the
// models and their downloads, and the units. Every choice is a large button (no keyboard, so all of it works
// while driving); the core's settings go through the same commands as everything else.
import { signal } from '@preact/signals';
import { LANGS, WAKE_ENGINES, WAKE_KEYWORDS, type Lang, type ModelInfo, type VoiceSettingsPatch } from '../../../common/contract.js';
import { LANG_NAMES } from '../components/Composer.js';
import { setUiLang, uiLang, useT, type Translate } from '../i18n/index.js';
import { THEME_SETTINGS } from '../state/screen.js';
import type { Store } from '../state/store.js';
import { clipText } from '../state/ui.js';
import { DISTANCE_UNITS, setUnits, TEMPERATURE_UNITS, units } from '../state/units.js';
import './settings.css';

/** Whether the speech language follows the screen's (this session, like the composer's picker). */
const speechFollowsScreen = signal(false);
type SpeechChoice = 'auto' | 'screen' | Lang;
const SPEECH_CHOICES: readonly SpeechChoice[] = ['auto', 'screen', ...LANGS];

export const SENSITIVITY_STEP = 0.1;
/** One decimal, inside 0…1: repeated steps of 0.1 do not drift (0.30000000000000004). */
export const stepSensitivity = (value: number, delta: number): number => Math.min(1, Math.max(0, Math.round((value + delta) * 10) / 10));

/** A download's size for a person: "397 MB", "1.9 GB". */
export function formatBytes(bytes: number, t: Translate): string {
  const mb = bytes / 1e6;
  return mb >= 1000 ? t('settings:models.gb', { n: (mb / 1000).toFixed(1) }) : t('settings:models.mb', { n: Math.max(1, Math.round(mb)) });
}

/** 0…100, or null while the total is not known. */
export function downloadPercent(model: ModelInfo): number | null {
  const download = model.download;
  const total = download?.totalBytes ?? model.bytes;
  if (!download || !total) return null;
  return Math.min(100, Math.floor((download.receivedBytes / total) * 100));
}

/** A row of large choices, one pressed. */
function Choices<T extends string>({ label, options, value, name, onPick, testid }: { label: string; options: readonly T[]; value: T | null; name: (option: T) => string; onPick: (option: T) => void; testid: string }) {
  return (
    <div class="settings-choices" role="group" aria-label={label} data-testid={testid}>
      {options.map((option) => (
        <button key={option} type="button" class="settings-choice" aria-pressed={option === value} data-value={option} onClick={() => onPick(option)}>
          {name(option)}
        </button>
      ))}
    </div>
  );
}

function Languages({ store, t }: { store: Store; t: Translate }) {
  const screen = uiLang.value;
  const speech = store.lang.value;
  const choice: SpeechChoice = speechFollowsScreen.value && speech === screen ? 'screen' : (speech ?? 'auto');
  const pickScreen = (lang: Lang): void => {
    setUiLang(lang);
    if (speechFollowsScreen.value) store.setLang(lang);
  };
  const pickSpeech = (next: SpeechChoice): void => {
    speechFollowsScreen.value = next === 'screen';
    store.setLang(next === 'auto' ? undefined : next === 'screen' ? screen : next);
  };
  return (
    <section class="settings-card" aria-labelledby="settings-language">
      <h2 id="settings-language" class="settings-heading">
        {t('settings:language.title')}
      </h2>
      <div class="settings-choices settings-langs" role="group" aria-label={t('settings:language.title')} data-testid="settings-ui-lang">
        {LANGS.map((lang) => (
          <button key={lang} type="button" class="settings-choice settings-lang" lang={lang === 'zh' ? 'zh-CN' : lang} aria-pressed={lang === screen} data-value={lang} onClick={() => pickScreen(lang)}>
            {LANG_NAMES[lang]}
          </button>
        ))}
      </div>
      <h3 class="settings-subheading">{t('settings:speech.title')}</h3>
      <p class="settings-hint">{t('settings:speech.hint')}</p>
      <Choices
        label={t('settings:speech.title')}
        testid="settings-speech-lang"
        options={SPEECH_CHOICES}
        value={choice}
        name={(option) => (option === 'auto' ? t('settings:speech.auto') : option === 'screen' ? t('settings:speech.screen') : LANG_NAMES[option])}
        onPick={pickSpeech}
      />
    </section>
  );
}

function Appearance({ store, t }: { store: Store; t: Translate }) {
  const temperature = units.value.temperature;
  const distance = units.value.distance;
  return (
    <section class="settings-card" aria-labelledby="settings-theme">
      <h2 id="settings-theme" class="settings-heading">
        {t('settings:theme.title')}
      </h2>
      <Choices label={t('settings:theme.title')} testid="settings-theme" options={THEME_SETTINGS} value={store.view.themeSetting.value} name={(option) => t(`common:theme.${option}`)} onPick={(option) => store.view.setTheme(option)} />
      <h3 class="settings-subheading">{t('settings:units.title')}</h3>
      <div class="settings-pair">
        <Choices
          label={t('settings:units.temperature')}
          testid="settings-temperature"
          options={TEMPERATURE_UNITS}
          value={temperature}
          name={(option) => t(option === 'c' ? 'settings:units.celsius' : 'settings:units.fahrenheit')}
          onPick={(option) => setUnits({ temperature: option })}
        />
        <Choices label={t('settings:units.distance')} testid="settings-distance" options={DISTANCE_UNITS} value={distance} name={(option) => t(`settings:units.${option}`)} onPick={(option) => setUnits({ distance: option })} />
      </div>
    </section>
  );
}

function Voice({ store, t }: { store: Store; t: Translate }) {
  const settings = store.ui.value.voice?.settings;
  const change = (patch: VoiceSettingsPatch): void => void store.send({ type: 'voice.settings', settings: patch });
  const speech = store.speech;
  const muted = speech?.muted.value ?? false;
  return (
    <section class="settings-card" aria-labelledby="settings-wake">
      <h2 id="settings-wake" class="settings-heading">
        {t('settings:wake.title')}
      </h2>
      {settings ? (
        <>
          <h3 class="settings-subheading">{t('settings:wake.engine')}</h3>
          <Choices label={t('settings:wake.engine')} testid="settings-wake-engine" options={WAKE_ENGINES} value={settings.wakeEngine} name={(option) => t(`settings:wake.engines.${option}`)} onPick={(option) => change({ wakeEngine: option })} />
          <h3 class="settings-subheading">{t('settings:wake.keyword')}</h3>
          <Choices label={t('settings:wake.keyword')} testid="settings-wake-keyword" options={WAKE_KEYWORDS} value={settings.wakeKeyword} name={(option) => t(`settings:wake.keywords.${option}`)} onPick={(option) => change({ wakeKeyword: option })} />
          <h3 class="settings-subheading" id="settings-sensitivity">
            {t('settings:wake.sensitivity')}
          </h3>
          <div class="settings-stepper" role="group" aria-labelledby="settings-sensitivity">
            <button
              type="button"
              class="settings-step"
              aria-label={t('settings:wake.less')}
              data-testid="settings-sensitivity-less"
              disabled={settings.sensitivity <= 0}
              onClick={() => change({ sensitivity: stepSensitivity(settings.sensitivity, -SENSITIVITY_STEP) })}
            >
              −
            </button>
            <div class="settings-meter">
              <span class="settings-meter-value" data-testid="settings-sensitivity" data-value={settings.sensitivity}>
                {settings.sensitivity.toFixed(1)}
              </span>
              <span class="settings-meter-bar" aria-hidden="true">
                <span class="settings-meter-fill" style={{ width: `${Math.round(settings.sensitivity * 100)}%` }} />
              </span>
              <span class="settings-meter-ends" aria-hidden="true">
                <span>{t('settings:wake.strict')}</span>
                <span>{t('settings:wake.eager')}</span>
              </span>
            </div>
            <button
              type="button"
              class="settings-step"
              aria-label={t('settings:wake.more')}
              data-testid="settings-sensitivity-more"
              disabled={settings.sensitivity >= 1}
              onClick={() => change({ sensitivity: stepSensitivity(settings.sensitivity, SENSITIVITY_STEP) })}
            >
              +
            </button>
          </div>
        </>
      ) : (
        <p class="settings-hint">{t('settings:wake.unavailable')}</p>
      )}
      <h3 class="settings-subheading">{t('settings:output.title')}</h3>
      {speech ? (
        <button type="button" class="settings-choice settings-toggle" aria-pressed={muted} data-testid="settings-mute" onClick={() => speech.setMuted(!muted)}>
          <span>{t('settings:output.mute')}</span>
          <span class="settings-toggle-state">{t(muted ? 'settings:output.muted' : 'settings:output.on')}</span>
        </button>
      ) : (
        <p class="settings-hint">{t('settings:output.unavailable')}</p>
      )}
    </section>
  );
}

function modelStatus(model: ModelInfo, t: Translate): string {
  const download = model.download;
  if (download?.state === 'downloading') {
    const percent = downloadPercent(model);
    return percent === null ? t('settings:models.downloadingBytes', { received: formatBytes(download.receivedBytes, t) }) : t('settings:models.downloading', { percent });
  }
  if (download?.state === 'verifying') return t('settings:models.verifying');
  if (model.installed) return t('settings:models.installed');
  if (download?.state === 'failed') return t('settings:models.failed', { reason: t(`settings:models.errors.${download.error?.code ?? 'internal'}`) });
  if (download?.state === 'cancelled') return t('settings:models.cancelled');
  return t('settings:models.notInstalled');
}

function ModelRow({ store, model, t }: { store: Store; model: ModelInfo; t: Translate }) {
  const state = model.download?.state;
  const busy = state === 'downloading' || state === 'verifying';
  const percent = busy ? downloadPercent(model) : null;
  const failed = !model.installed && state === 'failed';
  return (
    <li class="settings-model" data-testid="settings-model" data-model={model.id} data-installed={String(model.installed)} data-state={state ?? (model.installed ? 'installed' : 'none')}>
      <div class="settings-model-text">
        <p class="settings-model-name">
          {model.name}
          {model.recommended && <span class="settings-badge">{t('settings:models.recommended')}</span>}
        </p>
        <p class="settings-model-meta">
          {t(`settings:models.kind.${model.kind}`)}
          {model.lang && ` · ${LANG_NAMES[model.lang]}`}
          {` · ${model.bytes === null ? t('settings:models.unknownSize') : formatBytes(model.bytes, t)}`}
        </p>
        <p class={failed ? 'settings-model-status settings-model-failed' : 'settings-model-status'} data-testid="settings-model-status" role={failed ? 'alert' : undefined}>
          {modelStatus(model, t)}
        </p>
        {busy && (
          <div
            class="settings-progress"
            role="progressbar"
            aria-label={t('settings:models.progress', { name: model.name })}
            aria-valuemin={0}
            aria-valuemax={100}
            {...(percent === null ? {} : { 'aria-valuenow': percent })}
            data-testid="settings-model-progress"
          >
            <div class={percent === null ? 'settings-progress-fill settings-progress-unknown' : 'settings-progress-fill'} style={{ width: `${percent ?? 100}%` }} />
          </div>
        )}
      </div>
      {state === 'downloading' ? (
        <button type="button" class="settings-action" aria-label={t('settings:models.cancelName', { name: model.name })} data-testid="settings-model-cancel" onClick={() => void store.send({ type: 'models.cancel', model: model.id })}>
          {t('settings:models.cancel')}
        </button>
      ) : (
        !model.installed &&
        !busy && (
          <button
            type="button"
            class="settings-action settings-action-primary"
            aria-label={t('settings:models.downloadName', { name: model.name })}
            data-testid="settings-model-download"
            onClick={() => void store.send({ type: 'models.pull', model: model.id })}
          >
            {t('settings:models.download')}
          </button>
        )
      )}
    </li>
  );
}

function Models({ store, t }: { store: Store; t: Translate }) {
  const { models, llm, state } = store.ui.value;
  const restrictions = state?.restrictions;
  const all = models?.models ?? [];
  // While moving, only as many rows as a glance allows.
  const shown = restrictions?.moving ? all.slice(0, restrictions.maxListItems) : all;
  return (
    <section class="settings-card settings-models" aria-labelledby="settings-models">
      <h2 id="settings-models" class="settings-heading">
        {t('settings:models.title')}
      </h2>
      {llm && (
        <p class={`settings-llm settings-llm-${llm.state}`} data-testid="settings-llm" data-state={llm.state}>
          <strong>{t('settings:models.llm', { state: t(`home:status.llm.${llm.state}`) })}</strong>
          {llm.detail && <span class="settings-llm-detail"> {restrictions?.moving ? clipText(llm.detail, restrictions.maxChars) : llm.detail}</span>}
        </p>
      )}
      {all.length === 0 ? (
        <p class="settings-hint">{t('settings:models.none')}</p>
      ) : (
        <ul class="settings-model-list">
          {shown.map((model) => (
            <ModelRow key={model.id} store={store} model={model} t={t} />
          ))}
        </ul>
      )}
      {shown.length < all.length && <p class="settings-hint">{t('common:moving')}</p>}
    </section>
  );
}

/** The settings screen. */
export function SettingsScreen({ store }: { store: Store }) {
  const t = useT();
  return (
    <section class="screen settings" data-testid="screen-settings" aria-labelledby="screen-title">
      <h1 id="screen-title" class="screen-title">
        {t('common:nav.settings')}
      </h1>
      <div class="settings-grid">
        <Languages store={store} t={t} />
        <Appearance store={store} t={t} />
        <Voice store={store} t={t} />
        <Models store={store} t={t} />
      </div>
    </section>
  );
}
