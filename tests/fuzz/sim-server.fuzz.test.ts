// Fuzzing the simulator's WebSocket (issue 12): 10,000 random frames (commands with one thing wrong, broken
// JSON, any text, binary, fragmented, right at the frame limit) over a few connections. The server stays up,
// answers every frame it cannot use with a typed `error` event, keeps each connection usable, and leaves no
// listener behind when the connections close.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawData, WebSocket } from 'ws';
import { decodeCommandText, decodeEvent, type ErrorEvent, type Event } from '../../common/contract.js';
import { type ErrorCode } from '../../common/result.js';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant } from '../../main/core/compose.js';
import { MAX_FRAME_BYTES, type SimServer, startSimServer } from '../../main/simulator/server.js';
import { commandText, FUZZ_RUNS, FUZZ_SEED } from '../support/fuzz.js';

const CONNECTIONS = 4;

interface Frame {
  data: string | Uint8Array;
  binary: boolean;
  /** Sent as two WebSocket fragments, split at this byte. */
  splitAt?: number;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Text frames of exactly the largest size the server takes, or one byte less: an utterance far too long,
 *  or JSON cut short or nested thousands deep. */
const atTheLimit: fc.Arbitrary<Frame> = fc.tuple(fc.constantFrom(0, 1), fc.constantFrom('a', 'é', '打', '🚗'), fc.constantFrom('utterance', 'open', 'nested')).map(([under, fill, kind]) => {
  const size = MAX_FRAME_BYTES - under;
  if (kind === 'open') return { data: '{'.repeat(size), binary: false };
  const half = Math.floor(size / 2);
  if (kind === 'nested') return { data: `${'['.repeat(half)}${']'.repeat(size - half)}`, binary: false };
  const [head, tail] = ['{"type":"utterance","source":"text","text":"', '"}'];
  let text = fill.repeat(Math.floor((size - head.length - tail.length) / utf8(fill).length));
  text += 'a'.repeat(size - utf8(head + text + tail).length);
  return { data: head + text + tail, binary: false };
});

/** Frames the server reads (frames over the limit close the connection: the last test sends those). */
const frames: fc.Arbitrary<Frame> = fc
  .oneof(
    { weight: 40, arbitrary: commandText.map((text): Frame => ({ data: text, binary: false })) },
    { weight: 2, arbitrary: fc.tuple(commandText, fc.nat()).map(([text, at]): Frame => ({ data: utf8(text), binary: false, splitAt: at })) },
    { weight: 3, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 300 }), commandText.map(utf8)).map((bytes): Frame => ({ data: bytes, binary: true })) },
    { weight: 1, arbitrary: atTheLimit },
  )
  .filter((frame) => (typeof frame.data === 'string' ? Buffer.byteLength(frame.data) : frame.data.length) <= MAX_FRAME_BYTES);

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/** One connection: every frame the server sends must be an event of the contract. */
class Probe {
  readonly events: Event[] = [];
  /** Frames that were not contract events. */
  readonly outside: string[] = [];
  /** `error` events without an id: the server's answers to frames it could not decode. */
  readonly decodeErrors: ErrorEvent[] = [];
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = rawText(data);
      let decoded: ReturnType<typeof decodeEvent> | null = null;
      try {
        decoded = decodeEvent(JSON.parse(text));
      } catch {
        // Not JSON: recorded below.
      }
      if (!decoded?.ok || isBinary) {
        this.outside.push(text.slice(0, 300));
        return;
      }
      this.events.push(decoded.value);
      if (decoded.value.type === 'error' && decoded.value.id === undefined) this.decodeErrors.push(decoded.value);
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static open(socketUrl: string): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(socketUrl);
      const probe = new Probe(ws);
      ws.once('open', () => resolve(probe));
      ws.once('error', reject);
    });
  }

  send(frame: Frame): void {
    if (frame.splitAt === undefined || typeof frame.data === 'string') {
      this.ws.send(frame.data, { binary: frame.binary });
      return;
    }
    const at = frame.splitAt % (frame.data.length + 1);
    this.ws.send(frame.data.subarray(0, at), { binary: frame.binary, fin: false });
    this.ws.send(frame.data.subarray(at), { binary: frame.binary, fin: true });
  }

  /** Resolves with the first event after `from` (an index into events) that passes `test`. */
  async next(from: number, test: (e: Event) => boolean, what: string): Promise<Event> {
    let found: Event | undefined;
    await vi.waitFor(
      () => {
        found = this.events.slice(from).find(test);
        if (!found) throw new Error(`still waiting for ${what}`);
      },
      { timeout: 30_000, interval: 10 },
    );
    return found as Event;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close();
    return closed;
  }
}

