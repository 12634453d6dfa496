// The recognizer's page side (renderer/src/voice/recognizer.ts) and the Vosk wake-word engine
// (renderer/src/voice/vosk-wake.ts) against a scripted worker: deadlines, cancellation, a worker that dies
// (crashed, then a fresh worker on the next load), finish() always giving a final, and the wake grammar.
// The real worker and vosk-browser run in Chromium: tests/e2e/recognizer.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecognizerReply, RecognizerRequest } from '../../renderer/src/voice/recognizer-protocol.js';
import { createVoskRecognizer, VoskWorkerClient, type WorkerLike } from '../../renderer/src/voice/recognizer.js';
import { matchWake, VoskWakeWordDetector, WAKE_PHRASES, wakeGrammar } from '../../renderer/src/voice/vosk-wake.js';

/** A worker that records what it is sent and answers as the test says (by default: loads and creates succeed). */
class ScriptedWorker implements WorkerLike {
  readonly sent: RecognizerRequest[] = [];
  terminated = false;
  onmessage: ((event: { data: RecognizerReply }) => void) | null = null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null = null;
  constructor(private readonly answer: (request: RecognizerRequest) => RecognizerReply | null) {}
  postMessage(message: RecognizerRequest): void {
    this.sent.push(message);
    const reply = this.answer(message);
    if (reply) queueMicrotask(() => this.reply(reply));
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: RecognizerReply): void {
    this.onmessage?.({ data: message });
  }
  die(message = 'boom'): void {
    this.onerror?.({ message, preventDefault: () => undefined });
  }
}

const succeed = (request: RecognizerRequest): RecognizerReply | null =>
  request.type === 'load' ? { type: 'loaded', seq: request.seq, result: { ok: true, value: null } } : request.type === 'create' ? { type: 'created', seq: request.seq, result: { ok: true, value: null } } : null;

function harness(answer: (request: RecognizerRequest) => RecognizerReply | null = succeed, options: { loadTimeoutMs?: number } = {}) {
  const workers: ScriptedWorker[] = [];
  const client = new VoskWorkerClient({
    reachTimeoutMs: 50,
    loadTimeoutMs: options.loadTimeoutMs ?? 1000,
    createWorker: () => {
      const worker = new ScriptedWorker(answer);
      workers.push(worker);
      return worker;
    },
  });
  return { client, workers };
}

const globals = globalThis as unknown as { document?: { baseURI: string } };
beforeAll(() => {
  globals.document = { baseURI: 'http://127.0.0.1:1234/?token=t' };
});
afterAll(() => {
  delete globals.document;
});

