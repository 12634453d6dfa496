import type { Migration } from './index.js';

/** The call log. A call keeps its number when its contact is deleted (contact_id becomes NULL). */
export const migration004: Migration = {
  version: 4,
  name: 'call-log',
  up(db) {
    db.exec(`
      CREATE TABLE calls (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
        number      TEXT NOT NULL,
        direction   TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming', 'missed')),
        state       TEXT NOT NULL CHECK (state IN ('dialing', 'ringing', 'active', 'ended', 'failed')),
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER
      ) STRICT;
      -- "Call back" and the call log read the newest calls first.
      CREATE INDEX calls_started_at ON calls (started_at);
      CREATE INDEX calls_contact ON calls (contact_id);
    `);
  },
};
