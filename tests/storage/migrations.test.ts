import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../main/storage/db.js';
import { HistoryStore } from '../../main/storage/history.js';
import { migration001 } from '../../main/storage/migrations/001-settings-history.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('database', () => {
  it('numbers migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('opens a file in WAL mode and migrates it once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemudi-db-'));
    dirs.push(dir);
    const file = join(dir, 'kemudi.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    const again = openDatabase(file);
    expect(migrate(again)).toBe(0);
    again.close();
  });

  it('rolls a failing migration back whole', () => {
    const db = new Database(':memory:');
    const broken = { version: 1, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE a (x); CREATE TABLE a (y);') };
    expect(() => migrate(db, [broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'").get()).toEqual({ n: 0 });
  });
});

describe('migration 001: settings and history', () => {
  it('creates both tables and enforces their checks', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001]);
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('lang', '"id"');
    expect(() => db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('bad', 'not json')).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO history (at, lang, heard, slots, source, response) VALUES (1, 'fr', 'x', '{}', 'none', 'y')").run(),
    ).toThrow(/CHECK/);
  });

  it('keeps turns in the history, newest first', () => {
    const db = openDatabase(':memory:');
    const history = new HistoryStore(db);
    const trace = { heard: 'turn on the headlights', lang: 'en' as const, intent: 'vehicle.lights', slots: { state: 'on' }, source: 'template' as const, confidence: 1, policy: 'allow' as const, actions: [] };
    history.record(trace, 'Headlights on.', 1);
    history.record({ ...trace, heard: 'lights off', slots: { state: 'off' } }, 'Headlights off.', 2);
    const recent = history.recent(5);
    expect(recent.map((r) => r.heard)).toEqual(['lights off', 'turn on the headlights']);
    expect(recent[0]?.slots).toEqual({ state: 'off' });
  });
});
