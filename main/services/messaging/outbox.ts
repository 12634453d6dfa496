// The durable outbox: every message the driver sends is a row first and a radio transmission second.
// Each step commits before the next begins (queued → sending → sent), so a crash anywhere leaves a row
// that says what to do on restart. A row left in `sending` may or may not have reached the phone; it is
// sent again under the same idempotency key, and the receiving side drops the repeat. At-least-once
// sending plus an idempotent receiver is what makes delivery exactly-once.
import { randomUUID } from 'node:crypto';
import { err, ok, type ErrorCode, type Result } from '../../../common/result.js';
import type { Db } from '../../storage/db.js';
import { normalizeNumber } from '../../storage/contacts.js';
import { MessageStore, type DeliveryState } from '../../storage/messages.js';

export type OutboxState = DeliveryState;

export interface OutgoingTransmission {
  idempotencyKey: string;
  to: string;
  body: string;
}

/** Whatever carries a message to the network: the simulated phone now, a phone over Bluetooth MAP later. */
export interface MessageTransport {
  /** Must be idempotent: the same key sent twice is delivered once (and answers with the same remoteId). */
  send(message: OutgoingTransmission): Promise<Result<{ remoteId: string }>>;
}

export interface OutboxItem {
  id: number;
  idempotencyKey: string;
  conversationId: number;
  to: string;
  contactId: number | null;
  body: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  /** The outgoing message in its conversation. */
  messageId: number;
}

export interface EnqueueRequest {
  to: string;
  contactId?: number;
  body: string;
  lang?: string;
  /** The same key twice is one message; a turn that is replayed must reuse its key. Random when absent. */
  idempotencyKey?: string;
}

export interface OutboxOptions {
  now?: () => number;
  /** The first retry waits this long; each further one twice as long, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Tries (those a crash cut short included) after which a failing item is `failed`; the driver can still retry it. */
  maxAttempts?: number;
  /** How often start() looks for due items. */
  intervalMs?: number;
}

export interface ProcessReport {
  sent: number;
  retrying: number;
  failed: number;
}

export type OutboxListener = (item: OutboxItem) => void;

// Errors that no retry can fix; anything else (unavailable, busy, internal) is worth another try.
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['invalid_message', 'not_allowed']);

interface ItemRow {
  id: number;
  idempotency_key: string;
  conversation_id: number;
  number: string;
  contact_id: number | null;
  body: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  message_id: number;
}

export class Outbox {
  private readonly messages: MessageStore;
  private readonly now: () => number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;
  private readonly intervalMs: number;
  private readonly listeners = new Set<OutboxListener>();
  private readonly stmts;
  private readonly enqueueTx;
  private running: Promise<ProcessReport> | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** One Outbox per database: building it takes over the rows a crashed predecessor left in `sending`. */
  constructor(
    db: Db,
    private readonly transport: MessageTransport,
    options: OutboxOptions = {},
  ) {
    this.messages = new MessageStore(db);
    this.now = options.now ?? Date.now;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.intervalMs = options.intervalMs ?? 1000;
    this.stmts = {
      byId: db.prepare(
        `SELECT o.id, o.idempotency_key, o.conversation_id, c.number, c.contact_id, o.body, o.state, o.attempts, o.next_attempt_at,
                o.last_error, o.created_at, o.sent_at, m.id AS message_id
           FROM outbox o JOIN conversations c ON c.id = o.conversation_id JOIN messages m ON m.outbox_id = o.id
          WHERE o.id = ?`,
      ),
      idByKey: db.prepare('SELECT id FROM outbox WHERE idempotency_key = ?'),
      ids: db.prepare('SELECT id FROM outbox ORDER BY id'),
      due: db.prepare("SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id"),
      insert: db.prepare(
        "INSERT INTO outbox (idempotency_key, conversation_id, body, state, next_attempt_at, created_at) VALUES (@key, @conversationId, @body, 'queued', @at, @at) RETURNING id",
      ),
      claim: db.prepare("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'queued'"),
      sent: db.prepare("UPDATE outbox SET state = 'sent', sent_at = @at, last_error = NULL WHERE id = @id AND state = 'sending'"),
      requeue: db.prepare("UPDATE outbox SET state = 'queued', next_attempt_at = @at, last_error = @error WHERE id = @id AND state = 'sending'"),
      failed: db.prepare("UPDATE outbox SET state = 'failed', last_error = @error WHERE id = @id AND state = 'sending'"),
      retry: db.prepare("UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = @at WHERE id = @id AND state = 'failed'"),
      recover: db.prepare("UPDATE outbox SET state = 'queued', next_attempt_at = @at WHERE state = 'sending'"),
    };
    // The outbox row and the message the driver sees are one fact: both or neither.
    this.enqueueTx = db.transaction((request: EnqueueRequest & { idempotencyKey: string }, at: number): { item: OutboxItem; created: boolean } => {
      const existing = this.byKey(request.idempotencyKey);
      if (existing) return { item: existing, created: false };
      const conversation = this.messages.conversation(request.to, request.contactId);
      const { id } = this.stmts.insert.get({ key: request.idempotencyKey, conversationId: conversation.id, body: request.body, at }) as { id: number };
      this.messages.recordOutgoing({ conversationId: conversation.id, body: request.body, lang: request.lang, at, outboxId: id });
      return { item: this.item(id), created: true };
    });
    // Nothing in this process is sending yet, so every `sending` row was interrupted by a crash: due now.
    this.stmts.recover.run({ at: this.now() });
  }

