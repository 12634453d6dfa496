import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFile } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGS } from '../../common/contract.js';
import { ensureSampleMusic, SAMPLE_TRACKS, sampleWav } from '../../main/simulator/sample-music.js';
import { openDatabase } from '../../main/storage/db.js';
import { foldForIndex, genreKey, MediaLibrary } from '../../main/storage/media.js';
import { FUZZ_SEED, nastyText } from '../support/fuzz.js';

const root = mkdtempSync(join(tmpdir(), 'kemudi-media-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function library(now = 1_000): MediaLibrary {
  return new MediaLibrary(openDatabase(':memory:'), { now: () => now });
}

/** A WAV with no tags at all: RIFF, fmt (PCM 8 kHz mono 16-bit), a tenth of a second of silence. */
function untaggedWav(): Buffer {
  const data = Buffer.alloc(1_600);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(8_000, 12);
  fmt.writeUInt32LE(16_000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + fmt.length + 8 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, fmt, dataHeader, data]);
}

describe('ensureSampleMusic', () => {
  const dir = join(root, 'samples');

  it('writes tone melodies as WAVs whose ID3v2.4 tags music-metadata reads back', async () => {
    const files = ensureSampleMusic(dir);
    expect(files).toHaveLength(SAMPLE_TRACKS.length);
    expect(readdirSync(dir).sort()).toEqual(SAMPLE_TRACKS.map((t) => t.file).sort());
    for (const [i, file] of files.entries()) {
      const track = SAMPLE_TRACKS[i];
      const { common, format } = await parseFile(file);
      expect(common).toMatchObject({ title: track?.title, artist: track?.artist, album: track?.album, genre: [track?.genre], language: track?.language });
      expect(format).toMatchObject({ container: 'WAVE', codec: 'PCM', sampleRate: 8_000, bitsPerSample: 16, numberOfChannels: 1 });
      expect(format.tagTypes).toContain('ID3v2.4');
      expect(format.duration).toBeGreaterThanOrEqual(3);
      expect(format.duration).toBeLessThanOrEqual(6);
    }
    // Each melody is its own: no two tracks share their samples.
    const audio = SAMPLE_TRACKS.map((t) => sampleWav(t).toString('base64'));
    expect(new Set(audio).size).toBe(SAMPLE_TRACKS.length);
  });

  it('is deterministic and leaves files with the right bytes alone; rewrites a damaged one', () => {
    const [one, two] = SAMPLE_TRACKS;
    if (!one || !two) throw new Error('no sample tracks');
    expect(sampleWav(one).equals(sampleWav({ ...one }))).toBe(true);
    const files = ensureSampleMusic(dir);
    const first = files[0] ?? '';
    utimesSync(first, new Date(2_000_000), new Date(2_000_000));
    writeFileSync(files[1] ?? '', 'damaged');
    ensureSampleMusic(dir);
    expect(statSync(first).mtimeMs).toBe(2_000_000);
    expect(statSync(files[1] ?? '').size).toBe(sampleWav(two).length);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('MediaLibrary.indexFolder', () => {
  it('indexes the sample music, skips it when unchanged, rereads a changed file and drops a deleted one', async () => {
    const dir = join(root, 'index');
    const files = ensureSampleMusic(join(dir, 'samples'));
    writeFileSync(join(dir, 'notes.txt'), 'not music');
    const media = library();
    const first = await media.indexFolder(dir);
    expect(first).toEqual({ added: 8, updated: 0, removed: 0, skipped: 0, errors: [] });
    expect(media.count()).toBe(8);
    const blue = media.all().find((t) => t.title === 'Blue Drive');
    expect(blue).toMatchObject({ artist: 'Kemudi Quartet', album: 'Night Roads', genre: 'Jazz', durationMs: 3_600, lang: 'en', addedAt: 1_000, path: files[0] });
    expect(media.all().find((t) => t.title === '晴天小调')).toMatchObject({ artist: '周杰伦', genre: '流行', lang: 'zh' });
    expect(media.get(blue?.id ?? 0)).toEqual(blue);
    expect(media.get(9_999)).toBeUndefined();

    expect(await media.indexFolder(dir)).toEqual({ added: 0, updated: 0, removed: 0, skipped: 8, errors: [] });

    const changed = files[0] ?? '';
    const [bluePrint] = SAMPLE_TRACKS;
    if (!bluePrint) throw new Error('no sample tracks');
    writeFileSync(changed, sampleWav({ ...bluePrint, title: 'Blue Drive (Live)' }));
    utimesSync(changed, new Date(5_000_000), new Date(5_000_000));
    unlinkSync(files[1] ?? '');
    expect(await media.indexFolder(dir)).toEqual({ added: 0, updated: 1, removed: 1, skipped: 6, errors: [] });
    expect(media.get(blue?.id ?? 0)).toMatchObject({ title: 'Blue Drive (Live)', addedAt: 1_000 });
    expect(media.count()).toBe(7);
    expect(media.search('Kala Senja')).toEqual([]);
    expect(media.search('live')[0]?.id).toBe(blue?.id);
  });

  it('reports a corrupt file in errors, keeps going, and falls back to the file and folder names without tags', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(join(dir, 'Road Trip'), { recursive: true });
    writeFileSync(join(dir, 'broken.mp3'), Buffer.alloc(4_000, 7));
    writeFileSync(join(dir, 'empty.flac'), '');
    writeFileSync(join(dir, 'Road Trip', 'Coastal_Highway.WAV'), untaggedWav());
    writeFileSync(join(dir, '._Coastal_Highway.wav'), 'a macOS resource fork');
    const media = library();
    const result = await media.indexFolder(dir);
    expect(result).toMatchObject({ added: 1, updated: 0, removed: 0, skipped: 0 });
    expect(result.errors.map((e) => e.file).sort()).toEqual([join(dir, 'broken.mp3'), join(dir, 'empty.flac')]);
    for (const error of result.errors) expect(error.message).not.toBe('');
    expect(media.all()).toEqual([expect.objectContaining({ title: 'Coastal Highway', album: 'Road Trip', artist: null, genre: null, lang: null, durationMs: 100 })]);
    expect(media.search('coastal')).toHaveLength(1);
    expect(media.search('the album road trip')).toHaveLength(1);
  });

  it('follows no symbolic links, and keeps the library when the folder is gone', async () => {
    const dir = join(root, 'links');
    const outside = join(root, 'outside');
    ensureSampleMusic(outside);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'own.wav'), untaggedWav());
    symlinkSync(outside, join(dir, 'elsewhere'));
    symlinkSync(join(outside, SAMPLE_TRACKS[0]?.file ?? ''), join(dir, 'linked.wav'));
    const media = library();
    expect(await media.indexFolder(dir)).toMatchObject({ added: 1, errors: [] });
    expect(media.all().map((t) => t.title)).toEqual(['own']);
    // The folder given may itself be a link: its tracks are under the name it was given by.
    const link = join(root, 'link-to-outside');
    symlinkSync(outside, link);
    expect(await library().indexFolder(link)).toMatchObject({ added: SAMPLE_TRACKS.length, errors: [] });

    // The stick is unplugged: an error, and the library stays as it was.
    rmSync(dir, { recursive: true });
    expect(await media.indexFolder(dir)).toMatchObject({ added: 0, removed: 0, errors: [{ file: dir }] });
    expect(media.count()).toBe(1);
  });

  it('stops when aborted, keeping what it read and removing nothing', async () => {
    const dir = join(root, 'abort');
    ensureSampleMusic(dir);
    const media = library();
    await media.indexFolder(dir);
    const controller = new AbortController();
    controller.abort(new Error('driver said stop'));
    await expect(media.indexFolder(dir, { signal: controller.signal })).rejects.toThrow('driver said stop');
    expect(media.count()).toBe(8);
  });
});

describe('MediaLibrary.search', () => {
  let media: MediaLibrary;
  const titles = (query: string, lang?: (typeof LANGS)[number]) => media.search(query, lang).map((t) => t.title);
  beforeAll(async () => {
    const dir = join(root, 'search');
    ensureSampleMusic(dir);
    media = library();
    await media.indexFolder(dir);
    expect(media.count()).toBe(8);
  });

  it('finds a genre by its name in any language, across the languages it is tagged in', () => {
    const jazz = ['Blue Drive', '夜路爵士'];
    expect(titles('jazz', 'en').sort()).toEqual(jazz);
    expect(titles('musik jazz', 'id').sort()).toEqual(jazz);
    expect(titles('爵士乐', 'zh').sort()).toEqual(jazz);
    expect(titles('来点爵士乐', 'zh').sort()).toEqual(jazz);
    expect(titles('put on some jazz').sort()).toEqual(jazz);
    expect(titles('流行', 'zh').sort()).toEqual(['Hujan di Jendela', 'Kala Senja', '晴天小调']);
    expect(titles('lagu pop', 'id')).toHaveLength(3);
    expect(titles('musik klasik', 'id')).toEqual(['Morning Sonata']);
    expect(titles('古典音乐', 'zh')).toEqual(['Morning Sonata']);
    expect(titles('lagu dangdut', 'id')).toEqual(['Goyang Kemudi']);
    expect(titles('keroncong')).toEqual(['Senandung Pagi']);
    expect(media.byGenre('爵士').map((t) => t.title).sort()).toEqual(jazz);
    expect(media.byGenre('Jazz')).toHaveLength(2);
    expect(media.byGenre('polka')).toEqual([]);
    expect(media.byGenre('(')).toEqual([]);
    expect(genreKey('Rok')).toBe('rock');
    expect(genreKey('摇滚')).toBe('rock');
  });

  it('finds an artist with the filler words around the name dropped, in three languages', () => {
    const raisa = ['Hujan di Jendela', 'Kala Senja'];
    expect(titles('Raisa', 'id').sort()).toEqual(raisa);
    expect(titles('lagu Raisa', 'id').sort()).toEqual(raisa);
    expect(titles('putar lagu raisa', 'id').sort()).toEqual(raisa);
    expect(titles('lagu Raisa', 'en').sort()).toEqual(raisa);
    expect(titles('something by Raisa', 'en').sort()).toEqual(raisa);
    expect(titles('rais').sort()).toEqual(raisa);
    expect(titles('RÁISA').sort()).toEqual(raisa);
    expect(titles('周杰伦', 'zh')).toEqual(['晴天小调']);
    expect(titles('周杰伦的歌', 'zh')).toEqual(['晴天小调']);
    expect(titles('播放周杰伦的歌', 'zh')).toEqual(['晴天小调']);
    expect(titles('来一些周杰伦的音乐')).toEqual(['晴天小调']);
    expect(titles('杰伦')).toEqual(['晴天小调']);
    expect(titles('kemudi quartet')).toEqual(['Blue Drive']);
  });

  it('finds an album or a title by name, the title first', () => {
    expect(titles('the album Kala', 'en').sort()).toEqual(['Hujan di Jendela', 'Kala Senja']);
    expect(titles('album Kala', 'id')).toHaveLength(2);
    expect(titles('专辑夏日车窗', 'zh')).toEqual(['晴天小调']);
    expect(titles('Kala')[0]).toBe('Kala Senja');
    expect(titles('senja')).toEqual(['Kala Senja']);
    expect(titles('blue drive')).toEqual(['Blue Drive']);
    expect(titles('晴天')).toEqual(['晴天小调']);
    expect(titles('周杰伦的晴天小调')).toEqual(['晴天小调']);
  });

  it('answers [] when nothing fits, and at most the limit', () => {
    expect(media.search('Bartholomew')).toEqual([]);
    expect(media.search('邓丽君的歌', 'zh')).toEqual([]);
    expect(media.search('')).toEqual([]);
    expect(media.search('play some music', 'en')).toEqual([]);
    expect(media.search('kemudi', 'en', { limit: 2 })).toHaveLength(2);
    expect(media.search('kemudi').length).toBeGreaterThan(2);
  });

  it('never throws on FTS5 syntax or any other text', () => {
    for (const nasty of ['AND', 'OR', 'NOT', 'NEAR', 'NEAR(a b)', 'a OR b', '"', '""', "'", '*', 'rais*', '(', ')', '()', '{title}: x', 'title:x', '-x', '^x', '+', 'a AND', '\u0000', '🚗']) {
      expect(() => media.search(nasty), nasty).not.toThrow();
      expect(() => media.byGenre(nasty), nasty).not.toThrow();
    }
    expect(media.search('"Raisa"').length).toBe(2);
    fc.assert(
      fc.property(nastyText(40), fc.constantFrom(undefined, ...LANGS), (text, lang) => {
        expect(Array.isArray(media.search(text, lang))).toBe(true);
        media.byGenre(text);
      }),
      { seed: FUZZ_SEED, numRuns: 2_000 },
    );
  });

  it('folds text for the index: case, accents, width, a space between CJK characters', () => {
    expect(foldForIndex('Beyoncé – ＡＢＣ')).toBe('beyonce abc');
    expect(foldForIndex('周杰伦 Jay')).toBe('周 杰 伦 jay');
  });
});
