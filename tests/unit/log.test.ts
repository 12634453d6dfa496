// The process log (main/core/log.ts) and what the running car writes to it (main/core/log-wiring.ts):
// JSON lines, content redacted unless asked for, rotation by size, level filtering, and a real turn.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import {
  content,
  contentFromEnv,
  createLogger,
  levelFromEnv,
  LOG_FILE,
  logCrashes,
  openProcessLog,
  redactionMarker,
  RotatingFile,
} from '../../main/core/log.js';
import { logLlmStatus } from '../../main/core/log-wiring.js';

type Line = Record<string, unknown>;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kemudi-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const linesOf = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);

describe('log lines', () => {
  it('are JSON with time, level, pid, component, event and the fields', () => {
    const log = createLogger({ dir });
    log.child('assistant').info('turn', { intent: 'vehicle.lights', latencyMs: 12 });
    log.child('outbox').child('retry').warn('message.state', { state: 'queued' });
    log.close();
    const [first, second, ...rest] = linesOf(join(dir, LOG_FILE));
    expect(rest).toEqual([]);
    expect(first).toEqual({ level: 'info', time: expect.any(String), pid: process.pid, component: 'assistant', event: 'turn', intent: 'vehicle.lights', latencyMs: 12 });
    expect(new Date(String(first?.time)).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: 'warn', component: 'outbox.retry', event: 'message.state', state: 'queued' });
  });

  it('write errors as type, message and stack; a field named like the line’s own keys is renamed', () => {
    const log = createLogger({ dir });
    const error = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    log.error('failed', { err: error, event: 'mine', level: 3 });
    log.close();
    const [line] = linesOf(join(dir, LOG_FILE));
    expect(line).toMatchObject({ level: 'error', event: 'failed', event_: 'mine', level_: 3, err: { type: 'Error', message: 'disk full', code: 'ENOSPC' } });
    expect(String((line?.err as Line).stack)).toContain('disk full');
  });

  it('without a folder or stream writes nothing, and a closed logger drops lines', () => {
    const log = createLogger();
    expect(log.file).toBeNull();
    log.error('nowhere');
    const filed = createLogger({ dir });
    filed.close();
    filed.error('after close');
    expect(existsSync(join(dir, LOG_FILE))).toBe(false);
  });
});

describe('content', () => {
  const said = "text budi i'll be there in ten minutes";

  it('is redacted by default, by field name at any depth and by the content() wrapper, with its length', () => {
    const log = createLogger({ dir });
    expect(log.content).toBe(false);
    log.info('x', { heard: said, body: 'on my way', slots: { contact: 'budi' }, nested: { transcript: 'hello' }, list: [{ prompt: 'p' }], said: content('free text'), intent: 'messaging.send' });
    log.child('c', { text: 'bound' }).info('y');
    log.close();
    const raw = readFileSync(join(dir, LOG_FILE), 'utf8');
    for (const secret of [said, 'on my way', 'budi', 'hello', 'free text', 'bound']) expect(raw).not.toContain(secret);
    const [x, y] = linesOf(join(dir, LOG_FILE));
    expect(x).toMatchObject({
      heard: `[redacted: ${said.length} chars]`,
      body: '[redacted: 9 chars]',
      slots: redactionMarker({ contact: 'budi' }),
      nested: { transcript: '[redacted: 5 chars]' },
      list: [{ prompt: '[redacted: 1 chars]' }],
      said: '[redacted: 9 chars]',
      intent: 'messaging.send',
    });
    expect(y).toMatchObject({ text: '[redacted: 5 chars]' });
  });

  it('is written as it is with KEMUDI_LOG_CONTENT=1, in <dataDir>/logs/kemudi.log', () => {
    const log = openProcessLog({ KEMUDI_DATA_DIR: dir, KEMUDI_LOG_CONTENT: '1' });
    expect(log.file).toBe(join(dir, 'logs', LOG_FILE));
    log.info('x', { heard: said, said: content({ body: 'on my way' }) });
    log.close();
    const [opened, x] = linesOf(join(dir, 'logs', LOG_FILE));
    expect(opened).toMatchObject({ event: 'log.opened', level: 'info', content: true });
    expect(x).toMatchObject({ heard: said, said: { body: 'on my way' } });
  });

  it('is on only for an explicit yes', () => {
    expect(contentFromEnv({})).toBe(false);
    expect(contentFromEnv({ KEMUDI_LOG_CONTENT: '0' })).toBe(false);
    expect(contentFromEnv({ KEMUDI_LOG_CONTENT: 'true' })).toBe(true);
    expect(contentFromEnv({ KEMUDI_LOG_CONTENT: '1' })).toBe(true);
  });
});

