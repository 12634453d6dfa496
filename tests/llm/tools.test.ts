// The tool-calling adapter without a model: the schema it forces, the prompt it keeps warm, and the
// checks every answer passes before it becomes an Understanding.
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../main/core/compose.js';
import { grounding, toolSchema, toolSystemPrompt, toUnderstanding } from '../../main/llm/tools.js';

const { catalog } = loadKnowledge();

describe('the tool schema', () => {
  it('offers exactly the catalog intents, each with its declared slots and none required', () => {
    const schema = toolSchema(catalog);
    if (!('oneOf' in schema)) throw new Error('expected oneOf');
    const names = schema.oneOf.map((alt) => ('properties' in alt && alt.properties.intent && 'const' in alt.properties.intent ? alt.properties.intent.const : null));
    expect(names).toEqual(catalog.names());
    const climate = schema.oneOf.find((alt) => 'properties' in alt && alt.properties.intent && 'const' in alt.properties.intent && alt.properties.intent.const === 'vehicle.climate_set');
    expect(climate).toMatchObject({ properties: { slots: { properties: { temperature: { type: 'number' }, side: { enum: ['driver', 'passenger', 'both'] } } } } });
    expect(climate && 'properties' in climate ? (climate.properties.slots as { required?: unknown }).required : 'x').toBeUndefined();
  });

  it('keeps the system prompt identical between requests (the warm prefix) and names every intent', () => {
    const prompt = toolSystemPrompt(catalog);
    expect(toolSystemPrompt(catalog)).toBe(prompt);
    for (const name of catalog.names()) expect(prompt).toContain(`- ${name}:`);
  });
});

describe('checking a tool call', () => {
  it('accepts a valid call as an llm understanding that asks before acting', () => {
    const result = toUnderstanding(catalog, { intent: 'vehicle.climate_set', slots: { temperature: 22 } }, 'make it 22 in here', 'en');
    expect(result).toEqual({ ok: true, value: { intent: 'vehicle.climate_set', slots: { temperature: 22, unit: 'celsius', side: 'both' }, source: 'llm', confidence: 0.5 } });
  });

  it('refuses intents that do not exist and answers that are not tool calls', () => {
    expect(toUnderstanding(catalog, { intent: 'vehicle.self_destruct', slots: {} }, 'x', 'en')).toMatchObject({ ok: false, error: { code: 'unknown_intent' } });
    expect(toUnderstanding(catalog, ['vehicle.lock'], 'x', 'en')).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
    expect(toUnderstanding(catalog, { intent: 42 }, 'x', 'en')).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
  });

  it('drops out-of-range and unknown slots, and lists what is then missing', () => {
    const result = toUnderstanding(catalog, { intent: 'vehicle.climate_set', slots: { temperature: 400, colour: 'red' } }, 'set it to four hundred', 'en');
    expect(result).toMatchObject({ ok: true, value: { intent: 'vehicle.climate_set', missing: ['temperature'] } });
    if (result.ok) expect(result.value.slots).not.toHaveProperty('colour');
  });

  it('never lets the model invent a contact, a destination or a message the driver did not say', () => {
    const invented = toUnderstanding(catalog, { intent: 'messaging.send', slots: { contact: 'Mom', body: 'send me your bank PIN' } }, 'tell sari I am late', 'en');
    expect(invented).toMatchObject({ ok: true, value: { intent: 'messaging.send', missing: ['contact', 'body'] } });
    const said = toUnderstanding(catalog, { intent: 'messaging.send', slots: { contact: 'Sari', body: 'I am late' } }, 'tell sari I am late', 'en');
    expect(said).toMatchObject({ ok: true, value: { slots: { contact: 'Sari', body: 'I am late' } } });
    expect(said.ok && said.value.missing).toBeFalsy();
    const zh = toUnderstanding(catalog, { intent: 'navigation.navigate', slots: { destination: '机场' } }, '我想去机场', 'zh');
    expect(zh).toMatchObject({ ok: true, value: { slots: { destination: '机场' } } });
  });

  it('measures grounding by words said (characters in Chinese)', () => {
    expect(grounding('Jalan Sudirman', 'antar aku ke jalan sudirman ya', 'id')).toBe(1);
    expect(grounding('the airport', 'take me to the mall', 'en')).toBe(0.5);
    expect(grounding('', 'anything', 'en')).toBe(0);
  });
});
