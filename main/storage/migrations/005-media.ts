import type { Migration } from './index.js';

/**
 * The local music library: one row per audio file, and a full-text index over its tags.
 *
 * tracks_fts is a plain FTS5 table (it keeps its own copy of the text), rowid = tracks.id, written by
 * MediaLibrary in the same transaction as the track. Not external content: what is indexed is not the
 * column text but a folded form of it (case and accents folded, a space between Chinese characters so the
 * unicode61 tokenizer sees one token per character), worked out in TypeScript; an external-content table
 * would need that same text again, from SQL, to delete a row. The copy costs a few bytes a tag, and shows
 * what was indexed. A trigger drops the index row when a track goes, whoever deletes it.
 */
export const migration005: Migration = {
  version: 5,
  name: 'media',
  up(db) {
    db.exec(`
      CREATE TABLE tracks (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,
        title        TEXT NOT NULL CHECK (title <> ''),
        artist       TEXT,
        album        TEXT,
        genre        TEXT,
        duration_ms  INTEGER CHECK (duration_ms >= 0),
        lang         TEXT CHECK (lang IN ('en', 'id', 'zh')),
        -- what the indexer compares to skip a file it has already read
        mtime_ms     INTEGER NOT NULL,
        size         INTEGER NOT NULL CHECK (size >= 0),
        added_at     INTEGER NOT NULL
      ) STRICT;
      -- the library screen lists by artist and album
      CREATE INDEX tracks_artist_album ON tracks (artist COLLATE NOCASE, album COLLATE NOCASE);

      CREATE VIRTUAL TABLE tracks_fts USING fts5 (title, artist, album, genre, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
        DELETE FROM tracks_fts WHERE rowid = old.id;
      END;
    `);
  },
};
