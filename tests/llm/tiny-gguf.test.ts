// The generated tiny qwen2 GGUF (tests/support/tiny-gguf.ts): it parses back, node-llama-cpp loads
// it, its byte-level BPE round-trips text, the ChatML control tokens are single tokens, the chat
// wrapper resolves to ChatML (or Qwen with Qwen2.5's template), and a JSON-schema grammar forces a
// valid answer. The same grammar check runs on the shared llama tiny model. Weights are random, so
// nothing here looks at wording.
import { getLlama, LlamaChatSession, readGgufFileInfo, resolveChatWrapper, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyQwen2, llamaTinyPath, sharedDir, SPECIAL_TOKENS, tinyModelPath } from '../support/tiny-gguf.js';

const SCHEMA = { type: 'object', properties: { intent: { enum: ['a.b', 'c.d'] } }, required: ['intent'] } as const;
const INTENTS: readonly string[] = SCHEMA.properties.intent.enum;

// One thread: the model is tiny, and llama.cpp's spinning worker threads crawl when Vitest workers
// share few cores (node-llama-cpp defaults to at least 4 threads on CPU).
const THREADS = 1;

/** A grammar-forced answer on a fresh chat session, disposed afterwards. */
async function forcedAnswer(llama: Llama, model: LlamaModel): Promise<unknown> {
  const context = await model.createContext({ contextSize: 512, threads: THREADS });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: 'Map the request to an intent.' });
    const grammar = await llama.createGrammarForJsonSchema(SCHEMA);
    const text = await session.prompt('turn on the lights', { grammar, maxTokens: 40 });
    return JSON.parse(text) as unknown;
  } finally {
    await context.dispose();
  }
}

let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
});
afterAll(async () => {
  await llama.dispose();
});

describe('the generated tiny qwen2 model', () => {
  let path: string;
  let model: LlamaModel;
  beforeAll(async () => {
    path = await ensureTinyQwen2();
    model = await llama.loadModel({ modelPath: path });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('is cached under a name that hashes its options', async () => {
    expect(path).toBe(tinyModelPath('qwen2'));
    expect(await ensureTinyQwen2()).toBe(path);
    expect(tinyModelPath('qwen2', { seed: 7 })).not.toBe(path);
  });

  it('parses back as a qwen2 GGUF with its tensors, vocabulary and chat template', async () => {
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe('qwen2');
    // 3 global tensors + 12 per block, 2 blocks.
    expect(info.tensorCount).toBe(27);
    const names = info.fullTensorInfo?.map((t) => t.name) ?? [];
    expect(names).toContain('blk.1.attn_k.bias');
    const tokens = info.metadata.tokenizer.ggml.tokens;
    expect(tokens).toHaveLength(8003);
    expect(tokens.slice(-3)).toEqual([...SPECIAL_TOKENS]);
    const embd = info.fullTensorInfo?.find((t) => t.name === 'token_embd.weight');
    expect(embd?.dimensions).toEqual([64, 8003]);
    expect(info.metadata.tokenizer.chat_template).toContain('<|im_start|>');
  });

  it('tokenizes byte-level BPE text and round-trips it, with no BOS prepended', () => {
    for (const text of ['hello world', 'Nyalakan lampu, tolong!', '打开空调', 'a\n  b']) {
      const tokens = model.tokenize(text);
      expect(tokens.length).toBeGreaterThan(0);
      expect(model.detokenize(tokens)).toBe(text);
    }
    expect(model.tokens.shouldPrependBosToken).toBe(false);
  });

  it('treats the ChatML markers as single control tokens only when special tokens are allowed', () => {
    const start = model.tokenize('<|im_start|>', true);
    const end = model.tokenize('<|im_end|>', true);
    expect(start).toHaveLength(1);
    expect(end).toHaveLength(1);
    expect(end[0]).toBe(model.tokens.eos);
    expect(model.tokenize('<|im_end|>').length).toBeGreaterThan(1);
    const prompt = '<|im_start|>system\nMap the request to an intent.<|im_end|>\n<|im_start|>user\nturn on the lights<|im_end|>\n<|im_start|>assistant\n';
    const tokens = model.tokenize(prompt, true);
    expect(tokens.filter((t) => t === start[0])).toHaveLength(3);
    expect(model.detokenize(tokens, true)).toBe(prompt);
  });

  it('resolves to the ChatML chat wrapper', () => {
    const wrapper = resolveChatWrapper(model);
    expect(wrapper.wrapperName).toBe('ChatML');
  });

  it('answers with JSON that the grammar forces into the schema', async () => {
    const answer = (await forcedAnswer(llama, model)) as { intent?: unknown };
    expect(INTENTS).toContain(answer.intent);
  });
});

describe('the tiny qwen2 model with Qwen2.5-Instruct template', () => {
  it('resolves to the Qwen chat wrapper, as a real Qwen2.5 GGUF does', async () => {
    const model = await llama.loadModel({ modelPath: await ensureTinyQwen2({ chatTemplate: 'qwen2.5' }) });
    try {
      expect(resolveChatWrapper(model).wrapperName).toBe('Qwen');
    } finally {
      await model.dispose();
    }
  });
});

describe('the shared llama tiny model', () => {
  const path = llamaTinyPath();
  const title = 'answers with JSON that the grammar forces into the schema';
  it.skipIf(path === null)(path === null ? `${title} (skipped: no llama-2-tiny-random.gguf in ${sharedDir()}/data/gguf)` : title, async () => {
    const model = await llama.loadModel({ modelPath: path as string });
    try {
      const answer = (await forcedAnswer(llama, model)) as { intent?: unknown };
      expect(INTENTS).toContain(answer.intent);
    } finally {
      await model.dispose();
    }
  });
});
