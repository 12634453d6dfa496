import type { Migration } from './index.js';

/** The address book: one row per contact, every name form it answers to (nicknames, pinyin), its numbers.
 *  contacts(id) is the key the messages and call-log tables reference: keep it. */
export const migration002: Migration = {
  version: 2,
  name: 'contacts',
  up(db) {
    db.exec(`
      CREATE TABLE contacts (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        lang        TEXT CHECK (lang IN ('en', 'id', 'zh')),
        source      TEXT NOT NULL DEFAULT 'manual',
        uid         TEXT UNIQUE,
        created_at  INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE contact_names (
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('name', 'nickname', 'given', 'family', 'pinyin')),
        PRIMARY KEY (contact_id, name)
      ) STRICT;
      CREATE TABLE contact_numbers (
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        -- Digits only, with an optional leading +: the form every lookup normalizes to.
        number      TEXT NOT NULL CHECK ((number GLOB '+[0-9]*' OR number GLOB '[0-9]*') AND substr(number, 2) NOT GLOB '*[^0-9]*'),
        label       TEXT,
        PRIMARY KEY (contact_id, number)
      ) STRICT;
      -- Caller id and "call back" look numbers up; the primary key only serves lookups by contact.
      CREATE INDEX contact_numbers_number ON contact_numbers (number);
    `);
  },
};
