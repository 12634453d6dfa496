// A resumable, verified download of one large file (a GGUF model), with Node's built-in fetch.
//
// The bytes go to `dest + '.part'`. A later call finds the part and asks only for the rest
// (`Range: bytes=<part size>-`): a 206 appends, a 200 (a server without ranges) starts again from zero,
// a 416 means the part already holds everything. The sha256 runs over the part already on disk and
// then over every new byte. Only a file of the expected size and checksum is fsynced and renamed to
// `dest`, so `dest` is never a truncated or unverified file. Redirects are followed (Hugging Face
// sends downloads to its CDN).
//
// Errors are data with a stable code (never thrown):
//   no_network         could not connect, DNS failed, the connection dropped or stalled: the part is kept
//   disk_full          not enough free space (checked before the first byte when the size is known), ENOSPC
//   checksum_mismatch  the bytes are not the expected ones: the part is deleted so the next try starts clean
//   size_mismatch      the server has (or sent) a different number of bytes than expected: the part is deleted
//   http_error         the server answered with an error status (`status` says which)
//   cancelled          the caller's AbortSignal fired: the part is kept for resuming
//   bad_model          (pullModel) the verified file is not a GGUF model: it is deleted, nothing is recorded
//   io_error           the file system failed otherwise (permissions, a read-only disk)
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkGgufHeader, expectedFor, isVoice, modelsDir, readVerified, recordVerified, verifiedFile, voiceArchivePath, type ModelEntry } from './models.js';
import { zipToVoskArchive } from './voice-archive.js';

export const DOWNLOAD_ERROR_CODES = ['no_network', 'disk_full', 'checksum_mismatch', 'size_mismatch', 'http_error', 'cancelled', 'bad_model', 'io_error'] as const;
export type DownloadErrorCode = (typeof DOWNLOAD_ERROR_CODES)[number];

export interface DownloadError {
  code: DownloadErrorCode;
  message: string;
  /** The HTTP status, for http_error. */
  status?: number;
}

export type DownloadResult<T> = { ok: true; value: T } | { ok: false; error: DownloadError };

export interface DownloadProgress {
  /** Bytes of the file on disk so far (the resumed part included). */
  bytes: number;
  /** The whole file's size, when the server or the caller knows it. */
  total: number | null;
  /** Bytes that were already in the part when this call started. */
  resumedFrom: number;
}

export interface DownloadOptions {
  url: string;
  dest: string;
  /** The file's size when known: checked against free space up front and against the result. */
  expectedBytes?: number | null;
  /** Lowercase hex sha256 when known; without it the result's sha256 is for the caller to record. */
  sha256?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** A connection that sends nothing for this long counts as lost (no_network). Default 60 s. */
  idleTimeoutMs?: number;
}

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
  /** Bytes reused from an earlier, interrupted download. */
  resumedFrom: number;
}

/** Room left beyond the file itself: a full disk breaks the database and the logs, not just this file. */
const FREE_SPACE_MARGIN = 64 * 1024 * 1024;

const fail = (code: DownloadErrorCode, message: string, status?: number): DownloadResult<never> => ({
  ok: false,
  error: status === undefined ? { code, message } : { code, message, status },
});

