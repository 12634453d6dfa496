// The units the driver reads: temperature in °C or °F, distance in km or miles. A choice of this screen only
// (the core always speaks SI: °C and metres), kept in localStorage. The format helpers are pure apart from
// their defaults, which read the signal, so a component using them re-renders when the choice changes.
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Lang } from '../../../common/contract.js';
import { formatDistance as formatKm } from './map.js';

export const UNITS_KEY = 'kemudi.ui.units';
export const TEMPERATURE_UNITS = ['c', 'f'] as const;
export const DISTANCE_UNITS = ['km', 'mi'] as const;
export type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];
export type DistanceUnit = (typeof DISTANCE_UNITS)[number];
export interface Units {
  temperature: TemperatureUnit;
  distance: DistanceUnit;
}

export const DEFAULT_UNITS: Units = { temperature: 'c', distance: 'km' };

/** The stored choice, each part checked; anything unreadable falls back to °C and km. */
export function parseUnits(raw: string | null | undefined): Units {
  try {
    const value = raw ? (JSON.parse(raw) as Partial<Record<keyof Units, unknown>>) : {};
    return {
      temperature: (TEMPERATURE_UNITS as readonly unknown[]).includes(value.temperature) ? (value.temperature as TemperatureUnit) : DEFAULT_UNITS.temperature,
      distance: (DISTANCE_UNITS as readonly unknown[]).includes(value.distance) ? (value.distance as DistanceUnit) : DEFAULT_UNITS.distance,
    };
  } catch {
    return { ...DEFAULT_UNITS };
  }
}

/** The page's localStorage, typed here so the pure helpers also compile (and run) outside a browser. */
interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
const storage = (): KeyValue | undefined => (globalThis as unknown as { localStorage?: KeyValue }).localStorage;

function stored(): Units {
  try {
    return parseUnits(storage()?.getItem(UNITS_KEY));
  } catch {
    return { ...DEFAULT_UNITS };
  }
}

const current = signal<Units>(stored());
export const units: ReadonlySignal<Units> = current;

export function setUnits(patch: Partial<Units>): void {
  current.value = { ...current.value, ...patch };
  try {
    storage()?.setItem(UNITS_KEY, JSON.stringify(current.value));
  } catch {
    // This session only.
  }
}

const DECIMAL: Record<Lang, string> = { en: '.', id: ',', zh: '.' };
const MILES: Record<Lang, { mi: string; ft: string }> = {
  en: { mi: ' mi', ft: ' ft' },
  id: { mi: ' mil', ft: ' kaki' },
  zh: { mi: ' 英里', ft: ' 英尺' },
};
const METRES_PER_MILE = 1609.344;
const FEET_PER_METRE = 3.28084;

function decimal(value: number, lang: Lang): string {
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return text.replace('.', DECIMAL[lang]);
}

/** A temperature the core gives in °C, in the unit chosen: "21.5 °C", "71 °F" (whole degrees Fahrenheit). */
export function formatTemperature(celsius: number, unit: TemperatureUnit = current.value.temperature, lang: Lang = 'en'): string {
  if (unit === 'f') return `${Math.round((celsius * 9) / 5 + 32)} °F`;
  return `${decimal(Math.round(celsius * 10) / 10, lang)} °C`;
}

/** A distance the core gives in metres, in the unit chosen: kilometres as the map writes them ("350 m",
 *  "1.2 km"), or feet below a tenth of a mile ("450 ft"), miles with one decimal below ten, whole beyond. */
export function formatDistance(metres: number, unit: DistanceUnit = current.value.distance, lang: Lang = 'en'): string {
  if (unit === 'km') return formatKm(metres, lang);
  const m = Number.isFinite(metres) ? Math.max(0, metres) : 0;
  const words = MILES[lang];
  const miles = m / METRES_PER_MILE;
  if (miles < 0.1) return `${Math.round((m * FEET_PER_METRE) / 10) * 10}${words.ft}`;
  if (miles < 9.95) return `${decimal(Math.round(miles * 10) / 10, lang)}${words.mi}`;
  return `${Math.round(miles)}${words.mi}`;
}
