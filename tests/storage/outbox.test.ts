import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { err, ok, type Result } from '../../common/result.js';
import { Outbox, type MessageTransport, type OutboxItem, type OutgoingTransmission } from '../../main/services/messaging/outbox.js';
import { SimulatedPhone } from '../../main/services/messaging/simulated-phone.js';
import { openDatabase, type Db } from '../../main/storage/db.js';
import { MessageStore } from '../../main/storage/messages.js';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kemudi-outbox-'));
  dirs.push(dir);
  return dir;
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, set: (ms: number) => (t = ms), advance: (ms: number) => (t += ms) };
}

function setup(options: { maxAttempts?: number } = {}) {
  const db = openDatabase(':memory:');
  const time = clock();
  const phone = new SimulatedPhone({ file: ':memory:', db, now: time.now });
  const outbox = new Outbox(db, phone, { now: time.now, ...options });
  const seen: Pick<OutboxItem, 'id' | 'state' | 'attempts'>[] = [];
  outbox.onChange((item) => seen.push({ id: item.id, state: item.state, attempts: item.attempts }));
  return { db, time, phone, outbox, seen, messages: new MessageStore(db) };
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function count(db: Db, table: 'outbox' | 'messages'): number {
  const statements = { outbox: 'SELECT count(*) AS n FROM outbox', messages: 'SELECT count(*) AS n FROM messages' };
  return (db.prepare(statements[table]).get() as { n: number }).n;
}

describe('Outbox', () => {
  it('queues the outbox row and the outgoing message together, once per idempotency key', () => {
    const { db, outbox, messages, seen } = setup();
    const item = value(outbox.enqueue({ to: '+62 812 1', body: 'On my way', lang: 'en', idempotencyKey: 'turn-1' }));
    expect(item).toMatchObject({ idempotencyKey: 'turn-1', to: '+628121', body: 'On my way', state: 'queued', attempts: 0, sentAt: null });
    const again = value(outbox.enqueue({ to: '+628121', body: 'On my way', idempotencyKey: 'turn-1' }));
    expect(again).toEqual(item);
    expect([count(db, 'outbox'), count(db, 'messages')]).toEqual([1, 1]);
    expect(seen).toEqual([{ id: item.id, state: 'queued', attempts: 0 }]);
    expect(messages.recent({ limit: 5 })).toEqual([expect.objectContaining({ id: item.messageId, direction: 'out', read: true, delivery: 'queued', outboxId: item.id })]);
    expect(messages.unreadCount()).toBe(0);

    const other = value(outbox.enqueue({ to: '+628121', body: 'On my way' }));
    expect(other.idempotencyKey).not.toBe('turn-1');
    expect(other.conversationId).toBe(item.conversationId);
  });

  it('refuses a message without a body or a number, and writes nothing', () => {
    const { db, outbox } = setup();
    expect(outbox.enqueue({ to: '+628121', body: '  ' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(outbox.enqueue({ to: 'Sari', body: 'hi' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect([count(db, 'outbox'), count(db, 'messages')]).toEqual([0, 0]);
  });

  it('sends what is due, in order, and reports each state as it commits', async () => {
    const { outbox, phone, messages, seen } = setup();
    const a = value(outbox.enqueue({ to: '+628121', body: 'first', idempotencyKey: 'a' }));
    const b = value(outbox.enqueue({ to: '+628121', body: 'second', idempotencyKey: 'b' }));
    seen.length = 0;
    expect(await outbox.processDue()).toEqual({ sent: 2, retrying: 0, failed: 0 });
    expect(seen.map((s) => `${s.id}:${s.state}`)).toEqual([`${a.id}:sending`, `${a.id}:sent`, `${b.id}:sending`, `${b.id}:sent`]);
    expect(phone.delivered().map((d) => [d.idempotencyKey, d.body, d.received])).toEqual([
      ['a', 'first', 1],
      ['b', 'second', 1],
    ]);
    expect(outbox.get(a.id)).toMatchObject({ state: 'sent', attempts: 1, lastError: null, sentAt: 1_000_000 });
    expect(messages.get(b.messageId)?.delivery).toBe('sent');
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it('retries a failing send after 1 s, 2 s, 4 s, on the injected clock', async () => {
    const { outbox, phone, time } = setup();
    const item = value(outbox.enqueue({ to: '+628121', body: 'hello', idempotencyKey: 'k' }));
    phone.failNext(3);
    const start = time.now();
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const queued = outbox.get(item.id);
      expect(queued).toMatchObject({ state: 'queued', attempts: i + 1, lastError: expect.stringMatching(/^unavailable: /) });
      waits.push((queued?.nextAttemptAt ?? 0) - time.now());
      // not a moment early
      time.set((queued?.nextAttemptAt ?? 0) - 1);
      expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
      time.advance(1);
    }
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(await outbox.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(outbox.get(item.id)).toMatchObject({ state: 'sent', attempts: 4, sentAt: start + 7000 });
    expect(phone.delivered()).toHaveLength(1);
  });

  it('caps the backoff, gives up after maxAttempts, and sends again when retried', async () => {
    const { outbox, phone, time } = setup({ maxAttempts: 10 });
    const item = value(outbox.enqueue({ to: '+628121', body: 'hello', idempotencyKey: 'k' }));
    phone.failNext(10);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      await outbox.processDue();
      const next = outbox.get(item.id)?.nextAttemptAt ?? 0;
      waits.push(next - time.now());
      time.set(next);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(outbox.get(item.id)).toMatchObject({ state: 'failed', attempts: 10 });
    time.advance(3_600_000);
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });

    expect(outbox.retry(item.id)).toMatchObject({ ok: true, value: { state: 'queued', attempts: 0 } });
    expect(outbox.retry(item.id)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await outbox.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(phone.delivered()).toHaveLength(1);
  });

  it('fails at once on an error no retry can fix', async () => {
    const { outbox, phone } = setup();
    const item = value(outbox.enqueue({ to: '+628121', body: 'hello' }));
    phone.failNext(1, { code: 'invalid_message' });
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(outbox.get(item.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringMatching(/^invalid_message: /) });
  });

  it('sends again when the acknowledgement is lost, and the phone delivers once', async () => {
    const { outbox, phone, time } = setup();
    const item = value(outbox.enqueue({ to: '+628121', body: 'hello', idempotencyKey: 'k' }));
    phone.failNext(1, { afterDelivery: true });
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    time.advance(1000);
    expect(await outbox.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(phone.delivered()).toEqual([expect.objectContaining({ idempotencyKey: 'k', received: 2 })]);
    expect(outbox.get(item.id)?.state).toBe('sent');
  });

  it('treats a transport that throws as a failure to retry, not a stuck item', async () => {
    const db = openDatabase(':memory:');
    let calls = 0;
    const transport: MessageTransport = {
      send: () => (++calls === 1 ? Promise.reject(new Error('radio exploded')) : Promise.resolve(ok({ remoteId: 'r' }))),
    };
    const time = clock();
    const outbox = new Outbox(db, transport, { now: time.now });
    const item = value(outbox.enqueue({ to: '+628121', body: 'hello' }));
    expect(await outbox.processDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect(outbox.get(item.id)).toMatchObject({ state: 'queued', lastError: 'internal: radio exploded' });
    time.advance(1000);
    expect(await outbox.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
  });

  it('resends what a crash left in sending, under the same key, and the phone keeps one copy', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'kemudi.db'));
    const phone = new SimulatedPhone({ file: join(dir, 'phone.db') });
    // The first process delivers, then dies before it can record the acknowledgement.
    const dying: MessageTransport = { send: (m) => (void phone.send(m), new Promise(() => {})) };
    const first = new Outbox(db, dying);
    const item = value(first.enqueue({ to: '+628121', body: 'hello', idempotencyKey: 'k' }));
    void first.processDue();
    expect(first.get(item.id)?.state).toBe('sending');
    db.close();

    const reopened = openDatabase(join(dir, 'kemudi.db'));
    const second = new Outbox(reopened, phone);
    expect(second.get(item.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect(await second.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(second.get(item.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(phone.delivered()).toEqual([expect.objectContaining({ idempotencyKey: 'k', received: 2 })]);
    reopened.close();
    phone.close();
  });

  it('shares one pass between overlapping calls, so nothing is sent twice at once', async () => {
    const db = openDatabase(':memory:');
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transport: MessageTransport = {
      send: async (m: OutgoingTransmission) => {
        await gate;
        sent.push(m.idempotencyKey);
        return ok({ remoteId: m.idempotencyKey });
      },
    };
    const outbox = new Outbox(db, transport);
    value(outbox.enqueue({ to: '+628121', body: 'one', idempotencyKey: 'one' }));
    const a = outbox.processDue();
    const b = outbox.processDue();
    expect(b).toBe(a);
    release();
    expect(await a).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual(['one']);
  });

  it('keeps delivering when a listener throws', async () => {
    const { outbox, phone } = setup();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    outbox.onChange(() => {
      throw new Error('view broke');
    });
    value(outbox.enqueue({ to: '+628121', body: 'hello' }));
    expect(await outbox.processDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(phone.delivered()).toHaveLength(1);
    expect(logged).toHaveBeenCalled();
  });

  it('runs on an interval once started, and stops', async () => {
    vi.useFakeTimers();
    const db = openDatabase(':memory:');
    const sends: string[] = [];
    const transport: MessageTransport = { send: (m) => (sends.push(m.body), Promise.resolve(sends.length === 1 ? err('unavailable', 'no signal') : ok({ remoteId: m.body }))) };
    const time = clock();
    const outbox = new Outbox(db, transport, { now: time.now, intervalMs: 500 });
    value(outbox.enqueue({ to: '+628121', body: 'hello' }));
    outbox.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toEqual(['hello']);
    time.advance(1000);
    await vi.advanceTimersByTimeAsync(500);
    expect(sends).toEqual(['hello', 'hello']);
    expect(outbox.list().map((i) => i.state)).toEqual(['sent']);
    await outbox.stop();
    value(outbox.enqueue({ to: '+628121', body: 'later' }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sends).toHaveLength(2);
  });
});

describe('SimulatedPhone', () => {
  it('keeps its deliveries in its own file, so a resend after a restart is not delivered twice', async () => {
    const file = join(tempDir(), 'phone.db');
    const phone = new SimulatedPhone({ file, now: () => 5 });
    const first = value(await phone.send({ idempotencyKey: 'k', to: '+62 81', body: 'hi' }));
    phone.close();
    const again = new SimulatedPhone({ file });
    expect(value(await again.send({ idempotencyKey: 'k', to: '+6281', body: 'hi' }))).toEqual(first);
    expect(again.delivered()).toEqual([{ remoteId: first.remoteId, idempotencyKey: 'k', to: '+6281', body: 'hi', at: 5, received: 2 }]);
    again.close();
  });

  it('delivers incoming messages into Kemudi’s store, unread, and tells its listeners', () => {
    const db = openDatabase(':memory:');
    const phone = new SimulatedPhone({ file: ':memory:', db, now: () => 42 });
    const heard: string[] = [];
    phone.onReceive((m) => heard.push(m.body));
    const message = value(phone.receive({ from: '+62 81', body: 'Where are you?', lang: 'en' }));
    expect(message).toMatchObject({ number: '+6281', direction: 'in', read: false, at: 42, lang: 'en' });
    expect(new MessageStore(db).unreadCount()).toBe(1);
    expect(heard).toEqual(['Where are you?']);
    expect(phone.receive({ from: 'nobody', body: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const detached = new SimulatedPhone({ file: ':memory:' });
    expect(detached.receive({ from: '+6281', body: 'x' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('dials, is answered on the clock, hangs up, and keeps the call log', () => {
    const db = openDatabase(':memory:');
    const time = clock(0);
    const phone = new SimulatedPhone({ file: ':memory:', db, now: time.now, answerAfterMs: 3000 });
    const states: string[] = [];
    phone.onCall((c) => states.push(c.state));
    const call = value(phone.dial('+62 81'));
    expect(call).toMatchObject({ number: '+6281', state: 'dialing', startedAt: 0, endedAt: null });
    expect(phone.dial('+6282')).toMatchObject({ ok: false, error: { code: 'busy' } });
    time.advance(2999);
    phone.tick();
    expect(phone.current()?.state).toBe('dialing');
    time.advance(1);
    phone.tick();
    expect(phone.current()).toMatchObject({ id: call.id, state: 'active', answeredAt: 3000 });
    time.advance(60_000);
    expect(phone.hangUp(call.id + 1)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(value(phone.hangUp(call.id))).toMatchObject({ state: 'ended', endedAt: 63_000 });
    expect(phone.current()).toBeNull();
    expect(states).toEqual(['dialing', 'active', 'ended']);
    expect(db.prepare('SELECT number, direction, state, started_at, ended_at FROM calls WHERE id = ?').get(call.id)).toEqual({
      number: '+6281',
      direction: 'outgoing',
      state: 'ended',
      started_at: 0,
      ended_at: 63_000,
    });
    expect(value(phone.dial('+6282')).state).toBe('dialing');
  });
});
