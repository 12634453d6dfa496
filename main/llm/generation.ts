// Generation: the texts templates cannot write. Each task has its own fixed instructions (a warm prefix
// of its own), a schema with a length cap and a refusal path, and a check of the answer. The result is
// only ever text to show or say: nothing here names an intent or reaches a handler, so no generated
// text can act on the car or send anything by itself.
import type { Lang } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { CallOptions, JsonSchema, LlmEngine } from './engine.js';
import { grounding, LANGUAGE_NAMES } from './tools.js';

export type Generated = { kind: 'text'; text: string } | { kind: 'refused' };

interface Task {
  system: string;
  maxChars: number;
  maxTokens: number;
}

/** Caps: a message body as the outbox takes it, a phrase, one or two spoken sentences, a short summary. */
export const TASKS = {
  tidy: {
    system:
      'You clean up a text message a driver dictated. Fix punctuation and capitals, drop filler words (um, eh, 嗯), keep the meaning, the language and the words. ' +
      'Never add content. Answer JSON {"refused": false, "text": "..."}; refuse ({"refused": true, "text": ""}) if the input is not a message.',
    maxChars: 500,
    maxTokens: 260,
  },
  translate: {
    system:
      'You translate short phrases for a driver. Translate the text into the target language named before it. Answer JSON {"refused": false, "text": "<translation>"}; ' +
      'refuse ({"refused": true, "text": ""}) if it is not something to translate.',
    maxChars: 300,
    maxTokens: 200,
  },
  answer: {
    system:
      'You are Kemudi, a car\'s voice assistant, offline. Answer the driver\'s question in one or two short spoken sentences, in the language named before it, without lists or markup. ' +
      'If you do not know, or it needs the internet, or it is unsafe, refuse: {"refused": true, "text": ""}. Otherwise {"refused": false, "text": "..."}.',
    maxChars: 240,
    maxTokens: 140,
  },
  summarize: {
    system:
      'You summarize a message thread for a driver to hear: who wrote, what they want, in at most two short sentences, in the language named before it. ' +
      'Answer JSON {"refused": false, "text": "..."}; refuse ({"refused": true, "text": ""}) if there is nothing to summarize.',
    maxChars: 300,
    maxTokens: 180,
  },
} as const satisfies Record<string, Task>;
export type TaskName = keyof typeof TASKS;

function schemaFor(task: Task): JsonSchema {
  return {
    type: 'object',
    properties: { refused: { type: 'boolean' }, text: { type: 'string', maxLength: task.maxChars } },
    required: ['refused', 'text'],
    additionalProperties: false,
  };
}

/** At most `count` sentences: a spoken answer stays short even when the model runs on. */
export function firstSentences(text: string, count: number): string {
  const parts = text.match(/[^.!?。！？]+[.!?。！？]*/gu) ?? [text];
  return parts.slice(0, count).join('').trim();
}

function checked(value: unknown, task: Task): Result<Generated> {
  if (typeof value !== 'object' || value === null) return err('invalid_output', 'the answer is not an object');
  const { refused, text } = value as { refused?: unknown; text?: unknown };
  if (typeof refused !== 'boolean' || typeof text !== 'string') return err('invalid_output', 'the answer lacks refused or text');
  const trimmed = text.trim();
  if (refused || trimmed.length === 0) return ok({ kind: 'refused' });
  if (trimmed.length > task.maxChars) return err('invalid_output', `the answer is longer than ${task.maxChars} characters`);
  return ok({ kind: 'text', text: trimmed });
}

export class Generator {
  constructor(private readonly engine: LlmEngine) {}

  private async run(name: TaskName, user: string, options: CallOptions): Promise<Result<Generated>> {
    const task: Task = TASKS[name];
    const answer = await this.engine.complete({ system: task.system, user, schema: schemaFor(task), maxTokens: task.maxTokens }, options);
    return answer.ok ? checked(answer.value.value, task) : answer;
  }

  /** A dictated body, tidied. A tidy that brings in words the driver did not say is not used: the
   *  driver hears the body read back, and it must be theirs. */
  async tidy(body: string, lang: Lang, options: CallOptions = {}): Promise<Result<Generated>> {
    const result = await this.run('tidy', `(${LANGUAGE_NAMES[lang]}) ${body}`, options);
    if (result.ok && result.value.kind === 'text' && grounding(result.value.text, body, lang) < 0.8) return ok({ kind: 'text', text: body.trim() });
    return result;
  }

  async translate(text: string, target: Lang, options: CallOptions = {}): Promise<Result<Generated>> {
    return this.run('translate', `(into ${LANGUAGE_NAMES[target]}) ${text}`, options);
  }

  /** One or two sentences, in the driver's language. */
  async answer(question: string, lang: Lang, options: CallOptions = {}): Promise<Result<Generated>> {
    const result = await this.run('answer', `(${LANGUAGE_NAMES[lang]}) ${question}`, options);
    return result.ok && result.value.kind === 'text' ? ok({ kind: 'text', text: firstSentences(result.value.text, 2) }) : result;
  }

  /** A spoken summary of a thread, oldest first. Background priority: it is never what the driver waits on first. */
  async summarize(messages: { from: string; text: string }[], lang: Lang, options: CallOptions = {}): Promise<Result<Generated>> {
    if (messages.length === 0) return ok({ kind: 'refused' });
    const thread = messages.map((m) => `${m.from}: ${m.text}`).join('\n').slice(-2_000);
    const result = await this.run('summarize', `(${LANGUAGE_NAMES[lang]})\n${thread}`, { priority: 'background', ...options });
    return result.ok && result.value.kind === 'text' ? ok({ kind: 'text', text: firstSentences(result.value.text, 2) }) : result;
  }
}