describe('the recognizer client', () => {
  it('loads through the worker with an absolute URL, then feeds audio, partials and finals to the listeners', async () => {
    const { client, workers } = harness();
    const recognizer = createVoskRecognizer({ worker: client });
    const heard: string[] = [];
    recognizer.on('partial', (text) => heard.push(`partial:${text}`));
    recognizer.on('final', (text) => heard.push(`final:${text}`));
    expect(await recognizer.load('models/voice/m.tar.gz?token=t', 'en')).toEqual({ ok: true, value: { lang: 'en' } });
    const [worker] = workers;
    expect(worker!.sent[0]).toMatchObject({ type: 'load', modelUrl: 'http://127.0.0.1:1234/models/voice/m.tar.gz?token=t' });
    const create = worker!.sent[1] as Extract<RecognizerRequest, { type: 'create' }>;
    expect(create).toMatchObject({ type: 'create', sampleRate: 16_000, grammar: null });

    const frame = new Float32Array([0.1, 0.2]);
    recognizer.accept(frame);
    // A copy is transferred: the caller's frame stays usable.
    expect(frame.length).toBe(2);
    expect(worker!.sent[2]).toMatchObject({ type: 'audio', channel: create.channel });
    worker!.reply({ type: 'partial', channel: create.channel, text: 'turn on' });
    worker!.reply({ type: 'final', channel: create.channel, text: 'turn on the lights', requested: false, conf: null });
    recognizer.finish();
    expect(worker!.sent.at(-1)).toEqual({ type: 'finish', channel: create.channel });
    worker!.reply({ type: 'final', channel: create.channel, text: '', requested: true, conf: null });
    expect(heard).toEqual(['partial:turn on', 'final:turn on the lights', 'final:']);
    recognizer.close();
    expect(worker!.terminated).toBe(false); // the worker was given: it is the caller's to close
    client.close();
    expect(worker!.terminated).toBe(true);
  });

  it('passes on the worker\'s typed errors, and finish() before a load still gives an empty final', async () => {
    const { client } = harness((request) => (request.type === 'load' ? { type: 'loaded', seq: request.seq, result: { ok: false, error: { code: 'no_model', message: 'no voice model at …' } } } : null));
    const recognizer = createVoskRecognizer({ worker: client });
    expect(await recognizer.load('models/voice/none.tar.gz', 'en')).toMatchObject({ ok: false, error: { code: 'no_model' } });
    const finals: string[] = [];
    recognizer.on('final', (text) => finals.push(text));
    recognizer.finish();
    expect(finals).toEqual(['']);
    recognizer.accept(new Float32Array(4)); // ignored, no throw
    recognizer.close();
  });

  it('gives timeout when the worker never answers, and starts a fresh worker next time', async () => {
    let answer = false;
    const { client, workers } = harness((request) => (answer ? succeed(request) : null), { loadTimeoutMs: 30 });
    expect(await client.load('a.tar.gz')).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(workers[0]!.terminated).toBe(true);
    answer = true;
    expect(await client.load('a.tar.gz')).toEqual({ ok: true, value: null });
    expect(workers).toHaveLength(2);
    client.close();
  });

  it('cancels a load that a newer load or close() replaced', async () => {
    const { client } = harness(() => null);
    const recognizer = createVoskRecognizer({ worker: client });
    const first = recognizer.load('a.tar.gz', 'en');
    const second = recognizer.load('b.tar.gz', 'en');
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    client.close();
    expect(await second).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('reports crashed for a load in progress, tells onCrash of a death after loading, and recovers with a fresh worker', async () => {
    let hang = true;
    const { client, workers } = harness((request) => (hang && request.type === 'load' ? null : succeed(request)));
    const crashes: string[] = [];
    const recognizer = createVoskRecognizer({ worker: client, onCrash: (error) => crashes.push(error.code) });
    const loading = recognizer.load('a.tar.gz', 'en');
    await Promise.resolve();
    workers[0]!.die('out of memory');
    expect(await loading).toMatchObject({ ok: false, error: { code: 'crashed', message: expect.stringContaining('out of memory') as unknown } });
    expect(workers[0]!.terminated).toBe(true);
    expect(crashes).toEqual([]);

    hang = false;
    expect(await recognizer.load('a.tar.gz', 'en')).toMatchObject({ ok: true });
    expect(workers).toHaveLength(2);
    // The worker's own report of vosk-browser's worker dying counts the same.
    workers[1]!.reply({ type: 'crashed', message: 'the Vosk worker stopped' });
    expect(crashes).toEqual(['crashed']);
    recognizer.accept(new Float32Array(4));
    expect(workers[1]!.sent.some((m) => m.type === 'audio')).toBe(false);
    expect(await recognizer.load('a.tar.gz', 'en')).toMatchObject({ ok: true });
    expect(workers).toHaveLength(3);
    recognizer.close();
    client.close();
  });

  it('gives unavailable when the worker cannot start', async () => {
    const client = new VoskWorkerClient({
      createWorker: () => {
        throw new Error('blocked by policy');
      },
    });
    expect(await client.load('a.tar.gz')).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('blocked by policy') as unknown } });
  });
});

