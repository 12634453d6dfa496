// Fuzzing `kemudi parse` (issue 12): 10,000 random lines (objects with random ids, texts and languages, JSON of
// any shape, garbage with NUL bytes, texts at and past the 2,000-character limit, emoji, right to left) through
// one process on stdin. It exits 0 and answers each non-blank line with exactly one line, in order, with the
// documented keys, and an error {code, message} for a line that is not a request. Then single long and
// mixed-script texts on the command line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGS, MAX_UTTERANCE_CHARS } from '../../common/contract.js';
import { kemudi, spawnKemudi } from '../support/cli.js';
import { FUZZ_RUNS, FUZZ_SEED, nastyText, oddNumber, spokenText, textAround, veryLongText } from '../support/fuzz.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-parse-fuzz-'));
const env = { KEMUDI_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const KEYS = ['id', 'intent', 'slots', 'source', 'ms'];
const SOURCES = ['template', 'classifier', 'llm', 'none'];

const request = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.oneof(nastyText(30), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }, { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, '') }),
    text: fc.oneof(
      { weight: 6, arbitrary: nastyText(40) },
      { weight: 6, arbitrary: spokenText },
      { weight: 1, arbitrary: textAround(MAX_UTTERANCE_CHARS) },
      { weight: 1, arbitrary: veryLongText(6000) },
      { weight: 1, arbitrary: fc.oneof(oddNumber, fc.constantFrom(null, ['turn on the headlights'], { text: 'hi' })) },
    ),
    lang: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LANGS) }, { weight: 1, arbitrary: fc.constantFrom('fr', 'EN', ' en', '', null, 1) }),
  },
  { requiredKeys: ['id', 'text'] },
);

/** A line without a line break in it (readline splits at \n and \r). */
const oneLine = (text: string): string => text.replace(/[\r\n]/g, ' ');

const lines: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 12, arbitrary: request.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.tuple(request, fc.constantFrom('id', 'text')).map(([r, left]) => JSON.stringify({ ...r, [left]: undefined })) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 3, arbitrary: nastyText(60) },
    { weight: 1, arbitrary: fc.tuple(request.map((r) => JSON.stringify(r)), fc.nat()).map(([json, at]) => json.slice(0, at % json.length)) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\u3000', '\ufeff', '\u00a0 ') },
  )
  .map(oneLine);

interface Expected {
  id: unknown;
  code: 'bad_json' | 'invalid_message' | null;
}

/** The README's contract for one line: null when the line is blank (no answer). Texts are measured in
 *  characters (code points: an emoji is one), as the contract's schemas measure them. */
function expectation(line: string): Expected | null {
  // What the process reads: the line after a trip through UTF-8 (a lone surrogate becomes U+FFFD).
  const read = Buffer.from(line, 'utf8').toString('utf8');
  if (read.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(read);
  } catch {
    return { id: null, code: 'bad_json' };
  }
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const id = object?.id;
  const idOk = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  const valid = idOk && typeof object?.text === 'string' && [...object.text].length <= MAX_UTTERANCE_CHARS && (!object || !('lang' in object) || (LANGS as readonly unknown[]).includes(object.lang));
  return { id: idOk ? JSON.parse(JSON.stringify(id)) : null, code: valid ? null : 'invalid_message' };
}

function checkAnswer(answer: Record<string, unknown>, expected: Expected, line = ''): void {
  expect(Object.keys(answer), `the answer to ${JSON.stringify(line.slice(0, 300))}`).toEqual(expected.code ? [...KEYS, 'error'] : KEYS);
  expect(answer.id).toStrictEqual(expected.id);
  expect(typeof answer.intent).toBe('string');
  expect(SOURCES).toContain(answer.source);
  expect(typeof answer.ms === 'number' && answer.ms >= 0).toBe(true);
  const slots = answer.slots as Record<string, unknown>;
  expect(Object.getPrototypeOf(slots)).toBe(Object.prototype);
  for (const value of Object.values(slots)) expect(['string', 'number', 'boolean']).toContain(typeof value);
  if (expected.code) {
    expect(answer).toMatchObject({ intent: 'out_of_scope', slots: {}, source: 'none', error: { code: expected.code } });
    expect(Object.keys(answer.error as object)).toEqual(['code', 'message']);
    expect(String((answer.error as { message: unknown }).message).trim()).not.toBe('');
  }
}

/** Runs `kemudi parse` once over `input`; resolves when its output is all in. */
function parseOnce(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnKemudi(['parse'], env);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  // A process that dies early breaks the pipe: its exit code tells the story, not an EPIPE here.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })));
}

describe('fuzz: kemudi parse', () => {
  it(`answers ${FUZZ_RUNS} random lines in one process, one line each, in order`, async () => {
    const input = fc.sample(lines, { seed: FUZZ_SEED, numRuns: FUZZ_RUNS });
    const asked = input.filter((line) => expectation(line) !== null);
    const expected = asked.map((line) => expectation(line) as Expected);
    const run = await parseOnce(`${input.join('\n')}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answers = run.stdout.split('\n');
    expect(answers.pop()).toBe('');
    expect(answers.length).toBe(expected.length);
    answers.forEach((line, i) => {
      let answer: unknown;
      expect(() => (answer = JSON.parse(line)), `answer ${i} is JSON`).not.toThrow();
      checkAnswer(answer as Record<string, unknown>, expected[i] as Expected, asked[i]);
    });
    // The fuzz reached every kind of answer.
    const kinds = new Set(expected.map((e) => e.code));
    expect(kinds).toEqual(new Set([null, 'bad_json', 'invalid_message']));
  }, 120_000);

  it('answers very long and mixed-script texts given on the command line, one line each', () => {
    const texts = [
      'turn on the 远光灯 please 🚗',
      'nyalakan lampu 打开大灯 and call Sari',
      'شغّل the headlights 然后 lalu שלום',
      '\u202eturn on the headlights\u202c',
      'ｔｕｒｎ ｏｎ ｔｈｅ ｈｅａｄｌｉｇｈｔｓ 👍🏽👨‍👩‍👧‍👦🇮🇩',
      `text sari ${'on my way 🚗 مرحبا 打开 '.repeat(80)}`.slice(0, MAX_UTTERANCE_CHARS),
      'turn on the headlights and '.repeat(3_700),
    ];
    for (const lang of [[], ['--lang', 'en'], ['--lang', 'zh']]) {
      const run = kemudi(['parse', ...texts, ...lang], { env });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.lines.length).toBe(texts.length);
      run.lines.forEach((line, i) => checkAnswer(JSON.parse(line) as Record<string, unknown>, { id: String(i + 1), code: null }));
    }
  });

  it('refuses a line whose text is far past the limit, and takes one right at it', () => {
    const atLimit = '打开远光灯 🚗 lights on '.repeat(200).slice(0, MAX_UTTERANCE_CHARS);
    const input = [JSON.stringify({ id: 'huge', text: 'x'.repeat(1_000_000) }), JSON.stringify({ id: 'limit', text: atLimit })].join('\n');
    const run = kemudi(['parse'], { input, env });
    expect(run.code).toBe(0);
    const [huge, limit] = run.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    checkAnswer(huge ?? {}, { id: 'huge', code: 'invalid_message' });
    checkAnswer(limit ?? {}, { id: 'limit', code: null });
  });
});
