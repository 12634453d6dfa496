// The online weather provider: Open-Meteo's forecast API (free, no key). Opt-in: it exists only when
// KEMUDI_WEATHER_URL is set, and it is asked only after the scenario's weather (see chooseWeather), so
// nothing depends on the network. It needs coordinates: the car's GPS for "here", or a named place's
// coordinates once a geocoder has resolved them; a place without them is `unavailable`.
//
// One request answers all three `when`s:
//   GET {base}/v1/forecast?latitude=..&longitude=..&current=temperature_2m,weather_code,wind_speed_10m
//       &daily=weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max
//       &timezone=auto&forecast_days=2
// The answer holds `current` (one value per variable, `time` in local ISO 8601) and `daily` (parallel
// arrays, one entry per day from today, `time` as YYYY-MM-DD in the place's own time zone because of
// timezone=auto): daily[0] is today, daily[1] tomorrow. Units are Open-Meteo's defaults, °C and km/h.
// Values can be null where a model has no data. Errors come as HTTP 400 with { error: true, reason }.
// The body is untrusted: checked with zod, and every failure is a Result, never a throw.
import * as z from 'zod';
import { err, ok, type ErrorCode, type Result } from '../../../common/result.js';
import type { Position, Weather, WeatherCondition, WeatherOptions, WeatherProvider, WeatherRequest } from './weather.js';

export const DEFAULT_WEATHER_TIMEOUT_MS = 4_000;
/** A forecast is reused this long for the same (rounded) position. */
export const DEFAULT_WEATHER_CACHE_MS = 10 * 60_000;
/** After the server could not be reached (or timed out), it is not asked again for this long: an
 *  offline car answers `unavailable` at once instead of waiting out the timeout on every question. */
export const DEFAULT_WEATHER_RETRY_MS = 60_000;
/** Coordinates are rounded to this many decimals (0.01° ≈ 1 km) before they are sent or cached: the
 *  forecast grid is coarser than that, and the server need not know exactly where the car is. */
export const POSITION_DECIMALS = 2;
/** A forecast for two days is a few KiB; anything much bigger is not one. */
const MAX_BODY_BYTES = 256 * 1024;
/** Cached positions kept at most; the oldest go first. */
const MAX_CACHE_ENTRIES = 64;

// ---- WMO weather codes → our conditions ----

/**
 * The WMO codes Open-Meteo documents (its "WMO Weather interpretation codes (WW)" table):
 * 0 clear sky; 1, 2, 3 mainly clear, partly cloudy, overcast; 45, 48 fog and depositing rime fog;
 * 51, 53, 55 drizzle (light, moderate, dense); 56, 57 freezing drizzle; 61, 63, 65 rain (slight,
 * moderate, heavy); 66, 67 freezing rain; 71, 73, 75 snow fall; 77 snow grains; 80, 81, 82 rain showers
 * (slight, moderate, violent); 85, 86 snow showers; 95 thunderstorm; 96, 99 thunderstorm with hail.
 */
const WMO: Readonly<Record<number, WeatherCondition>> = {
  0: 'clear',
  1: 'clear', // mainly clear
  2: 'partly_cloudy',
  3: 'cloudy', // overcast
  45: 'fog',
  48: 'fog',
  51: 'drizzle',
  53: 'drizzle',
  55: 'drizzle',
  56: 'drizzle', // freezing drizzle
  57: 'drizzle',
  61: 'rain',
  63: 'rain',
  65: 'heavy_rain',
  66: 'rain', // freezing rain
  67: 'heavy_rain',
  71: 'snow',
  73: 'snow',
  75: 'snow',
  77: 'snow', // snow grains
  80: 'rain', // rain showers
  81: 'rain',
  82: 'heavy_rain', // violent rain showers
  85: 'snow', // snow showers
  86: 'snow',
  95: 'thunderstorm',
  96: 'thunderstorm', // with hail
  99: 'thunderstorm',
};

/**
 * The condition for a WMO present-weather code (table 4677). The codes Open-Meteo documents are mapped one
 * by one; another code of 40..99 goes by its decade (40s fog, 50s drizzle, 60s rain, 70s snow, 80..84
 * showers, 85..90 snow showers, 91..99 thunderstorm); anything else is null.
 */
export function conditionFromWmo(code: number): WeatherCondition | null {
  if (!Number.isInteger(code)) return null;
  const known = WMO[code];
  if (known) return known;
  if (code >= 40 && code <= 49) return 'fog';
  if (code >= 50 && code <= 59) return 'drizzle';
  if (code >= 60 && code <= 69) return 'rain';
  if (code >= 70 && code <= 79) return 'snow';
  if (code >= 80 && code <= 84) return 'rain';
  if (code >= 85 && code <= 90) return 'snow';
  if (code >= 91 && code <= 99) return 'thunderstorm';
  return null;
}

// ---- Configuration ----