describe('the Vosk wake word', () => {
  it("spells each phrase in words a Vosk vocabulary has, and adds [unk]; 'kemudi' itself is in none", () => {
    for (const lang of ['en', 'id', 'zh'] as const) {
      const grammar = wakeGrammar(WAKE_PHRASES[lang]);
      expect(grammar.at(-1)).toBe('[unk]');
      expect(grammar.join(' ')).not.toContain('kemudi');
    }
    expect(wakeGrammar([{ phrase: 'x', spellings: ['Hey  Come Moody', 'hey come moody'] }])).toEqual(['hey come moody', '[unk]']);
  });

  it('matches a spelling as whole words and reports the phrase the driver knows', () => {
    expect(matchWake('hey come moody', WAKE_PHRASES.en)).toBe('hey kemudi');
    expect(matchWake('[unk] hey come muddy', WAKE_PHRASES.en)).toBe('hey kemudi');
    expect(matchWake('hey come', WAKE_PHRASES.en)).toBeNull();
    expect(matchWake('hey come moodyx', WAKE_PHRASES.en)).toBeNull();
    expect(matchWake('你好 科 穆 迪', WAKE_PHRASES.zh)).toBe('你好 kemudi');
    expect(matchWake('hi come moody', WAKE_PHRASES.id)).toBe('hai kemudi');
  });

  it('shares the worker, listens with the grammar, detects above the threshold once, and resets', async () => {
    const { client, workers } = harness();
    const wake = new VoskWakeWordDetector({ worker: client, modelUrl: 'models/voice/en.tar.gz', lang: 'en' });
    const recognizer = createVoskRecognizer({ worker: client });
    expect(await recognizer.load('models/voice/en.tar.gz', 'en')).toMatchObject({ ok: true });
    expect(await wake.load()).toEqual({ ok: true, value: { phrases: ['hey kemudi'] } });
    expect(workers).toHaveLength(1);
    // The model was loaded once, for both.
    expect(workers[0]!.sent.filter((m) => m.type === 'load')).toHaveLength(1);
    const create = workers[0]!.sent.filter((m) => m.type === 'create').at(-1) as Extract<RecognizerRequest, { type: 'create' }>;
    expect(create.grammar).toEqual([...WAKE_PHRASES.en[0]!.spellings, '[unk]']);

    const detections: unknown[] = [];
    wake.onDetect((d) => detections.push(d));
    wake.accept(new Float32Array(16_000));
    // Below the threshold (sensitivity 0.2 → 0.74): nothing; above it: one detection, then the channel is reset.
    wake.setSensitivity(0.2);
    workers[0]!.reply({ type: 'final', channel: create.channel, text: 'hey come moody', requested: false, conf: 0.6 });
    expect(detections).toEqual([]);
    wake.setSensitivity(0.5);
    workers[0]!.reply({ type: 'final', channel: create.channel, text: '[unk]', requested: false, conf: 0.9 });
    workers[0]!.reply({ type: 'partial', channel: create.channel, text: 'hey come moody' });
    workers[0]!.reply({ type: 'final', channel: create.channel, text: 'hey come moody', requested: false, conf: 0.95 });
    expect(detections).toEqual([{ phrase: 'hey kemudi', score: 0.7, atMs: 1000 }]);
    expect(workers[0]!.sent.at(-1)).toEqual({ type: 'reset', channel: create.channel });
    wake.reset();
    wake.accept(new Float32Array(8000));
    workers[0]!.reply({ type: 'final', channel: create.channel, text: 'hey come moody', requested: false, conf: 0.9 });
    expect(detections).toHaveLength(2);
    expect(detections[1]).toEqual({ phrase: 'hey kemudi', score: 0.9, atMs: 500 });
    wake.close();
    recognizer.close();
    client.close();
  });

  it('passes on a load failure', async () => {
    const { client } = harness((request) => (request.type === 'load' ? { type: 'loaded', seq: request.seq, result: { ok: false, error: { code: 'bad_model', message: 'not a Vosk model' } } } : null));
    const wake = new VoskWakeWordDetector({ worker: client, modelUrl: 'x.tar.gz', lang: 'zh' });
    const listener = vi.fn();
    wake.onDetect(listener);
    expect(await wake.load()).toMatchObject({ ok: false, error: { code: 'bad_model' } });
    wake.accept(new Float32Array(10));
    expect(listener).not.toHaveBeenCalled();
  });
});