describe('rotation', () => {
  it('rotates before a line would pass the size limit and keeps at most maxFiles files', () => {
    const maxBytes = 2000;
    const log = createLogger({ dir, maxBytes, maxFiles: 3 });
    for (let i = 0; i < 200; i++) log.info('line', { i, pad: 'x'.repeat(60) });
    log.close();
    expect(readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    const files = [2, 1, 0].map((n) => RotatingFile.nth(join(dir, LOG_FILE), n));
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
    // The newest lines survive, in order and none lost between the files kept.
    const kept = files.flatMap(linesOf).map((line) => line.i as number);
    expect(kept.at(-1)).toBe(199);
    expect(kept).toEqual(kept.map((_, k) => kept[0]! + k));
    expect(kept.length).toBeGreaterThan(20);
  });

  it('appends to an existing file and counts what is already there', () => {
    createLogger({ dir, maxBytes: 1000 }).info('first');
    const log = createLogger({ dir, maxBytes: 1000 });
    for (let i = 0; i < 20; i++) log.info('more', { i, pad: 'y'.repeat(40) });
    log.close();
    expect(existsSync(join(dir, `${LOG_FILE}.1`))).toBe(true);
    const files = [4, 3, 2, 1, 0].map((n) => RotatingFile.nth(join(dir, LOG_FILE), n)).filter((file) => existsSync(file));
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(1000);
    // Oldest first: the line from before, then all twenty.
    expect(files.flatMap(linesOf).map((line) => line.event)).toEqual(['first', ...Array<string>(20).fill('more')]);
  });

  it('with one file, starts the file again', () => {
    const log = createLogger({ dir, maxBytes: 300, maxFiles: 1 });
    for (let i = 0; i < 10; i++) log.info('line', { i });
    log.close();
    expect(readdirSync(dir)).toEqual([LOG_FILE]);
    expect(linesOf(join(dir, LOG_FILE)).at(-1)).toMatchObject({ i: 9 });
  });
});

describe('levels', () => {
  it('drops lines below the level', () => {
    const log = createLogger({ dir, level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.child('c').error('e');
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.isLevelEnabled('error')).toBe(true);
    log.close();
    expect(linesOf(join(dir, LOG_FILE)).map((l) => [l.level, l.event])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('come from KEMUDI_LOG_LEVEL (default info; an unknown name is info and said)', () => {
    expect(levelFromEnv({})).toEqual({ level: 'info' });
    expect(levelFromEnv({ KEMUDI_LOG_LEVEL: 'DEBUG' })).toEqual({ level: 'debug' });
    expect(levelFromEnv({ KEMUDI_LOG_LEVEL: 'loud' })).toEqual({ level: 'info', unknown: 'loud' });
    const log = openProcessLog({ KEMUDI_DATA_DIR: dir, KEMUDI_LOG_LEVEL: 'error' });
    log.info('quiet');
    log.error('loud');
    log.close();
    expect(linesOf(join(dir, 'logs', LOG_FILE)).map((l) => l.event)).toEqual(['loud']);
  });
});

describe('what the car logs', () => {
  const knowledge = loadKnowledge();

  it('a turn through a real simulated assistant: intent, policy and latency, not the sentence or the body', async () => {
    const log = createLogger({ dir, level: 'debug' });
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, log, music: null, sampleMap: false, onlineWeather: null, scenariosDir: null });
    await sim.assistant.handle({ type: 'utterance', text: "text budi i'll be there in ten minutes", lang: 'en', source: 'text' });
    await sim.assistant.handle({ type: 'utterance', text: 'yes', lang: 'en', source: 'text' });
    await sim.outbox.processDue();
    await sim.assistant.handle({ type: 'hangup' });
    sim.close();
    log.close();
    const raw = readFileSync(join(dir, LOG_FILE), 'utf8');
    for (const secret of ['there in', '10 minutes', 'ten minutes', 'Budi', 'budi', '+62']) expect(raw).not.toContain(secret);
    const lines = linesOf(join(dir, LOG_FILE));
    const turns = lines.filter((l) => l.event === 'turn');
    expect(turns[0]).toMatchObject({
      component: 'assistant',
      level: 'info',
      lang: 'en',
      intent: 'messaging.send',
      source: 'template',
      policy: 'confirm',
      actions: 0,
      slotNames: expect.arrayContaining(['contact', 'body']),
      latencyMs: expect.any(Number),
      heard: redactionMarker("text budi i'll be there in ten minutes"),
      slots: expect.stringMatching(/^\[redacted: \d+ chars\]$/),
      response: expect.stringMatching(/^\[redacted: \d+ chars\]$/),
    });
    expect(turns[0]?.confidence).toEqual(expect.any(Number));
    expect(turns[1]).toMatchObject({ intent: 'messaging.send', policy: 'confirm', actions: expect.any(Number) });
    expect(turns[1]?.actions).toBeGreaterThan(0);
    // The outbox: the key and each state, never the body or the number.
    const states = lines.filter((l) => l.event === 'message.state');
    expect(states.map((l) => l.state)).toEqual(expect.arrayContaining(['queued', 'sent']));
    expect(new Set(states.map((l) => l.key)).size).toBe(1);
    expect(states[0]).toMatchObject({ component: 'outbox', key: expect.any(String), attempts: expect.any(Number) });
    expect(Object.keys(states[0] ?? {})).not.toEqual(expect.arrayContaining(['body']));
    // A refused command is a warning with its code.
    expect(lines.find((l) => l.event === 'refused')).toMatchObject({ component: 'assistant', level: 'warn', code: 'not_allowed' });
  });

  it('writes the sentence too when content logging is on', async () => {
    const log = createLogger({ dir, content: true });
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, log, music: null, sampleMap: false, onlineWeather: null, scenariosDir: null, addressBook: null });
    await sim.assistant.handle({ type: 'utterance', text: 'turn on the low beams', lang: 'en', source: 'text' });
    sim.close();
    log.close();
    const turn = linesOf(join(dir, LOG_FILE)).find((l) => l.event === 'turn');
    expect(turn).toMatchObject({ heard: 'turn on the low beams', intent: 'vehicle.lights', policy: 'allow' });
  });

  it('without a logger, a simulated assistant writes no log anywhere', async () => {
    const sim = createSimulatedAssistant({ database: join(dir, 'kemudi.db'), knowledge, music: null, sampleMap: false, onlineWeather: null, scenariosDir: null, addressBook: null });
    await sim.assistant.handle({ type: 'utterance', text: 'turn on the low beams', lang: 'en', source: 'text' });
    sim.close();
    expect(readdirSync(dir).filter((name) => name.includes('log'))).toEqual([]);
  });

  it('the LLM: a crash and a failed load are errors, the rest info', () => {
    const log = createLogger({ dir });
    const status = logLlmStatus(log.child('llm'));
    status('loading', 'local qwen');
    status('loading', 'restarting after a crash: the worker exited with code 1');
    status('failed', 'bad_model: not a GGUF file');
    status('ready', 'local qwen');
    log.close();
    expect(linesOf(join(dir, LOG_FILE)).map((l) => [l.component, l.level, l.event])).toEqual([
      ['llm', 'info', 'llm.loading'],
      ['llm', 'error', 'llm.crashed'],
      ['llm', 'error', 'llm.failed'],
      ['llm', 'info', 'llm.ready'],
    ]);
  });

  it('an uncaught exception is logged as fatal before Node handles it', () => {
    const log = createLogger({ dir });
    const emitter = new EventEmitter();
    const stop = logCrashes(log, emitter as unknown as NodeJS.Process);
    emitter.emit('uncaughtExceptionMonitor', new TypeError('boom'), 'uncaughtException');
    stop();
    emitter.emit('uncaughtExceptionMonitor', new TypeError('again'), 'uncaughtException');
    log.close();
    expect(linesOf(join(dir, LOG_FILE))).toEqual([expect.objectContaining({ level: 'fatal', event: 'process.crash', origin: 'uncaughtException', err: expect.objectContaining({ type: 'TypeError', message: 'boom' }) })]);
  });
});
