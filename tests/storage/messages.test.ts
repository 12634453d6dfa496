import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../main/storage/db.js';
import { MessageStore } from '../../main/storage/messages.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';

/** A database at migration 003, with the foreign keys on as openDatabase has them. */
function at003(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
  return db;
}

function addContact(db: Db, name: string): number {
  return Number(db.prepare('INSERT INTO contacts (name, created_at) VALUES (?, 0)').run(name).lastInsertRowid);
}

describe('migration 003: conversations, messages, outbox', () => {
  it('creates the three tables and their indexes', () => {
    const db = at003();
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['conversations', 'messages', 'outbox', 'conversations_contact', 'messages_conversation_at', 'messages_unread', 'messages_outbox', 'outbox_due']));
  });

  it('enforces its checks and keys', () => {
    const db = at003();
    const conversation = Number(db.prepare('INSERT INTO conversations (number) VALUES (?)').run('+6281').lastInsertRowid);
    expect(() => db.prepare('INSERT INTO conversations (number) VALUES (?)').run('+6281')).toThrow(/UNIQUE/);
    const message = db.prepare('INSERT INTO messages (conversation_id, direction, body, at, outbox_id) VALUES (?, ?, ?, 1, ?)');
    expect(() => message.run(conversation, 'sideways', 'hi', null)).toThrow(/CHECK/);
    expect(() => message.run(conversation, 'in', 'hi', 7)).toThrow(/CHECK/);
    expect(() => message.run(999, 'in', 'hi', null)).toThrow(/FOREIGN KEY/);
    const outbox = db.prepare('INSERT INTO outbox (idempotency_key, conversation_id, body, state, next_attempt_at, created_at, sent_at) VALUES (?, ?, ?, ?, 1, 1, ?)');
    outbox.run('k1', conversation, 'hi', 'queued', null);
    expect(() => outbox.run('k1', conversation, 'again', 'queued', null)).toThrow(/UNIQUE/);
    expect(() => outbox.run('k2', conversation, 'hi', 'lost', null)).toThrow(/CHECK/);
    expect(() => outbox.run('k3', conversation, 'hi', 'sent', null)).toThrow(/CHECK/);
    expect(() => outbox.run('k4', conversation, 'hi', 'queued', 5)).toThrow(/CHECK/);
    expect(() => outbox.run('k5', 999, 'hi', 'queued', null)).toThrow(/FOREIGN KEY/);
  });

  it('keeps a conversation when its contact goes, and its messages go with it', () => {
    const db = at003();
    const sari = addContact(db, 'Sari');
    const conversation = Number(db.prepare('INSERT INTO conversations (number, contact_id) VALUES (?, ?)').run('+6281', sari).lastInsertRowid);
    db.prepare("INSERT INTO messages (conversation_id, direction, body, at) VALUES (?, 'in', 'hi', 1)").run(conversation);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(sari);
    expect(db.prepare('SELECT contact_id FROM conversations WHERE id = ?').get(conversation)).toEqual({ contact_id: null });
    db.prepare('DELETE FROM conversations WHERE id = ?').run(conversation);
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it('answers the sender’s due query from the partial index', () => {
    const db = at003();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id").all(5) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX outbox_due/);
    expect(plan.map((p) => p.detail).join(' | ')).not.toMatch(/TEMP B-TREE/);
  });
});

describe('MessageStore', () => {
  it('keeps one conversation per number, however it is written, and links it to a contact', () => {
    const db = openDatabase(':memory:');
    const store = new MessageStore(db);
    const budi = addContact(db, 'Budi');
    const first = store.conversation('+62 812-3456 (7)');
    expect(first).toEqual({ id: first.id, number: '+6281234567', contactId: null });
    expect(store.conversation('+6281234567', budi)).toEqual({ ...first, contactId: budi });
    expect(store.findConversation('+62 81234567')).toEqual({ ...first, contactId: budi });
    expect(store.findConversation('+1 555')).toBeUndefined();
    expect(() => store.conversation('call me')).toThrow(RangeError);
  });

  it('lists messages newest first, by contact, unread only, and counts and marks them read', () => {
    const db = openDatabase(':memory:');
    const store = new MessageStore(db);
    const sari = addContact(db, 'Sari');
    const budi = addContact(db, 'Budi');
    const a = store.recordIncoming({ number: '+6281', contactId: sari, body: 'Where are you?', lang: 'en', at: 10 });
    const b = store.recordIncoming({ number: '+6282', contactId: budi, body: 'Sudah sampai?', lang: 'id', at: 20 });
    const c = store.recordIncoming({ number: '+6281', body: '快到了吗', at: 30 });
    const d = store.recordIncoming({ number: '+6283', body: 'unknown sender', at: 30 });
    expect(a).toMatchObject({ direction: 'in', read: false, contactId: sari, lang: 'en', delivery: null, outboxId: null });
    expect(c.contactId).toBe(sari);
    expect(d.lang).toBeNull();

    expect(store.recent({ limit: 10 }).map((m) => m.id)).toEqual([d.id, c.id, b.id, a.id]);
    expect(store.recent({ limit: 2 }).map((m) => m.id)).toEqual([d.id, c.id]);
    expect(store.recent({ limit: 10, contactId: sari }).map((m) => m.body)).toEqual(['快到了吗', 'Where are you?']);
    expect(store.unreadCount()).toBe(4);
    expect(store.unreadCount(sari)).toBe(2);

    expect(store.markRead([a.id, c.id, c.id])).toBe(2);
    expect(store.markRead(a.id)).toBe(0);
    expect(store.unreadCount(sari)).toBe(0);
    expect(store.unreadCount()).toBe(2);
    expect(store.recent({ limit: 10, unreadOnly: true }).map((m) => m.id)).toEqual([d.id, b.id]);
    expect(store.recent({ limit: 10, unreadOnly: true, contactId: sari })).toEqual([]);
    expect(store.get(a.id)?.read).toBe(true);
  });
});

describe('MessageStore: threads for the messages list', () => {
  it('gives each conversation its newest message and unread count, latest first, and tells about changes', () => {
    const db = openDatabase(':memory:');
    const store = new MessageStore(db);
    let changes = 0;
    store.onChange(() => changes++);
    const a = store.recordIncoming({ number: '+6281', body: 'one', at: 1 });
    store.recordIncoming({ number: '+6281', body: 'two', at: 3 });
    store.recordIncoming({ number: '+6282', body: 'other', at: 2 });
    store.conversation('+6283');
    expect(changes).toBe(3);
    expect(store.threads(10)).toEqual({
      total: 2,
      threads: [
        { id: a.conversationId, number: '+6281', contactId: null, direction: 'in', body: 'two', at: 3, unread: 2 },
        { id: expect.any(Number), number: '+6282', contactId: null, direction: 'in', body: 'other', at: 2, unread: 1 },
      ],
    });
    expect(store.threads(1).threads).toHaveLength(1);
    store.markRead(a.id);
    expect(changes).toBe(4);
    store.markRead(a.id);
    expect(changes).toBe(4);
    expect(store.threads(1).threads[0]?.unread).toBe(1);
    db.close();
  });
});
