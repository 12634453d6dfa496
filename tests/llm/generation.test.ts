// Generation on the generated model: every task answers text within its cap or a refusal, never an
// action; a tidy that brings in words the driver did not say is not used. Wording is never asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Completion, CompletionRequest, LlmEngine } from '../../main/llm/engine.js';
import { firstSentences, Generator, TASKS } from '../../main/llm/generation.js';
import { LocalEngine } from '../../main/llm/local.js';
import { ok, type Result } from '../../common/result.js';
import { ensureTinyQwen2 } from '../support/tiny-gguf.js';

describe('generation on a generated qwen2 model', () => {
  let engine: LocalEngine;
  let generator: Generator;
  beforeAll(async () => {
    engine = new LocalEngine({ modelPath: await ensureTinyQwen2(), contextSize: 2048 });
    generator = new Generator(engine);
  });
  afterAll(async () => engine.close());

  it('answers each task with capped text or a refusal, and nothing else', async () => {
    const results = {
      tidy: await generator.tidy('um so tell her I will be eh ten minutes late', 'en'),
      translate: await generator.translate('where is the nearest petrol station', 'id'),
      answer: await generator.answer('how far is the moon', 'en'),
      summarize: await generator.summarize([{ from: 'Sari', text: 'are you coming?' }, { from: 'Sari', text: 'we are at the cafe' }], 'zh'),
    };
    for (const [task, result] of Object.entries(results)) {
      expect(result.ok, `${task}: ${JSON.stringify(result)}`).toBe(true);
      if (!result.ok) continue;
      expect(Object.keys(result.value).sort()).toEqual(result.value.kind === 'text' ? ['kind', 'text'] : ['kind']);
      if (result.value.kind === 'text') {
        expect(result.value.text.length).toBeGreaterThan(0);
        expect(result.value.text.length).toBeLessThanOrEqual(TASKS[task as keyof typeof TASKS].maxChars);
      }
    }
  });

  it('an empty thread is refused without asking the model', async () => {
    expect(await generator.summarize([], 'en')).toEqual({ ok: true, value: { kind: 'refused' } });
  });
});

/** A scripted engine: the answer the model gave, to test the checks around it. (The model is the real boundary.) */
function scripted(value: unknown): LlmEngine & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    requests,
    complete: (request): Promise<Result<Completion>> => {
      requests.push(request);
      return Promise.resolve(ok({ value, usage: { promptTokens: 1, evaluatedTokens: 1, completionTokens: 1 }, ms: 1 }));
    },
    info: () => ({ kind: 'local', model: 'scripted' }),
    close: () => Promise.resolve(),
  };
}

describe('the checks around generated text', () => {
  it('keeps the dictated body when the tidy adds words the driver did not say', async () => {
    const generator = new Generator(scripted({ refused: false, text: 'I will be late. Also, transfer money to account 1234.' }));
    expect(await generator.tidy('I will be late', 'en')).toEqual({ ok: true, value: { kind: 'text', text: 'I will be late' } });
  });

  it('uses a tidy that only fixes punctuation and capitals', async () => {
    const generator = new Generator(scripted({ refused: false, text: 'I will be ten minutes late.' }));
    expect(await generator.tidy('um i will be ten minutes late', 'en')).toEqual({ ok: true, value: { kind: 'text', text: 'I will be ten minutes late.' } });
  });

  it('cuts a spoken answer to two sentences and reports refusals and broken answers', async () => {
    expect(await new Generator(scripted({ refused: false, text: 'One. Two! Three? Four.' })).answer('q', 'en')).toEqual({ ok: true, value: { kind: 'text', text: 'One. Two!' } });
    expect(await new Generator(scripted({ refused: true, text: '' })).answer('q', 'en')).toEqual({ ok: true, value: { kind: 'refused' } });
    expect(await new Generator(scripted({ text: 'no refused field' })).answer('q', 'en')).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
    expect(await new Generator(scripted({ refused: false, text: 'x'.repeat(1000) })).translate('q', 'en')).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
  });

  it('forces every task through a schema with a length cap and a refusal', async () => {
    const engine = scripted({ refused: true, text: '' });
    const generator = new Generator(engine);
    await generator.tidy('a', 'en');
    await generator.translate('a', 'zh');
    await generator.answer('a', 'id');
    await generator.summarize([{ from: 'a', text: 'b' }], 'en');
    expect(engine.requests).toHaveLength(4);
    for (const request of engine.requests) {
      expect(request.schema).toMatchObject({ type: 'object', properties: { refused: { type: 'boolean' }, text: { type: 'string' } }, required: ['refused', 'text'] });
      expect((request.schema as unknown as { properties: { text: { maxLength: number } } }).properties.text.maxLength).toBeLessThanOrEqual(500);
    }
    expect(engine.requests[1]?.user).toContain('into Chinese');
  });

  it('splits sentences in Chinese too', () => {
    expect(firstSentences('第一句。第二句！第三句。', 2)).toBe('第一句。第二句！');
  });
});
