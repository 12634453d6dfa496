import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/storage/db.js';
import { migration001 } from '../../main/storage/migrations/001-settings-history.js';
import { migration002 } from '../../main/storage/migrations/002-contacts.js';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001, migration002]);
  return db;
}

const addContact = (db: Database.Database, name: string, uid: string | null = null): number =>
  Number(db.prepare('INSERT INTO contacts (name, uid, created_at) VALUES (?, ?, 1)').run(name, uid).lastInsertRowid);

describe('migration 002: contacts', () => {
  it('creates the three strict tables, with source defaulting to manual', () => {
    const db = fresh();
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const tables = db.prepare<[], { name: string; strict: number }>("SELECT name, strict FROM pragma_table_list WHERE name LIKE 'contact%' ORDER BY name").all();
    expect(tables).toEqual([
      { name: 'contact_names', strict: 1 },
      { name: 'contact_numbers', strict: 1 },
      { name: 'contacts', strict: 1 },
    ]);
    const id = addContact(db, 'Sari Wulandari');
    expect(db.prepare('SELECT source, lang FROM contacts WHERE id = ?').get(id)).toEqual({ source: 'manual', lang: null });
    expect(() => db.prepare("INSERT INTO contacts (name, created_at) VALUES ('x', 'yesterday')").run()).toThrow(/cannot store TEXT value in INTEGER column/);
  });

  it('enforces languages, unique uids, name kinds, one row per name and number', () => {
    const db = fresh();
    expect(() => db.prepare("INSERT INTO contacts (name, lang, created_at) VALUES ('x', 'fr', 1)").run()).toThrow(/CHECK/);
    const id = addContact(db, '王伟', 'uid-1');
    expect(() => addContact(db, 'Wang Wei', 'uid-1')).toThrow(/UNIQUE/);
    const name = db.prepare('INSERT INTO contact_names (contact_id, name, kind) VALUES (?, ?, ?)');
    name.run(id, '王伟', 'name');
    name.run(id, 'wang wei', 'pinyin');
    expect(() => name.run(id, 'Boss', 'title')).toThrow(/CHECK/);
    expect(() => name.run(id, 'wang wei', 'nickname')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => name.run(999, 'ghost', 'name')).toThrow(/FOREIGN KEY/);
    const number = db.prepare('INSERT INTO contact_numbers (contact_id, number, label) VALUES (?, ?, ?)');
    number.run(id, '+8613800138008', 'cell');
    number.run(id, '01380013800', null);
    expect(() => number.run(id, '+8613800138008', 'work')).toThrow(/UNIQUE|PRIMARY/);
    for (const bad of ['+86 138 0013 8008', '+', '++86', '86+138', 'tel:123', '']) expect(() => number.run(id, bad, null), bad).toThrow(/CHECK/);
  });

  it('deletes a contact’s names and numbers with it', () => {
    const db = fresh();
    const id = addContact(db, 'Budi Santoso');
    db.prepare("INSERT INTO contact_names (contact_id, name, kind) VALUES (?, 'Pak Budi', 'nickname')").run(id);
    db.prepare("INSERT INTO contact_numbers (contact_id, number) VALUES (?, '+6281110007803')").run(id);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
    expect(db.prepare('SELECT (SELECT count(*) FROM contact_names) + (SELECT count(*) FROM contact_numbers) AS n').get()).toEqual({ n: 0 });
  });

  it('is a no-op when run again', () => {
    const db = fresh();
    addContact(db, 'Rina');
    expect(migrate(db, [migration001, migration002])).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 1 });
  });
});
