import type { Migration } from './index.js';

/**
 * Conversations (one per phone number), their messages, and the outbox that sends the outgoing ones
 * exactly once: a row per message, keyed by its idempotency key, moving queued → sending → sent | failed.
 */
export const migration003: Migration = {
  version: 3,
  name: 'messages-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE conversations (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        number      TEXT NOT NULL UNIQUE
      ) STRICT;
      -- "any messages from Budi?" finds his conversations; the FK's ON DELETE also looks them up here.
      CREATE INDEX conversations_contact ON conversations (contact_id);

      CREATE TABLE messages (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        body             TEXT NOT NULL,
        lang             TEXT,
        at               INTEGER NOT NULL,
        read             INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
        outbox_id        INTEGER,
        -- only what we sent has an outbox row
        CHECK (outbox_id IS NULL OR direction = 'out')
      ) STRICT;
      CREATE INDEX messages_conversation_at ON messages (conversation_id, at);
      CREATE INDEX messages_at ON messages (at);
      -- unread counts touch only the few unread rows
      CREATE INDEX messages_unread ON messages (at) WHERE read = 0;
      -- one outgoing message per outbox row, found from the row when its state changes
      CREATE UNIQUE INDEX messages_outbox ON messages (outbox_id) WHERE outbox_id IS NOT NULL;

      CREATE TABLE outbox (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        conversation_id  INTEGER NOT NULL REFERENCES conversations (id),
        body             TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
        attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        created_at       INTEGER NOT NULL,
        sent_at          INTEGER,
        CHECK ((state = 'sent') = (sent_at IS NOT NULL))
      ) STRICT;
      -- the sender's one query, what is queued and due now; the many sent rows stay out of the index
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'queued';
      CREATE INDEX outbox_conversation ON outbox (conversation_id);
    `);
  },
};
