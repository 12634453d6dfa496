// The local music library: audio files in a folder (a USB stick, the simulator's samples), their tags, and
// search by what a driver says after "play" ("jazz", "lagu Raisa", "周杰伦的歌", "the album Kala").
//
// Indexing walks the folder, reads tags with music-metadata, and upserts a row per file (by path), skipping
// files whose mtime and size are unchanged; tracks whose files are gone are removed. A file that cannot be
// read is an entry in `errors`; a folder that cannot be read keeps the tracks it held (a stick unplugged in
// the middle of a walk must not empty the library).
//
// Search runs on tracks_fts (migration 005) with the unicode61 tokenizer. Indexed and queried text is folded
// the same way: NFKC, accents and case dropped, punctuation to spaces, and a space between CJK characters,
// so each Chinese character is a token and a name is matched as a phrase ("周杰伦" → the phrase "周 杰 伦").
// Why not the trigram tokenizer: it matches nothing shorter than three characters, and "爵士", "流行" and
// most Chinese given names are two. Latin words match by prefix ("rais" → Raisa). Filler words around the
// name are dropped per language (FILLERS, below), and a query that is a genre in any language (GENRES)
// finds that genre's tracks first. User text never reaches MATCH raw: it is cut into letter-and-digit
// tokens, each quoted, so FTS5 syntax ("AND", quotes, '*', '(') is only ever a word.
import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import * as z from 'zod';
import { LANGS, Lang } from '../../common/contract.js';
import type { Db } from './db.js';

export interface Track {
  id: number;
  /** Absolute path: the indexed folder as it was given (made absolute), then the path inside it. */
  path: string;
  /** The title tag, else the file name without its extension. */
  title: string;
  artist: string | null;
  /** The album tag, else the name of the file's folder. */
  album: string | null;
  genre: string | null;
  durationMs: number | null;
  /** From the language tag (TLAN, ISO 639-2), else zh when the tags are Chinese; null when unknown. */
  lang: Lang | null;
  mtimeMs: number;
  size: number;
  addedAt: number;
}

export interface IndexError {
  file: string;
  message: string;
}

export interface IndexResult {
  added: number;
  updated: number;
  removed: number;
  /** Audio files left as they were: same mtime and size as when last read. */
  skipped: number;
  errors: IndexError[];
}

export interface IndexOptions {
  /** Stops the walk: what was read so far is kept, nothing is removed, and the promise rejects with the reason. */
  signal?: AbortSignal;
}

export interface SearchOptions {
  /** At most this many tracks (default 20). */
  limit?: number;
}

export const AUDIO_EXTENSIONS: readonly string[] = ['.mp3', '.m4a', '.aac', '.flac', '.ogg', '.opus', '.wav'];

// ---------------------------------------------------------------------------------------------------------
// The words around a name, per language: keep these short. `artist` and `album` words also say which tag the
// name is in ("something by Raisa", "the album Kala"); the name is looked for there first, then anywhere.

interface LatinFillers {
  words: readonly string[];
  artist: readonly string[];
  album: readonly string[];
}

const LATIN_FILLERS: Record<'en' | 'id', LatinFillers> = {
  en: {
    words: ['play', 'put', 'on', 'me', 'please', 'some', 'something', 'anything', 'a', 'an', 'the', 'song', 'songs', 'music', 'track', 'tracks', 'by', 'from', 'album'],
    artist: ['by', 'from'],
    album: ['album'],
  },
  id: {
    words: ['putar', 'putarkan', 'mainkan', 'setel', 'tolong', 'dong', 'lagu', 'lagunya', 'musik', 'beberapa', 'sebuah', 'yang', 'dari', 'oleh', 'album'],
    artist: ['dari', 'oleh'],
    album: ['album'],
  },
};

// Chinese has no spaces: fillers are cut off the front and back of a run of characters, again and again
// ("播放" + "一些" + 周杰伦 + "的歌"). One-character verbs only go when two characters or more stay.
const ZH_PREFIXES = ['我想听', '我要听', '给我放', '帮我放', '播放', '来一首', '来一些', '来点', '放点', '一些', '一首', '几首', '请', '放', '来', '听', '点', '专辑'];
const ZH_SUFFIXES = ['的歌曲', '的歌', '的音乐', '的曲子', '的专辑', '歌曲', '音乐', '专辑', '的', '歌'];
const ZH_ARTIST = new Set(['的歌曲', '的歌', '的音乐', '的曲子']);
const ZH_ALBUM = new Set(['的专辑', '专辑']);

