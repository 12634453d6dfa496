// The simulator's music: a few short tone melodies the project writes itself, so there is something to play
// and search with no files of anyone else's. Each is a WAV (PCM 16-bit mono, 8 kHz, 3–4 s) whose tags are an
// ID3v2.4 tag in an `id3 ` RIFF chunk (as Picard and foobar2000 store them; music-metadata reads them).
// The bytes are a pure function of the table below: a file already holding them is left alone; anything else
// (missing, older, damaged) is rewritten through a temporary file and a rename, so a crash leaves no half file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SampleTrack {
  file: string;
  title: string;
  artist: string;
  album: string;
  genre: string;
  /** ISO 639-2, written as TLAN: eng, ind, zho. */
  language: string;
  /** The melody: semitones above `root`, one per note (null: a rest). */
  notes: readonly (number | null)[];
  /** Hz of semitone 0. */
  root: number;
  /** Milliseconds per note. */
  noteMs: number;
  /** Strength of the second and third harmonics, 0–1: a little timbre, so tracks differ in more than pitch. */
  overtones: readonly [number, number];
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11, 12];

// Made-up titles and albums; the artists are fictional except as names a driver says ("Raisa", "周杰伦").
export const SAMPLE_TRACKS: readonly SampleTrack[] = [
  { file: 'kemudi-quartet-blue-drive.wav', title: 'Blue Drive', artist: 'Kemudi Quartet', album: 'Night Roads', genre: 'Jazz', language: 'eng', root: 220, noteMs: 300, overtones: [0.3, 0.15], notes: [0, 3, 5, 6, 7, 10, 12, null, 10, 7, 3, 0] },
  { file: 'raisa-kala-senja.wav', title: 'Kala Senja', artist: 'Raisa', album: 'Kala', genre: 'Pop', language: 'ind', root: 262, noteMs: 350, overtones: [0.2, 0.05], notes: [0, 4, 7, 12, 11, 7, 9, 7, 4, 2, 0] },
  { file: 'raisa-hujan-di-jendela.wav', title: 'Hujan di Jendela', artist: 'Raisa', album: 'Kala', genre: 'Pop', language: 'ind', root: 294, noteMs: 400, overtones: [0.15, 0.1], notes: [7, 5, 4, 2, 0, null, 2, 4, 5, 0] },
  { file: 'citra-dewi-goyang-kemudi.wav', title: 'Goyang Kemudi', artist: 'Citra Dewi', album: 'Pantura Malam', genre: 'Dangdut', language: 'ind', root: 196, noteMs: 250, overtones: [0.4, 0.25], notes: [0, 1, 4, 5, 7, 8, 7, 5, 4, 1, 0, 1, 4, 5] },
  { file: 'zhou-qingtian-xiaodiao.wav', title: '晴天小调', artist: '周杰伦', album: '夏日车窗', genre: '流行', language: 'zho', root: 330, noteMs: 320, overtones: [0.1, 0.05], notes: [0, 2, 4, 7, 9, 12, 9, 7, 4, 2, 0] },
  { file: 'chengshi-yelu-jueshi.wav', title: '夜路爵士', artist: '城市四重奏', album: '夜路', genre: '爵士', language: 'zho', root: 175, noteMs: 380, overtones: [0.35, 0.2], notes: [0, 4, 7, 10, 9, 7, 3, 0, null, 0] },
  { file: 'kemudi-chamber-morning-sonata.wav', title: 'Morning Sonata', artist: 'Kemudi Chamber Ensemble', album: 'Classics for the Road', genre: 'Classical', language: 'eng', root: 262, noteMs: 280, overtones: [0.05, 0.02], notes: MAJOR.concat([11, 9, 7, 5, 4, 2, 0]) },
  { file: 'orkes-kemudi-senandung-pagi.wav', title: 'Senandung Pagi', artist: 'Orkes Kemudi', album: 'Keroncong Pagi', genre: 'Keroncong', language: 'ind', root: 247, noteMs: 420, overtones: [0.25, 0.3], notes: [0, 4, 7, 4, 5, 9, 7, null, 4, 0] },
];

const SAMPLE_RATE = 8_000;

// ---------------------------------------------------------------------------------------------------------
// ID3v2.4: a 10-byte header ("ID3", version 4.0, flags, a syncsafe size), then frames of a 4-char id, a
// syncsafe size, two flag bytes and the body. A text frame's body is an encoding byte (3 = UTF-8) and the text.

/** 28 bits in four bytes of seven: no byte of the size can look like an MPEG sync (0xFF). */
function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

function textFrame(id: string, text: string): Buffer {
  const body = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]);
  return Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]);
}

export function id3v24(tags: { title: string; artist: string; album: string; genre: string; language?: string }): Buffer {
  const frames = Buffer.concat([
    textFrame('TIT2', tags.title),
    textFrame('TPE1', tags.artist),
    textFrame('TALB', tags.album),
    textFrame('TCON', tags.genre),
    ...(tags.language ? [textFrame('TLAN', tags.language)] : []),
  ]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(frames.length), frames]);
}

// ---------------------------------------------------------------------------------------------------------
// WAV: "RIFF" size "WAVE", then chunks of a 4-char id, a little-endian 32-bit size and the body, padded to an
// even length. Here: `fmt ` (PCM), `data` (the samples), `id3 ` (the tag).

function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function pcm(track: SampleTrack): Buffer {
  const perNote = Math.round((SAMPLE_RATE * track.noteMs) / 1000);
  const samples = Buffer.alloc(track.notes.length * perNote * 2);
  const fade = Math.round(SAMPLE_RATE * 0.02); // 20 ms in and out: no clicks between notes
  const [h2, h3] = track.overtones;
  const peak = 0.3 * 32_767 / (1 + h2 + h3);
  track.notes.forEach((note, n) => {
    const hz = note === null ? 0 : track.root * 2 ** (note / 12);
    for (let i = 0; i < perNote; i++) {
      const t = i / SAMPLE_RATE;
      const envelope = Math.min(1, i / fade, (perNote - i) / fade);
      const phase = 2 * Math.PI * hz * t;
      const value = hz === 0 ? 0 : peak * envelope * (Math.sin(phase) + h2 * Math.sin(2 * phase) + h3 * Math.sin(3 * phase));
      samples.writeInt16LE(Math.round(value), (n * perNote + i) * 2);
    }
  });
  return samples;
}

/** The whole file: deterministic, a few tens of kilobytes. */
export function sampleWav(track: SampleTrack): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(SAMPLE_RATE, 4);
  fmt.writeUInt32LE(SAMPLE_RATE * 2, 8); // bytes per second
  fmt.writeUInt16LE(2, 12); // bytes per frame
  fmt.writeUInt16LE(16, 14); // bits per sample
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), chunk('data', pcm(track)), chunk('id3 ', id3v24(track))]);
  return chunk('RIFF', body);
}

/** Writes the sample tracks into `dir` (created if needed) unless they are already there byte for byte;
 *  returns every track's path, in SAMPLE_TRACKS order. */
export function ensureSampleMusic(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return SAMPLE_TRACKS.map((track) => {
    const file = join(dir, track.file);
    const bytes = sampleWav(track);
    if (existsSync(file) && readFileSync(file).equals(bytes)) return file;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
    return file;
  });
}
