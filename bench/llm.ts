// LLM figures, on the generated tiny qwen2 model and on KEMUDI_MODEL when set: load time, the thread
// count chosen (and each candidate's probe), prompt and generation tokens/s, and time-to-intent with a
// cold prompt against the warm prefix (the ratio shows what keeping the tool prompt evaluated buys).
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadKnowledge } from '../main/core/compose.js';
import type { JsonSchema } from '../main/llm/engine.js';
import { LocalEngine } from '../main/llm/local.js';
import { toolSchema, toolSystemPrompt } from '../main/llm/tools.js';
import { ensureTinyQwen2 } from '../tests/support/tiny-gguf.js';
import { compare, emit, percentile, type Suite } from './lib.js';

const RUNS = 7;
const SENTENCES = ['could you maybe sort out somewhere with petrol', 'tolong kabari budi aku telat', '我有点冷', 'I fancy some jazz'];
/** A fixed-length answer, to time generation on its own. */
const GENERATE: JsonSchema = { type: 'array', items: { enum: ['a', 'b', 'c'] }, minItems: 64, maxItems: 64 };

async function measure(label: string, modelPath: string): Promise<void> {
  const { catalog } = loadKnowledge();
  const system = toolSystemPrompt(catalog);
  const schema = toolSchema(catalog);
  const engine = new LocalEngine({ modelPath, contextSize: 4096, timeoutMs: 300_000, loadTimeoutMs: 600_000 });
  try {
    let started = performance.now();
    const loaded = await engine.load();
    if (!loaded.ok) throw new Error(`${label}: ${loaded.error.message}`);
    emit({ name: `llm.${label}.load`, value: performance.now() - started, unit: 'ms' });
    emit({ name: `llm.${label}.threads`, value: loaded.value.threads, unit: 'threads' });
    for (const trial of loaded.value.threadTrials) emit({ name: `llm.${label}.thread_probe.${trial.threads}`, value: trial.ms, unit: 'ms' });
    const chosen = loaded.value.threadTrials.find((t) => t.threads === loaded.value.threads);
    const most = loaded.value.threadTrials.at(-1);
    if (chosen && most && most !== chosen) compare(`llm.${label}.thread_probe.most_vs_chosen`, { name: `threads=${most.threads}`, value: most.ms, unit: 'ms' }, { name: `threads=${chosen.threads}`, value: chosen.ms, unit: 'ms' });

    // Time-to-intent: cold (a prompt no sequence holds: a unique first line) against warm (the tool prompt, kept).
    const cold: number[] = [];
    const warm: number[] = [];
    let coldTokens = 0;
    let warmTokens = 0;
    let promptRate = 0;
    await engine.complete({ system, user: SENTENCES[0] as string, schema, maxTokens: 320 });
    for (let i = 0; i < RUNS; i++) {
      const user = SENTENCES[i % SENTENCES.length] as string;
      started = performance.now();
      const c = await engine.complete({ system: `Request ${i} of the cold run.\n${system}`, user, schema, maxTokens: 320 });
      cold.push(performance.now() - started);
      started = performance.now();
      const w = await engine.complete({ system, user, schema, maxTokens: 320 });
      warm.push(performance.now() - started);
      if (!c.ok || !w.ok) throw new Error(`${label}: ${JSON.stringify(c.ok ? w : c)}`);
      coldTokens = c.value.usage.evaluatedTokens;
      warmTokens = w.value.usage.evaluatedTokens;
      // Prompt rate from the cold run: the prompt dominates it; generation is timed on its own below.
      promptRate = Math.max(promptRate, c.value.usage.evaluatedTokens / (c.value.ms / 1000));
    }
    emit({ name: `llm.${label}.prompt_tokens_cold`, value: coldTokens, unit: 'tokens' });
    emit({ name: `llm.${label}.prompt_tokens_warm`, value: warmTokens, unit: 'tokens' });
    const coldP50 = percentile(cold, 50);
    const warmP50 = percentile(warm, 50);
    emit({ name: `llm.${label}.time_to_intent_cold.p50`, value: coldP50, unit: 'ms' });
    emit({ name: `llm.${label}.time_to_intent_warm.p50`, value: warmP50, unit: 'ms' });
    compare(`llm.${label}.time_to_intent.cold_vs_warm`, { name: 'cold', value: coldP50, unit: 'ms' }, { name: 'warm', value: warmP50, unit: 'ms' });
    emit({ name: `llm.${label}.prompt_tokens_per_s`, value: promptRate, unit: 'tokens/s' });

    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await engine.complete({ system: 'Answer with the array.', user: `list ${i}`, schema: GENERATE, maxTokens: 1000 });
      if (!g.ok) throw new Error(`${label}: ${g.error.message}`);
      rates.push(g.value.usage.completionTokens / (g.value.ms / 1000));
    }
    emit({ name: `llm.${label}.generation_tokens_per_s`, value: percentile(rates, 50), unit: 'tokens/s' });

    // What choosing saves: evaluating the tool prompt at node-llama-cpp's CPU default (at least 4 threads)
    // against the count chosen. Prompt evaluation only: generation at the default can take minutes here.
    const chosenMs = await promptEvalMs(modelPath, loaded.value.threads, system);
    const defaultMs = await promptEvalMs(modelPath, LIBRARY_DEFAULT_THREADS, system);
    compare(
      `llm.${label}.tool_prompt_eval.default_threads_vs_chosen`,
      { name: `threads=${LIBRARY_DEFAULT_THREADS}`, value: defaultMs, unit: 'ms' },
      { name: `threads=${loaded.value.threads}`, value: chosenMs, unit: 'ms' },
    );
  } finally {
    await engine.close();
  }
}

/** node-llama-cpp's thread count on a CPU-only machine unless told otherwise: max(4, math cores). */
const LIBRARY_DEFAULT_THREADS = 4;

/** Median time to evaluate `system` from cold in a fresh worker with a fixed thread count. */
async function promptEvalMs(modelPath: string, threads: number, system: string): Promise<number> {
  const engine = new LocalEngine({ modelPath, contextSize: 4096, threads, timeoutMs: 300_000, loadTimeoutMs: 600_000 });
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const warmed = await engine.warm(`Run ${i}.\n${system}`);
      if (!warmed.ok) throw new Error(warmed.error.message);
      if (i > 0) times.push(performance.now() - started); // the first also pays for loading
    }
    return percentile(times, 50);
  } finally {
    await engine.close();
  }
}

export const llmSuite: Suite = {
  name: 'llm',
  async run() {
    await measure('tiny_qwen2', await ensureTinyQwen2());
    const real = process.env.KEMUDI_MODEL;
    if (real) await measure(basename(real).replace(/\.gguf$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_'), real);
  },
};
