import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/storage/db.js';
import { HIGHWAY_CLASSES, POI_CATEGORIES } from '../../main/storage/maps.js';
import { migration001 } from '../../main/storage/migrations/001-settings-history.js';
import { migration006 } from '../../main/storage/migrations/006-maps.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';

// 006 needs nothing before it: run it alone after 001 to show it, as migrate() skips by version.
function fresh(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001, migration006]);
  return db;
}

const source = (db: Database.Database, name = 'monaco.osm.pbf', sample = 0) =>
  Number(
    db
      .prepare("INSERT INTO map_sources (name, path, sha256, bytes, format, imported_at, attribution, sample) VALUES (?, ?, ?, 10, 'pbf', 1, '© OpenStreetMap contributors', ?)")
      .run(name, `/maps/${name}`, 'a'.repeat(64), sample).lastInsertRowid,
  );

const place = (db: Database.Database, sourceId: number, values: { kind?: string; category?: string | null; name?: string } = {}) =>
  Number(
    db
      .prepare('INSERT INTO map_places (source_id, kind, category, name, lat, lon) VALUES (?, ?, ?, ?, 43.7, 7.4)')
      .run(sourceId, values.kind ?? 'poi', values.category === undefined ? 'fuel' : values.category, values.name ?? 'Agip').lastInsertRowid,
  );

const edge = (db: Database.Database, sourceId: number, values: { highway?: string; oneway?: number; geometry?: Buffer; streetId?: number | null } = {}) =>
  Number(
    db
      .prepare('INSERT INTO map_edges (source_id, way_id, from_node, to_node, highway, street_id, speed_kmh, oneway, meters, geometry) VALUES (?, 7, 1, 2, ?, ?, 50, ?, 12.5, ?)')
      .run(sourceId, values.highway ?? 'primary', values.streetId ?? null, values.oneway ?? 0, values.geometry ?? Buffer.alloc(16)).lastInsertRowid,
  );

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('migration 006: maps', () => {
  it('is listed after 005 and creates strict tables, the FTS5 index, its vocabulary and the R*Tree', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions.indexOf(6)).toBe(versions.indexOf(5) + 1);
    const db = fresh();
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    for (const table of ['map_sources', 'map_places', 'map_edges', 'map_restrictions', 'saved_places', 'recent_destinations']) {
      expect(db.prepare<[string], { strict: number }>('SELECT strict FROM pragma_table_list WHERE name = ?').get(table), table).toEqual({ strict: 1 });
    }
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'map_places_fts'").get()).toEqual({ sql: expect.stringMatching(/USING fts5/i) });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'map_places_vocab'").get()).toEqual({ sql: expect.stringMatching(/USING fts5vocab/i) });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'map_edges_rtree'").get()).toEqual({ sql: expect.stringMatching(/USING rtree/i) });
  });

  it('checks the same highway classes and POI categories as MapStore, and rejects others', () => {
    const db = fresh();
    const id = source(db);
    for (const highway of HIGHWAY_CLASSES) edge(db, id, { highway });
    expect(() => edge(db, id, { highway: 'footway' })).toThrow(/CHECK/);
    for (const category of POI_CATEGORIES) place(db, id, { category });
    expect(() => place(db, id, { category: 'casino' })).toThrow(/CHECK/);
    place(db, id, { category: null, name: 'Casino de Monte Carlo' });
    expect(() => place(db, id, { kind: 'building' })).toThrow(/CHECK/);
    expect(() => place(db, id, { name: '' })).toThrow(/CHECK/);
    expect(() => edge(db, id, { oneway: 2 })).toThrow(/CHECK/);
    expect(() => edge(db, id, { geometry: Buffer.alloc(8) })).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO map_places (source_id, kind, name) VALUES (999, ?, ?)').run('poi', 'x')).toThrow(/FOREIGN KEY/);
  });

  it('finds folded names by prefix and spaced Chinese characters as a phrase; lists its terms', () => {
    const db = fresh();
    const id = place(db, source(db));
    db.prepare('INSERT INTO map_places_fts (rowid, name, extra, words) VALUES (?, ?, ?, ?)').run(id, 'jalan insinyur haji juanda 西 土 城 路', '', 'fuel spbu 加 油 站');
    const hit = (query: string) => db.prepare('SELECT rowid FROM map_places_fts WHERE map_places_fts MATCH ?').all(query).length;
    expect(hit('"juan"*')).toBe(1);
    expect(hit('"西 土 城 路"')).toBe(1);
    expect(hit('"土 西"')).toBe(0);
    expect(hit('"spbu"')).toBe(1);
    expect(hit('"加 油 站"')).toBe(1);
    expect(db.prepare("SELECT term FROM map_places_vocab WHERE term >= 'j' AND term < 'k'").all()).toEqual([{ term: 'jalan' }, { term: 'juanda' }]);
  });

  it('removes a source’s places, index rows, edges, boxes and restrictions with it', () => {
    const db = fresh();
    const id = source(db);
    const keep = source(db, 'andorra.osm.pbf');
    const street = place(db, id, { kind: 'street', category: null, name: 'Boulevard Albert 1er' });
    db.prepare("INSERT INTO map_places_fts (rowid, name, extra, words) VALUES (?, 'boulevard albert 1er', '', '')").run(street);
    const a = edge(db, id, { streetId: street });
    const b = edge(db, id);
    db.prepare('INSERT INTO map_edges_rtree (id, min_lat, max_lat, min_lon, max_lon) VALUES (?, 43, 44, 7, 8), (?, 43, 44, 7, 8)').run(a, b);
    db.prepare("INSERT INTO map_restrictions (source_id, relation_id, from_edge, via_node, to_edge, kind, restriction) VALUES (?, 1, ?, 2, ?, 'no', 'no_left_turn')").run(id, a, b);
    edge(db, keep);
    db.prepare('DELETE FROM map_sources WHERE id = ?').run(id);
    expect([count(db, 'map_places'), count(db, 'map_places_fts'), count(db, 'map_edges'), count(db, 'map_edges_rtree'), count(db, 'map_restrictions')]).toEqual([0, 0, 1, 0, 0]);
  });

  it('keeps saved places by label and recent destinations unique by name and place', () => {
    const db = fresh();
    const save = db.prepare("INSERT INTO saved_places (label, name, lat, lon, kind, updated_at) VALUES (?, 'Home', ?, 7.4, 'saved', 1)");
    save.run('home', 43.7);
    expect(() => save.run('home', 43.7)).toThrow(/UNIQUE/);
    expect(() => save.run('work', 91)).toThrow(/CHECK/);
    const recent = db.prepare("INSERT INTO recent_destinations (name, lat, lon, kind, cell, used_at) VALUES ('Agip', 43.7, 7.4, 'poi', ?, 1)");
    recent.run('43.7000,7.4000');
    expect(() => recent.run('43.7000,7.4000')).toThrow(/UNIQUE/);
    recent.run('43.7100,7.4000');
  });

  it('is a no-op when run again, and the full list migrates past it', () => {
    const db = fresh();
    source(db);
    expect(migrate(db, [migration001, migration006])).toBe(0);
    expect(count(db, 'map_sources')).toBe(1);
    const full = new Database(':memory:');
    migrate(full, MIGRATIONS);
    expect(full.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('tracks', 'map_sources', 'map_places_fts', 'map_edges_rtree', 'saved_places')").get()).toEqual({ n: 5 });
  });
});
