// Test speech and test noise, made on the spot: espeak-ng says phrases in English, Indonesian and Mandarin,
// sox makes pink and brown noise. Files are cached under os.tmpdir() by a hash of how they were made, so a
// second run costs nothing. Tests call `speechToolsMissing()` first and skip, saying why, when either is absent.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SPEECH_RATE = 16_000;
export type SpeechLang = 'en' | 'id' | 'zh';
export type NoiseColor = 'pink' | 'brown' | 'white';

const cacheDir = join(tmpdir(), 'kemudi-speech-wav');
/** espeak-ng's voice for each of Kemudi's languages. */
const VOICES: Record<SpeechLang, string> = { en: 'en-us', id: 'id', zh: 'cmn' };

const has = (command: string): boolean => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/** Why the speech tests cannot run here, or null when they can. */
export function speechToolsMissing(): string | null {
  const missing = ['espeak-ng', 'sox'].filter((tool) => !has(tool));
  return missing.length === 0 ? null : `${missing.join(' and ')} not installed (apt-get install espeak-ng sox)`;
}

/** Says loudly that a file's speech tests are skipped, rather than passing quietly. */
export function warnSpeechSkipped(file: string, why: string): void {
  console.warn(`\n!!! ${file} SKIPPED: ${why}. !!!\n`);
}

function cached(key: string, make: (path: string) => void): string {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.wav`);
  if (!existsSync(path)) {
    const temporary = `${path}.${process.pid}.tmp.wav`;
    make(temporary);
    renameSync(temporary, path);
  }
  return path;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

/** A WAV of `text` said in `lang` by espeak-ng, 16 kHz mono 16-bit (espeak's own leading and trailing silence kept). */
export function speechWav(text: string, lang: SpeechLang, rate = SPEECH_RATE): string {
  return cached(`speech|${lang}|${rate}|${text}`, (path) => {
    const raw = `${path}.espeak.wav`;
    run('espeak-ng', ['-v', VOICES[lang], '-s', '150', '-w', raw, text]);
    run('sox', [raw, '-r', String(rate), '-c', '1', '-b', '16', path]);
  });
}

/** `seconds` of noise from sox, 16 kHz mono, at a fixed seed (the same file every run). */
export function noiseWav(color: NoiseColor, seconds: number, rate = SPEECH_RATE): string {
  return cached(`noise|${color}|${seconds}|${rate}`, (path) => {
    run('sox', ['-R', '-n', '-r', String(rate), '-c', '1', '-b', '16', path, 'synth', String(seconds), `${color}noise`, 'vol', '0.5']);
  });
}

export interface Wav {
  rate: number;
  samples: Float32Array;
}

/** Reads a 16-bit PCM WAV (mono, or the first channel). */
export function readWav(path: string): Wav {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV`);
  let offset = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(body + 2);
      rate = bytes.readUInt32LE(body + 4);
      bits = bytes.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: ${bits}-bit, only 16-bit is read`);
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = bytes.readInt16LE(body + i * 2 * channels) / 32768;
      return { rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Writes 16-bit PCM mono. */
export function writeWav(path: string, samples: ArrayLike<number>, rate = SPEECH_RATE): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Where speech really is in a clean recording: the first and last 10 ms frame within 35 dB of the loudest. */
export function speechBounds(samples: Float32Array, rate = SPEECH_RATE): { startMs: number; endMs: number } {
  const size = Math.round(rate / 100);
  const levels: number[] = [];
  for (let i = 0; i + size <= samples.length; i += size) {
    let energy = 0;
    for (let j = 0; j < size; j++) energy += samples[i + j]! ** 2;
    levels.push(10 * Math.log10(energy / size + 1e-12));
  }
  const loudest = Math.max(...levels);
  const first = levels.findIndex((level) => level > loudest - 35);
  const last = levels.length - 1 - [...levels].reverse().findIndex((level) => level > loudest - 35);
  return { startMs: first * 10, endMs: (last + 1) * 10 };
}

export const rms = (samples: ArrayLike<number>): number => {
  let energy = 0;
  for (let i = 0; i < samples.length; i++) energy += samples[i]! ** 2;
  return Math.sqrt(energy / Math.max(1, samples.length));
};

export interface Placed {
  /** Where the phrase's speech is in the assembled signal (from the clean recording). */
  startMs: number;
  endMs: number;
  text: string;
  lang: SpeechLang;
}

export interface Assembled {
  samples: Float32Array;
  truth: Placed[];
}

/**
 * Phrases laid out with gaps between them, over noise at `snrDb` (speech RMS over its active part against the
 * noise's RMS), or over digital silence when `noise` is null. Speech is scaled to peak at about −6 dBFS.
 */
export function assemble(
  phrases: { text: string; lang: SpeechLang }[],
  { gapMs = 1500, noise = null as NoiseColor | null, snrDb = 20 } = {},
): Assembled {
  const rate = SPEECH_RATE;
  const parts = phrases.map((phrase) => {
    const { samples } = readWav(speechWav(phrase.text, phrase.lang));
    const bounds = speechBounds(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    const gain = 0.5 / peak;
    return { ...phrase, samples: samples.map((s) => s * gain), bounds };
  });
  const gap = Math.round((gapMs * rate) / 1000);
  const total = parts.reduce((sum, part) => sum + part.samples.length, 0) + gap * (parts.length + 1);
  const out = new Float32Array(total);
  const truth: Placed[] = [];
  let speechEnergy = 0;
  let speechCount = 0;
  let at = gap;
  for (const part of parts) {
    out.set(part.samples, at);
    const offsetMs = (at * 1000) / rate;
    truth.push({ text: part.text, lang: part.lang, startMs: offsetMs + part.bounds.startMs, endMs: offsetMs + part.bounds.endMs });
    const active = part.samples.subarray((part.bounds.startMs * rate) / 1000, (part.bounds.endMs * rate) / 1000);
    speechEnergy += rms(active) ** 2 * active.length;
    speechCount += active.length;
    at += part.samples.length + gap;
  }
  if (noise) {
    const { samples: noiseSamples } = readWav(noiseWav(noise, Math.ceil(total / rate) + 1));
    const wanted = Math.sqrt(speechEnergy / speechCount) / 10 ** (snrDb / 20);
    const gain = wanted / rms(noiseSamples);
    for (let i = 0; i < total; i++) out[i] = out[i]! + noiseSamples[i % noiseSamples.length]! * gain;
  }
  return { samples: out, truth };
}
