import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/storage/db.js';
import { migration001 } from '../../main/storage/migrations/001-settings-history.js';
import { migration002 } from '../../main/storage/migrations/002-contacts.js';
import { migration004 } from '../../main/storage/migrations/004-call-log.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';

// 004 needs only contacts (002): run without 003 to show it, as migrate() skips by version.
function fresh(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001, migration002, migration004]);
  return db;
}

const call = (db: Database.Database, values: { contact?: number | null; direction?: string; state?: string }) =>
  db
    .prepare('INSERT INTO calls (contact_id, number, direction, state, started_at) VALUES (?, ?, ?, ?, ?)')
    .run(values.contact ?? null, '+6281234567801', values.direction ?? 'outgoing', values.state ?? 'dialing', 1_000);

describe('migration 004: call log', () => {
  it('is listed after 003 and creates a strict calls table', () => {
    expect(MIGRATIONS.map((m) => m.version).indexOf(4)).toBe(MIGRATIONS.map((m) => m.version).indexOf(3) + 1);
    const db = fresh();
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare<[], { strict: number }>("SELECT strict FROM pragma_table_list WHERE name = 'calls'").get()).toEqual({ strict: 1 });
    const id = Number(call(db, {}).lastInsertRowid);
    db.prepare("UPDATE calls SET state = 'ended', ended_at = 61000 WHERE id = ?").run(id);
    expect(db.prepare('SELECT direction, state, ended_at FROM calls WHERE id = ?').get(id)).toEqual({ direction: 'outgoing', state: 'ended', ended_at: 61_000 });
  });

  it('enforces directions, states and a real contact', () => {
    const db = fresh();
    for (const direction of ['outgoing', 'incoming', 'missed']) call(db, { direction });
    for (const state of ['dialing', 'ringing', 'active', 'ended', 'failed']) call(db, { state });
    expect(() => call(db, { direction: 'sideways' })).toThrow(/CHECK/);
    expect(() => call(db, { state: 'on-hold' })).toThrow(/CHECK/);
    expect(() => call(db, { contact: 42 })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO calls (number, direction, state, started_at) VALUES ('1', 'missed', 'ended', 'now')").run()).toThrow(/INTEGER/);
  });

  it('keeps a call, without its contact, when the contact is deleted', () => {
    const db = fresh();
    const contact = Number(db.prepare("INSERT INTO contacts (name, created_at) VALUES ('Sari', 1)").run().lastInsertRowid);
    const id = Number(call(db, { contact }).lastInsertRowid);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(contact);
    expect(db.prepare('SELECT contact_id, number FROM calls WHERE id = ?').get(id)).toEqual({ contact_id: null, number: '+6281234567801' });
  });

  it('is a no-op when run again, and the full list migrates past it', () => {
    const db = fresh();
    call(db, {});
    expect(migrate(db, [migration001, migration002, migration004])).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM calls').get()).toEqual({ n: 1 });
    const full = new Database(':memory:');
    migrate(full, MIGRATIONS);
    expect(full.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('contacts', 'calls')").get()).toEqual({ n: 2 });
  });
});
