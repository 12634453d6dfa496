// The local engine on tiny random-weight models the tests generate (qwen2) or find in ../shared (llama):
// loading, thread choice, grammar-forced tool calls, deadlines, cancellation, queue order, warm-prefix
// reuse and crash recovery. Random weights write nonsense, so every assertion is on structure and on
// the token counts the library reports, never on wording or time.
import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../main/core/compose.js';
import type { JsonSchema } from '../../main/llm/engine.js';
import { type EngineEvent, LocalEngine } from '../../main/llm/local.js';
import { toolSchema, ToolCaller } from '../../main/llm/tools.js';
import { ensureTinyQwen2, llamaTinyPath } from '../support/tiny-gguf.js';

const { catalog } = loadKnowledge();

/** Forces a long answer: a thousand-item array takes seconds to write, long enough to stop midway. */
const LONG: JsonSchema = { type: 'array', items: { enum: ['a', 'b'] }, minItems: 1000, maxItems: 1000 };
const SHORT: JsonSchema = { type: 'object', properties: { intent: { enum: ['a.b', 'c.d'] } }, required: ['intent'], additionalProperties: false };
const SYSTEM = 'You are Kemudi, the voice assistant of a car. Answer with JSON only. '.repeat(8);

let qwen: string;
beforeAll(async () => {
  qwen = await ensureTinyQwen2();
});

describe('the local engine on a generated qwen2 model', () => {
  const events: EngineEvent[] = [];
  let engine: LocalEngine;
  beforeAll(() => {
    engine = new LocalEngine({ modelPath: qwen, contextSize: 2048, onEvent: (e) => events.push(e) });
  });
  afterAll(async () => engine.close());

  it('loads in its own process and chooses a thread count by measuring every candidate', async () => {
    const loaded = await engine.load();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.architecture).toBe('qwen2');
    expect(engine.workerPid()).not.toBe(process.pid);
    const tried = loaded.value.threadTrials.map((t) => t.threads);
    expect(tried[0]).toBe(1);
    expect(tried.at(-1)).toBe(availableParallelism() > 1 ? availableParallelism() : 1);
    const fastest = loaded.value.threadTrials.reduce((a, b) => (b.ms < a.ms ? b : a));
    expect(loaded.value.threads).toBe(fastest.threads);
    expect(engine.info()).toMatchObject({ kind: 'local', threads: fastest.threads });
  });

  it('forces every tool call into a valid intent of the catalog', async () => {
    const tools = new ToolCaller(catalog, engine);
    const sentences: [string, 'en' | 'id' | 'zh'][] = [
      ['could you maybe sort out somewhere with petrol', 'en'],
      ['tolong kabari budi aku telat', 'id'],
      ['我有点冷', 'zh'],
    ];
    for (const [text, lang] of sentences) {
      const result = await tools.call(text, lang);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) continue;
      expect(catalog.names()).toContain(result.value.intent);
      expect(result.value.source).toBe('llm');
      // What comes back checks against the catalog exactly as a template's answer does.
      expect(catalog.validateSlots(result.value.intent, result.value.slots).ok || (result.value.missing?.length ?? 0) > 0).toBe(true);
    }
  });

  it('reuses the evaluated system prompt: the second request evaluates far fewer prompt tokens', async () => {
    const first = await engine.complete({ system: `${SYSTEM} (warm test)`, user: 'turn it up', schema: SHORT, maxTokens: 40 });
    const second = await engine.complete({ system: `${SYSTEM} (warm test)`, user: 'turn it down', schema: SHORT, maxTokens: 40 });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.value.usage.evaluatedTokens).toBeGreaterThan(100);
    expect(second.value.usage.promptTokens).toBeGreaterThan(100);
    expect(second.value.usage.evaluatedTokens).toBeLessThan(first.value.usage.evaluatedTokens / 4);
    expect(second.value.usage.evaluatedTokens).toBeLessThan(second.value.usage.promptTokens);
  });

  it('stops at the deadline with a timeout, and the next call is answered', async () => {
    const slow = await engine.complete({ system: SYSTEM, user: 'count', schema: LONG, maxTokens: 8000 }, { timeoutMs: 300 });
    expect(slow).toMatchObject({ ok: false, error: { code: 'timeout' } });
    const next = await engine.complete({ system: SYSTEM, user: 'hello', schema: SHORT, maxTokens: 40 });
    expect(next.ok).toBe(true);
  });

  it('cancels mid-generation (barge-in) without restarting the worker', async () => {
    const pid = engine.workerPid();
    const barge = new AbortController();
    const pending = engine.complete({ system: SYSTEM, user: 'count', schema: LONG, maxTokens: 8000 }, { signal: barge.signal });
    setTimeout(() => barge.abort(), 400);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const next = await engine.complete({ system: SYSTEM, user: 'hello', schema: SHORT, maxTokens: 40 });
    expect(next.ok).toBe(true);
    expect(engine.workerPid()).toBe(pid);
  });

  it("runs the driver's request before queued background work", async () => {
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
    const busy = new AbortController();
    const first = track('busy', engine.complete({ system: SYSTEM, user: 'count', schema: LONG, maxTokens: 8000 }, { signal: busy.signal }));
    const background = track('background', engine.complete({ system: SYSTEM, user: 'summary', schema: SHORT, maxTokens: 40 }, { priority: 'background' }));
    const driver = track('driver', engine.complete({ system: SYSTEM, user: 'navigate', schema: SHORT, maxTokens: 40 }, { priority: 'driver' }));
    setTimeout(() => busy.abort(), 300);
    await Promise.all([first, background, driver]);
    expect(order).toEqual(['busy', 'driver', 'background']);
  });

  it('reports a worker that dies mid-request, restarts it, and answers again', async () => {
    const pid = engine.workerPid();
    expect(pid).toBeDefined();
    const before = events.length;
    const pending = engine.complete({ system: SYSTEM, user: 'count', schema: LONG, maxTokens: 8000 });
    setTimeout(() => process.kill(pid as number, 'SIGKILL'), 300);
    const crashed = await pending;
    expect(crashed).toMatchObject({ ok: false, error: { code: 'crashed' } });
    expect(events.slice(before).map((e) => e.type)).toContain('crashed');
    const next = await engine.complete({ system: SYSTEM, user: 'hello', schema: SHORT, maxTokens: 40 });
    expect(next.ok).toBe(true);
    expect(engine.workerPid()).not.toBe(pid);
    // The measured thread count is kept: a restart does not measure again.
    expect(events.filter((e) => e.type === 'loaded').at(-1)).toMatchObject({ type: 'loaded', info: { threadTrials: [] } });
  });
});

