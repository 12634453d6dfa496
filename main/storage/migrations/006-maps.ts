import type { Migration } from './index.js';

/**
 * Offline maps from OpenStreetMap extracts (MapStore, main/storage/maps.ts; the importer,
 * main/services/navigation/osm-import.ts), and the driver's saved places and recent destinations.
 *
 * - map_sources: one row per imported file. Everything else of a map hangs off it with ON DELETE CASCADE,
 *   so removing or re-importing a file is one DELETE of its rows, in one transaction with the new ones.
 * - map_places: what a driver can name: streets (one row per distinct set of names in a source; the edges
 *   point at it), POIs (named or of a known category, from nodes and from ways at their centroid) and
 *   addresses (addr:street + addr:housenumber). lat/lon is the POI or address, or a street's middle point;
 *   it is NULL only inside an import, for a way whose nodes come later in the file.
 * - map_places_fts: the folded names, addresses and category words of map_places (rowid = map_places.id),
 *   written by the importer; folded as media.ts does (NFKC, accents and case dropped, a space between CJK
 *   characters so each is a token). map_places_vocab exposes its terms, for typo correction.
 * - map_edges: the drivable road pieces between junctions, with their geometry as little-endian int32 pairs
 *   (lat, lon in 1e-7 degrees, OSM's own precision), and map_edges_rtree their bounding boxes for the
 *   on-screen map. Vertices are not stored: an edge's ends are OSM node ids, its first and last points.
 * - map_restrictions: turn restrictions from relations, already mapped to the edges at the via node.
 * - saved_places ('home', 'work', or the driver's own label) and recent_destinations: not map data, they
 *   stay when maps come and go.
 * The CHECK lists are written out, not built from MapStore's constants: a migration never changes once
 * shipped (tests/storage/migration-006-maps.test.ts checks that the two agree).
 */
