// Weather for `assistant.weather` (slots: place?, when: now | today | tomorrow).
//
// A WeatherProvider answers one question: the weather now, today or tomorrow, at a position or a named
// place. Two exist:
// - SimulatedWeather: the loaded scenario's `weather:` section (scenario.ts checks it). Offline, exact,
//   what the tests and the simulator use.
// - OpenMeteo (open-meteo.ts): Open-Meteo's forecast API, only when KEMUDI_WEATHER_URL is set and the
//   server answers.
// chooseWeather() puts them in order: the first that knows answers; when none does, the answer is an
// `unavailable` error, and the handler says honestly that it cannot know the weather offline.
// Nothing here throws: every outcome is a Result.
import { err, ok, type KemudiError, type Result } from '../../../common/result.js';

/** The conditions the assistant can name, from fair to foul. Open-Meteo's WMO codes map onto these. */
export const WEATHER_CONDITIONS = ['clear', 'partly_cloudy', 'cloudy', 'fog', 'drizzle', 'rain', 'heavy_rain', 'thunderstorm', 'snow'] as const;
export type WeatherCondition = (typeof WEATHER_CONDITIONS)[number];

export const WEATHER_WHENS = ['now', 'today', 'tomorrow'] as const;
export type WeatherWhen = (typeof WEATHER_WHENS)[number];

export function isWeatherCondition(value: unknown): value is WeatherCondition {
  return typeof value === 'string' && (WEATHER_CONDITIONS as readonly string[]).includes(value);
}

/** WGS84 degrees. */
export interface Position {
  lat: number;
  lon: number;
}

export interface WeatherRequest {
  when: WeatherWhen;
  /** The place the driver named, as said ("Bandung", "北京"); absent means "here". */
  place?: string;
  /** Where to forecast: the car's GPS for "here", or the named place's coordinates once something has
   *  resolved them. A named place without a position cannot be looked up online. */
  position?: Position;
}

export interface WeatherOptions {
  /** Barge-in and cancel stop a slow lookup through this; the answer is then `cancelled`. */
  signal?: AbortSignal;
}

interface WeatherCommon {
  /** Who answered: the scenario's weather or the online forecast. */
  source: 'simulator' | 'online';
  /** The place the answer is about, when there is a name for it. */
  place?: string;
  condition: WeatherCondition;
  /** The highest chance of rain, 0..100 %. */
  precipitationChance?: number;
  /** Wind speed in km/h (now: the current wind; a day: as given). */
  windKmh?: number;
}

/** Now: one temperature. A day: its low and high. Narrow on `when`. */
export type Weather = WeatherCommon & ({ when: 'now'; temperatureC: number } | { when: 'today' | 'tomorrow'; minC: number; maxC: number });

/**
 * Errors: `unavailable` (no source knows: offline, no scenario weather, a place without coordinates),
 * `timeout`, `cancelled`, `invalid_output` (a source answered with something unusable).
 */
export interface WeatherProvider {
  forecast(request: WeatherRequest, options?: WeatherOptions): Promise<Result<Weather>>;
}

// ---- Simulated weather: the scenario's ----

/** Now as a scenario gives it. */
export interface SimulatedNow {
  condition: WeatherCondition;
  temperatureC: number;
  precipitationChance?: number;
  windKmh?: number;
}

/** A day as a scenario gives it; min ≤ max is checked by the scenario schema. */
export interface SimulatedDay {
  condition: WeatherCondition;
  minC: number;
  maxC: number;
  precipitationChance?: number;
  windKmh?: number;
}

/** A scenario's `weather:` section once checked. Each part is optional; a part not given is `unavailable`. */
export interface SimulatedWeatherData {
  /** The names the weather is for, the first being the one said back ("Jakarta"); empty when not given. */
  places: string[];
  now?: SimulatedNow;
  today?: SimulatedDay;
  tomorrow?: SimulatedDay;
}

/** Case, width, spacing and punctuation folded, so "jakarta" and " Jakarta." name the same place. */
function placeKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLocaleLowerCase('en')
    .replace(/[\s\p{P}]+/gu, '');
}

