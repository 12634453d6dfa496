// Weather: the scenario's simulated weather answering now / today / tomorrow, and chooseWeather's order.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../common/result.js';
import { conditionFromWmo } from '../../main/services/assistant/open-meteo.js';
import { chooseWeather, SimulatedWeather, WEATHER_CONDITIONS, type SimulatedWeatherData, type Weather, type WeatherProvider, type WeatherRequest } from '../../main/services/assistant/weather.js';
import { loadScenario, parseScenario } from '../../main/simulator/scenario.js';
import { ROOT } from '../support/cli.js';

const JAKARTA: SimulatedWeatherData = {
  places: ['Jakarta'],
  now: { condition: 'rain', temperatureC: 27, precipitationChance: 90, windKmh: 15 },
  today: { condition: 'heavy_rain', minC: 24, maxC: 31, precipitationChance: 95 },
  tomorrow: { condition: 'thunderstorm', minC: 25, maxC: 32 },
};

describe('SimulatedWeather', () => {
  const weather = new SimulatedWeather(JAKARTA);

  it('answers now with one temperature and the figures given', async () => {
    expect(await weather.forecast({ when: 'now' })).toEqual(
      ok({ source: 'simulator', place: 'Jakarta', when: 'now', condition: 'rain', temperatureC: 27, precipitationChance: 90, windKmh: 15 }),
    );
  });

  it('answers today and tomorrow with a low and a high, leaving out what the scenario does not give', async () => {
    expect(await weather.forecast({ when: 'today' })).toEqual(ok({ source: 'simulator', place: 'Jakarta', when: 'today', condition: 'heavy_rain', minC: 24, maxC: 31, precipitationChance: 95 }));
    const tomorrow = await weather.forecast({ when: 'tomorrow', position: { lat: -6.2, lon: 106.8 } });
    expect(tomorrow).toEqual(ok({ source: 'simulator', place: 'Jakarta', when: 'tomorrow', condition: 'thunderstorm', minC: 25, maxC: 32 }));
    if (tomorrow.ok) expect(Object.keys(tomorrow.value)).not.toContain('windKmh');
  });

  it('answers for its own place by name, however it is written, and not for another', async () => {
    expect((await weather.forecast({ when: 'now', place: ' jakarta. ' })).ok).toBe(true);
    const bandung = await weather.forecast({ when: 'now', place: 'Bandung' });
    expect(bandung).toEqual(err('unavailable', "the scenario's weather is for Jakarta, not Bandung"));
  });

  it('is unavailable for a part the scenario leaves out, with no scenario weather, and after set(null)', async () => {
    const partial = new SimulatedWeather({ places: [], now: { condition: 'clear', temperatureC: 20 } });
    expect(await partial.forecast({ when: 'tomorrow' })).toEqual(err('unavailable', 'the scenario gives no weather for tomorrow'));
    expect(await partial.forecast({ when: 'now', place: 'Tokyo' })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/where the car is, not Tokyo/) } });
    expect(await new SimulatedWeather().forecast({ when: 'now' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const swapped = new SimulatedWeather(JAKARTA);
    swapped.set(null);
    expect(swapped.current).toBeNull();
    expect((await swapped.forecast({ when: 'now' })).ok).toBe(false);
    swapped.set(JAKARTA);
    expect((await swapped.forecast({ when: 'now' })).ok).toBe(true);
  });

  it('is cancelled by an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await weather.forecast({ when: 'now' }, { signal: controller.signal })).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('answers from a loaded scenario: Jakarta, Beijing by either name, Monaco without tomorrow', async () => {
    const load = (file: string) => {
      const loaded = loadScenario(join(ROOT, 'scenarios', file));
      if (!loaded.ok) throw new Error(loaded.error.message);
      return new SimulatedWeather(loaded.value.weather);
    };
    expect(await load('jakarta-hot-afternoon.yaml').forecast({ when: 'today' })).toMatchObject({ ok: true, value: { place: 'Jakarta', condition: 'thunderstorm' } });
    const beijing = load('beijing-ev.yaml');
    expect(await beijing.forecast({ when: 'now', place: '北京' })).toMatchObject({ ok: true, value: { place: 'Beijing', condition: 'fog', temperatureC: 12 } });
    expect(await beijing.forecast({ when: 'tomorrow', place: 'beijing' })).toMatchObject({ ok: true, value: { condition: 'clear', minC: 5, maxC: 17 } });
    const monaco = load('monaco-harbour.yaml');
    expect((await monaco.forecast({ when: 'today' })).ok).toBe(true);
    expect(await monaco.forecast({ when: 'tomorrow' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('takes a scenario parsed from text, and null from one without weather', () => {
    const parsed = parseScenario('name: T\ndescription: d\nweather:\n  now: { condition: snow, temperature: -3 }\nsteps: [{ at: 0, stop: true }]\n');
    expect(parsed.ok && parsed.value.weather).toEqual({ places: [], now: { condition: 'snow', temperatureC: -3 } });
    const none = parseScenario('name: T\ndescription: d\nsteps: [{ at: 0, stop: true }]\n');
    expect(none.ok && none.value.weather).toBeNull();
  });
});

/** A provider that answers a fixed result and counts its calls. */
function fixed(result: Result<Weather>): WeatherProvider & { calls: WeatherRequest[] } {
  const calls: WeatherRequest[] = [];
  return {
    calls,
    forecast: async (request) => {
      calls.push(request);
      return result;
    },
  };
}

const ONLINE: Weather = { source: 'online', when: 'now', condition: 'clear', temperatureC: 30 };

describe('chooseWeather', () => {
  it('asks the scenario first and does not go online when it answers', async () => {
    const online = fixed(ok(ONLINE));
    const result = await chooseWeather([new SimulatedWeather(JAKARTA), online]).forecast({ when: 'now' });
    expect(result).toMatchObject({ ok: true, value: { source: 'simulator' } });
    expect(online.calls).toEqual([]);
  });

  it('goes online when the scenario has nothing, and skips a provider that is not configured', async () => {
    const online = fixed(ok(ONLINE));
    const request: WeatherRequest = { when: 'now', position: { lat: 43.7, lon: 7.4 } };
    expect(await chooseWeather([new SimulatedWeather(), null, online]).forecast(request)).toEqual(ok(ONLINE));
    expect(online.calls).toEqual([request]);
  });

  it('is unavailable with no source at all, giving every reason when none knows', async () => {
    expect(await chooseWeather([]).forecast({ when: 'now' })).toEqual(err('unavailable', 'no weather source: offline, and no scenario weather'));
    expect(await chooseWeather([null, undefined]).forecast({ when: 'now' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const both = await chooseWeather([new SimulatedWeather(), fixed(err('unavailable', 'offline'))]).forecast({ when: 'today' });
    expect(both).toEqual(err('unavailable', 'the simulator has no weather: the scenario gives none; offline'));
  });

  it('prefers a telling error (timeout) over unavailable, and stops at cancelled', async () => {
    expect(await chooseWeather([new SimulatedWeather(), fixed(err('timeout', 'slow'))]).forecast({ when: 'now' })).toEqual(err('timeout', 'slow'));
    const after = fixed(ok(ONLINE));
    expect(await chooseWeather([fixed(err('cancelled', 'stop')), after]).forecast({ when: 'now' })).toEqual(err('cancelled', 'stop'));
    expect(after.calls).toEqual([]);
  });

  it('survives a provider that throws', async () => {
    const broken: WeatherProvider = {
      forecast: () => Promise.reject(new Error('boom')),
    };
    expect(await chooseWeather([broken, fixed(ok(ONLINE))]).forecast({ when: 'now' })).toEqual(ok(ONLINE));
    expect(await chooseWeather([broken]).forecast({ when: 'now' })).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/boom/) } });
  });
});

describe('the condition list', () => {
  it('is the small fixed set the responses name, and every WMO code Open-Meteo documents maps into it', () => {
    expect(WEATHER_CONDITIONS).toEqual(['clear', 'partly_cloudy', 'cloudy', 'fog', 'drizzle', 'rain', 'heavy_rain', 'thunderstorm', 'snow']);
    for (const code of [0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82, 85, 86, 95, 96, 99]) {
      expect(WEATHER_CONDITIONS, String(code)).toContain(conditionFromWmo(code));
    }
  });
});
