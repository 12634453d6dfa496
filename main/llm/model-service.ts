// The models as the Settings screen sees them: every manifest entry (language and voice models) with its
// size, whether it is installed, and its download in progress or its last outcome; and the screen's
// download and cancel buttons (`models.pull`, `models.cancel`). Downloads are pullModel's (download.ts):
// resumable, size and sha256 checked, a voice model's .zip converted for vosk-browser. At most one download
// runs per model; a cancel keeps the part, so the next pull resumes it.
//
// Reported as the `models` event: at once on every change of state, download progress at most every
// `progressMs` per model (a trailing report makes sure the last figure is shown).
import { totalmem } from 'node:os';
// The contract's MODEL_DOWNLOAD_ERROR_CODES must hold every DownloadErrorCode: `outcome` below does not typecheck otherwise.
import type { ModelDownload, ModelInfo, ModelsEvent } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import { pullModel, type DownloadProgress } from './download.js';
import { chooseDefault, findEntry, isInstalled, isVoice, kindOf, loadManifest, manifestPath, modelsDir, readVerified, type Manifest, type ModelEntry, type ModelKind } from './models.js';

/** What the Assistant needs: the list, the two buttons, and changes. */
export interface ModelControls {
  snapshot(): ModelsEvent;
  /** Starts downloading a manifest model; ok at once (progress and outcome come as events). A model already
   *  installed or downloading: ok, nothing changes. An id the manifest does not know: not_allowed. */
  pull(id: string): Result<void>;
  /** Stops a model's download (the part is kept for resuming); ok when none runs. Unknown id: not_allowed. */
  cancel(id: string): Result<void>;
  onChange(listener: (event: ModelsEvent) => void): () => void;
}

export interface InstalledModel {
  id: string;
  kind: ModelKind;
}

export interface ModelServiceOptions {
  /** Where the data directory and the manifest are (KEMUDI_DATA_DIR, KEMUDI_MODELS_MANIFEST). */
  env?: NodeJS.ProcessEnv;
  /** The shortest time between two progress reports of one model. Default 250 ms. */
  progressMs?: number;
  /** A connection silent for this long counts as lost (download.ts's default: 60 s). */
  idleTimeoutMs?: number;
  now?: () => number;
  /** Total memory, for the recommended language model. */
  totalMemBytes?: number;
}

