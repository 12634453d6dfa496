// `kemudi models`: the models in models/manifest.json (language models and Vosk speech recognition models)
// and the ones installed in the data dir.
//   list          one JSON line per manifest entry: {"id","name","parameters","quantization","license","bytes",
//                 "installed","default","active","path"?}; with no language model installed, stderr says how to
//                 get one. Voice models: {"id","kind":"voice","name","lang","license","bytes","installed","path"?}
//                 (bytes: the published .zip; path: the converted <models>/voice/<id>.tar.gz)
//   pull ID       download, resumable and verified, with progress on stderr; one JSON line
//                 {"id","path","bytes","sha256","resumedFrom","checkedAgainst","downloaded":true}
//                 ({"id","path","bytes","downloaded":false} when it is already installed)
//   verify [ID]   re-hash installed files (or the one named): one JSON line each {"id","path","ok",...}
//   remove ID     delete the file and any partial download: {"id","path","removed"}
// Failures print {"id","error":{"code","message"}} and exit 1; a wrong call exits 2.
// KEMUDI_MODELS_MANIFEST points at another manifest (tests, a mirror).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import { pullModel, type DownloadProgress } from '../llm/download.js';
import {
  checkGgufHeader,
  chooseDefault,
  downloadPath,
  expectedFor,
  findEntry,
  findModel,
  installedModels,
  isInstalled,
  isVoice,
  loadManifest,
  manifestPath,
  modelPath,
  modelsDir,
  readVerified,
  type Manifest,
  type ModelEntry,
} from '../llm/models.js';
import { checkVoskArchive } from '../llm/voice-archive.js';
import { openProcessLog } from '../core/log.js';
import { InputError, UsageError } from './usage.js';

const write = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

export async function runModels(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined) throw new UsageError('models needs an action: list, pull, verify or remove');
  if (!['list', 'pull', 'verify', 'remove'].includes(action)) throw new UsageError(`unknown models action "${action}"`);
  const loaded = loadManifest(manifestPath());
  if (!loaded.ok) {
    process.stderr.write(`kemudi: ${loaded.error.message}\n`);
    return 1;
  }
  const manifest = loaded.value;
  switch (action) {
    case 'list':
      if (rest.length > 0) throw new UsageError('models list takes no arguments');
      return list(manifest);
    case 'pull':
      return pull(entryFrom(manifest, rest, 'pull'));
    case 'verify':
      if (rest.length > 1) throw new UsageError('models verify takes at most one model id');
      return verify(manifest, rest.length === 0 ? null : entryFrom(manifest, rest, 'verify'));
    default:
      return remove(entryFrom(manifest, rest, 'remove'));
  }
}

function entryFrom(manifest: Manifest, rest: string[], action: string): ModelEntry {
  const [id, ...extra] = rest;
  if (id === undefined || extra.length > 0) throw new UsageError(`models ${action} takes one model id (see \`kemudi models list\`)`);
  const entry = findEntry(manifest, id);
  if (!entry) throw new InputError(`unknown model "${id}"; the known ones are ${manifest.models.map((m) => m.id).join(', ')} (see \`kemudi models list\`)`);
  return entry;
}

function pullHint(manifest: Manifest): string {
  const suggestion = chooseDefault(totalmem(), manifest);
  return suggestion ? `get the default for this machine with \`kemudi models pull ${suggestion.id}\`` : 'see `kemudi models list`';
}

function list(manifest: Manifest): number {
  const suggested = chooseDefault(totalmem(), manifest);
  const active = findModel();
  const records = readVerified(modelsDir());
  for (const entry of manifest.models) {
    const installed = isInstalled(entry);
    const bytes = entry.bytes ?? (records.ok ? (records.value[entry.id]?.bytes ?? null) : null);
    if (isVoice(entry)) {
      write({ id: entry.id, kind: 'voice', name: entry.name, lang: entry.lang, license: entry.license, bytes, installed, ...(installed ? { path: modelPath(entry) } : {}) });
      continue;
    }
    write({
      id: entry.id,
      name: entry.name,
      parameters: entry.parameters,
      quantization: entry.quantization,
      license: entry.license,
      bytes,
      installed,
      default: entry.id === suggested?.id,
      active: active?.id === entry.id,
      ...(installed ? { path: modelPath(entry) } : {}),
    });
  }
  if (installedModels(manifest, undefined, 'llm').length === 0 && !process.env.KEMUDI_MODEL) {
    process.stderr.write(`kemudi: no language model is installed (templates still work); ${pullHint(manifest)}\n`);
  }
  return 0;
}