/** Stops the request when the caller cancels or the connection stalls, remembering which it was. */
class Stopper {
  readonly controller = new AbortController();
  reason: 'cancelled' | 'stalled' | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => this.stop('cancelled');

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly idleMs: number,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.stop('cancelled');
  }

  cancelled(): boolean {
    return this.reason === 'cancelled';
  }

  /** (Re)starts the idle clock: call on every sign of life. */
  alive(): void {
    clearTimeout(this.timer);
    if (this.reason === null) this.timer = setTimeout(() => this.stop('stalled'), this.idleMs);
  }

  stop(reason: 'cancelled' | 'stalled'): void {
    if (this.reason !== null) return;
    this.reason = reason;
    clearTimeout(this.timer);
    this.controller.abort();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

export async function download(options: DownloadOptions): Promise<DownloadResult<Downloaded>> {
  const stopper = new Stopper(options.signal, options.idleTimeoutMs ?? 60_000);
  try {
    return await run(options, stopper);
  } finally {
    stopper.dispose();
  }
}

async function run(options: DownloadOptions, stopper: Stopper): Promise<DownloadResult<Downloaded>> {
  const { url, dest } = options;
  const expectedBytes = options.expectedBytes ?? null;
  const expectedSha = options.sha256?.toLowerCase() ?? null;
  const part = `${dest}.part`;
  const cancelled = (): DownloadResult<never> => fail('cancelled', `download of ${url} cancelled; run it again to resume from ${part}`);
  if (stopper.cancelled()) return cancelled();

  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (error) {
    return ioFailure(error, `cannot create ${dirname(dest)}`);
  }

  let partBytes = await sizeOf(part);
  if (expectedBytes !== null && partBytes > expectedBytes) {
    // More than the whole file: not a part of this file. Start clean.
    await rm(part, { force: true });
    partBytes = 0;
  }
  if (expectedBytes !== null) {
    const space = await checkSpace(dirname(dest), expectedBytes - partBytes);
    if (!space.ok) return space;
  }

  // Hash what an earlier call already wrote; the new bytes continue the same hash.
  let hash = createHash('sha256');
  if (partBytes > 0) {
    const hashed = await hashFile(part, hash, stopper.controller.signal);
    if (!hashed.ok) return stopper.cancelled() ? cancelled() : hashed;
  }
  let resumedFrom = partBytes;

  if (expectedBytes !== null && partBytes === expectedBytes) return finish(options, part, hash, partBytes, resumedFrom, expectedSha);

  let response: Response;
  try {
    response = await request(url, partBytes, stopper);
  } catch (error) {
    return stopper.cancelled() ? cancelled() : networkFailure(error, url, stopper);
  }

  let append = false;
  let total: number | null = null;
  if (response.status === 206 && partBytes > 0) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range && range.start === partBytes) {
      append = true;
      const length = contentLength(response);
      total = range.total ?? (length === null ? null : partBytes + length);
    } else {
      // A range we did not ask for: discard it and fetch the whole file.
      await response.body?.cancel().catch(() => undefined);
      try {
        response = await request(url, 0, stopper);
      } catch (error) {
        return stopper.cancelled() ? cancelled() : networkFailure(error, url, stopper);
      }
    }
  } else if (response.status === 416 && partBytes > 0) {
    await response.body?.cancel().catch(() => undefined);
    const range = parseContentRange(response.headers.get('content-range'));
    // "bytes */N": the server has N bytes. N equal to the part means the part is already complete.
    if (range?.total === partBytes && (expectedBytes === null || expectedBytes === partBytes)) return finish(options, part, hash, partBytes, resumedFrom, expectedSha);
    await rm(part, { force: true });
    hash = createHash('sha256');
    partBytes = 0;
    resumedFrom = 0;
    try {
      response = await request(url, 0, stopper);
    } catch (error) {
      return stopper.cancelled() ? cancelled() : networkFailure(error, url, stopper);
    }
  }

  if (!append) {
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return fail('http_error', `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, response.status);
    }
    total = contentLength(response);
    if (partBytes > 0) {
      // The server sends the whole file (no range support): start over.
      hash = createHash('sha256');
      partBytes = 0;
      resumedFrom = 0;
    }
  }

  if (expectedBytes !== null && total !== null && total !== expectedBytes) {
    await response.body?.cancel().catch(() => undefined);
    await rm(part, { force: true });
    return fail('size_mismatch', `${url} has ${total} bytes, but ${expectedBytes} were expected: not the file the manifest describes`);
  }
  if (expectedBytes === null && total !== null) {
    const space = await checkSpace(dirname(dest), total - partBytes);
    if (!space.ok) {
      await response.body?.cancel().catch(() => undefined);
      return space;
    }
  }

  let file: FileHandle;
  try {
    if (!append) await rm(part, { force: true });
    file = await open(part, append ? 'a' : 'w');
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    return ioFailure(error, `cannot write ${part}`);
  }

  let bytes = partBytes;
  const limit = expectedBytes ?? total;
  try {
    options.onProgress?.({ bytes, total: total ?? expectedBytes, resumedFrom });
    if (response.body) {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        stopper.alive();
        if (limit !== null && bytes + chunk.byteLength > limit) {
          await file.close();
          await rm(part, { force: true });
          return fail('size_mismatch', `${url} sent more than the ${limit} bytes expected: not the file the manifest describes`);
        }
        const written = await writeAll(file, chunk);
        if (!written.ok) return written;
        hash.update(chunk);
        bytes += chunk.byteLength;
        options.onProgress?.({ bytes, total: total ?? expectedBytes, resumedFrom });
      }
    }
    stopper.alive();
  } catch (error) {
    await file.close().catch(() => undefined);
    if (stopper.cancelled()) return cancelled();
    return networkFailure(error, url, stopper, bytes);
  }

  try {
    await file.sync();
    await file.close();
  } catch (error) {
    await file.close().catch(() => undefined);
    return ioFailure(error, `cannot write ${part}`);
  }
  if (stopper.cancelled()) return cancelled();
  if (total !== null && bytes < total) {
    return fail('no_network', `the connection to ${url} ended after ${bytes} of ${total} bytes; run it again to resume`);
  }
  return finish(options, part, hash, bytes, resumedFrom, expectedSha);
}

/** Size and checksum checks, then the atomic rename of a complete, synced part to `dest`. */
async function finish(options: DownloadOptions, part: string, hash: Hash, bytes: number, resumedFrom: number, expectedSha: string | null): Promise<DownloadResult<Downloaded>> {
  const { dest, url } = options;
  const expectedBytes = options.expectedBytes ?? null;
  if (expectedBytes !== null && bytes !== expectedBytes) {
    await rm(part, { force: true });
    return fail('size_mismatch', `${url} gave ${bytes} bytes, but ${expectedBytes} were expected`);
  }
  const sha256 = hash.digest('hex');
  if (expectedSha !== null && sha256 !== expectedSha) {
    await rm(part, { force: true });
    return fail('checksum_mismatch', `${url} gave a file with sha256 ${sha256}, but ${expectedSha} was expected; the partial file was deleted, so the next try starts clean`);
  }
  try {
    // The part was fsynced when written; sync again in case it came complete from an earlier run.
    const handle = await open(part, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(part, dest);
    await syncDir(dirname(dest));
  } catch (error) {
    return ioFailure(error, `cannot move ${part} to ${dest}`);
  }
  options.onProgress?.({ bytes, total: bytes, resumedFrom });
  return { ok: true, value: { path: dest, bytes, sha256, resumedFrom } };
}

async function request(url: string, from: number, stopper: Stopper): Promise<Response> {
  stopper.alive();
  const response = await fetch(url, {
    headers: from > 0 ? { range: `bytes=${from}-`, 'accept-encoding': 'identity' } : { 'accept-encoding': 'identity' },
    redirect: 'follow',
    signal: stopper.controller.signal,
  });
  stopper.alive();
  return response;
}

function contentLength(response: Response): number | null {
  const value = response.headers.get('content-length');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

// `bytes 100-199/1000` → {start: 100, total: 1000}; `bytes */1000` (a 416's) → {start: null, total: 1000}.
function parseContentRange(header: string | null): { start: number | null; total: number | null } | null {
  if (!header) return null;
  const match = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(header.trim());
  if (!match) return null;
  return { start: match[1] === undefined ? null : Number(match[1]), total: match[2] === '*' || match[2] === undefined ? null : Number(match[2]) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function checkSpace(dir: string, needed: number): Promise<DownloadResult<void>> {
  if (needed <= 0) return { ok: true, value: undefined };
  let free: number;
  try {
    const fs = await statfs(dir);
    free = Number(fs.bavail) * Number(fs.bsize);
  } catch {
    return { ok: true, value: undefined }; // statfs unsupported here: ENOSPC during writes still reports it
  }
  if (free < needed + FREE_SPACE_MARGIN) {
    return fail('disk_full', `not enough free space in ${dir}: the download needs ${mb(needed)} MB (+${mb(FREE_SPACE_MARGIN)} MB to spare), ${mb(free)} MB are free`);
  }
  return { ok: true, value: undefined };
}

async function hashFile(path: string, hash: Hash, signal: AbortSignal): Promise<DownloadResult<void>> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal })) hash.update(chunk as Buffer);
    return { ok: true, value: undefined };
  } catch (error) {
    return ioFailure(error, `cannot read ${path}`);
  }
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<DownloadResult<void>> {
  let offset = 0;
  try {
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
    return { ok: true, value: undefined };
  } catch (error) {
    await file.close().catch(() => undefined);
    return ioFailure(error, 'cannot write the download');
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not every platform can open a directory, which is fine.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

function ioFailure(error: unknown, what: string): DownloadResult<never> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return fail('disk_full', `${what}: the disk is full (${code}); the part written so far is kept for resuming`);
  return fail('io_error', `${what}: ${(error as Error).message}`);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** fetch failures (TypeError "fetch failed" with a cause) and dropped bodies: all no_network. */
function networkFailure(error: unknown, url: string, stopper: Stopper, bytes?: number): DownloadResult<never> {
  const after = bytes === undefined ? '' : ` after ${bytes} bytes`;
  if (stopper.reason === 'stalled') return fail('no_network', `the connection to ${url} stalled${after}; run it again to resume`);
  const cause = causeCode(error);
  const host = safeHost(url);
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return fail('no_network', `cannot resolve ${host} (${cause}): no network?`);
  if (cause === 'ECONNREFUSED') return fail('no_network', `${host} refused the connection (ECONNREFUSED)`);
  if (cause && (NETWORK_CODES.has(cause) || cause.startsWith('UND_ERR'))) return fail('no_network', `the connection to ${host} failed${after} (${cause}); run it again to resume`);
  const message = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
  return fail('no_network', `the download from ${host} failed${after}: ${message}; run it again to resume`);
}

function causeCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const mb = (bytes: number): string => (bytes / 1_000_000).toFixed(1);

export interface PullOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  idleTimeoutMs?: number;
}

export interface Pulled extends Downloaded {
  id: string;
  /** What the file was checked against: the manifest's size and sha256, the ones recorded on the
   *  first download, or (this being the first download of a file the manifest does not describe)
   *  only its GGUF header and announced size, after which its size and sha256 are recorded. */
  checkedAgainst: 'manifest' | 'recorded' | 'first-download';
}

/** Downloads a manifest entry into <data dir>/models/, verified; records a size and sha256 the
 *  manifest does not know in verified.json, and checks every later download against them. */
export async function pullModel(entry: ModelEntry, options: PullOptions = {}): Promise<DownloadResult<Pulled>> {
  const env = options.env ?? process.env;
  let dir: string;
  try {
    dir = modelsDir(env);
  } catch (error) {
    return ioFailure(error, 'cannot create the models folder');
  }
  const records = readVerified(dir);
  if (!records.ok) return fail('io_error', records.error.message);
  const expected = expectedFor(entry, records.value);
  const result = await download({
    url: entry.url,
    dest: join(dir, entry.file),
    expectedBytes: expected.bytes,
    sha256: expected.sha256,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  if (!result.ok) {
    if (result.error.code === 'checksum_mismatch' && expected.source === 'recorded') {
      result.error.message += ` (the sha256 recorded on the first download in ${verifiedFile(dir)}; if the publisher replaced the file, delete its record there)`;
    }
    return result;
  }
  let installed = result.value.path;
  if (isVoice(entry)) {
    // The zip is verified like any download, then converted for vosk-browser and dropped.
    installed = voiceArchivePath(entry, env);
    const converted = await zipToVoskArchive(result.value.path, installed, entry.id);
    await rm(result.value.path, { force: true });
    if (!converted.ok) return fail(converted.error.code === 'bad_model' ? 'bad_model' : 'io_error', `${converted.error.message}; nothing was installed`);
  } else {
    const header = checkGgufHeader(result.value.path);
    if (!header.ok) {
      await rm(result.value.path, { force: true });
      return fail('bad_model', `${entry.url} is not a GGUF model (${header.error.message}); nothing was installed`);
    }
  }
  if (expected.sha256 === null) {
    const recorded = recordVerified(dir, entry.id, { file: entry.file, url: entry.url, bytes: result.value.bytes, sha256: result.value.sha256, verifiedAt: new Date().toISOString() });
    if (!recorded.ok) return fail('io_error', recorded.error.message);
  }
  const checkedAgainst = expected.source === 'none' ? 'first-download' : expected.source;
  return { ok: true, value: { ...result.value, path: installed, id: entry.id, checkedAgainst } };
}
