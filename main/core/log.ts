// The process's log: JSON lines (time, level, pid, component, event, fields) in <dataDir>/logs/kemudi.log,
// rotated by size so a head unit's storage never fills. pino formats and filters by level; the file is
// written synchronously (a line is on disk before the next statement runs, so a crash's last words are
// kept) and rotated here: kemudi.log → kemudi.log.1 → … → kemudi.log.<maxFiles-1>, the oldest dropped.
//
// What the driver said and what the car answered stay out of the log unless the user turns it on
// (KEMUDI_LOG_CONTENT=1): every field named in CONTENT_FIELDS, and every value wrapped in content(), is
// written as a marker with its length instead. Redaction happens here, once, never at a call site.
//
// Only the shells (`kemudi sim`, the Electron main process, the CLI's imports and downloads) open a file;
// the core takes a Logger as an option and logs nothing without one, so headless tests write nowhere.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger as Pino } from 'pino';
import { dataDir } from './paths.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

/** Field names whose values are content (the driver's words, message bodies, the LLM's prompts and answers,
 *  what was said back), at any depth of a log line's fields. */
export const CONTENT_FIELDS: ReadonlySet<string> = new Set([
  'heard',
  'utterance',
  'transcript',
  'text',
  'body',
  'response',
  'reply',
  'prompt',
  'answer',
  'completion',
  'slots',
  'freeText',
  'query',
  'destination',
]);

/** Fields the line itself uses; a field of the same name is written as `<name>_` so the JSON stays unambiguous. */
const RESERVED: ReadonlySet<string> = new Set(['time', 'level', 'pid', 'component', 'event']);

/** A value that is content whatever its field is called: `log.info('x', { said: content(text) })`. */
export class Content {
  constructor(readonly value: unknown) {}
}
export const content = (value: unknown): Content => new Content(value);

/** What a redacted value is written as: its length in characters (UTF-16 code units; JSON for non-strings). */
export function redactionMarker(value: unknown): string {
  return `[redacted: ${contentLength(value)} chars]`;
}

function contentLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === undefined || value === null) return 0;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

const MAX_DEPTH = 6;

/** The fields as they are written: content redacted (or unwrapped), errors as plain objects, nothing that JSON cannot say. */
export function redactFields(fields: LogFields, showContent: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const cleaned = clean(value, key, showContent, 0);
    if (cleaned !== undefined) out[RESERVED.has(key) ? `${key}_` : key] = cleaned;
  }
  return out;
}

