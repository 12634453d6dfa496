// Voice-activity detection and endpointing on 16 kHz mono audio. Deliberately simple and well tested:
//  - 10 ms frames; the feature is the frame's energy in dB in the speech band (300 Hz–6 kHz: a 4th-order
//    Butterworth high-pass and a 2nd-order low-pass), which takes most of the rumble of road and engine (brown
//    and pink noise) and the hiss above the voice out before anything is measured;
//  - an adaptive noise floor: the lowest smoothed energy seen over the last ~1.5 s (minimum statistics), so it
//    follows the cabin getting louder or quieter and is not pulled up by speech, whose pauses dip back to it;
//  - a frame is voiced when it is `onsetDb` above the floor (and above an absolute minimum); a segment starts
//    after `minSpeechMs` of voiced frames (short clicks and bumps are not speech), at its first voiced frame;
//  - it stays open while frames are `keepDb` above the floor (hysteresis) and ends after `silenceMs` without
//    any (the endpoint), `hangoverMs` after its last voiced frame (the weak end of a word under noise); `maxSpeechMs` cuts an utterance that never ends;
//  - the audio handed over starts `preRollMs` before the detected start, so a soft first consonant is kept.
// Pure: no DOM, no clock — time is counted in samples, so tests feed files and get exact, repeatable results.

export interface VadOptions {
  sampleRate?: number;
  frameMs?: number;
  /** dB above the noise floor for a frame to open (or count toward opening) a segment. */
  onsetDb?: number;
  /** dB above the noise floor for a frame to keep an open segment going. */
  keepDb?: number;
  /** Frames quieter than this (dBFS, in the speech band) are never speech. */
  minDbfs?: number;
  /** Voiced frames needed, in a row but for single-frame dips, before a segment starts. */
  minSpeechMs?: number;
  /** Silence that ends an utterance. */
  silenceMs?: number;
  /** The longest utterance: it is cut here. */
  maxSpeechMs?: number;
  /** Audio kept before the detected start. */
  preRollMs?: number;
  /** Hangover: how far past its last voiced frame a segment is taken to end (weak final consonants). */
  hangoverMs?: number;
  /** Audio kept after the detected end (up to what has been heard). */
  tailMs?: number;
  /** The window over which the noise floor is the minimum. */
  floorWindowMs?: number;
}

export const DEFAULT_VAD_OPTIONS: Required<VadOptions> = {
  sampleRate: 16_000,
  frameMs: 10,
  onsetDb: 9,
  keepDb: 5,
  minDbfs: -62,
  minSpeechMs: 60,
  silenceMs: 700,
  maxSpeechMs: 10_000,
  preRollMs: 300,
  hangoverMs: 60,
  tailMs: 200,
  floorWindowMs: 1500,
};

export interface SpeechSegment {
  /** Where speech starts and ends, in ms from the first sample the detector got. */
  startMs: number;
  endMs: number;
  /** Why it ended: silence after it, the length limit, or the stream ending (flush). */
  reason: 'silence' | 'max-length' | 'flush';
  /** The audio, 16 kHz mono, from `preRollMs` before the start to `tailMs` after the end. */
  audio: Float32Array;
  /** Where `audio` starts, in ms from the first sample. */
  audioStartMs: number;
}

export type VadEvent = { type: 'speech-start'; startMs: number } | ({ type: 'speech-end' } & SpeechSegment);