describe('models that cannot be used', () => {
  it('answers no_model for a missing file, without starting a worker', async () => {
    const engine = new LocalEngine({ modelPath: join(tmpdir(), 'kemudi-no-such-model.gguf') });
    expect(await engine.complete({ system: 'x', user: 'y', schema: SHORT, maxTokens: 8 })).toMatchObject({ ok: false, error: { code: 'no_model' } });
    expect(engine.workerPid()).toBeUndefined();
    await engine.close();
  });

  it('answers bad_model for a truncated file, once, without restarting in a loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemudi-bad-model-'));
    const truncated = join(dir, 'truncated.gguf');
    const source = openSync(qwen, 'r');
    const head = Buffer.alloc(64 * 1024);
    readSync(source, head, 0, head.length, 0);
    closeSync(source);
    writeFileSync(truncated, head);
    const events: EngineEvent[] = [];
    const engine = new LocalEngine({ modelPath: truncated, onEvent: (e) => events.push(e) });
    const first = await engine.complete({ system: 'x', user: 'y', schema: SHORT, maxTokens: 8 });
    expect(first).toMatchObject({ ok: false, error: { code: 'bad_model' } });
    const second = await engine.complete({ system: 'x', user: 'y', schema: SHORT, maxTokens: 8 });
    expect(second).toMatchObject({ ok: false, error: { code: 'bad_model' } });
    expect(events.filter((e) => e.type === 'load_failed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'crashed')).toHaveLength(0);
    await engine.close();
  });
});

describe('a second architecture: the llama tiny model in ../shared', () => {
  const path = llamaTinyPath();
  it.skipIf(path === null)('loads and gives a grammar-valid tool call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemudi-llama-'));
    const copy = join(dir, 'llama.gguf');
    copyFileSync(path as string, copy);
    const engine = new LocalEngine({ modelPath: copy, contextSize: 2048, threads: 1 });
    try {
      const answer = await engine.complete({ system: 'Map the request to an intent.', user: 'I am cold', schema: toolSchema(catalog), maxTokens: 320 });
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      if (answer.ok) expect(catalog.names()).toContain((answer.value.value as { intent: string }).intent);
      expect(engine.info()).toMatchObject({ kind: 'local', threads: 1 });
    } finally {
      await engine.close();
    }
  });
});
