// Conversations and their messages. Outgoing messages are written by the outbox (services/messaging),
// which sends them; this store reads both directions and records what arrives.
import { normalizeNumber } from './contacts.js';
import type { Db } from './db.js';

export type Direction = 'in' | 'out';
/** The outbox states (migration 003); an outgoing message shows how far its sending got. */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'failed';

export interface Conversation {
  id: number;
  number: string;
  contactId: number | null;
}

export interface Message {
  id: number;
  conversationId: number;
  number: string;
  contactId: number | null;
  direction: Direction;
  body: string;
  lang: string | null;
  at: number;
  read: boolean;
  outboxId: number | null;
  /** Outgoing messages only: their outbox row's state. */
  delivery: DeliveryState | null;
}

export interface IncomingMessage {
  number: string;
  contactId?: number;
  body: string;
  lang?: string;
  at: number;
}

export interface OutgoingMessage {
  conversationId: number;
  body: string;
  lang?: string;
  at: number;
  outboxId: number;
}

/** A conversation as a list shows it: its newest message and how many of its messages are unread. */
export interface Thread {
  id: number;
  number: string;
  contactId: number | null;
  direction: Direction;
  body: string;
  at: number;
  unread: number;
}

export interface RecentQuery {
  limit: number;
  contactId?: number;
  unreadOnly?: boolean;
}

interface MessageRow {
  id: number;
  conversation_id: number;
  number: string;
  contact_id: number | null;
  direction: Direction;
  body: string;
  lang: string | null;
  at: number;
  read: number;
  outbox_id: number | null;
  delivery: DeliveryState | null;
}

interface ConversationRow {
  id: number;
  number: string;
  contact_id: number | null;
}