const MAX_MODELS = 50;
const MAX_MESSAGE = 500;

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class ModelService implements ModelControls {
  private readonly env: NodeJS.ProcessEnv;
  private readonly progressMs: number;
  private readonly now: () => number;
  private readonly listeners = new Set<(event: ModelsEvent) => void>();
  private readonly installedListeners = new Set<(model: InstalledModel) => void>();
  private readonly downloads = new Map<string, ModelDownload>();
  private readonly running = new Map<string, Running>();
  private readonly lastReport = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  private last = '';
  private closed = false;

  constructor(private readonly options: ModelServiceOptions = {}) {
    this.env = options.env ?? process.env;
    this.progressMs = options.progressMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  snapshot(): ModelsEvent {
    const manifest = this.manifest();
    if (!manifest) return { type: 'models', models: [] };
    let recorded: ReturnType<typeof readVerified> = { ok: true, value: {} };
    try {
      recorded = readVerified(modelsDir(this.env));
    } catch {
      // no models folder (a read-only disk): sizes the manifest does not know stay unknown
    }
    const records = recorded.ok ? recorded.value : {};
    const recommended = chooseDefault(this.options.totalMemBytes ?? totalmem(), manifest)?.id;
    const models = manifest.models.slice(0, MAX_MODELS).map((entry): ModelInfo => {
      const record = records[entry.id];
      const bytes = entry.bytes ?? (record && record.file === entry.file ? record.bytes : null);
      return {
        id: entry.id,
        name: entry.name.slice(0, 200),
        kind: kindOf(entry),
        ...(isVoice(entry) ? { lang: entry.lang } : {}),
        bytes: bytes !== null && bytes > 0 ? bytes : null,
        installed: this.installed(entry),
        ...(isVoice(entry) ? {} : { recommended: entry.id === recommended }),
        download: this.downloads.get(entry.id) ?? null,
      };
    });
    return { type: 'models', models };
  }

  pull(id: string): Result<void> {
    if (this.closed) return err('unavailable', 'the model service is shutting down');
    const manifest = this.manifest();
    if (!manifest) return err('internal', 'the model manifest cannot be read');
    const entry = findEntry(manifest, id);
    if (!entry) return err('not_allowed', `there is no model "${id}" in the manifest`);
    if (this.running.has(id) || this.installed(entry)) return ok(undefined);
    const controller = new AbortController();
    const done = this.download(entry, controller.signal).finally(() => this.running.delete(id));
    this.running.set(id, { controller, done });
    return ok(undefined);
  }

  cancel(id: string): Result<void> {
    const manifest = this.manifest();
    if (!manifest) return err('internal', 'the model manifest cannot be read');
    if (!findEntry(manifest, id)) return err('not_allowed', `there is no model "${id}" in the manifest`);
    this.running.get(id)?.controller.abort();
    return ok(undefined);
  }

  onChange(listener: (event: ModelsEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told once a model is installed and checked: a voice model for the voice settings' list, a language model
   *  for the LLM to start. */
  onInstalled(listener: (model: InstalledModel) => void): () => void {
    this.installedListeners.add(listener);
    return () => this.installedListeners.delete(listener);
  }

  /** Looks at the files again (a `kemudi models pull` or `remove` while the app runs): reports when it changed. */
  refresh(): void {
    this.report(true);
  }

  /** Settles once every download running now has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops every download (their parts are kept) and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const running of this.running.values()) running.controller.abort();
    await this.idle();
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
    this.listeners.clear();
    this.installedListeners.clear();
  }

  private manifest(): Manifest | null {
    const loaded = loadManifest(manifestPath(this.env));
    return loaded.ok ? loaded.value : null;
  }

  private installed(entry: ModelEntry): boolean {
    try {
      return isInstalled(entry, this.env);
    } catch {
      return false;
    }
  }

  private async download(entry: ModelEntry, signal: AbortSignal): Promise<void> {
    const id = entry.id;
    this.set(id, { state: 'downloading', receivedBytes: 0, totalBytes: entry.bytes });
    let outcome: ModelDownload;
    try {
      const result = await pullModel(entry, {
        env: this.env,
        signal,
        ...(this.options.idleTimeoutMs ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
        onProgress: (progress) => this.progress(id, progress),
      });
      const current = this.downloads.get(id);
      const received = current?.receivedBytes ?? 0;
      const total = current?.totalBytes ?? null;
      if (result.ok) outcome = { state: 'done', receivedBytes: result.value.bytes, totalBytes: result.value.bytes };
      else if (result.error.code === 'cancelled') outcome = { state: 'cancelled', receivedBytes: received, totalBytes: total };
      else outcome = { state: 'failed', receivedBytes: received, totalBytes: total, error: { code: result.error.code, message: result.error.message.slice(0, MAX_MESSAGE) } };
    } catch (error) {
      const current = this.downloads.get(id);
      const message = error instanceof Error ? error.message : String(error);
      outcome = { state: 'failed', receivedBytes: current?.receivedBytes ?? 0, totalBytes: current?.totalBytes ?? null, error: { code: 'internal', message: message.slice(0, MAX_MESSAGE) } };
    }
    this.set(id, outcome);
    if (outcome.state === 'done') {
      for (const listener of [...this.installedListeners]) {
        try {
          listener({ id, kind: kindOf(entry) });
        } catch {
          // a broken listener must not undo the install
        }
      }
    }
  }

  private progress(id: string, progress: DownloadProgress): void {
    const current = this.downloads.get(id);
    if (!current || (current.state !== 'downloading' && current.state !== 'verifying')) return;
    const total = progress.total ?? current.totalBytes;
    const state = total !== null && progress.bytes >= total ? 'verifying' : 'downloading';
    const next: ModelDownload = { state, receivedBytes: progress.bytes, totalBytes: total };
    if (state !== current.state) {
      this.set(id, next);
      return;
    }
    this.downloads.set(id, next);
    const wait = (this.lastReport.get(id) ?? -Infinity) + this.progressMs - this.now();
    if (wait <= 0) {
      this.emitFor(id);
      return;
    }
    if (this.trailing.has(id)) return;
    const timer = setTimeout(() => {
      this.trailing.delete(id);
      this.emitFor(id);
    }, wait);
    timer.unref();
    this.trailing.set(id, timer);
  }

  /** A change of state: reported at once. */
  private set(id: string, download: ModelDownload): void {
    this.downloads.set(id, download);
    this.emitFor(id);
  }

  private emitFor(id: string): void {
    const timer = this.trailing.get(id);
    if (timer) clearTimeout(timer);
    this.trailing.delete(id);
    this.lastReport.set(id, this.now());
    this.report(false);
  }

  private report(onlyIfChanged: boolean): void {
    const event = this.snapshot();
    const text = JSON.stringify(event);
    if (onlyIfChanged && text === this.last) return;
    this.last = text;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }
}
