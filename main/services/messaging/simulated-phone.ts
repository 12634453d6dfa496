// The simulated handset Kemudi talks to in the simulator and the tests, in place of a phone over Bluetooth.
// It keeps what it delivered in its own SQLite file, keyed by idempotency key, as a receiver that
// survives our crashes would: a message sent again after a crash is acknowledged, not delivered twice.
import Database from 'better-sqlite3';
import { err, ok, type ErrorCode, type Result } from '../../../common/result.js';
import type { Db } from '../../storage/db.js';
import { normalizeNumber } from '../../storage/contacts.js';
import { MessageStore, type Message } from '../../storage/messages.js';
import type { MessageTransport, OutgoingTransmission } from './outbox.js';

export interface DeliveredMessage {
  remoteId: string;
  idempotencyKey: string;
  to: string;
  body: string;
  at: number;
  /** How many times it was handed over: more than 1 means retries that the phone absorbed. */
  received: number;
}

export type CallState = 'dialing' | 'active' | 'ended';

export interface Call {
  id: number;
  number: string;
  contactId: number | null;
  state: CallState;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

/** Whatever places calls: the simulated phone now, a phone over Bluetooth HFP later. */
export interface CallTransport {
  /** Starts a call (`dialing`); refused with `busy` while another call is not ended. */
  dial(number: string, contactId?: number): Result<Call>;
  hangUp(callId: number): Result<Call>;
  /** The call not yet ended, if any. */
  current(): Call | null;
  onCall(listener: (call: Call) => void): () => void;
}

export interface IncomingText {
  from: string;
  body: string;
  lang?: string;
  contactId?: number;
}

export interface SimulatedPhoneOptions {
  /** The handset's own store of delivered messages: a file path, or ':memory:'. */
  file: string;
  /** Kemudi's database: incoming messages are recorded in it, and calls in its call log when it has one. */
  db?: Db;
  now?: () => number;
  /** How long a dialled number rings before the other side answers. */
  answerAfterMs?: number;
}

export interface FailureOptions {
  code?: ErrorCode;
  /** Deliver, then lose the acknowledgement: the sender sees a failure and must retry. */
  afterDelivery?: boolean;
}

interface DeliveredRow {
  id: number;
  idempotency_key: string;
  recipient: string;
  body: string;
  at: number;
  received: number;
}

export class SimulatedPhone implements MessageTransport, CallTransport {
  private readonly store: Database.Database;
  private readonly now: () => number;
  private readonly answerAfterMs: number;
  private readonly deliverStmt;
  private readonly deliveredStmt;
  private readonly messages: MessageStore | null;
  private readonly callLog: { insert: Database.Statement; update: Database.Statement } | null;
  private readonly failures: Required<FailureOptions>[] = [];
  private readonly receiveListeners = new Set<(message: Message) => void>();
  private readonly callListeners = new Set<(call: Call) => void>();
  private call: Call | null = null;
  private nextCallId = 1;

  constructor(options: SimulatedPhoneOptions) {
    this.now = options.now ?? Date.now;
    this.answerAfterMs = options.answerAfterMs ?? 3000;
    this.store = new Database(options.file);
    this.store.pragma('journal_mode = WAL');
    this.store.exec(`
      CREATE TABLE IF NOT EXISTS delivered (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        recipient        TEXT NOT NULL,
        body             TEXT NOT NULL,
        at               INTEGER NOT NULL,
        received         INTEGER NOT NULL DEFAULT 1
      ) STRICT;
    `);
    // The receiver's idempotence in one statement: a known key only counts the repeat and answers with its id.
    this.deliverStmt = this.store.prepare(
      `INSERT INTO delivered (idempotency_key, recipient, body, at) VALUES (@key, @to, @body, @at)
       ON CONFLICT (idempotency_key) DO UPDATE SET received = received + 1
       RETURNING id`,
    );
    this.deliveredStmt = this.store.prepare('SELECT id, idempotency_key, recipient, body, at, received FROM delivered ORDER BY id');
    this.messages = options.db ? new MessageStore(options.db) : null;
    const hasCallLog = options.db?.prepare("SELECT 1 AS yes FROM sqlite_master WHERE type = 'table' AND name = ?").get('calls') !== undefined;
    this.callLog =
      options.db && hasCallLog
        ? {
            insert: options.db.prepare(
              "INSERT INTO calls (contact_id, number, direction, state, started_at) VALUES (@contactId, @number, 'outgoing', @state, @startedAt) RETURNING id",
            ),
            update: options.db.prepare('UPDATE calls SET state = @state, ended_at = @endedAt WHERE id = @id'),
          }
        : null;
  }

