// The strings without i18next or signals: a key's text in a given language, with {{name}} placeholders filled
// in. For the pure helpers of state/ (status chips, the simulator's rows), which the unit tests run in plain
// Node and which take the language as an argument. Components use useT() (./index.ts); both read the same files.
import type { Lang } from '../../../common/contract.js';
import { RESOURCES } from './strings/index.js';

export type Vars = Readonly<Record<string, string | number>>;

function lookup(lang: Lang, key: string): string | undefined {
  const [ns, path] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key];
  let node: unknown = RESOURCES[lang][ns];
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Fills `{{name}}` placeholders (i18next's syntax); a missing value leaves the placeholder as it is. */
export function interpolate(template: string, vars: Vars = {}): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** `area:key.path` in `lang`, falling back to English, then to the key itself (as i18next does). */
export function text(lang: Lang, key: string, vars?: Vars): string {
  return interpolate(lookup(lang, key) ?? lookup('en', key) ?? key, vars);
}