/** A bad KEMUDI_WEATHER_URL. Thrown at start-up by openMeteoFromEnv, never later. */
export class WeatherConfigError extends Error {
  override readonly name = 'WeatherConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks an http(s) base URL and returns it without a trailing slash or `/v1`. */
export function parseWeatherUrl(raw: string, setting = 'KEMUDI_WEATHER_URL'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WeatherConfigError(setting, `${setting} is not a URL: ${JSON.stringify(raw)} (expected e.g. https://api.open-meteo.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeatherConfigError(setting, `${setting} must be an http:// or https:// URL, not ${url.protocol}// (${JSON.stringify(raw)})`);
  }
  if (url.username || url.password) throw new WeatherConfigError(setting, `${setting} must not carry credentials`);
  if (url.search || url.hash) throw new WeatherConfigError(setting, `${setting} must be a base URL without ?query or #fragment (${JSON.stringify(raw)})`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
}

/**
 * The Open-Meteo provider from the environment, or null when KEMUDI_WEATHER_URL is unset or empty
 * (then there is no online weather at all). E.g. KEMUDI_WEATHER_URL=https://api.open-meteo.com, or a
 * self-hosted Open-Meteo. A set but unusable value throws a WeatherConfigError naming the variable:
 * a mistake is reported once, at start-up, rather than silently leaving the car without weather.
 */
export function openMeteoFromEnv(env: NodeJS.ProcessEnv = process.env): OpenMeteo | null {
  const url = env.KEMUDI_WEATHER_URL?.trim();
  if (!url) return null;
  return new OpenMeteo({ baseUrl: parseWeatherUrl(url) });
}

// ---- What the server sends back (checked, never trusted) ----

const Num = z.number().finite();
const Code = z.number().int().min(0).max(99);

const ForecastBody = z.object({
  current: z.object({
    time: z.string(),
    temperature_2m: Num.nullable(),
    weather_code: Code.nullable(),
    wind_speed_10m: Num.min(0).nullable().optional(),
  }),
  daily: z
    .object({
      time: z.array(z.string()).min(1),
      weather_code: z.array(Code.nullable()),
      temperature_2m_max: z.array(Num.nullable()),
      temperature_2m_min: z.array(Num.nullable()),
      precipitation_probability_max: z.array(Num.min(0).max(100).nullable()).optional(),
    })
    .refine((d) => [d.weather_code, d.temperature_2m_max, d.temperature_2m_min, d.precipitation_probability_max ?? d.time].every((a) => a.length === d.time.length), {
      message: 'the daily arrays differ in length',
    }),
});
type ForecastBody = z.output<typeof ForecastBody>;

const ErrorBody = z.object({ error: z.literal(true), reason: z.string() });

// ---- The provider ----

export interface OpenMeteoOptions {
  /** http(s) base URL, e.g. https://api.open-meteo.com (a trailing /v1 is accepted and dropped). */
  baseUrl: string;
  /** Deadline of one request, body included. */
  timeoutMs?: number;
  cacheMs?: number;
  retryMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Cached {
  at: number;
  body: ForecastBody;
}

export class OpenMeteo implements WeatherProvider {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  /** Rounded position → the last forecast; one forecast answers now, today and tomorrow. */
  private readonly cache = new Map<string, Cached>();
  /** Until when the server is not asked, after it could not be reached. */
  private downUntil = 0;
  private downReason = '';

  constructor(options: OpenMeteoOptions) {
    this.baseUrl = parseWeatherUrl(options.baseUrl, 'baseUrl');
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_WEATHER_TIMEOUT_MS, 'timeoutMs');
    this.cacheMs = nonNegative(options.cacheMs, DEFAULT_WEATHER_CACHE_MS, 'cacheMs');
    this.retryMs = nonNegative(options.retryMs, DEFAULT_WEATHER_RETRY_MS, 'retryMs');
    this.now = options.now ?? Date.now;
  }

  async forecast(request: WeatherRequest, options: WeatherOptions = {}): Promise<Result<Weather>> {
    if (options.signal?.aborted) return err('cancelled', 'the weather request was cancelled');
    const position = request.position;
    if (!position) {
      return err('unavailable', request.place ? `the online forecast needs coordinates, and ${request.place} has none yet` : 'the online forecast needs the car’s position, and there is none');
    }
    if (!validPosition(position)) return err('unavailable', `not a position: ${JSON.stringify(position)}`);
    const rounded = roundPosition(position);
    const key = `${rounded.lat},${rounded.lon}`;
    const now = this.now();

    let body: ForecastBody;
    const cached = this.cache.get(key);
    if (cached && now - cached.at < this.cacheMs) {
      body = cached.body;
    } else {
      if (now < this.downUntil) return err('unavailable', `the weather service is not reachable (${this.downReason}); trying again in ${Math.ceil((this.downUntil - now) / 1000)} s`);
      const fetched = await this.fetchForecast(rounded, options.signal);
      if (!fetched.ok) {
        if (fetched.error.code === 'unavailable' || fetched.error.code === 'timeout') {
          this.downUntil = this.now() + this.retryMs;
          this.downReason = fetched.error.message;
        }
        return fetched;
      }
      body = fetched.value;
      this.downUntil = 0;
      this.cache.delete(key);
      this.cache.set(key, { at: this.now(), body });
      while (this.cache.size > MAX_CACHE_ENTRIES) {
        const oldest = this.cache.keys().next().value;
        if (oldest === undefined) break;
        this.cache.delete(oldest);
      }
    }
    return toWeather(body, request);
  }

  /** Forgets cached forecasts and a recent failure. */
  clear(): void {
    this.cache.clear();
    this.downUntil = 0;
  }

  /** The request URL for a (rounded) position. */
  forecastUrl(position: Position): string {
    const params = new URLSearchParams({
      latitude: String(position.lat),
      longitude: String(position.lon),
      current: 'temperature_2m,weather_code,wind_speed_10m',
      daily: 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max',
      timezone: 'auto',
      forecast_days: '2',
    });
    // URLSearchParams writes commas as %2C; Open-Meteo reads either, and its own examples use commas.
    return `${this.baseUrl}/v1/forecast?${params.toString().replaceAll('%2C', ',')}`;
  }

  private async fetchForecast(position: Position, signal: AbortSignal | undefined): Promise<Result<ForecastBody>> {
    // One controller: the caller's signal and the deadline both stop the request and the body read,
    // and the first to do so names the outcome.
    const controller = new AbortController();
    let stopped: { code: ErrorCode; message: string } | undefined;
    const halt = (code: ErrorCode, message: string): void => {
      if (stopped) return;
      stopped = { code, message };
      controller.abort(new Error(message));
    };
    const onAbort = (): void => halt('cancelled', 'the weather request was cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => halt('timeout', `the weather service did not answer within ${this.timeoutMs} ms`), this.timeoutMs);
    try {
      const result = await this.send(position, controller.signal);
      return stopped ? err(stopped.code, stopped.message) : result;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The request itself; an abort shows up as `unavailable` here and is renamed by fetchForecast. */
  private async send(position: Position, signal: AbortSignal): Promise<Result<ForecastBody>> {
    let response: Response;
    try {
      response = await fetch(this.forecastUrl(position), { headers: { accept: 'application/json' }, signal });
    } catch (error) {
      return err('unavailable', `the weather service at ${this.baseUrl} is not reachable (${describe(error)})`);
    }
    let text: string;
    try {
      text = await readCapped(response, MAX_BODY_BYTES);
    } catch (error) {
      return err(signal.aborted ? 'unavailable' : 'invalid_output', `the weather service's answer could not be read (${describe(error)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return response.ok ? err('invalid_output', 'the weather service answered with something that is not JSON') : err('unavailable', `the weather service answered HTTP ${response.status}`);
    }
    if (!response.ok) {
      const reason = ErrorBody.safeParse(json);
      return err('unavailable', `the weather service answered HTTP ${response.status}${reason.success ? `: ${reason.data.reason.slice(0, 200)}` : ''}`);
    }
    const parsed = ForecastBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return err('invalid_output', `the weather service's answer is not a forecast${issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''}`);
    }
    return ok(parsed.data);
  }
}

/** The answer for one `when` from a forecast; a value the forecast lacks (null) is `unavailable`. */
function toWeather(body: ForecastBody, request: WeatherRequest): Result<Weather> {
  const place = request.place ? { place: request.place } : {};
  if (request.when === 'now') {
    const { temperature_2m: temperatureC, weather_code: code, wind_speed_10m: wind } = body.current;
    if (temperatureC === null || code === null) return err('unavailable', 'the forecast has no current weather here');
    const condition = conditionFromWmo(code);
    if (!condition) return err('invalid_output', `weather code ${code} is not one Open-Meteo documents`);
    return ok({ source: 'online', ...place, when: 'now', condition, temperatureC, ...(wind != null ? { windKmh: wind } : {}) });
  }
  const index = request.when === 'today' ? 0 : 1;
  const daily = body.daily;
  const code = daily.weather_code[index];
  const maxC = daily.temperature_2m_max[index];
  const minC = daily.temperature_2m_min[index];
  if (code == null || maxC == null || minC == null) return err('unavailable', `the forecast has no data for ${request.when} here`);
  const condition = conditionFromWmo(code);
  if (!condition) return err('invalid_output', `weather code ${code} is not one Open-Meteo documents`);
  const chance = daily.precipitation_probability_max?.[index];
  return ok({ source: 'online', ...place, when: request.when, condition, minC: Math.min(minC, maxC), maxC: Math.max(minC, maxC), ...(chance != null ? { precipitationChance: chance } : {}) });
}

// ---- Helpers ----

function validPosition(p: Position): boolean {
  return Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
}

export function roundPosition(p: Position): Position {
  const f = 10 ** POSITION_DECIMALS;
  // + 0 turns -0 into 0, so the key and the URL read the same either side of the equator.
  return { lat: Math.round(p.lat * f) / f + 0, lon: Math.round(p.lon * f) / f + 0 };
}

/** The body as text, refusing more than `max` bytes. */
async function readCapped(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) throw new Error(`${declared} bytes, more than ${max}`);
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new WeatherConfigError(name, `${name} must be a positive number of ms, not ${v}`);
  return v;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new WeatherConfigError(name, `${name} must be ≥ 0 ms, not ${v}`);
  return v;
}