  // ---- Messages ----

  async send(message: OutgoingTransmission): Promise<Result<{ remoteId: string }>> {
    const failure = this.failures.shift();
    if (failure && !failure.afterDelivery) return err(failure.code, 'the simulated phone was told to fail');
    const { id } = this.deliverStmt.get({ key: message.idempotencyKey, to: normalizeNumber(message.to) ?? message.to, body: message.body, at: this.now() }) as { id: number };
    if (failure) return err(failure.code, 'the simulated phone delivered, then lost the acknowledgement');
    return ok({ remoteId: String(id) });
  }

  /** The next `count` sends fail (for tests and the simulator's "no signal"). */
  failNext(count = 1, options: FailureOptions = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ code: options.code ?? 'unavailable', afterDelivery: options.afterDelivery ?? false });
  }

  /** Everything the phone delivered, oldest first. */
  delivered(): DeliveredMessage[] {
    return (this.deliveredStmt.all() as DeliveredRow[]).map((row) => ({
      remoteId: String(row.id),
      idempotencyKey: row.idempotency_key,
      to: row.recipient,
      body: row.body,
      at: row.at,
      received: row.received,
    }));
  }

  /** A message arrives (the simulator or a scenario sends it): recorded unread in Kemudi's store. */
  receive(text: IncomingText): Result<Message> {
    if (!this.messages) return err('unavailable', 'the simulated phone has no Kemudi database to deliver into');
    if (normalizeNumber(text.from) === undefined) return err('invalid_message', `not a phone number: ${JSON.stringify(text.from)}`);
    const message = this.messages.recordIncoming({ number: text.from, contactId: text.contactId, body: text.body, lang: text.lang, at: this.now() });
    for (const listener of this.receiveListeners) listener(message);
    return ok(message);
  }

  onReceive(listener: (message: Message) => void): () => void {
    this.receiveListeners.add(listener);
    return () => this.receiveListeners.delete(listener);
  }

  // ---- Calls: dialing → active (answered after answerAfterMs, on tick) → ended ----

  dial(number: string, contactId?: number): Result<Call> {
    const normalized = normalizeNumber(number);
    if (normalized === undefined) return err('invalid_message', `not a phone number: ${JSON.stringify(number)}`);
    if (this.call) return err('busy', 'a call is in progress');
    const startedAt = this.now();
    const id = this.callLog
      ? (this.callLog.insert.get({ contactId: contactId ?? null, number: normalized, state: 'dialing', startedAt }) as { id: number }).id
      : this.nextCallId++;
    return ok(this.publish({ id, number: normalized, contactId: contactId ?? null, state: 'dialing', startedAt, answeredAt: null, endedAt: null }));
  }

  hangUp(callId: number): Result<Call> {
    if (!this.call || this.call.id !== callId) return err('not_allowed', `call ${callId} is not in progress`);
    return ok(this.update({ ...this.call, state: 'ended', endedAt: this.now() }));
  }

  current(): Call | null {
    return this.call;
  }

  /** Moves the call on by the clock; the simulator calls it as its time passes. */
  tick(): void {
    if (this.call?.state === 'dialing' && this.now() - this.call.startedAt >= this.answerAfterMs) {
      this.update({ ...this.call, state: 'active', answeredAt: this.now() });
    }
  }

  onCall(listener: (call: Call) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  close(): void {
    this.store.close();
  }

  private update(call: Call): Call {
    this.callLog?.update.run({ id: call.id, state: call.state, endedAt: call.endedAt });
    return this.publish(call);
  }

  private publish(call: Call): Call {
    this.call = call.state === 'ended' ? null : call;
    for (const listener of this.callListeners) listener(call);
    return call;
  }
}
