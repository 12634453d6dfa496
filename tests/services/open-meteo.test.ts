// The Open-Meteo provider against a local server on 127.0.0.1 that answers the way api.open-meteo.com
// does: query parameters, WMO codes mapped to conditions, timeout, unreachable, bad bodies, the cache.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionFromWmo,
  DEFAULT_WEATHER_TIMEOUT_MS,
  OpenMeteo,
  openMeteoFromEnv,
  parseWeatherUrl,
  roundPosition,
  WeatherConfigError,
  type OpenMeteoOptions,
} from '../../main/services/assistant/open-meteo.js';
import { chooseWeather, SimulatedWeather } from '../../main/services/assistant/weather.js';

const JAKARTA = { lat: -6.21972, lon: 106.81431 };

/** A forecast as Open-Meteo sends it for the query the provider makes (timezone=auto, two days). */
function forecastBody(codes: { now?: number | null; today?: number | null; tomorrow?: number | null } = {}) {
  return {
    latitude: -6.25,
    longitude: 106.75,
    generationtime_ms: 0.0739097595214844,
    utc_offset_seconds: 25200,
    timezone: 'Asia/Jakarta',
    timezone_abbreviation: 'GMT+7',
    elevation: 12,
    current_units: { time: 'iso8601', interval: 'seconds', temperature_2m: '°C', weather_code: 'wmo code', wind_speed_10m: 'km/h' },
    current: { time: '2025-03-14T15:45', interval: 900, temperature_2m: 31.4, weather_code: codes.now === undefined ? 61 : codes.now, wind_speed_10m: 9.7 },
    daily_units: { time: 'iso8601', weather_code: 'wmo code', temperature_2m_max: '°C', temperature_2m_min: '°C', precipitation_probability_max: '%' },
    daily: {
      time: ['2025-03-14', '2025-03-15'],
      weather_code: [codes.today === undefined ? 95 : codes.today, codes.tomorrow === undefined ? 0 : codes.tomorrow],
      temperature_2m_max: [32.9, 33.4],
      temperature_2m_min: [24.8, 25.1],
      precipitation_probability_max: [87, 12],
    },
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
const seen: URL[] = [];
/** Responses left hanging by the timeout test, closed after it. */
const hanging: ServerResponse[] = [];

function json(body: unknown, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen.length = 0;
  for (const res of hanging.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function provider(options: Partial<OpenMeteoOptions> = {}): OpenMeteo {
  return new OpenMeteo({ baseUrl: base, ...options });
}

describe('Open-Meteo', () => {
  it('asks /v1/forecast with the documented parameters and rounded coordinates, and maps now', async () => {
    handler = json(forecastBody());
    const result = await provider().forecast({ when: 'now', position: JAKARTA });
    expect(result).toEqual({ ok: true, value: { source: 'online', when: 'now', condition: 'rain', temperatureC: 31.4, windKmh: 9.7 } });
    expect(seen).toHaveLength(1);
    const url = seen[0];
    expect(url?.pathname).toBe('/v1/forecast');
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({
      latitude: '-6.22',
      longitude: '106.81',
      current: 'temperature_2m,weather_code,wind_speed_10m',
      daily: 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max',
      timezone: 'auto',
      forecast_days: '2',
    });
  });

  it('answers today from daily[0] and tomorrow from daily[1], with the chance of rain', async () => {
    handler = json(forecastBody());
    const weather = provider();
    expect(await weather.forecast({ when: 'today', position: JAKARTA })).toEqual({
      ok: true,
      value: { source: 'online', when: 'today', condition: 'thunderstorm', minC: 24.8, maxC: 32.9, precipitationChance: 87 },
    });
    expect(await weather.forecast({ when: 'tomorrow', position: JAKARTA, place: 'Jakarta' })).toEqual({
      ok: true,
      value: { source: 'online', place: 'Jakarta', when: 'tomorrow', condition: 'clear', minC: 25.1, maxC: 33.4, precipitationChance: 12 },
    });
  });

  it.each([
    [0, 'clear'],
    [1, 'clear'],
    [2, 'partly_cloudy'],
    [3, 'cloudy'],
    [45, 'fog'],
    [48, 'fog'],
    [51, 'drizzle'],
    [57, 'drizzle'],
    [61, 'rain'],
    [63, 'rain'],
    [65, 'heavy_rain'],
    [66, 'rain'],
    [67, 'heavy_rain'],
    [71, 'snow'],
    [77, 'snow'],
    [80, 'rain'],
    [82, 'heavy_rain'],
    [86, 'snow'],
    [95, 'thunderstorm'],
    [96, 'thunderstorm'],
    [99, 'thunderstorm'],
  ])('maps WMO code %i to %s, through the server too', async (code, condition) => {
    expect(conditionFromWmo(code)).toBe(condition);
    handler = json(forecastBody({ now: code }));
    expect(await provider().forecast({ when: 'now', position: JAKARTA })).toMatchObject({ ok: true, value: { condition } });
  });

  it('maps other codes of 40..99 by their WMO decade, and refuses the rest', () => {
    expect([42, 58, 68, 79, 84, 88, 92].map(conditionFromWmo)).toEqual(['fog', 'drizzle', 'rain', 'snow', 'rain', 'snow', 'thunderstorm']);
    expect([4, 10, 39, 100, -1, 1.5].map(conditionFromWmo)).toEqual([null, null, null, null, null, null]);
  });

  it('serves a second question for the same place from the cache: the server sees one request', async () => {
    handler = json(forecastBody());
    let clock = 1_000_000;
    const weather = provider({ now: () => clock });
    expect((await weather.forecast({ when: 'now', position: JAKARTA })).ok).toBe(true);
    // A few metres on, and another `when`: the same rounded position, the same forecast.
    expect((await weather.forecast({ when: 'today', position: { lat: JAKARTA.lat + 0.0005, lon: JAKARTA.lon } })).ok).toBe(true);
    expect((await weather.forecast({ when: 'tomorrow', position: JAKARTA })).ok).toBe(true);
    expect(seen).toHaveLength(1);
    clock += 9 * 60_000;
    await weather.forecast({ when: 'now', position: JAKARTA });
    expect(seen).toHaveLength(1);
    clock += 2 * 60_000; // past ten minutes: asked again
    await weather.forecast({ when: 'now', position: JAKARTA });
    expect(seen).toHaveLength(2);
    await weather.forecast({ when: 'now', position: { lat: -6.9, lon: 107.6 } }); // Bandung: another place
    expect(seen).toHaveLength(3);
  });

  it('times out on a server that never answers', async () => {
    handler = (_req, res) => void hanging.push(res);
    const started = Date.now();
    const result = await provider({ timeoutMs: 150 }).forecast({ when: 'now', position: JAKARTA });
    expect(result).toEqual({ ok: false, error: { code: 'timeout', message: 'the weather service did not answer within 150 ms' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(DEFAULT_WEATHER_TIMEOUT_MS).toBe(4_000);
  });

  it('is cancelled by the caller’s signal, before or during the request', async () => {
    handler = (_req, res) => void hanging.push(res);
    const controller = new AbortController();
    const pending = provider().forecast({ when: 'now', position: JAKARTA }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await provider().forecast({ when: 'now', position: JAKARTA }, { signal: AbortSignal.abort() })).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('is unavailable when nothing listens, and then does not ask again for a while', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    let clock = 0;
    const weather = new OpenMeteo({ baseUrl: `http://127.0.0.1:${port}`, now: () => clock });
    const first = await weather.forecast({ when: 'now', position: JAKARTA });
    expect(first).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/not reachable \(ECONNREFUSED\)/) } });
    clock += 1_000;
    expect(await weather.forecast({ when: 'today', position: JAKARTA })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/trying again in 59 s/) } });
  });

  it.each([
    ['not JSON', '<html>gateway</html>', /not JSON/],
    ['JSON of another shape', { hello: 'world' }, /not a forecast \(current: /],
    ['a code out of range', { ...forecastBody(), current: { ...forecastBody().current, weather_code: 300 } }, /current\.weather_code/],
    ['daily arrays of different lengths', { ...forecastBody(), daily: { ...forecastBody().daily, temperature_2m_min: [20] } }, /differ in length/],
    ['a temperature as text', { ...forecastBody(), current: { ...forecastBody().current, temperature_2m: '31' } }, /temperature_2m/],
  ])('refuses a bad body (%s) as invalid_output', async (_name, body, message) => {
    handler = json(body);
    expect(await provider().forecast({ when: 'now', position: JAKARTA })).toMatchObject({ ok: false, error: { code: 'invalid_output', message: expect.stringMatching(message) } });
  });

  it('refuses a body far bigger than a forecast', async () => {
    handler = json({ ...forecastBody(), padding: 'x'.repeat(400_000) });
    expect(await provider().forecast({ when: 'now', position: JAKARTA })).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
  });

  it('says what the server said when it refuses ({ error: true, reason }), as unavailable', async () => {
    handler = json({ error: true, reason: 'Latitude must be in range of -90 to 90°. Given: 91.0.' }, 400);
    expect(await provider().forecast({ when: 'now', position: JAKARTA })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'the weather service answered HTTP 400: Latitude must be in range of -90 to 90°. Given: 91.0.' },
    });
  });

  it('is unavailable for a day the forecast has no data for (null), but still answers the others', async () => {
    handler = json(forecastBody({ tomorrow: null }));
    const weather = provider();
    expect(await weather.forecast({ when: 'tomorrow', position: JAKARTA })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/no data for tomorrow/) } });
    expect((await weather.forecast({ when: 'today', position: JAKARTA })).ok).toBe(true);
  });

  it('needs a position: a named place without coordinates is unavailable, and the server is not asked', async () => {
    handler = json(forecastBody());
    expect(await provider().forecast({ when: 'now', place: 'Bandung' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'the online forecast needs coordinates, and Bandung has none yet' },
    });
    expect(await provider().forecast({ when: 'now' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await provider().forecast({ when: 'now', position: { lat: 120, lon: 0 } })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(seen).toEqual([]);
  });

  it('comes after the scenario in chooseWeather, and answers what the scenario leaves out', async () => {
    handler = json(forecastBody());
    const weather = chooseWeather([new SimulatedWeather({ places: [], now: { condition: 'fog', temperatureC: 12 } }), provider()]);
    expect(await weather.forecast({ when: 'now', position: JAKARTA })).toMatchObject({ ok: true, value: { source: 'simulator', condition: 'fog' } });
    expect(seen).toHaveLength(0);
    expect(await weather.forecast({ when: 'today', position: JAKARTA })).toMatchObject({ ok: true, value: { source: 'online', condition: 'thunderstorm' } });
    expect(seen).toHaveLength(1);
  });
});

describe('configuration', () => {
  it('is off (null) when KEMUDI_WEATHER_URL is unset or empty', () => {
    expect(openMeteoFromEnv({})).toBeNull();
    expect(openMeteoFromEnv({ KEMUDI_WEATHER_URL: '  ' })).toBeNull();
  });

  it('takes an http(s) base URL, dropping a trailing slash or /v1', () => {
    expect(openMeteoFromEnv({ KEMUDI_WEATHER_URL: 'https://api.open-meteo.com' })?.baseUrl).toBe('https://api.open-meteo.com');
    expect(parseWeatherUrl('http://10.0.0.5:8080/v1/')).toBe('http://10.0.0.5:8080');
    expect(parseWeatherUrl('https://example.org/weather/')).toBe('https://example.org/weather');
  });

  it.each(['not a url', 'ftp://api.open-meteo.com', 'https://user:pw@api.open-meteo.com', 'https://api.open-meteo.com/?latitude=1'])('refuses %j, naming the variable', (value) => {
    expect(() => openMeteoFromEnv({ KEMUDI_WEATHER_URL: value })).toThrow(WeatherConfigError);
    expect(() => openMeteoFromEnv({ KEMUDI_WEATHER_URL: value })).toThrow(/KEMUDI_WEATHER_URL/);
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() => new OpenMeteo({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('rounds positions to about a kilometre, with no negative zero', () => {
    expect(roundPosition({ lat: -6.21972, lon: 106.81431 })).toEqual({ lat: -6.22, lon: 106.81 });
    expect(Object.is(roundPosition({ lat: -0.001, lon: 0 }).lat, 0)).toBe(true);
  });
});
