// The voice settings (how Kemudi is woken, and how eagerly) and the speech-recognition models installed:
// kept in SQLite across restarts and reported to the screen as the `voice` event, which the renderer's
// voice controller follows (renderer/src/voice/controller.ts). Speech runs in the renderer; only what it
// should do is decided here, so every screen (and a reconnecting one) gets the same answer.
import { type VoiceEvent, type VoiceModelInfo, VoiceSettings, type VoiceSettingsPatch } from '../../../common/contract.js';
import type { SettingsStore } from '../../storage/settings.js';

export const VOICE_SETTINGS_KEY = 'voice.settings';

/** "Hey Kemudi" through Vosk where a model is installed, else openWakeWord's "hey jarvis" (it ships with the
 *  app: no download needed to wake Kemudi by voice). */
export const DEFAULT_VOICE_SETTINGS: VoiceSettings = {
  wakeEngine: 'auto',
  wakeKeyword: 'hey_jarvis',
  wakePhrases: { en: 'hey kemudi', id: 'hai kemudi', zh: '你好 kemudi' },
  sensitivity: 0.5,
};

export interface VoiceControls {
  snapshot(): VoiceEvent;
  update(patch: VoiceSettingsPatch): VoiceEvent;
  /** Looks at the installed models again (after `kemudi models pull` while the app runs). */
  refresh(): void;
  onChange(listener: (event: VoiceEvent) => void): () => void;
}

export interface VoiceSettingsOptions {
  settings?: SettingsStore;
  /** The speech-recognition models installed now. */
  models: () => VoiceModelInfo[];
}

export function createVoiceSettings(options: VoiceSettingsOptions): VoiceControls {
  const listeners = new Set<(event: VoiceEvent) => void>();
  // A damaged or older value falls back to the defaults, field by field where it still parses as a whole.
  let settings: VoiceSettings = options.settings?.get(VOICE_SETTINGS_KEY, VoiceSettings) ?? DEFAULT_VOICE_SETTINGS;
  let models = options.models();
  const snapshot = (): VoiceEvent => ({ type: 'voice', settings, models });
  const emit = (): void => {
    const event = snapshot();
    for (const listener of [...listeners]) listener(event);
  };
  return {
    snapshot,
    update(patch) {
      const next: VoiceSettings = {
        ...settings,
        ...(patch.wakeEngine !== undefined ? { wakeEngine: patch.wakeEngine } : {}),
        ...(patch.wakeKeyword !== undefined ? { wakeKeyword: patch.wakeKeyword } : {}),
        ...(patch.sensitivity !== undefined ? { sensitivity: patch.sensitivity } : {}),
        wakePhrases: { ...settings.wakePhrases, ...patch.wakePhrases },
      };
      settings = next;
      options.settings?.set(VOICE_SETTINGS_KEY, next);
      emit();
      return snapshot();
    },
    refresh() {
      const found = options.models();
      if (JSON.stringify(found) === JSON.stringify(models)) return;
      models = found;
      emit();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