export const migration006: Migration = {
  version: 6,
  name: 'maps',
  up(db) {
    db.exec(`
      CREATE TABLE map_sources (
        -- AUTOINCREMENT: a removed map's id is never given to another (\`kemudi maps remove ID\` stays unambiguous)
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        -- the file name; a re-import of the same name or the same bytes replaces this source
        name          TEXT NOT NULL CHECK (name <> ''),
        path          TEXT NOT NULL,
        sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
        bytes         INTEGER NOT NULL CHECK (bytes >= 0),
        format        TEXT NOT NULL CHECK (format IN ('pbf', 'xml')),
        -- the extent of what was kept; NULL for a file with no roads or places in it
        min_lat       REAL,
        min_lon       REAL,
        max_lat       REAL,
        max_lon       REAL,
        vertices      INTEGER NOT NULL DEFAULT 0 CHECK (vertices >= 0),
        edges         INTEGER NOT NULL DEFAULT 0 CHECK (edges >= 0),
        streets       INTEGER NOT NULL DEFAULT 0 CHECK (streets >= 0),
        pois          INTEGER NOT NULL DEFAULT 0 CHECK (pois >= 0),
        addresses     INTEGER NOT NULL DEFAULT 0 CHECK (addresses >= 0),
        restrictions  INTEGER NOT NULL DEFAULT 0 CHECK (restrictions >= 0),
        imported_at   INTEGER NOT NULL,
        ms            INTEGER NOT NULL DEFAULT 0 CHECK (ms >= 0),
        attribution   TEXT NOT NULL CHECK (attribution <> ''),
        -- the generated sample town: replaced by the first real import
        sample        INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1))
      ) STRICT;
      CREATE INDEX map_sources_sha256 ON map_sources (sha256);
      CREATE INDEX map_sources_name ON map_sources (name);

      CREATE TABLE map_places (
        id           INTEGER PRIMARY KEY,
        source_id    INTEGER NOT NULL REFERENCES map_sources (id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('street', 'poi', 'address')),
        -- a POI of a catalog category; NULL for other named places (a casino, a park, a suburb)
        category     TEXT CHECK (category IN ('fuel', 'charging', 'parking', 'restaurant', 'cafe', 'hospital', 'pharmacy', 'atm', 'toilet', 'hotel',
                                        'supermarket', 'car_wash', 'repair', 'police', 'mosque')),
        -- the tag it was read from ('amenity=casino', 'highway=residential'), for display and ranking
        type         TEXT,
        osm_type     TEXT CHECK (osm_type IN ('node', 'way')),
        osm_id       INTEGER,
        name         TEXT NOT NULL CHECK (name <> ''),
        name_en      TEXT,
        name_id      TEXT,
        name_zh      TEXT,
        ref          TEXT,
        street       TEXT,
        housenumber  TEXT,
        lat          REAL CHECK (lat BETWEEN -90 AND 90),
        lon          REAL CHECK (lon BETWEEN -180 AND 180),
        -- 1 for landmarks (a wikipedia or wikidata tag, tourism=attraction): ranks first among equal matches
        importance   INTEGER NOT NULL DEFAULT 0 CHECK (importance IN (0, 1))
      ) STRICT;
      CREATE INDEX map_places_source ON map_places (source_id, kind);
      CREATE INDEX map_places_category ON map_places (category, lat) WHERE category IS NOT NULL;

      CREATE VIRTUAL TABLE map_places_fts USING fts5 (name, extra, words, tokenize = 'unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE map_places_vocab USING fts5vocab (map_places_fts, 'row');
      CREATE TRIGGER map_places_fts_delete AFTER DELETE ON map_places BEGIN
        DELETE FROM map_places_fts WHERE rowid = old.id;
      END;

      CREATE TABLE map_edges (
        id          INTEGER PRIMARY KEY,
        source_id   INTEGER NOT NULL REFERENCES map_sources (id) ON DELETE CASCADE,
        way_id      INTEGER NOT NULL,
        from_node   INTEGER NOT NULL,
        to_node     INTEGER NOT NULL,
        highway     TEXT NOT NULL CHECK (highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary',
                                       'secondary_link', 'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'service')),
        street_id   INTEGER REFERENCES map_places (id) ON DELETE SET NULL,
        speed_kmh   REAL NOT NULL CHECK (speed_kmh > 0),
        -- 1: only in geometry order, -1: only against it, 0: both ways
        oneway      INTEGER NOT NULL CHECK (oneway IN (-1, 0, 1)),
        -- 1 on a roundabout (junction=roundabout|circular): guidance counts its exits
        roundabout  INTEGER NOT NULL DEFAULT 0 CHECK (roundabout IN (0, 1)),
        meters      REAL NOT NULL CHECK (meters >= 0),
        geometry    BLOB NOT NULL CHECK (length(geometry) >= 16 AND length(geometry) % 8 = 0)
      ) STRICT;
      CREATE INDEX map_edges_source ON map_edges (source_id);
      CREATE INDEX map_edges_street ON map_edges (street_id) WHERE street_id IS NOT NULL;
      CREATE VIRTUAL TABLE map_edges_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);
      CREATE TRIGGER map_edges_rtree_delete AFTER DELETE ON map_edges BEGIN
        DELETE FROM map_edges_rtree WHERE id = old.id;
      END;

      CREATE TABLE map_restrictions (
        id           INTEGER PRIMARY KEY,
        source_id    INTEGER NOT NULL REFERENCES map_sources (id) ON DELETE CASCADE,
        relation_id  INTEGER NOT NULL,
        from_edge    INTEGER NOT NULL REFERENCES map_edges (id) ON DELETE CASCADE,
        via_node     INTEGER NOT NULL,
        to_edge      INTEGER NOT NULL REFERENCES map_edges (id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('no', 'only')),
        -- the tag as it was: no_left_turn, only_straight_on, ...
        restriction  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX map_restrictions_source ON map_restrictions (source_id);
      CREATE INDEX map_restrictions_from ON map_restrictions (from_edge);
      CREATE INDEX map_restrictions_to ON map_restrictions (to_edge);

      CREATE TABLE saved_places (
        -- 'home', 'work' or the driver's own label, folded (lower case, single spaces)
        label       TEXT PRIMARY KEY CHECK (label <> ''),
        name        TEXT NOT NULL CHECK (name <> ''),
        lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon         REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        kind        TEXT NOT NULL,
        category    TEXT,
        updated_at  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE recent_destinations (
        id        INTEGER PRIMARY KEY,
        name      TEXT NOT NULL CHECK (name <> ''),
        lat       REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon       REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        kind      TEXT NOT NULL,
        category  TEXT,
        -- the same name within about 10 m is the same destination
        cell      TEXT NOT NULL,
        used_at   INTEGER NOT NULL,
        times     INTEGER NOT NULL DEFAULT 1 CHECK (times >= 1),
        UNIQUE (name, cell)
      ) STRICT;
      CREATE INDEX recent_destinations_used ON recent_destinations (used_at);
    `);
  },
};