async function pull(entry: ModelEntry): Promise<number> {
  const path = modelPath(entry);
  if (existsSync(path)) {
    write({ id: entry.id, path, bytes: statSync(path).size, downloaded: false });
    process.stderr.write(`kemudi: ${entry.id} is already installed; \`kemudi models verify ${entry.id}\` re-checks it\n`);
    return 0;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = new ProgressBar(entry.id, process.stderr);
  const processLog = openProcessLog();
  const log = processLog.child('models');
  const started = performance.now();
  try {
    const result = await pullModel(entry, { signal: controller.signal, onProgress: (p) => bar.update(p) });
    bar.end();
    const ms = Math.round(performance.now() - started);
    if (!result.ok) {
      const failed = { id: entry.id, code: result.error.code, message: result.error.message, ms };
      if (result.error.code === 'cancelled') log.warn('model.download_cancelled', failed);
      else log.error('model.download_failed', failed);
      write({ id: entry.id, error: { code: result.error.code, message: result.error.message } });
      return 1;
    }
    const { value } = result;
    log.info('model.download', { id: entry.id, bytes: value.bytes, resumedFrom: value.resumedFrom, checkedAgainst: value.checkedAgainst, ms });
    write({ id: entry.id, path: value.path, bytes: value.bytes, sha256: value.sha256, resumedFrom: value.resumedFrom, checkedAgainst: value.checkedAgainst, downloaded: true });
    return 0;
  } catch (error) {
    log.error('model.download_failed', { id: entry.id, err: error });
    throw error;
  } finally {
    processLog.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function verify(manifest: Manifest, only: ModelEntry | null): Promise<number> {
  const targets = only ? [only] : installedModels(manifest);
  if (targets.length === 0) {
    process.stderr.write(`kemudi: no model is installed, nothing to verify; ${pullHint(manifest)}\n`);
    return 0;
  }
  const records = readVerified(modelsDir());
  if (!records.ok) {
    process.stderr.write(`kemudi: ${records.error.message}\n`);
    return 1;
  }
  let failures = 0;
  for (const entry of targets) {
    const path = modelPath(entry);
    const failure = (code: string, message: string): void => {
      failures++;
      write({ id: entry.id, path, ok: false, error: { code, message } });
    };
    if (!existsSync(path)) {
      failure('not_installed', `${entry.id} is not installed; \`kemudi models pull ${entry.id}\` downloads it`);
      continue;
    }
    if (isVoice(entry)) {
      // The zip was checked on download and is gone: what can be checked now is the archive's content.
      const archive = await checkVoskArchive(path);
      if (archive.ok) write({ id: entry.id, path, ok: true, bytes: statSync(path).size, files: archive.value.files, checkedAgainst: 'structure' });
      else failure(archive.error.code, `${archive.error.message}; \`kemudi models remove ${entry.id}\` then \`kemudi models pull ${entry.id}\` replaces it`);
      continue;
    }
    const header = checkGgufHeader(path);
    if (!header.ok) {
      failure(header.error.code, `${header.error.message}; \`kemudi models remove ${entry.id}\` then \`kemudi models pull ${entry.id}\` replaces it`);
      continue;
    }
    const { bytes, sha256 } = await hashFile(path);
    const expected = expectedFor(entry, records.value);
    if (expected.bytes !== null && bytes !== expected.bytes) {
      failure('size_mismatch', `${path} is ${bytes} bytes, but ${expected.bytes} were expected; \`kemudi models remove ${entry.id}\` then \`kemudi models pull ${entry.id}\` replaces it`);
      continue;
    }
    if (expected.sha256 !== null && sha256 !== expected.sha256) {
      failure('checksum_mismatch', `${path} has sha256 ${sha256}, but ${expected.sha256} was expected; \`kemudi models remove ${entry.id}\` then \`kemudi models pull ${entry.id}\` replaces it`);
      continue;
    }
    const checkedAgainst = expected.source === 'none' ? 'header-only' : expected.source;
    write({ id: entry.id, path, ok: true, bytes, sha256, checkedAgainst });
  }
  return failures === 0 ? 0 : 1;
}

async function remove(entry: ModelEntry): Promise<number> {
  const path = modelPath(entry);
  // A voice model's download (the .zip) lies apart from what is installed (the converted archive).
  const download = downloadPath(entry);
  const removed = [path, `${path}.part`, download, `${download}.part`].some((file) => existsSync(file));
  try {
    for (const file of new Set([path, `${path}.part`, download, `${download}.part`])) await rm(file, { force: true });
  } catch (error) {
    write({ id: entry.id, path, error: { code: 'io_error', message: `cannot remove ${path}: ${(error as Error).message}` } });
    return 1;
  }
  write({ id: entry.id, path, removed });
  return 0;
}

async function hashFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** On a terminal: one line redrawn with `\r` (bar, percent, MB, MB/s). Otherwise: a line every few seconds. */
class ProgressBar {
  private readonly tty: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private last: DownloadProgress | null = null;

  constructor(
    private readonly id: string,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(progress: DownloadProgress): void {
    this.last = progress;
    const now = Date.now();
    const interval = this.tty ? 100 : 5000;
    if (this.drawn && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.draw(progress);
  }

  end(): void {
    if (this.last) this.draw(this.last);
    if (this.tty && this.drawn) this.stream.write('\n');
  }

  private draw(p: DownloadProgress): void {
    this.drawn = true;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = (p.bytes - p.resumedFrom) / 1_000_000 / seconds;
    const mb = (n: number): string => (n / 1_000_000).toFixed(1);
    const size = p.total ? `${mb(p.bytes)}/${mb(p.total)} MB` : `${mb(p.bytes)} MB`;
    const resumed = p.resumedFrom > 0 ? `  (resumed at ${mb(p.resumedFrom)} MB)` : '';
    if (p.total) {
      const fraction = Math.min(p.bytes / p.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      const percent = `${(fraction * 100).toFixed(1).padStart(5)}%`;
      const line = `${this.id}  [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${size}  ${rate.toFixed(1)} MB/s${resumed}`;
      this.stream.write(this.tty ? `\r${line}\u001b[K` : `kemudi: ${line}\n`);
    } else {
      const line = `${this.id}  ${size}  ${rate.toFixed(1)} MB/s${resumed}`;
      this.stream.write(this.tty ? `\r${line}\u001b[K` : `kemudi: ${line}\n`);
    }
  }
}