export class MessageStore {
  private readonly findConversationStmt;
  private readonly insertConversationStmt;
  private readonly linkContactStmt;
  private readonly insertMessageStmt;
  private readonly messageStmt;
  private readonly recentStmt;
  private readonly markReadStmt;
  private readonly unreadStmt;
  private readonly markReadMany;
  private readonly threadsStmt;
  private readonly threadCountStmt;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Db) {
    this.findConversationStmt = db.prepare('SELECT id, number, contact_id FROM conversations WHERE number = ?');
    this.insertConversationStmt = db.prepare('INSERT INTO conversations (number, contact_id) VALUES (?, ?) RETURNING id, number, contact_id');
    this.linkContactStmt = db.prepare('UPDATE conversations SET contact_id = ? WHERE id = ? RETURNING id, number, contact_id');
    this.insertMessageStmt = db.prepare(
      'INSERT INTO messages (conversation_id, direction, body, lang, at, read, outbox_id) VALUES (@conversationId, @direction, @body, @lang, @at, @read, @outboxId) RETURNING id',
    );
    this.messageStmt = db.prepare(
      `SELECT m.id, m.conversation_id, c.number, c.contact_id, m.direction, m.body, m.lang, m.at, m.read, m.outbox_id, o.state AS delivery
         FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN outbox o ON o.id = m.outbox_id
        WHERE m.id = ?`,
    );
    // NULL parameters switch a filter off, so one statement serves every query the dialogue makes.
    this.recentStmt = db.prepare(
      `SELECT m.id, m.conversation_id, c.number, c.contact_id, m.direction, m.body, m.lang, m.at, m.read, m.outbox_id, o.state AS delivery
         FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN outbox o ON o.id = m.outbox_id
        WHERE (@contactId IS NULL OR c.contact_id = @contactId) AND (@unreadOnly = 0 OR m.read = 0)
        ORDER BY m.at DESC, m.id DESC LIMIT @limit`,
    );
    this.markReadStmt = db.prepare('UPDATE messages SET read = 1 WHERE id = ? AND read = 0');
    this.unreadStmt = db.prepare(
      'SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.read = 0 AND (@contactId IS NULL OR c.contact_id = @contactId)',
    );
    // The newest message of each conversation (the highest id among those at its latest time).
    this.threadsStmt = db.prepare(
      `SELECT c.id, c.number, c.contact_id, m.direction, m.body, m.at,
              (SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.read = 0) AS unread
         FROM conversations c
         JOIN messages m ON m.id = (SELECT x.id FROM messages x WHERE x.conversation_id = c.id ORDER BY x.at DESC, x.id DESC LIMIT 1)
        ORDER BY m.at DESC, m.id DESC LIMIT ?`,
    );
    this.threadCountStmt = db.prepare('SELECT count(*) AS n FROM conversations c WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)');
    this.markReadMany = db.transaction((ids: readonly number[]) => ids.reduce((changed, id) => changed + this.markReadStmt.run(id).changes, 0));
  }

  /**
   * The conversation with `number`, created on first use; a contact id given links it (or relinks it).
   * Numbers are stored as contacts store them, so "+62 812-3456" and "+628123456" are one conversation.
   */
  conversation(number: string, contactId?: number): Conversation {
    const normalized = normalizeNumber(number);
    if (normalized === undefined) throw new RangeError(`not a phone number: ${JSON.stringify(number)}`);
    const found = this.findConversationStmt.get(normalized) as ConversationRow | undefined;
    if (!found) return toConversation(this.insertConversationStmt.get(normalized, contactId ?? null) as ConversationRow);
    if (contactId === undefined || found.contact_id === contactId) return toConversation(found);
    return toConversation(this.linkContactStmt.get(contactId, found.id) as ConversationRow);
  }

  /** The conversation with `number`, if there is one; never creates it. */
  findConversation(number: string): Conversation | undefined {
    const normalized = normalizeNumber(number);
    const found = normalized === undefined ? undefined : (this.findConversationStmt.get(normalized) as ConversationRow | undefined);
    return found && toConversation(found);
  }

  /** Stores a message that arrived, unread, in its number's conversation. */
  recordIncoming(message: IncomingMessage): Message {
    const recorded = this.db.transaction(() => {
      const conversation = this.conversation(message.number, message.contactId);
      const { id } = this.insertMessageStmt.get({
        conversationId: conversation.id,
        direction: 'in',
        body: message.body,
        lang: message.lang ?? null,
        at: message.at,
        read: 0,
        outboxId: null,
      }) as { id: number };
      return this.get(id) as Message;
    })();
    this.changed();
    return recorded;
  }

  /** For the outbox, inside its own transaction: the driver's message, read already, tied to its outbox row. */
  recordOutgoing(message: OutgoingMessage): number {
    const { id } = this.insertMessageStmt.get({
      conversationId: message.conversationId,
      direction: 'out',
      body: message.body,
      lang: message.lang ?? null,
      at: message.at,
      read: 1,
      outboxId: message.outboxId,
    }) as { id: number };
    return id;
  }

  get(id: number): Message | undefined {
    const row = this.messageStmt.get(id) as MessageRow | undefined;
    return row && toMessage(row);
  }

  /** Newest first; `contactId` keeps one contact's conversations, `unreadOnly` what the driver has not heard yet. */
  recent(query: RecentQuery): Message[] {
    const rows = this.recentStmt.all({ limit: query.limit, contactId: query.contactId ?? null, unreadOnly: query.unreadOnly ? 1 : 0 }) as MessageRow[];
    return rows.map(toMessage);
  }

  /** Marks messages read; returns how many were unread. */
  markRead(ids: number | readonly number[]): number {
    const changed = this.markReadMany(typeof ids === 'number' ? [ids] : ids);
    if (changed > 0) this.changed();
    return changed;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Conversations with at least one message, the latest first, at most limit; and how many there are. */
  threads(limit: number): { threads: Thread[]; total: number } {
    const rows = this.threadsStmt.all(Math.max(0, Math.floor(limit))) as { id: number; number: string; contact_id: number | null; direction: Direction; body: string; at: number; unread: number }[];
    const { n } = this.threadCountStmt.get() as { n: number };
    return { threads: rows.map((r) => ({ id: r.id, number: r.number, contactId: r.contact_id, direction: r.direction, body: r.body, at: r.at, unread: r.unread })), total: n };
  }

  /** Told when this store records a message or marks some read (not when another instance over the same
   *  database does: the simulated phone reports what it delivers itself). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  unreadCount(contactId?: number): number {
    return (this.unreadStmt.get({ contactId: contactId ?? null }) as { n: number }).n;
  }
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, number: row.number, contactId: row.contact_id };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    number: row.number,
    contactId: row.contact_id,
    direction: row.direction,
    body: row.body,
    lang: row.lang,
    at: row.at,
    read: row.read === 1,
    outboxId: row.outbox_id,
    delivery: row.delivery,
  };
}
