// The screen's words in English, Indonesian and Chinese, through i18next. Strings live per area in
// strings/<area>.ts as one object per language; TypeScript checks that id and zh have every key en has, so a
// string cannot be added in one language only. The language shown is a signal: components that call t()
// re-render when it changes.
import { signal, type ReadonlySignal } from '@preact/signals';
import i18next, { type TOptions } from 'i18next';
import { LANGS, type Lang } from '../../../common/contract.js';
import { RESOURCES } from './strings/index.js';

export const UI_LANG_KEY = 'kemudi.ui.lang';

/** The first of the browser's languages Kemudi speaks, else English. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'in') return 'id'; // the old code some systems still report
    if ((LANGS as readonly string[]).includes(base ?? '')) return base as Lang;
  }
  return 'en';
}

function storedLang(): Lang | null {
  try {
    const value = globalThis.localStorage?.getItem(UI_LANG_KEY);
    return value && (LANGS as readonly string[]).includes(value) ? (value as Lang) : null;
  } catch {
    return null;
  }
}

const lang = signal<Lang>(storedLang() ?? preferredLang(globalThis.navigator?.languages ?? []));
export const uiLang: ReadonlySignal<Lang> = lang;

const i18n = i18next.createInstance();
void i18n.init({
  resources: RESOURCES,
  lng: lang.value,
  fallbackLng: 'en',
  // Synchronous: the resources are bundled, so the first render already has them.
  initAsync: false,
  interpolation: { escapeValue: false }, // Preact escapes
  returnNull: false,
});

export function setUiLang(next: Lang): void {
  lang.value = next;
  void i18n.changeLanguage(next);
  if (typeof document !== 'undefined') document.documentElement.lang = next === 'zh' ? 'zh-CN' : next;
  try {
    globalThis.localStorage?.setItem(UI_LANG_KEY, next);
  } catch {
    // Kept for this session only.
  }
}

export type Translate = (key: string, options?: TOptions) => string;

/** Plain lookups (no options) per language: a screen re-renders on every state event while the car moves,
 *  and i18next's resolution was most of that render's time on a slow CPU. The strings never change. */
const translators = new Map<Lang, Translate>();

function translatorFor(language: Lang): Translate {
  let translator = translators.get(language);
  if (!translator) {
    const fixed = i18n.getFixedT(language);
    const cache = new Map<string, string>();
    translator = (key, options) => {
      if (options) return String(fixed(key, options));
      let value = cache.get(key);
      if (value === undefined) {
        value = String(fixed(key, {}));
        cache.set(key, value);
      }
      return value;
    };
    translators.set(language, translator);
  }
  return translator;
}

/** The translate function for the language shown now. Reading the signal here subscribes the calling
 *  component, so it re-renders in the new language. */
export function useT(): Translate {
  return translatorFor(lang.value);
}

/** Translates outside components (notices, titles), in the language shown now. */
export function translate(key: string, options?: TOptions): string {
  return translatorFor(lang.value)(key, options);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A number format for the language shown, made once (constructing one costs more than a render). */
export function numberFormat(language: Lang, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `${language}:${maximumFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { maximumFractionDigits });
    numberFormats.set(key, format);
  }
  return format;
}
