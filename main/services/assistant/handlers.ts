// Assistant intents: questions and translation through the LLM's generation (main/llm/generation.ts),
// and the weather. Without a model the answer says so honestly and how to get one; generated text is
// only ever said, never acted on.
import type { Lang } from '../../../common/contract.js';
import type { HandlerOutcome, IntentHandler, Speech, SpeechRef, VehicleBus } from '../../core/ports.js';
import type { Weather, WeatherProvider } from './weather.js';
import type { Generated, Generator } from '../../llm/generation.js';
import type { Result } from '../../../common/result.js';

/** How long the driver waits for a generated answer before Kemudi gives up on it. */
export const ANSWER_TIMEOUT_MS = 12_000;

export interface AssistantServices {
  /** The LLM's generator once a model is ready; null before that, or with no model at all. */
  generator: () => Generator | null;
  /** The model to suggest installing (`kemudi models pull <id>`), null when none can be suggested. */
  suggestedModel: () => string | null;
  /** Where the weather comes from: the simulator's scenario, an online service when configured. */
  weather?: WeatherProvider;
}

/** The car's position, for "what's the weather" without a place. */
function positionOf(vehicle: VehicleBus): { lat: number; lon: number } | undefined {
  const lat = vehicle.get('Vehicle.CurrentLocation.Latitude');
  const lon = vehicle.get('Vehicle.CurrentLocation.Longitude');
  return typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : undefined;
}

/** The forecast as speech: the conditions and temperatures, then the chance of rain when it matters. */
export function weatherSpeech(weather: Weather, place: string | undefined): Speech[] {
  const named = place ?? weather.place;
  const condition = { ref: `assistant.weather.condition.${weather.condition}` };
  const first: Speech =
    weather.when === 'now'
      ? { key: named ? 'assistant.weather.now_in' : 'assistant.weather.now', params: { condition, temperature: Math.round(weather.temperatureC), ...(named ? { place: named } : {}) } }
      : {
          key: named ? 'assistant.weather.day_in' : 'assistant.weather.day',
          params: { when: { ref: `assistant.weather.when.${weather.when}` }, condition, min: Math.round(weather.minC), max: Math.round(weather.maxC), ...(named ? { place: named } : {}) },
        };
  const chance = weather.precipitationChance;
  return chance !== undefined && chance >= 30 ? [first, { key: 'assistant.weather.rain_chance', params: { chance: Math.round(chance) } }] : [first];
}

const TARGETS: readonly Lang[] = ['en', 'id', 'zh'];

function noModel(key: string, services: AssistantServices): HandlerOutcome {
  const model = services.suggestedModel();
  return { say: { key, params: { model: model ?? 'qwen2.5-0.5b-instruct-q4_k_m' } }, actions: [] };
}

/** The spoken answer for a generation that failed, was refused or produced text. */
function spoken(result: Result<Generated>, answerKey: string, refusedKey: string, params: Record<string, string | SpeechRef> = {}): Speech {
  if (!result.ok) return { key: result.error.code === 'no_model' ? 'assistant.no_model_now' : 'assistant.generation_failed' };
  return result.value.kind === 'text' ? { key: answerKey, params: { ...params, text: result.value.text } } : { key: refusedKey };
}

export function assistantHandlers(services: AssistantServices): Record<string, IntentHandler> {
  const question: IntentHandler = async (slots, { lang, signal, heard }): Promise<HandlerOutcome> => {
    const generator = services.generator();
    if (!generator) return noModel('assistant.question.no_model', services);
    // The question as the driver put it ("what is…"), which the slot alone may have lost; the slot
    // when the sentence was a clarification answer or a touch.
    const asked = heard && heard.length <= 300 && !heard.includes(' → ') && heard.toLowerCase().includes(String(slots.question ?? '').toLowerCase()) ? heard : String(slots.question ?? '');
    const result = await generator.answer(asked, lang, { timeoutMs: ANSWER_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    return { say: spoken(result, 'assistant.question.answer', 'assistant.question.refused'), actions: result.ok ? ['llm answer'] : [] };
  };

  const translate: IntentHandler = async (slots, { lang, signal }): Promise<HandlerOutcome> => {
    const generator = services.generator();
    if (!generator) return noModel('assistant.translate.no_model', services);
    const target = TARGETS.find((t) => t === slots.target) ?? (lang === 'en' ? 'id' : 'en');
    const result = await generator.translate(String(slots.text ?? ''), target, { timeoutMs: ANSWER_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    return {
      say: spoken(result, 'assistant.translate.answer', 'assistant.translate.refused', { language: { ref: `assistant.language.${target}` } }),
      actions: result.ok ? [`llm translate → ${target}`] : [],
    };
  };

  const weather: IntentHandler = async (slots, { vehicle, signal }): Promise<HandlerOutcome> => {
    const when = slots.when === 'today' || slots.when === 'tomorrow' ? slots.when : 'now';
    const place = typeof slots.place === 'string' && slots.place.trim() !== '' ? slots.place.trim() : undefined;
    const position = place ? undefined : positionOf(vehicle);
    if (!services.weather) return { say: { key: 'assistant.weather.offline' }, actions: [] };
    const result = await services.weather.forecast({ when, ...(place ? { place } : {}), ...(position ? { position } : {}) }, signal ? { signal } : {});
    if (!result.ok) {
      // Offline and nothing known: say so plainly, never guess.
      if (result.error.code === 'unavailable') return { say: place ? { key: 'assistant.weather.offline_place', params: { place } } : { key: 'assistant.weather.offline' }, actions: [] };
      return { say: { key: 'assistant.weather.failed' }, actions: [] };
    }
    return { say: weatherSpeech(result.value, place), actions: [`weather ${result.value.source} ${when}`], ...(place ? { mentions: { place } } : {}) };
  };

  return { 'assistant.question': question, 'assistant.translate': translate, 'assistant.weather': weather };
}
