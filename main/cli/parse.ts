// `kemudi parse`: NLU steps 1–4 as JSON lines, for evaluation.
// In:  {"id","text","lang"} per line (lang optional).  Out: {"id","intent","slots","source","ms"} per line, in order.
// A line that is not such an object still gets its one output line, with an "error" beside the usual keys.
// With a model (KEMUDI_MODEL, an installed one, or a reachable KEMUDI_LLM_URL), sentences templates and the
// classifier cannot place go through the LLM's tool call (source "llm"); without one, nothing changes.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Lang, MAX_UTTERANCE_CHARS, type Slots } from '../../common/contract.js';
import { loadKnowledge } from '../core/compose.js';
import { openLlm } from '../llm/index.js';
import type { NluEngine } from '../nlu/index.js';
import { parseLang } from './usage.js';

const ParseInput = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string().max(MAX_UTTERANCE_CHARS),
  lang: Lang.optional(),
});

interface ParseOutput {
  id: string | number | null;
  intent: string;
  slots: Slots;
  source: string;
  ms: number;
  error?: { code: string; message: string };
}

export async function parseOne(nlu: NluEngine, id: string | number, text: string, lang?: Lang): Promise<ParseOutput> {
  // "ms" is the time to understand the sentence; a language's one-off compile is not part of it.
  nlu.prepare(lang);
  const started = performance.now();
  const result = nlu.hasFallback() ? await nlu.understand(text, lang) : nlu.understandSync(text, lang);
  const ms = Math.round((performance.now() - started) * 1000) / 1000;
  const first = result.understandings[0];
  return first
    ? { id, intent: first.intent, slots: first.slots, source: first.source, ms }
    : { id, intent: 'out_of_scope', slots: {}, source: 'none', ms };
}

export async function parseLine(nlu: NluEngine, line: string, fallbackLang?: Lang): Promise<ParseOutput> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, intent: 'out_of_scope', slots: {}, source: 'none', ms: 0, error: { code: 'bad_json', message: 'the line is not valid JSON' } };
  }
  const input = ParseInput.safeParse(value);
  if (!input.success) {
    const id = typeof value === 'object' && value !== null && 'id' in value && (typeof value.id === 'string' || typeof value.id === 'number') ? value.id : null;
    const message = input.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
    return { id, intent: 'out_of_scope', slots: {}, source: 'none', ms: 0, error: { code: 'invalid_message', message } };
  }
  return parseOne(nlu, input.data.id, input.data.text, input.data.lang ?? fallbackLang);
}

export async function runParse(options: { lang?: string | undefined }, texts: string[]): Promise<number> {
  const lang = parseLang(options.lang);
  const { nlu, catalog } = loadKnowledge();
  const llm = await openLlm(catalog);
  if (llm.ok) nlu.useFallback(llm.value.tools);
  // No model is a normal state and stays quiet; a broken one is worth a line on stderr.
  else if (llm.error.code !== 'no_model') process.stderr.write(`kemudi: the LLM is off: ${llm.error.message}\n`);
  const write = (value: ParseOutput): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  try {
    if (texts.length > 0) {
      for (const [index, text] of texts.entries()) write(await parseOne(nlu, String(index + 1), text, lang));
      return 0;
    }
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      write(await parseLine(nlu, line, lang));
    }
    return 0;
  } finally {
    if (llm.ok) await llm.value.engine.close();
  }
}