/** What the server should answer to a frame: the decode error's code, or, for a command, that it is handled. */
function expectation(frame: Frame): { code: ErrorCode } | { command: Record<string, unknown> } {
  if (frame.binary) return { code: 'bad_json' };
  // The server reads UTF-8: what it decodes is the frame's text after that trip (a lone surrogate is U+FFFD).
  const text = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8').toString('utf8') : Buffer.from(frame.data).toString('utf8');
  const decoded = decodeCommandText(text);
  return decoded.ok ? { command: { ...decoded.value } } : { code: decoded.error.code };
}

describe('fuzz: the simulator WebSocket', () => {
  const knowledge = loadKnowledge();
  let sim: SimulatedAssistant;
  let server: SimServer;
  let probes: Probe[] = [];
  /** Listeners the server holds on the assistant: one per open connection. */
  let listening = 0;
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  const processListeners = (): number => process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
  let processListenersBefore = 0;

  beforeAll(async () => {
    // No scenarios: a scenario's steps would add events of their own, not answers to these frames.
    sim = createSimulatedAssistant({ database: ':memory:', knowledge, scenariosDir: null });
    const on = sim.assistant.on.bind(sim.assistant);
    vi.spyOn(sim.assistant, 'on').mockImplementation((listener) => {
      listening++;
      const off = on(listener);
      let done = false;
      return () => {
        if (!done) listening--;
        done = true;
        off();
      };
    });
    server = await startSimServer({ assistant: sim.assistant, port: 0 });
    process.on('warning', onWarning);
    processListenersBefore = processListeners();
  });

  afterAll(async () => {
    process.off('warning', onWarning);
    await Promise.all(probes.map((p) => p.close()));
    await server.close();
    sim.close();
  });

  it(`answers ${FUZZ_RUNS} random frames over ${CONNECTIONS} connections, each bad one with a typed error`, async () => {
    probes = await Promise.all(Array.from({ length: CONNECTIONS }, () => Probe.open(server.socketUrl)));
    for (const probe of probes) await probe.next(0, (e) => e.type === 'state', 'the state on connect');

    const expected: ErrorCode[][] = probes.map(() => []);
    const commandIds = new Set<string>();
    fc.sample(frames, { seed: FUZZ_SEED, numRuns: FUZZ_RUNS }).forEach((frame, i) => {
      const connection = i % CONNECTIONS;
      const answer = expectation(frame);
      if ('code' in answer) {
        expected[connection]?.push(answer.code);
        probes[connection]?.send(frame);
        return;
      }
      // A command the core will handle: give it an id of ours, so whatever it answers can be told apart.
      const id = `v${i}`;
      commandIds.add(id);
      probes[connection]?.send({ data: JSON.stringify({ ...answer.command, id }), binary: false });
    });
    // A last bad frame on each connection: once its answer is in, the server has read every frame before it.
    probes.forEach((probe, i) => {
      probe.send({ data: 'end of batch', binary: false });
      expected[i]?.push('bad_json');
    });
    await vi.waitFor(
      () => {
        for (const [i, probe] of probes.entries()) {
          expect(probe.closeCode, `connection ${i} closed`).toBeNull();
          expect(probe.decodeErrors.length, `answers on connection ${i}`).toBeGreaterThanOrEqual(expected[i]?.length ?? 0);
        }
      },
      { timeout: 60_000, interval: 20 },
    );
    // The core handles commands one after another: a refusal queued behind them all marks their end.
    const [first] = probes as [Probe];
    const mark = first.events.length;
    first.send({ data: JSON.stringify({ type: 'intent', id: 'sync', name: 'vehicle.lights', slots: { state: 'sideways' }, source: 'touch' }), binary: false });
    expect(await first.next(mark, (e) => e.type === 'error' && e.id === 'sync', 'the sync refusal')).toMatchObject({ code: 'invalid_slots' });

    expect(commandIds.size, 'commands the core handled').toBeGreaterThan(FUZZ_RUNS / 20);
    for (const [i, probe] of probes.entries()) {
      expect(probe.outside, `frames outside the contract on connection ${i}`).toEqual([]);
      expect(probe.decodeErrors.map((e) => e.code), `decode errors on connection ${i}, in order`).toEqual(expected[i]);
      for (const event of probe.events) {
        if (event.type !== 'error') continue;
        expect(event.code, `a bug on our side: ${event.message}`).not.toBe('internal');
        expect(event.message.trim()).not.toBe('');
        if (event.id !== undefined && event.id !== 'sync') expect(commandIds.has(event.id), `an answer to ${event.id}`).toBe(true);
      }
    }

    // Each connection is still usable: a wake (after a cancel ends whatever the fuzz left open) is answered.
    for (const probe of probes) {
      const from = probe.events.length;
      probe.send({ data: '{"type":"cancel"}', binary: false });
      probe.send({ data: '{"type":"wake","id":"wake"}', binary: false });
      await probe.next(from, (e) => e.type === 'state' && e.dialogue === 'listening', 'a state event after wake').catch((error: unknown) => {
        throw new Error(`DEBUG probe=${probes.indexOf(probe)} ${String(error)} machine=${JSON.stringify(sim.assistant.dialogueSnapshot().value)} after=${JSON.stringify(probe.events.slice(from).map((e) => (e.type === 'state' ? e.dialogue : e.type === 'response' ? e.text : e.type)))} before=${JSON.stringify(probe.events.slice(from - 6, from).map((e) => (e.type === 'state' ? e.dialogue : e.type === 'response' ? e.text : e.type)))}`);
      });
      // Back to idle before the next connection's wake: frames on different sockets may be read in any order,
      // and a wake that finds Kemudi already listening changes nothing to report.
      const listening = probe.events.length;
      probe.send({ data: '{"type":"cancel"}', binary: false });
      await probe.next(listening, (e) => e.type === 'state' && e.dialogue === 'idle', 'idle after the last cancel');
    }
    expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
  }, 120_000);

  it('closes only the connection that breaks the protocol: a frame over the limit, text that is not UTF-8', async () => {
    const cases: [Frame, number][] = [
      [{ data: 'a'.repeat(MAX_FRAME_BYTES + 1), binary: false }, 1009],
      [{ data: Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]), binary: false }, 1007],
    ];
    for (const [frame, code] of cases) {
      const rude = await Probe.open(server.socketUrl);
      rude.send(frame);
      await vi.waitFor(() => expect(rude.closeCode).toBe(code), { timeout: 10_000 });
    }
    // The others carry on.
    const [first] = probes as [Probe];
    const from = first.events.length;
    first.send({ data: '{"type":"wake","id":"after"}', binary: false });
    await first.next(from, (e) => e.type === 'state' && e.dialogue === 'listening', 'a state event after wake');
    first.send({ data: '{"type":"cancel"}', binary: false });
    expect(probes.every((p) => p.closeCode === null)).toBe(true);
  });

  it('leaves no listener behind once the connections close', async () => {
    expect(listening).toBe(CONNECTIONS);
    await Promise.all(probes.map((p) => p.close()));
    await vi.waitFor(() => expect(listening).toBe(0), { timeout: 10_000 });
    expect(processListeners()).toBe(processListenersBefore);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
