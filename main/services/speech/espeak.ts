// Speech output's fallback in the main process: espeak-ng turns a text into WAV bytes, for pages whose
// browser has no voice for the language (headless Chromium has none; many head units lack Indonesian).
// The text goes to espeak-ng on stdin, never through a shell or as an argument (a text starting with "-"
// would be read as an option). No text is ever logged: only its language and length.
import { spawn } from 'node:child_process';
import { LANGS, type Lang } from '../../../common/contract.js';
import { err, ok, type Result } from '../../../common/result.js';
import type { Logger } from '../../core/log.js';

/** espeak-ng's voice for each language (`espeak-ng --voices`): Mandarin is `cmn`. */
export const ESPEAK_VOICES: Readonly<Record<Lang, string>> = { en: 'en-us', id: 'id', zh: 'cmn' };
/** The longest text said in one go, as long as the longest utterance the contract accepts. */
export const MAX_SPEECH_CHARS = 2000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Far above what 2000 characters make (about 2 minutes at 22 kHz, 16 bits: ~5 MB). */
const MAX_WAV_BYTES = 32 * 1024 * 1024;

export interface SpeechSynthesizer {
  /** WAV bytes (RIFF, PCM) for the text in the language. Never rejects. */
  synthesize(text: string, lang: Lang): Promise<Result<Uint8Array>>;
}

export interface EspeakOptions {
  /** The program (default: KEMUDI_ESPEAK, else `espeak-ng` on the PATH). */
  binary?: string;
  timeoutMs?: number;
  /** How many recent WAVs are kept, and how many bytes at most (the same answers come back often). */
  cacheEntries?: number;
  cacheBytes?: number;
  /** espeak-ng processes at once; more requests wait their turn. */
  maxProcesses?: number;
  log?: Logger;
}

export function isSpeechLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Line breaks and tabs become spaces; any other control character (C0, DEL, C1) refuses the text, as does
 *  an empty one or one longer than MAX_SPEECH_CHARS characters. */
export function checkSpeechText(text: unknown): Result<string> {
  if (typeof text !== 'string') return err('invalid_message', 'text must be a string');
  const flat = text.replace(/[\t\n\r]+/g, ' ').trim();
  if (flat === '') return err('invalid_message', 'text is empty');
  // eslint-disable-next-line no-control-regex -- the point is to find them
  if (/[\u0000-\u001f\u007f-\u009f]/.test(flat)) return err('invalid_message', 'text contains control characters');
  if (Array.from(flat).length > MAX_SPEECH_CHARS) return err('invalid_message', `text is longer than ${MAX_SPEECH_CHARS} characters`);
  return ok(flat);
}

/** espeak-ng writes to a pipe, which it cannot seek back on: the RIFF and data sizes in its header are
 *  placeholders (0x7fff…). Some players take them at their word, so they are set to the real sizes. */
export function fixWavHeader(wav: Buffer): Result<Buffer> {
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') return err('internal', 'espeak-ng wrote no WAV');
  wav.writeUInt32LE(wav.length - 8, 4);
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    if (id === 'data') {
      wav.writeUInt32LE(wav.length - offset - 8, offset + 4);
      return wav.length > offset + 8 ? ok(wav) : err('internal', 'espeak-ng wrote no audio');
    }
    const size = wav.readUInt32LE(offset + 4);
    offset += 8 + size + (size % 2); // chunks are padded to an even length
  }
  return err('internal', 'espeak-ng wrote a WAV without data');
}

interface RunOutcome {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
  tooBig: boolean;
}

function run(binary: string, args: readonly string[], input: string, timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let timedOut = false;
    let tooBig = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WAV_BYTES) {
        tooBig = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    // A process that died before reading its input: the EPIPE is its exit's business, not ours.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks), stderr: stderr.trim(), spawnError, timedOut, tooBig });
    });
    child.stdin.end(input, 'utf8');
  });
}