function clean(value: unknown, key: string | undefined, showContent: boolean, depth: number): unknown {
  if (value instanceof Content) return showContent ? clean(value.value, undefined, true, depth) : redactionMarker(value.value);
  if (value === undefined || value === null) return value;
  if (!showContent && key !== undefined && CONTENT_FIELDS.has(key)) return redactionMarker(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: value.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(value.stack ? { stack: value.stack } : {}),
      ...(value.cause !== undefined ? { cause: clean(value.cause, undefined, showContent, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => clean(item, undefined, showContent, depth + 1) ?? null);
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const cleaned = clean(v, k, showContent, depth + 1);
    if (cleaned !== undefined) out[k] = cleaned;
  }
  return out;
}

export interface Logger {
  /** The component every line of this logger names ('assistant', 'outbox', 'llm', …); undefined at the root. */
  readonly component: string | undefined;
  /** Whether content fields are written as they are (KEMUDI_LOG_CONTENT=1). */
  readonly content: boolean;
  trace(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  fatal(event: string, fields?: LogFields): void;
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** A logger for one component; a child's child is named `parent.child`. Fields are added to each line. */
  child(component: string, fields?: LogFields): Logger;
}

/** The process's logger: the one that owns the file. */
export interface RootLogger extends Logger {
  /** The file being written, or null when lines go to a stream or nowhere. */
  readonly file: string | null;
  /** Closes the file; later lines are dropped. */
  close(): void;
}

export interface LogOptions {
  /** The folder for kemudi.log and its rotated files; without it (and without `stream`) nothing is written. */
  dir?: string | null;
  /** Default: info. */
  level?: LogLevel;
  /** Write content fields as they are. Default: false (redacted, with their length). */
  content?: boolean;
  /** kemudi.log is rotated before a line would take it past this many bytes. Default: 5 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included (kemudi.log, kemudi.log.1 … kemudi.log.<maxFiles-1>). Default: 5. */
  maxFiles?: number;
  /** Lines to this instead of a file (tests, stderr). */
  stream?: { write(line: string): void };
}

export const LOG_FILE = 'kemudi.log';
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

/** A log file rotated by size, written synchronously. It never throws: a disk that refuses a line loses that
 *  line (said once on stderr), not the turn that logged it. */
export class RotatingFile {
  private fd: number | null = null;
  private size = 0;
  private broken = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number = DEFAULT_MAX_BYTES,
    private readonly maxFiles: number = DEFAULT_MAX_FILES,
  ) {
    if (!(maxBytes > 0) || !Number.isInteger(maxFiles) || maxFiles < 1) throw new RangeError('a rotating log needs maxBytes > 0 and maxFiles >= 1');
  }

  write(line: string): void {
    if (this.broken) return;
    try {
      const bytes = Buffer.byteLength(line);
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd!, line);
      this.size += bytes;
    } catch (error) {
      this.broken = true;
      this.close();
      process.stderr.write(`kemudi: the log ${this.path} cannot be written, logging stops: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone; nothing to keep
    }
    this.fd = null;
  }

  /** The rotated file `index` (0: the current one). */
  static nth(path: string, index: number): string {
    return index === 0 ? path : `${path}.${index}`;
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(RotatingFile.nth(this.path, this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      try {
        renameSync(RotatingFile.nth(this.path, i - 1), RotatingFile.nth(this.path, i));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    this.open();
  }
}

class PinoLogger implements Logger {
  constructor(
    private readonly pino: Pino,
    private readonly root: Pino,
    readonly component: string | undefined,
    readonly content: boolean,
  ) {}

  trace(event: string, fields?: LogFields): void {
    this.write('trace', event, fields);
  }
  debug(event: string, fields?: LogFields): void {
    this.write('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.write('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.write('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.write('error', event, fields);
  }
  fatal(event: string, fields?: LogFields): void {
    this.write('fatal', event, fields);
  }

  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return this.pino.isLevelEnabled(level);
  }

  child(component: string, fields: LogFields = {}): Logger {
    const name = this.component ? `${this.component}.${component}` : component;
    // From the root, so `component` is written once however deep the children go.
    return new PinoLogger(this.root.child({ ...redactFields(fields, this.content), component: name }), this.root, name, this.content);
  }

  private write(level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields | undefined): void {
    if (!this.pino.isLevelEnabled(level)) return;
    try {
      this.pino[level](fields ? redactFields(fields, this.content) : {}, event);
    } catch {
      // Logging must never break what it watches.
    }
  }
}

/** A logger. With `dir`, lines go to `<dir>/kemudi.log` (rotated); with `stream`, there; else nowhere. */
export function createLogger(options: LogOptions = {}): RootLogger {
  const level = options.level ?? 'info';
  let file: RotatingFile | null = null;
  if (options.dir && !options.stream) {
    try {
      mkdirSync(options.dir, { recursive: true });
      file = new RotatingFile(join(options.dir, LOG_FILE), options.maxBytes ?? DEFAULT_MAX_BYTES, options.maxFiles ?? DEFAULT_MAX_FILES);
    } catch (error) {
      // A car without a log still drives.
      if (error instanceof RangeError) throw error;
      process.stderr.write(`kemudi: no log in ${options.dir}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const destination = options.stream ?? file ?? { write: () => undefined };
  const root = pino(
    {
      level: options.stream || file ? level : 'silent',
      base: { pid: process.pid },
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are made plain by redactFields; pino's own err serializer would retype them.
      serializers: { err: (value: unknown) => value },
    },
    destination,
  );
  const logger = new PinoLogger(root, root, undefined, options.content === true);
  let closed = false;
  return Object.assign(logger, {
    file: file?.path ?? null,
    close(): void {
      if (closed) return;
      closed = true;
      root.level = 'silent';
      file?.close();
    },
  });
}

/** KEMUDI_LOG_LEVEL, or info; an unknown name is info too (and said in the log). */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): { level: LogLevel; unknown?: string } {
  const raw = env.KEMUDI_LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return { level: 'info' };
  return (LOG_LEVELS as readonly string[]).includes(raw) ? { level: raw as LogLevel } : { level: 'info', unknown: raw };
}

/** KEMUDI_LOG_CONTENT=1 (or true, yes, on): the driver's words and message bodies are logged as they are. */
export function contentFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes', 'on'].includes(env.KEMUDI_LOG_CONTENT?.trim().toLowerCase() ?? '');
}

/** Where the process's log lives: <dataDir>/logs. */
export const logsDir = (env: NodeJS.ProcessEnv = process.env): string => join(dataDir(env), 'logs');

/** The shells' logger: <dataDir>/logs/kemudi.log, level and content from the environment. Says once that it
 *  started (with the level and whether content is logged), so a reader knows what the file may hold. */
export function openProcessLog(env: NodeJS.ProcessEnv = process.env, options: Omit<LogOptions, 'dir' | 'level' | 'content'> = {}): RootLogger {
  const { level, unknown } = levelFromEnv(env);
  const log = createLogger({ ...options, dir: logsDir(env), level, content: contentFromEnv(env) });
  log.info('log.opened', { logLevel: level, content: log.content, ...(unknown ? { unknownLevel: unknown } : {}) });
  return log;
}

/** Uncaught exceptions and unhandled rejections are logged as `fatal` before Node handles them as it would
 *  anyway (the monitor changes nothing about exiting). Returns the uninstaller. */
export function logCrashes(log: Logger, proc: NodeJS.Process = process): () => void {
  const monitor = (error: unknown, origin: string): void => log.fatal('process.crash', { origin, err: error });
  proc.on('uncaughtExceptionMonitor', monitor);
  return () => proc.off('uncaughtExceptionMonitor', monitor);
}