/**
 * The loaded scenario's weather. The simulator controller calls `set(scenario.weather)` whenever it loads
 * a scenario (and `set(null)` when none is loaded). It answers for "here" and for a named place that is
 * one of the scenario's `place` names; anything else, or a `when` the scenario does not give, is
 * `unavailable`, so a provider after it in chooseWeather() may answer instead.
 */
export class SimulatedWeather implements WeatherProvider {
  private data: SimulatedWeatherData | null;

  constructor(data: SimulatedWeatherData | null = null) {
    this.data = data;
  }

  set(data: SimulatedWeatherData | null): void {
    this.data = data;
  }

  get current(): SimulatedWeatherData | null {
    return this.data;
  }

  async forecast(request: WeatherRequest, options: WeatherOptions = {}): Promise<Result<Weather>> {
    if (options.signal?.aborted) return err('cancelled', 'the weather request was cancelled');
    const data = this.data;
    if (!data) return err('unavailable', 'the simulator has no weather: the scenario gives none');
    const named = data.places[0];
    if (request.place !== undefined && request.place.trim() !== '') {
      const asked = placeKey(request.place);
      if (!data.places.some((p) => placeKey(p) === asked)) {
        return err('unavailable', `the scenario's weather is for ${named ?? 'where the car is'}, not ${request.place}`);
      }
    }
    const place = named === undefined ? {} : { place: named };
    if (request.when === 'now') {
      const now = data.now;
      if (!now) return err('unavailable', 'the scenario gives no weather for now');
      return ok({ source: 'simulator', ...place, when: 'now', condition: now.condition, temperatureC: now.temperatureC, ...extras(now) });
    }
    const day = data[request.when];
    if (!day) return err('unavailable', `the scenario gives no weather for ${request.when}`);
    return ok({ source: 'simulator', ...place, when: request.when, condition: day.condition, minC: day.minC, maxC: day.maxC, ...extras(day) });
  }
}

/** The optional figures, present only when given. */
function extras(part: { precipitationChance?: number; windKmh?: number }): { precipitationChance?: number; windKmh?: number } {
  return {
    ...(part.precipitationChance !== undefined ? { precipitationChance: part.precipitationChance } : {}),
    ...(part.windKmh !== undefined ? { windKmh: part.windKmh } : {}),
  };
}

// ---- Choosing a source ----

/**
 * One provider over several, asked in the order given: the first answer wins. Pass the scenario's first
 * and the online one second (`chooseWeather([simulatedWeather, openMeteoFromEnv()])`); a null entry (the
 * online provider not configured) is skipped, so the head unit passes only the online one.
 *
 * - `cancelled` stops at once: the driver moved on.
 * - Any other error moves on to the next provider.
 * - When none answers: the first error that is not `unavailable` (a `timeout` or `invalid_output` says
 *   more than "nobody knows"), else one `unavailable` whose message gives every provider's reason.
 *   With no providers at all, `unavailable`: offline and no scenario weather.
 */
export function chooseWeather(providers: readonly (WeatherProvider | null | undefined)[]): WeatherProvider {
  const chain = providers.filter((p): p is WeatherProvider => p !== null && p !== undefined);
  return {
    async forecast(request: WeatherRequest, options: WeatherOptions = {}): Promise<Result<Weather>> {
      if (chain.length === 0) return err('unavailable', 'no weather source: offline, and no scenario weather');
      const errors: KemudiError[] = [];
      for (const provider of chain) {
        if (options.signal?.aborted) return err('cancelled', 'the weather request was cancelled');
        let result: Result<Weather>;
        try {
          result = await provider.forecast(request, options);
        } catch (error) {
          // A provider is not supposed to throw; if one does, the next may still know.
          result = err('internal', `a weather provider failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (result.ok) return result;
        if (result.error.code === 'cancelled') return result;
        errors.push(result.error);
      }
      const telling = errors.find((e) => e.code !== 'unavailable');
      if (telling) return { ok: false, error: telling };
      return err('unavailable', errors.map((e) => e.message).join('; '));
    },
  };
}
