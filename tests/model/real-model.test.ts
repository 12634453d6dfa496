// Real-model tests: they run only when KEMUDI_MODEL points at a real GGUF (a Qwen instruct model from
// models/manifest.json), because CI has no real weights. Unlike the generated model's tests, these judge
// what the model says: tool-calling accuracy on the NLU fixtures, translation sanity, answer length.
//   KEMUDI_MODEL=~/.local/share/kemudi/models/qwen2.5-0.5b-instruct-q4_k_m.gguf npx vitest run tests/model
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGS, type Lang } from '../../common/contract.js';
import { loadKnowledge } from '../../main/core/compose.js';
import { intentsDir } from '../../main/core/paths.js';
import { Generator, TASKS } from '../../main/llm/generation.js';
import { LocalEngine } from '../../main/llm/local.js';
import { ToolCaller } from '../../main/llm/tools.js';

const MODEL = process.env.KEMUDI_MODEL;
/** Sentences per language and domain file: enough to see accuracy, few enough for a CPU. */
const PER_FILE = 5;
/** A small model's floor on sentences it has to place from the tool descriptions alone. */
const MIN_ACCURACY = 0.6;

interface Fixture {
  tests: { sentences: string[]; intent: string }[];
}

function sample(lang: Lang): { text: string; intent: string }[] {
  const dir = join(intentsDir(), 'tests', lang);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => {
      const fixture = parseYaml(readFileSync(join(dir, file), 'utf8')) as Fixture;
      // Every few tests, the first sentence: spread over the file's intents.
      const tests = fixture.tests.filter((_, i) => i % Math.max(1, Math.floor(fixture.tests.length / PER_FILE)) === 0).slice(0, PER_FILE);
      return tests.map((t) => ({ text: t.sentences[0] as string, intent: t.intent }));
    });
}

describe.skipIf(!MODEL)(`a real model (${MODEL ?? 'KEMUDI_MODEL not set'})`, () => {
  const { catalog } = loadKnowledge();
  let engine: LocalEngine;
  beforeAll(async () => {
    engine = new LocalEngine({ modelPath: MODEL as string, timeoutMs: 120_000, loadTimeoutMs: 600_000 });
    const loaded = await engine.load();
    if (!loaded.ok) throw new Error(loaded.error.message);
  }, 600_000);
  afterAll(async () => engine?.close());

  for (const lang of LANGS) {
    it(`places ${lang} fixture sentences by tool call alone`, async () => {
      const tools = new ToolCaller(catalog, engine);
      const items = sample(lang);
      let right = 0;
      const wrong: string[] = [];
      for (const item of items) {
        const result = await tools.call(item.text, lang, { timeoutMs: 120_000 });
        expect(result.ok, JSON.stringify(result)).toBe(true);
        if (result.ok && result.value.intent === item.intent) right++;
        else wrong.push(`${item.text} → ${result.ok ? result.value.intent : result.error.code} (want ${item.intent})`);
      }
      const accuracy = right / items.length;
      process.stdout.write(`tool calling ${lang}: ${right}/${items.length} = ${(accuracy * 100).toFixed(1)}%\n${wrong.map((w) => `  ${w}`).join('\n')}\n`);
      expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    }, 900_000);
  }

  it('translates a phrase sensibly', async () => {
    const generator = new Generator(engine);
    const cases: [string, Lang, RegExp][] = [
      ['thank you very much', 'id', /terima\s*kasih/i],
      ['thank you', 'zh', /谢/],
      ['selamat pagi', 'en', /good\s*morning/i],
    ];
    for (const [text, target, expected] of cases) {
      const result = await generator.translate(text, target, { timeoutMs: 120_000 });
      expect(result.ok && result.value.kind === 'text' ? result.value.text : JSON.stringify(result)).toMatch(expected);
    }
  }, 600_000);

  it('answers a question in one or two short sentences', async () => {
    const generator = new Generator(engine);
    const result = await generator.answer('What is the capital of France?', 'en', { timeoutMs: 120_000 });
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'text') return;
    expect(result.value.text).toMatch(/Paris/);
    expect(result.value.text.length).toBeLessThanOrEqual(TASKS.answer.maxChars);
    expect(result.value.text.match(/[.!?。！？]/g)?.length ?? 1).toBeLessThanOrEqual(2);
  }, 600_000);
});