  /** Queues a message (and its outgoing copy in the conversation) in one transaction. A known key returns its item unchanged. */
  enqueue(request: EnqueueRequest): Result<OutboxItem> {
    if (request.body.trim() === '') return err('invalid_message', 'a message needs a body');
    if (normalizeNumber(request.to) === undefined) return err('invalid_message', `not a phone number: ${JSON.stringify(request.to)}`);
    const idempotencyKey = request.idempotencyKey ?? randomUUID();
    // immediate: the write lock is taken before the key is looked up, so no other connection can slip in between.
    const { item, created } = this.enqueueTx.immediate({ ...request, idempotencyKey }, this.now());
    if (created) this.emit(item);
    return ok(item);
  }

  /**
   * Sends every queued item due at `now`, one at a time in queue order (so a conversation stays in order).
   * Calls that overlap share one pass, so no item is ever sent twice at once by this process.
   */
  processDue(now: number = this.now()): Promise<ProcessReport> {
    this.running ??= this.pass(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Puts a failed item back in the queue, due now (the driver's "try again"). */
  retry(id: number): Result<OutboxItem> {
    if (this.stmts.retry.run({ id, at: this.now() }).changes === 0) return err('not_allowed', `outbox item ${id} is not failed`);
    return ok(this.changed(id));
  }

  get(id: number): OutboxItem | undefined {
    const row = this.stmts.byId.get(id) as ItemRow | undefined;
    return row && toItem(row);
  }

  byKey(idempotencyKey: string): OutboxItem | undefined {
    const found = this.stmts.idByKey.get(idempotencyKey) as { id: number } | undefined;
    return found && this.get(found.id);
  }

  /** Every item, oldest first. */
  list(): OutboxItem[] {
    return (this.stmts.ids.all() as { id: number }[]).map(({ id }) => this.item(id));
  }

  /** Every state change, after it is committed: for the UI's ticks beside a message. */
  onChange(listener: OutboxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For the live app: looks for due items every intervalMs. The timer never keeps Node alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer; resolves when a pass in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // a failed pass was reported by tick(); stopping only waits for it
    await this.running?.catch(() => undefined);
  }

  private tick(): void {
    // A failing database must not take the app down with an unhandled rejection; the next tick tries again.
    this.processDue().catch((error: unknown) => console.error('kemudi: the outbox could not run', error));
  }

  private async pass(now: number): Promise<ProcessReport> {
    const report: ProcessReport = { sent: 0, retrying: 0, failed: 0 };
    // The due list is read once, so an item that fails now waits for a later pass, however short its delay.
    for (const { id } of this.stmts.due.all(now) as { id: number }[]) {
      if (this.stmts.claim.run(id).changes === 0) continue;
      const item = this.changed(id);
      let result: Result<{ remoteId: string }>;
      try {
        result = await this.transport.send({ idempotencyKey: item.idempotencyKey, to: item.to, body: item.body });
      } catch (error) {
        // A transport that throws is a bug there, but the item must not be stuck in `sending`.
        result = err('internal', error instanceof Error ? error.message : String(error));
      }
      if (result.ok) {
        this.stmts.sent.run({ id, at: this.now() });
        report.sent++;
      } else if (PERMANENT.has(result.error.code) || item.attempts >= this.maxAttempts) {
        this.stmts.failed.run({ id, error: `${result.error.code}: ${result.error.message}` });
        report.failed++;
      } else {
        const delay = Math.min(this.baseDelayMs * 2 ** (item.attempts - 1), this.maxDelayMs);
        this.stmts.requeue.run({ id, at: this.now() + delay, error: `${result.error.code}: ${result.error.message}` });
        report.retrying++;
      }
      this.changed(id);
    }
    return report;
  }

  private changed(id: number): OutboxItem {
    const item = this.item(id);
    this.emit(item);
    return item;
  }

  private emit(item: OutboxItem): void {
    for (const listener of this.listeners) {
      try {
        listener(item);
      } catch (error) {
        // A broken view must not stop delivery: the state is committed either way.
        console.error('kemudi: an outbox listener failed', error);
      }
    }
  }

  private item(id: number): OutboxItem {
    const item = this.get(id);
    if (!item) throw new Error(`outbox item ${id} vanished`);
    return item;
  }
}

function toItem(row: ItemRow): OutboxItem {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    conversationId: row.conversation_id,
    to: row.number,
    contactId: row.contact_id,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    messageId: row.message_id,
  };
}