/** A small least-recently-used map of WAVs, bounded in entries and in bytes. */
class WavCache {
  private readonly map = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}
  get(key: string): Uint8Array | undefined {
    const value = this.map.get(key);
    if (value) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: Uint8Array): void {
    if (this.maxEntries <= 0 || value.length > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.length;
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.bytes += value.length;
    for (const [k, v] of this.map) {
      if (this.map.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.length;
    }
  }
  get size(): number {
    return this.map.size;
  }
}

export interface Espeak extends SpeechSynthesizer {
  /** Whether the program is there (asked once, the first time). */
  installed(): Promise<boolean>;
  /** WAVs kept now (for tests). */
  readonly cached: number;
}

export function createEspeak(options: EspeakOptions = {}): Espeak {
  const binary = options.binary ?? process.env.KEMUDI_ESPEAK ?? 'espeak-ng';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cache = new WavCache(options.cacheEntries ?? 32, options.cacheBytes ?? 16 * 1024 * 1024);
  const maxProcesses = Math.max(1, options.maxProcesses ?? 2);
  const log = options.log;
  const inFlight = new Map<string, Promise<Result<Uint8Array>>>();
  const waiting: (() => void)[] = [];
  let running = 0;
  let probe: Promise<boolean> | null = null;

  const installed = (): Promise<boolean> => {
    probe ??= run(binary, ['--version'], '', Math.max(timeoutMs, 5000)).then((outcome) => {
      // A program that started but was slow to answer is there all the same.
      const found = !outcome.spawnError && (outcome.code === 0 || outcome.timedOut);
      if (!found) log?.warn('espeak.missing', { binary, code: outcome.spawnError?.code ?? outcome.code });
      return found;
    });
    return probe;
  };

  const slot = async (): Promise<() => void> => {
    if (running >= maxProcesses) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    return () => {
      running -= 1;
      waiting.shift()?.();
    };
  };

  const synthesizeChecked = async (text: string, lang: Lang): Promise<Result<Uint8Array>> => {
    if (!(await installed())) return err('unavailable', 'espeak-ng is not installed: install it (e.g. `apt-get install espeak-ng`) for speech in languages the system has no voice for');
    const release = await slot();
    let outcome: RunOutcome;
    try {
      // -b 1: the input is UTF-8 whatever the locale; --stdin: the text is read from stdin, never parsed as options.
      outcome = await run(binary, ['--stdout', '-b', '1', '-v', ESPEAK_VOICES[lang], '--stdin'], text, timeoutMs);
    } finally {
      release();
    }
    const fields = { lang, chars: text.length };
    if (outcome.timedOut) {
      log?.warn('espeak.timeout', { ...fields, ms: timeoutMs });
      return err('timeout', `espeak-ng took longer than ${timeoutMs} ms`);
    }
    if (outcome.spawnError) {
      log?.error('espeak.failed', { ...fields, code: outcome.spawnError.code });
      return err('unavailable', `espeak-ng could not be started (${outcome.spawnError.code ?? 'error'})`);
    }
    if (outcome.tooBig) return err('internal', 'espeak-ng wrote more audio than expected');
    if (outcome.code !== 0) {
      // Not stderr: what espeak-ng says there might quote the text.
      log?.error('espeak.failed', { ...fields, exit: outcome.code });
      if (/voice does not exist/i.test(outcome.stderr)) return err('unavailable', `espeak-ng has no voice "${ESPEAK_VOICES[lang]}"`);
      return err('internal', `espeak-ng exited with ${outcome.code}`);
    }
    const fixed = fixWavHeader(outcome.stdout);
    if (!fixed.ok) log?.error('espeak.failed', { ...fields, why: fixed.error.message });
    return fixed.ok ? ok(new Uint8Array(fixed.value.buffer, fixed.value.byteOffset, fixed.value.byteLength)) : fixed;
  };

  return {
    installed,
    get cached() {
      return cache.size;
    },
    async synthesize(text, lang) {
      if (!isSpeechLang(lang)) return err('invalid_message', 'lang must be en, id or zh');
      const checked = checkSpeechText(text);
      if (!checked.ok) return checked;
      const key = `${lang}\u0000${checked.value}`;
      const hit = cache.get(key);
      if (hit) return ok(hit);
      // The same text asked twice at once (a page and a retry) runs espeak-ng once.
      let pending = inFlight.get(key);
      if (!pending) {
        pending = synthesizeChecked(checked.value, lang)
          .catch((error: unknown) => err<Uint8Array>('internal', error instanceof Error ? error.message : String(error)))
          .then((result) => {
            inFlight.delete(key);
            if (result.ok) cache.set(key, result.value);
            return result;
          });
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
