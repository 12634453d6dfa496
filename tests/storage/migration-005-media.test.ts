import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/storage/db.js';
import { migration001 } from '../../main/storage/migrations/001-settings-history.js';
import { migration005 } from '../../main/storage/migrations/005-media.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';

// 005 needs nothing before it: run it alone after 001 to show it, as migrate() skips by version.
function fresh(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, [migration001, migration005]);
  return db;
}

const track = (db: Database.Database, values: { path?: string; title?: string; lang?: string | null; size?: unknown } = {}) =>
  db
    .prepare('INSERT INTO tracks (path, title, artist, album, genre, duration_ms, lang, mtime_ms, size, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(values.path ?? '/music/a.mp3', values.title ?? 'Blue Drive', 'Kemudi Quartet', 'Night Roads', 'Jazz', 3_600, values.lang ?? null, 1_000, values.size ?? 4_096, 1);

describe('migration 005: media', () => {
  it('is listed after 004 and creates a strict tracks table and its FTS5 index', () => {
    expect(MIGRATIONS.map((m) => m.version).indexOf(5)).toBe(MIGRATIONS.map((m) => m.version).indexOf(4) + 1);
    const db = fresh();
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare<[], { strict: number }>("SELECT strict FROM pragma_table_list WHERE name = 'tracks'").get()).toEqual({ strict: 1 });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'tracks_fts'").get()).toEqual({ sql: expect.stringMatching(/USING fts5/i) });
    const id = Number(track(db).lastInsertRowid);
    db.prepare('INSERT INTO tracks_fts (rowid, title, artist, album, genre) VALUES (?, ?, ?, ?, ?)').run(id, 'blue drive', 'kemudi quartet', 'night roads', 'jazz');
    expect(db.prepare("SELECT rowid AS id FROM tracks_fts WHERE tracks_fts MATCH 'quart*'").all()).toEqual([{ id }]);
  });

  it('has FTS5 from the SQLite better-sqlite3 bundles, with accents folded and one token per spaced Chinese character', () => {
    const db = fresh();
    db.prepare('INSERT INTO tracks_fts (rowid, title, artist, album, genre) VALUES (1, ?, ?, ?, ?)').run('café noir', '周 杰 伦', '', '爵 士');
    const hit = (query: string) => db.prepare('SELECT rowid AS id FROM tracks_fts WHERE tracks_fts MATCH ?').all(query).length;
    expect(hit('"cafe"')).toBe(1);
    expect(hit('"周 杰 伦"')).toBe(1);
    expect(hit('"杰 伦"')).toBe(1);
    expect(hit('"爵 士"')).toBe(1);
    expect(hit('"伦 杰"')).toBe(0);
  });

  it('enforces a unique path, a title, a size and a known language', () => {
    const db = fresh();
    track(db);
    expect(() => track(db)).toThrow(/UNIQUE/);
    expect(() => track(db, { path: '/music/b.mp3', title: '' })).toThrow(/CHECK/);
    expect(() => track(db, { path: '/music/c.mp3', lang: 'fr' })).toThrow(/CHECK/);
    expect(() => track(db, { path: '/music/d.mp3', size: 'big' })).toThrow(/INTEGER/);
    track(db, { path: '/music/e.mp3', lang: 'zh' });
  });

  it('drops a track’s index row when the track is deleted', () => {
    const db = fresh();
    const id = Number(track(db).lastInsertRowid);
    db.prepare('INSERT INTO tracks_fts (rowid, title, artist, album, genre) VALUES (?, ?, ?, ?, ?)').run(id, 'blue drive', '', '', '');
    db.prepare('DELETE FROM tracks WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM tracks_fts').get()).toEqual({ n: 0 });
  });

  it('is a no-op when run again, and the full list migrates past it', () => {
    const db = fresh();
    track(db);
    expect(migrate(db, [migration001, migration005])).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM tracks').get()).toEqual({ n: 1 });
    const full = new Database(':memory:');
    migrate(full, MIGRATIONS);
    expect(full.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('calls', 'tracks', 'tracks_fts')").get()).toEqual({ n: 3 });
  });
});
