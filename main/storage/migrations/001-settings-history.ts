import type { Migration } from './index.js';

/** Settings (key → JSON value) and the turn history behind the decision trace. */
export const migration001: Migration = {
  version: 1,
  name: 'settings-history',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;
      CREATE TABLE history (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        lang      TEXT NOT NULL CHECK (lang IN ('en', 'id', 'zh')),
        heard     TEXT NOT NULL,
        intent    TEXT,
        slots     TEXT NOT NULL CHECK (json_valid(slots)),
        source    TEXT NOT NULL,
        policy    TEXT,
        response  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX history_at ON history (at);
    `);
  },
};