/** Genres by what they are called in each language; any name finds the tracks tagged with any other. */
export const GENRES: Readonly<Record<string, readonly string[]>> = {
  jazz: ['jazz', '爵士', '爵士乐'],
  pop: ['pop', '流行', '流行乐', '流行歌曲'],
  rock: ['rock', 'rok', '摇滚', '摇滚乐'],
  classical: ['classical', 'klasik', '古典', '古典乐'],
  dangdut: ['dangdut'],
  keroncong: ['keroncong', 'kroncong'],
};

// ---------------------------------------------------------------------------------------------------------
// Folding

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const CJK_CHAR = new RegExp(`[${CJK}]`, 'gu');
const CJK_RUNS = new RegExp(`[${CJK}]+|[^${CJK}]+`, 'gu');
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');

/** Case, accents, width and punctuation folded away; words separated by one space; CJK kept together. */
function foldWords(text: string): string {
  return text
    .normalize('NFKC')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/['’‘`ʼ]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The form text is indexed and matched in: folded, with a space between CJK characters ("周 杰 伦"). */
export function foldForIndex(text: string): string {
  return foldWords(text).replace(CJK_CHAR, ' $& ').replace(/\s+/g, ' ').trim();
}

/** The genre key ("jazz") any of its names folds to ("Jazz", "爵士乐", "KLASIK"), or undefined. */
export function genreKey(text: string): string | undefined {
  const folded = foldForIndex(text);
  if (folded === '') return undefined;
  return Object.keys(GENRES).find((key) => (GENRES[key] ?? []).some((name) => foldForIndex(name) === folded));
}

/** An FTS5 string: double quotes around, inner ones doubled. Everything inside is a token, never syntax. */
const quote = (text: string): string => `"${text.replaceAll('"', '""')}"`;

function genreExpression(genre: string): string | undefined {
  const key = genreKey(genre);
  const names = key !== undefined ? (GENRES[key] ?? []) : [genre];
  const phrases = [...new Set(names.map(foldForIndex).filter((name) => name !== ''))].map(quote);
  return phrases.length === 0 ? undefined : `genre : (${phrases.join(' OR ')})`;
}

// ---------------------------------------------------------------------------------------------------------
// Understanding a query

type Column = 'artist' | 'album';

interface Plan {
  latin: string[];
  cjk: string[];
  column?: Column;
}

const MAX_QUERY_CHARS = 200;
const MAX_TERMS = 12;

function stripZh(run: string): { pieces: string[]; column?: Column } {
  let text = run;
  let column: Column | undefined;
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of ZH_PREFIXES) {
      const rest = text.length - prefix.length;
      if (text.startsWith(prefix) && (prefix.length > 1 ? rest >= 0 : rest >= 2)) {
        if (ZH_ALBUM.has(prefix)) column = 'album';
        text = text.slice(prefix.length);
        changed = true;
      }
    }
    for (const suffix of ZH_SUFFIXES) {
      if (text.endsWith(suffix)) {
        if (ZH_ARTIST.has(suffix)) column ??= 'artist';
        if (ZH_ALBUM.has(suffix)) column = 'album';
        text = text.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  // "周杰伦的晴天小调": an artist and a title, each its own phrase.
  return { pieces: text.split('的').filter((piece) => piece !== ''), ...(column ? { column } : {}) };
}

/** The name in what was said, with the filler words of `langs` dropped (none: the words as they are). */
function plan(folded: string, langs: readonly Lang[]): Plan {
  const latinLangs = langs.filter((l): l is 'en' | 'id' => l !== 'zh');
  const fillers = new Set(latinLangs.flatMap((l) => LATIN_FILLERS[l].words));
  const artistWords = new Set(latinLangs.flatMap((l) => LATIN_FILLERS[l].artist));
  const albumWords = new Set(latinLangs.flatMap((l) => LATIN_FILLERS[l].album));
  const out: Plan = { latin: [], cjk: [] };
  for (const word of folded.split(' ')) {
    for (const run of word.match(CJK_RUNS) ?? []) {
      if (IS_CJK.test(run)) {
        if (!langs.includes('zh')) {
          out.cjk.push(run);
          continue;
        }
        const stripped = stripZh(run);
        out.cjk.push(...stripped.pieces);
        if (stripped.column) out.column = stripped.column;
      } else if (fillers.has(run)) {
        if (albumWords.has(run)) out.column = 'album';
        else if (artistWords.has(run)) out.column ??= 'artist';
      } else {
        out.latin.push(run);
      }
    }
  }
  out.latin = out.latin.slice(0, MAX_TERMS);
  out.cjk = out.cjk.slice(0, MAX_TERMS).map((piece) => piece.slice(0, 32));
  return out;
}

function expression({ latin, cjk }: Plan): string | undefined {
  const terms = [
    // A Latin word matches as a prefix ("rais" → raisa); a single letter only as itself.
    ...latin.map((word) => (word.length >= 2 ? `${quote(word)}*` : quote(word))),
    ...cjk.map((piece) => quote(foldForIndex(piece))),
  ];
  return terms.length === 0 ? undefined : terms.join(' AND ');
}

// ---------------------------------------------------------------------------------------------------------
// Reading a file

const Text = z
  .unknown()
  .transform((value) => (typeof value === 'string' ? value.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 300) : ''))
  .transform((value) => (value === '' ? null : value));

/** A row as it is written, checked: whatever a file's tags say becomes this or is refused. */
const NewTrack = z.object({
  path: z.string().min(1),
  title: z.string().min(1),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  genre: z.string().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  lang: Lang.nullable(),
  mtimeMs: z.number().int(),
  size: z.number().int().nonnegative(),
});
type NewTrack = z.infer<typeof NewTrack>;

const LANGUAGE_TAGS: Record<string, Lang> = { en: 'en', eng: 'en', id: 'id', ind: 'id', zh: 'zh', zho: 'zh', chi: 'zh', cmn: 'zh' };

// MP3 and raw AAC have no length in their headers: `duration: true` would read the whole file, so they get
// music-metadata's estimate from the first frames. The others carry it in a header (fmt/data, STREAMINFO,
// mvhd, the last Ogg page), where asking for it costs nothing more.
const DURATION_NEEDS_SCAN = new Set(['.mp3', '.aac']);

async function readTrack(file: string, ext: string, info: { mtimeMs: number; size: number }): Promise<NewTrack> {
  // Loaded on first use: the app and every CLI command start without it.
  const { parseFile } = await import('music-metadata');
  const metadata = await parseFile(file, { duration: !DURATION_NEEDS_SCAN.has(ext), skipCovers: true });
  const { common, format } = metadata;
  // music-metadata answers garbage with an empty result rather than an error.
  if (format.codec === undefined && format.sampleRate === undefined && format.duration === undefined) throw new Error('no audio found in this file');
  const title = Text.parse(common.title) ?? Text.parse(basename(file, extname(file)).replaceAll('_', ' ')) ?? basename(file);
  const artist = Text.parse(common.artist) ?? Text.parse(common.artists?.join(', ')) ?? Text.parse(common.albumartist);
  const album = Text.parse(common.album) ?? Text.parse(basename(dirname(file)));
  const genre = Text.parse(common.genre?.[0]);
  const language = Text.parse(common.language)?.toLowerCase();
  const han = /\p{Script=Han}/u.test(`${title}${artist ?? ''}${album ?? ''}`);
  const lang = (language !== undefined ? LANGUAGE_TAGS[language] : undefined) ?? (han ? 'zh' : null);
  const seconds = format.duration;
  return NewTrack.parse({
    path: file,
    title,
    artist,
    album,
    genre,
    durationMs: seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null,
    lang,
    mtimeMs: Math.trunc(info.mtimeMs),
    size: info.size,
  });
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------------------
// The library

interface TrackRow {
  id: number;
  path: string;
  title: string;
  artist: string | null;
  album: string | null;
  genre: string | null;
  duration_ms: number | null;
  lang: Lang | null;
  mtime_ms: number;
  size: number;
  added_at: number;
}

type TrackValues = [string, string, string | null, string | null, string | null, number | null, Lang | null, number, number, number];
type FtsValues = [number, string, string, string, string];

const DEFAULT_LIMIT = 20;
const BATCH = 64;

export interface MediaLibraryOptions {
  now?: () => number;
}

export class MediaLibrary {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly upsertTrack;
  private readonly deleteTrack;
  private readonly deleteFts;
  private readonly insertFts;
  private readonly trackById;
  private readonly allTracks;
  private readonly countTracks;
  private readonly tracksUnder;
  private readonly matchRanked;
  private readonly matchByGenre;

  constructor(db: Db, options: MediaLibraryOptions = {}) {
    this.db = db;
    this.now = options.now ?? Date.now;
    // added_at stays what it was when a changed file is read again.
    this.upsertTrack = db.prepare<TrackValues, { id: number }>(
      `INSERT INTO tracks (path, title, artist, album, genre, duration_ms, lang, mtime_ms, size, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET title = excluded.title, artist = excluded.artist, album = excluded.album, genre = excluded.genre,
         duration_ms = excluded.duration_ms, lang = excluded.lang, mtime_ms = excluded.mtime_ms, size = excluded.size
       RETURNING id`,
    );
    this.deleteTrack = db.prepare<[number]>('DELETE FROM tracks WHERE id = ?');
    this.deleteFts = db.prepare<[number]>('DELETE FROM tracks_fts WHERE rowid = ?');
    this.insertFts = db.prepare<FtsValues>('INSERT INTO tracks_fts (rowid, title, artist, album, genre) VALUES (?, ?, ?, ?, ?)');
    this.trackById = db.prepare<[number], TrackRow>('SELECT id, path, title, artist, album, genre, duration_ms, lang, mtime_ms, size, added_at FROM tracks WHERE id = ?');
    // By artist (none last), album and title.
    this.allTracks = db.prepare<[], TrackRow>(
      'SELECT id, path, title, artist, album, genre, duration_ms, lang, mtime_ms, size, added_at FROM tracks ORDER BY artist IS NULL, artist COLLATE NOCASE, album COLLATE NOCASE, title COLLATE NOCASE, id',
    );
    this.countTracks = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tracks');
    // Every path that starts with "<root>/": from "<root>/" up to, not including, "<root>0" ('0' follows '/').
    this.tracksUnder = db.prepare<[string, string], { id: number; path: string; mtime_ms: number; size: number }>(
      'SELECT id, path, mtime_ms, size FROM tracks WHERE path >= ? AND path < ?',
    );
    // bm25: a hit in the title counts most, then the artist, the album, the genre.
    this.matchRanked = db.prepare<[string, number], TrackRow>(
      `SELECT t.id, t.path, t.title, t.artist, t.album, t.genre, t.duration_ms, t.lang, t.mtime_ms, t.size, t.added_at FROM tracks_fts JOIN tracks t ON t.id = tracks_fts.rowid
       WHERE tracks_fts MATCH ? ORDER BY bm25(tracks_fts, 10.0, 8.0, 4.0, 2.0), t.title COLLATE NOCASE, t.id LIMIT ?`,
    );
    this.matchByGenre = db.prepare<[string], TrackRow>(
      `SELECT id, path, title, artist, album, genre, duration_ms, lang, mtime_ms, size, added_at FROM tracks WHERE id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?)
       ORDER BY artist IS NULL, artist COLLATE NOCASE, album COLLATE NOCASE, title COLLATE NOCASE, id`,
    );
  }

  /** Reads every audio file under `dir` into the library and drops the tracks whose files are gone.
   *  Symbolic links under it are not followed: one inside the folder leads somewhere the walk reaches
   *  anyway, and one leading out of it is not part of it (the folder itself may be a link). */
  async indexFolder(dir: string, options: IndexOptions = {}): Promise<IndexResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const result: IndexResult = { added: 0, updated: 0, removed: 0, skipped: 0, errors: [] };
    let root: string;
    try {
      root = resolve(dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
    } catch (error) {
      result.errors.push({ file: dir, message: messageOf(error) });
      return result;
    }
    const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
    const after = `${prefix.slice(0, -1)}${String.fromCharCode(sep.charCodeAt(0) + 1)}`;
    const known = new Map(this.tracksUnder.all(prefix, after).map((row) => [row.path, row]));
    const seen = new Set<string>();
    // Folders that could not be read: their tracks stay.
    const unreadable: string[] = [];
    let pending: { track: NewTrack; existed: boolean }[] = [];
    const flush = (): void => {
      const batch = pending;
      pending = [];
      this.db.transaction(() => {
        for (const { track, existed } of batch) {
          this.write(track);
          if (existed) result.updated++;
          else result.added++;
        }
      })();
    };

    const stack = [root];
    try {
      while (stack.length > 0) {
        signal?.throwIfAborted();
        const folder = stack.pop() as string;
        let entries: Dirent[];
        try {
          entries = await readdir(folder, { withFileTypes: true });
        } catch (error) {
          unreadable.push(folder === root ? prefix : `${folder}${sep}`);
          result.errors.push({ file: folder, message: messageOf(error) });
          continue;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const subfolders: string[] = [];
        for (const entry of entries) {
          // Hidden files and folders (".Trashes", macOS's "._song.mp3" resource forks) are not music.
          if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
          const path = join(folder, entry.name);
          if (entry.isDirectory()) {
            subfolders.push(path);
            continue;
          }
          const ext = extname(entry.name).toLowerCase();
          if (!entry.isFile() || !AUDIO_EXTENSIONS.includes(ext)) continue;
          signal?.throwIfAborted();
          try {
            const info = await lstat(path);
            const old = known.get(path);
            if (old && old.mtime_ms === Math.trunc(info.mtimeMs) && old.size === info.size) {
              seen.add(path);
              result.skipped++;
              continue;
            }
            const track = await readTrack(path, ext, info);
            seen.add(path);
            pending.push({ track, existed: old !== undefined });
            if (pending.length >= BATCH) flush();
          } catch (error) {
            result.errors.push({ file: path, message: messageOf(error) });
          }
        }
        // Depth first, in name order.
        stack.push(...subfolders.reverse());
      }
    } finally {
      // What was read before a stop is kept.
      if (pending.length > 0) flush();
    }

    const gone = [...known.values()].filter((row) => !seen.has(row.path) && !unreadable.some((folder) => row.path.startsWith(folder)));
    this.db.transaction(() => {
      for (const row of gone) result.removed += this.deleteTrack.run(row.id).changes;
    })();
    return result;
  }

  /** Tracks for what was said after "play", best first, at most `limit`; [] when nothing fits. */
  search(query: string, lang?: Lang, options: SearchOptions = {}): Track[] {
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, 1000));
    const folded = foldWords(query.slice(0, MAX_QUERY_CHARS));
    if (folded === '') return [];
    // The fillers of the language spoken, then of every language, then none (a song called "Music").
    const plans = [plan(folded, lang ? [lang] : LANGS), plan(folded, LANGS), plan(folded, [])];
    const tried = new Set<string>();
    for (const p of plans) {
      const key = JSON.stringify(p);
      if (tried.has(key)) continue;
      tried.add(key);
      const hits = this.run(p, limit);
      if (hits.length > 0) return hits.map(toTrack);
    }
    return [];
  }

  /** Every track with this genre under any of its names ("jazz", "爵士"), by artist, album and title. */
  byGenre(genre: string): Track[] {
    const match = genreExpression(genre.slice(0, MAX_QUERY_CHARS));
    return match === undefined ? [] : this.matchByGenre.all(match).map(toTrack);
  }

  /** Every track, by artist, album and title. */
  all(): Track[] {
    return this.allTracks.all().map(toTrack);
  }

  get(id: number): Track | undefined {
    const row = this.trackById.get(id);
    return row ? toTrack(row) : undefined;
  }

  count(): number {
    return this.countTracks.get()?.n ?? 0;
  }

  private run(p: Plan, limit: number): TrackRow[] {
    const words = [...p.latin, ...p.cjk];
    if (words.length === 0) return [];
    const rows: TrackRow[] = [];
    const add = (more: readonly TrackRow[]): void => {
      for (const row of more) if (rows.length < limit && !rows.some((r) => r.id === row.id)) rows.push(row);
    };
    // A genre by any of its names: its tracks first, then anything else with the word in it.
    const genre = words.length <= 2 ? genreKey(words.join(' ')) : undefined;
    if (genre !== undefined) add(this.byGenreRows(genre));
    const match = expression(p);
    if (match === undefined) return rows;
    if (p.column !== undefined && rows.length === 0) add(this.matchRanked.all(`${p.column} : (${match})`, limit));
    if (rows.length === 0 || genre !== undefined) add(this.matchRanked.all(match, limit));
    return rows;
  }

  private byGenreRows(genre: string): TrackRow[] {
    const match = genreExpression(genre);
    return match === undefined ? [] : this.matchByGenre.all(match);
  }

  private write(track: NewTrack): void {
    const id = (this.upsertTrack.get(track.path, track.title, track.artist, track.album, track.genre, track.durationMs, track.lang, track.mtimeMs, track.size, this.now()) as { id: number })
      .id;
    this.deleteFts.run(id);
    this.insertFts.run(id, foldForIndex(track.title), foldForIndex(track.artist ?? ''), foldForIndex(track.album ?? ''), foldForIndex(track.genre ?? ''));
  }
}

function toTrack(row: TrackRow): Track {
  return {
    id: row.id,
    path: row.path,
    title: row.title,
    artist: row.artist,
    album: row.album,
    genre: row.genre,
    durationMs: row.duration_ms,
    lang: row.lang,
    mtimeMs: row.mtime_ms,
    size: row.size,
    addedAt: row.added_at,
  };
}
