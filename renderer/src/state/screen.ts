// Which screen is shown, and the theme: state of this screen only (not the core's), kept in the page.
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { UiState } from './ui.js';

export const SCREENS = ['home', 'navigation', 'messages', 'phone', 'climate', 'media', 'vehicle', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export const THEME_SETTINGS = ['auto', 'day', 'night'] as const;
export type ThemeSetting = (typeof THEME_SETTINGS)[number];
export type Theme = 'day' | 'night';
export const THEME_KEY = 'kemudi.ui.theme';

/** The page's localStorage where there is one (this file also runs in Node, in tests). */
const storage = (): { getItem(key: string): string | null; setItem(key: string, value: string): void } | undefined =>
  (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } }).localStorage;

/** Night from 19:00 to 06:00 by the clock, or whenever the headlights are on. */
export function autoTheme(hour: number, headlightsOn: boolean): Theme {
  return headlightsOn || hour >= 19 || hour < 6 ? 'night' : 'day';
}

export interface ScreenState {
  readonly screen: ReadonlySignal<Screen>;
  show(screen: Screen): void;
  readonly themeSetting: ReadonlySignal<ThemeSetting>;
  setTheme(setting: ThemeSetting): void;
  /** The theme in effect. */
  readonly theme: ReadonlySignal<Theme>;
  dispose(): void;
}

function storedTheme(): ThemeSetting {
  try {
    const value = storage()?.getItem(THEME_KEY);
    return (THEME_SETTINGS as readonly string[]).includes(value ?? '') ? (value as ThemeSetting) : 'auto';
  } catch {
    return 'auto';
  }
}

export function createScreenState(ui: ReadonlySignal<UiState>, now: () => Date = () => new Date()): ScreenState {
  const screen = signal<Screen>('home');
  const themeSetting = signal<ThemeSetting>(storedTheme());
  const hour = signal(now().getHours());
  const clock = setInterval(() => (hour.value = now().getHours()), 60_000);
  const theme = computed<Theme>(() => {
    if (themeSetting.value !== 'auto') return themeSetting.value;
    return autoTheme(hour.value, ui.value.state?.vehicle['Vehicle.Body.Lights.Beam.Low.IsOn'] === true);
  });
  return {
    screen,
    show: (next) => (screen.value = next),
    themeSetting,
    setTheme(setting) {
      themeSetting.value = setting;
      try {
        storage()?.setItem(THEME_KEY, setting);
      } catch {
        // This session only.
      }
    },
    theme,
    dispose: () => clearInterval(clock),
  };
}
