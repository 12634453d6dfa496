// Tool calling: the intents of intents/intents.yaml as the model's only possible answers. The schema
// (one alternative per intent, its slots typed as declared) is forced on the model by the engine, then
// the answer is validated again here and mapped to exactly the Understanding the NLU produces.
// The model proposes; the catalog, the grounding check and the safety policy decide.
import type { Lang, Slots } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { Understanding } from '../core/ports.js';
import { cleanSlots, type IntentCatalog, type SlotSpec } from '../nlu/catalog.js';
import { normalizeFor, tokenize } from '../nlu/normalize.js';
import type { CallOptions, JsonSchema, LlmEngine } from './engine.js';

/** The model's guess is never as sure as an exact template: the dialogue asks back before acting on it. */
export const LLM_CONFIDENCE = 0.5;
/** Enough for the longest intent with a 500-character body, not enough to ramble. */
const MAX_TOOL_TOKENS = 320;
/** Free-text slot values must mostly be words the driver said: the model may not invent a contact. */
const MIN_GROUNDING = 0.6;
/** Free-text slots that are the driver's own words (kept only when grounded in the sentence). */
const LITERAL_SLOTS = new Set(['contact', 'destination', 'body', 'number', 'query', 'place', 'text']);

/** How prompts name the driver's language (the instructions are in English). */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', id: 'Indonesian', zh: 'Chinese' };

function slotSchema(slot: SlotSpec): JsonSchema {
  const description = slot.description ? { description: slot.description } : {};
  switch (slot.type) {
    case 'string':
      return slot.enum ? { enum: slot.enum, ...description } : { type: 'string', maxLength: slot.maxLength ?? 200, ...description };
    case 'number':
      return { type: 'number', ...description };
    case 'boolean':
      return { type: 'boolean', ...description };
  }
}

/** One alternative per intent: {"intent": "<name>", "slots": {…its slots…}}. Slots are all optional in
 *  the schema: a model forced to fill a required slot it did not hear would invent one; the dialogue
 *  asks for what is missing instead. */
export function toolSchema(catalog: IntentCatalog): JsonSchema {
  return {
    oneOf: catalog.names().map(
      (name): JsonSchema => ({
        type: 'object',
        properties: {
          intent: { const: name },
          slots: {
            type: 'object',
            properties: Object.fromEntries(Object.entries(catalog.get(name)?.slots ?? {}).map(([k, s]) => [k, slotSchema(s)])),
            additionalProperties: false,
          },
        },
        required: ['intent', 'slots'],
        additionalProperties: false,
      }),
    ),
  };
}

/** The system prompt: the same text for every request, so the engine keeps it evaluated (warm prefix). */
export function toolSystemPrompt(catalog: IntentCatalog): string {
  const tools = catalog.names().map((name) => {
    const spec = catalog.get(name);
    const slots = Object.entries(spec?.slots ?? {}).map(([k, s]) => {
      const type = s.type === 'string' && s.enum ? s.enum.join('|') : s.type;
      return `${k}${s.required ? '' : '?'}: ${type}${s.description ? ` (${s.description})` : ''}`;
    });
    return `- ${name}: ${spec?.description ?? ''}${slots.length ? ` Slots: ${slots.join('; ')}.` : ''}`;
  });
  return [
    'You are Kemudi, the voice assistant of a car. Map the driver\'s request to exactly one of these intents.',
    'Answer only with JSON: {"intent": "<name>", "slots": {...}}. Copy names, places and message text exactly as the driver said them, in their language.',
    'Leave out a slot the driver did not say. Enum slots take the English values listed. Use out_of_scope when no intent fits.',
    '',
    ...tools,
  ].join('\n');
}

const words = (text: string, lang: Lang): string[] => tokenize(normalizeFor(text, lang)).filter((t) => t.length > 0);

/** Share of a value's words (characters, in Chinese) that the driver said. */
export function grounding(value: string, heard: string, lang: Lang): number {
  const said = new Set(words(heard, lang));
  const own = words(value, lang);
  if (own.length === 0) return 0;
  return own.filter((w) => said.has(w)).length / own.length;
}

/** Checks a tool call from the model and turns it into an Understanding; errors never reach the driver. */
export function toUnderstanding(catalog: IntentCatalog, value: unknown, heard: string, lang: Lang): Result<Understanding> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err('invalid_output', 'the tool call is not an object');
  const intent = (value as { intent?: unknown }).intent;
  const rawSlots = (value as { slots?: unknown }).slots ?? {};
  if (typeof intent !== 'string') return err('invalid_output', 'the tool call names no intent');
  const spec = catalog.get(intent);
  if (!spec) return err('unknown_intent', `the model named an intent that does not exist: ${intent.slice(0, 60)}`);
  if (typeof rawSlots !== 'object' || rawSlots === null || Array.isArray(rawSlots)) return err('invalid_output', 'the slots are not an object');
  const given: Slots = {};
  for (const [key, slotValue] of Object.entries(rawSlots)) {
    if (!Object.hasOwn(spec.slots, key)) continue;
    if (typeof slotValue !== 'string' && typeof slotValue !== 'number' && typeof slotValue !== 'boolean') continue;
    const slot = spec.slots[key];
    // Words the driver is quoted on must be words the driver said.
    if (typeof slotValue === 'string' && slot?.type === 'string' && !slot.enum && LITERAL_SLOTS.has(key) && grounding(slotValue, heard, lang) < MIN_GROUNDING) continue;
    given[key] = typeof slotValue === 'string' ? slotValue.trim() : slotValue;
  }
  if (intent === 'out_of_scope') return ok({ intent, slots: {}, source: 'llm', confidence: LLM_CONFIDENCE });
  const cleaned = cleanSlots(spec, given);
  return ok({
    intent,
    slots: cleaned.slots,
    source: 'llm',
    confidence: LLM_CONFIDENCE,
    ...(cleaned.missing.length > 0 ? { missing: cleaned.missing } : {}),
  });
}

/** The NLU's last resort: asks the engine for a tool call on a sentence templates and the classifier
 *  could not place. */
export class ToolCaller {
  private readonly schema: JsonSchema;
  private readonly system: string;

  constructor(
    private readonly catalog: IntentCatalog,
    private readonly engine: LlmEngine,
  ) {
    this.schema = toolSchema(catalog);
    this.system = toolSystemPrompt(catalog);
  }

  /** Evaluates the tool prompt ahead of the first request. */
  async warm(): Promise<Result<void>> {
    return this.engine.warm ? this.engine.warm(this.system) : ok(undefined);
  }

  async call(text: string, lang: Lang, options: CallOptions = {}): Promise<Result<Understanding>> {
    const user = `(${LANGUAGE_NAMES[lang]}) ${text}`;
    const answer = await this.engine.complete({ system: this.system, user, schema: this.schema, maxTokens: MAX_TOOL_TOKENS }, options);
    if (!answer.ok) return answer;
    return toUnderstanding(this.catalog, answer.value.value, text, lang);
  }
}