/** A biquad section (RBJ cookbook), direct form I. */
class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  private readonly b0: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly a1: number;
  private readonly a2: number;
  constructor(kind: 'highpass' | 'lowpass', freq: number, rate: number, q = Math.SQRT1_2) {
    const w = (2 * Math.PI * freq) / rate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    const b1 = kind === 'highpass' ? -(1 + cos) : 1 - cos;
    const b0 = kind === 'highpass' ? (1 + cos) / 2 : (1 - cos) / 2;
    this.b0 = b0 / a0;
    this.b1 = b1 / a0;
    this.b2 = b0 / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
  }
  next(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** Sliding minimum over the last `size` values (a monotonic deque). */
class SlidingMin {
  private readonly values: number[] = [];
  private readonly indices: number[] = [];
  private index = 0;
  constructor(private readonly size: number) {}
  push(value: number): number {
    while (this.values.length > 0 && this.values[this.values.length - 1]! >= value) {
      this.values.pop();
      this.indices.pop();
    }
    this.values.push(value);
    this.indices.push(this.index);
    while (this.indices[0]! <= this.index - this.size) {
      this.values.shift();
      this.indices.shift();
    }
    this.index++;
    return this.values[0]!;
  }
}

export class VoiceActivityDetector {
  readonly options: Required<VadOptions>;
  private readonly frameSize: number;
  private readonly frame: Float32Array;
  private filled = 0;
  /** The speech-band filter: two high-pass sections (4th-order Butterworth at 300 Hz) and a low-pass at 6 kHz. */
  private readonly band: Biquad[];
  /** Frames seen so far. */
  private frames = 0;
  private smoothed: number | null = null;
  private readonly floorMin: SlidingMin;
  private floor: number | null = null;
  /** The recent audio (pre-roll and the open segment), and the sample index its first sample has. */
  private audio: Float32Array;
  private audioLength = 0;
  private audioStart = 0;
  /** Before a segment: the run of voiced frames that may become one (its first frame, its voiced count). */
  private runStart = -1;
  private runVoiced = 0;
  private runGap = 0;
  /** In a segment: its first and last voiced frame. */
  private speaking = false;
  private segmentStart = 0;
  private lastVoiced = 0;
  /** The latest frame's energy and floor, for a level meter or debugging. */
  lastDb = -120;

  constructor(options: VadOptions = {}) {
    this.options = { ...DEFAULT_VAD_OPTIONS, ...options };
    const { sampleRate, frameMs, floorWindowMs, maxSpeechMs, preRollMs, tailMs } = this.options;
    this.frameSize = Math.round((sampleRate * frameMs) / 1000);
    this.frame = new Float32Array(this.frameSize);
    this.band = [
      new Biquad('highpass', 300, sampleRate, 0.5412),
      new Biquad('highpass', 300, sampleRate, 1.3066),
      new Biquad('lowpass', Math.min(6000, sampleRate * 0.45), sampleRate),
    ];
    this.floorMin = new SlidingMin(Math.max(1, Math.round(floorWindowMs / frameMs)));
    this.audio = new Float32Array(Math.ceil(((maxSpeechMs + preRollMs + tailMs + this.options.silenceMs + 1000) * sampleRate) / 1000));
  }

  /** The current noise floor in dBFS (null before the first frame). */
  get noiseFloorDb(): number | null {
    return this.floor;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds samples; returns what happened in them. */
  push(samples: ArrayLike<number>): VadEvent[] {
    const events: VadEvent[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      this.frame[this.filled++] = s;
      if (this.filled === this.frameSize) {
        this.filled = 0;
        this.keep(this.frame);
        this.step(events);
      }
    }
    return events;
  }

  /** Ends the stream (or push-to-talk was released): an open segment ends here. */
  flush(): VadEvent[] {
    const events: VadEvent[] = [];
    if (this.speaking) events.push(this.end('flush', this.frames - 1));
    this.runStart = -1;
    this.runVoiced = 0;
    return events;
  }

  private ms(frames: number): number {
    return frames * this.options.frameMs;
  }

  private keep(frame: Float32Array): void {
    if (this.audioLength + frame.length > this.audio.length) {
      // Full (only possible outside a segment, or at the length limit): drop the oldest half.
      const drop = Math.floor(this.audio.length / 2);
      this.audio.copyWithin(0, drop, this.audioLength);
      this.audioLength -= drop;
      this.audioStart += drop;
    }
    this.audio.set(frame, this.audioLength);
    this.audioLength += frame.length;
  }

  private step(events: VadEvent[]): void {
    const o = this.options;
    let energy = 0;
    for (let i = 0; i < this.frameSize; i++) {
      let y = this.frame[i]!;
      for (const section of this.band) y = section.next(y);
      energy += y * y;
    }
    const db = 10 * Math.log10(energy / this.frameSize + 1e-12);
    this.lastDb = db;
    // The floor follows a lightly smoothed energy, so one quiet frame inside noise does not drag it down.
    this.smoothed = this.smoothed === null ? db : 0.7 * this.smoothed + 0.3 * db;
    this.floor = this.floorMin.push(this.smoothed);
    const index = this.frames++;
    const over = db - this.floor;
    const loudEnough = db > o.minDbfs;

    if (this.speaking) {
      if (loudEnough && over >= o.keepDb) this.lastVoiced = index;
      if (this.ms(index - this.lastVoiced) >= o.silenceMs) events.push(this.end('silence', this.lastVoiced));
      else if (this.ms(index + 1 - this.segmentStart) >= o.maxSpeechMs) events.push(this.end('max-length', index));
      this.trimIdle();
      return;
    }

    const voiced = loudEnough && over >= o.onsetDb;
    if (voiced) {
      if (this.runStart < 0) this.runStart = index;
      this.runVoiced++;
      this.runGap = 0;
    } else if (this.runStart >= 0 && ++this.runGap > 1) {
      this.runStart = -1;
      this.runVoiced = 0;
      this.runGap = 0;
    }
    if (this.runStart >= 0 && this.ms(this.runVoiced) >= o.minSpeechMs) {
      this.speaking = true;
      this.segmentStart = this.runStart;
      this.lastVoiced = index;
      this.runStart = -1;
      this.runVoiced = 0;
      this.runGap = 0;
      events.push({ type: 'speech-start', startMs: this.ms(this.segmentStart) });
    }
    this.trimIdle();
  }

  /** Outside a segment only the pre-roll (and a forming run) needs keeping. */
  private trimIdle(): void {
    if (this.speaking) return;
    const o = this.options;
    const firstNeeded = this.runStart >= 0 ? this.runStart : this.frames;
    const keepFrom = Math.max(0, Math.round(((this.ms(firstNeeded) - o.preRollMs) * o.sampleRate) / 1000));
    const drop = keepFrom - this.audioStart;
    // Shift in larger steps: copying 10 ms at a time would be wasteful.
    if (drop > this.audio.length / 4) {
      this.audio.copyWithin(0, drop, this.audioLength);
      this.audioLength -= drop;
      this.audioStart = keepFrom;
    }
  }

  private end(reason: SpeechSegment['reason'], lastVoiced: number): VadEvent {
    const o = this.options;
    const startMs = this.ms(this.segmentStart);
    const endMs = Math.min(this.ms(this.frames), this.ms(lastVoiced + 1) + o.hangoverMs);
    const toSample = (ms: number) => Math.round((ms * o.sampleRate) / 1000);
    const from = Math.max(this.audioStart, toSample(startMs - o.preRollMs));
    const to = Math.min(this.audioStart + this.audioLength, toSample(endMs + o.tailMs));
    const audio = this.audio.slice(from - this.audioStart, Math.max(from, to) - this.audioStart);
    this.speaking = false;
    return { type: 'speech-end', startMs, endMs, reason, audio, audioStartMs: (from * 1000) / o.sampleRate };
  }
}

/** Runs the detector over a whole signal: the segments it finds (an open one is ended at the signal's end). */
export function detectSegments(samples: ArrayLike<number>, options?: VadOptions): SpeechSegment[] {
  const vad = new VoiceActivityDetector(options);
  const events = [...vad.push(samples), ...vad.flush()];
  return events.filter((event): event is Extract<VadEvent, { type: 'speech-end' }> => event.type === 'speech-end').map(({ type: _type, ...segment }) => segment);
}
