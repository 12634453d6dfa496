// The intent catalog: intents/intents.yaml, validated on load. Every path that produces an intent
// (templates, classifier, LLM tool calls, touch) checks its slots here before anything acts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Slots } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';

const SlotSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    enum: z.array(z.string()).optional(),
    maxLength: z.number().int().positive().optional(),
    required: z.boolean().default(false),
    default: z.string().optional(),
    description: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('number'),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    required: z.boolean().default(false),
    default: z.number().optional(),
    description: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('boolean'),
    required: z.boolean().default(false),
    default: z.boolean().optional(),
    description: z.string().optional(),
  }),
]);
export type SlotSpec = z.infer<typeof SlotSchema>;

export const SafetyClass = z.enum(['allow', 'confirm', 'deny']);
export type SafetyClass = z.infer<typeof SafetyClass>;

const IntentSpec = z.strictObject({
  description: z.string().min(1),
  slots: z.record(z.string(), SlotSchema),
  moving: SafetyClass,
  responses: z.array(z.string()),
});
export type IntentSpec = z.infer<typeof IntentSpec> & { name: string };

const CatalogFile = z.strictObject({
  intents: z.record(z.string().regex(/^[a-z_]+(\.[a-z_]+)?$/), IntentSpec),
});

export class IntentCatalog {
  private readonly byName: Map<string, IntentSpec>;

  constructor(specs: IntentSpec[]) {
    this.byName = new Map(specs.map((s) => [s.name, s]));
  }

  static fromYaml(text: string, origin = 'intents.yaml'): IntentCatalog {
    const parsed = CatalogFile.safeParse(parseYaml(text));
    if (!parsed.success) throw new Error(`${origin}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return new IntentCatalog(Object.entries(parsed.data.intents).map(([name, spec]) => ({ ...spec, name })));
  }

  static load(intentsDir: string): IntentCatalog {
    const file = join(intentsDir, 'intents.yaml');
    return IntentCatalog.fromYaml(readFileSync(file, 'utf8'), file);
  }

  get(name: string): IntentSpec | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Checks slots against the intent's declared types, fills defaults, drops nothing silently. */
  validateSlots(name: string, slots: Slots): Result<Slots> {
    const spec = this.byName.get(name);
    if (!spec) return err('unknown_intent', `no intent named ${name}`);
    const out: Slots = {};
    for (const key of Object.keys(slots)) {
      if (!Object.hasOwn(spec.slots, key)) return err('invalid_slots', `${name} has no slot ${key}`);
    }
    for (const [key, slot] of Object.entries(spec.slots)) {
      const value = slots[key] ?? slot.default;
      if (value === undefined) {
        if (slot.required) return err('invalid_slots', `${name} needs ${key}`);
        continue;
      }
      const problem = checkSlot(slot, value);
      if (problem) return err('invalid_slots', `${name}.${key}: ${problem}`);
      out[key] = value;
    }
    return ok(out);
  }
}

export interface CleanedSlots {
  slots: Slots;
  /** Required slots that are still missing: the dialogue asks for them. */
  missing: string[];
}

/** For statistical paths (classifier, LLM): keeps the slots that fit, drops the ones that do not,
 *  fills defaults, and lists what is missing instead of refusing the whole understanding. */
export function cleanSlots(spec: IntentSpec, slots: Slots): CleanedSlots {
  const out: Slots = {};
  const missing: string[] = [];
  for (const [key, slot] of Object.entries(spec.slots)) {
    const given = slots[key];
    const value = given !== undefined && checkSlot(slot, given) === null ? given : slot.default;
    if (value === undefined) {
      if (slot.required) missing.push(key);
      continue;
    }
    out[key] = value;
  }
  return { slots: out, missing };
}

function checkSlot(slot: SlotSpec, value: string | number | boolean): string | null {
  switch (slot.type) {
    case 'string':
      if (typeof value !== 'string') return 'expected text';
      if (slot.enum && !slot.enum.includes(value)) return `expected one of ${slot.enum.join(', ')}`;
      if (slot.maxLength !== undefined && value.length > slot.maxLength) return `longer than ${slot.maxLength} characters`;
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (slot.minimum !== undefined && value < slot.minimum) return `below ${slot.minimum}`;
      if (slot.maximum !== undefined && value > slot.maximum) return `above ${slot.maximum}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
  }
}
