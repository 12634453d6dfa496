// Streaming sample-rate conversion to the recognizer's 16 kHz: a polyphase windowed-sinc (Kaiser) FIR.
// The rate ratio is reduced to L/M (48 kHz → 16 kHz is 1/3, 44.1 kHz → 16 kHz is 160/441); each of the L phases
// has its own precomputed taps, and the low-pass sits below the output's Nyquist frequency, so what lies above
// 8 kHz (fans, road roar harmonics, the 12 kHz whine of a charger) is removed before it can fold back into speech.
// State is kept between calls, so feeding 128-sample AudioWorklet blocks gives exactly the samples one call on
// the whole signal would. Pure: no DOM, runs in the worklet, on the page and in Node tests alike.

export interface ResamplerOptions {
  /** Where the passband ends, as a fraction of the output's Nyquist frequency (the -6 dB point). Default 0.9. */
  cutoff?: number;
  /** Zero crossings of the sinc kept on each side (at the cutoff's scale). Default 24. */
  zeroCrossings?: number;
  /** Kaiser window β: higher means a deeper stopband and a wider transition. Default 8 (about 80 dB). */
  beta?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The zeroth-order modified Bessel function of the first kind (its series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Up and down factors: output n sits at input position n·down/up. */
  private readonly up: number;
  private readonly down: number;
  /** Half the filter's length, in input samples. */
  private readonly half: number;
  /** taps[phase * 2·half + j]: the weight of input sample (base − half + 1 + j) for an output at base + phase/up. */
  private readonly taps: Float32Array;
  /** Input not yet fully used, with `half − 1` samples of history (zeros at first) before the next output's base. */
  private pending: Float32Array;
  /** The next output's base index into `pending`, and its phase. */
  private base: number;
  private phase = 0;

  constructor(inputRate: number, outputRate = 16_000, options: ResamplerOptions = {}) {
    if (!(inputRate > 0 && outputRate > 0) || !Number.isInteger(inputRate) || !Number.isInteger(outputRate)) {
      throw new RangeError(`Resampler: rates must be positive integers (got ${inputRate} → ${outputRate})`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = gcd(inputRate, outputRate);
    this.up = outputRate / divisor;
    this.down = inputRate / divisor;
    const cutoff = options.cutoff ?? 0.9;
    const zeroCrossings = options.zeroCrossings ?? 24;
    const beta = options.beta ?? 8;
    // The -6 dB point as a fraction of the input rate (never above the input's own Nyquist frequency).
    const fc = (Math.min(inputRate, outputRate) / 2 / inputRate) * cutoff;
    this.half = inputRate === outputRate ? 1 : Math.ceil(zeroCrossings / (2 * fc));
    const width = 2 * this.half;
    this.taps = new Float32Array(this.up * width);
    const i0Beta = besselI0(beta);
    for (let p = 0; p < this.up; p++) {
      let sum = 0;
      const row = new Float64Array(width);
      for (let j = 0; j < width; j++) {
        // Distance, in input samples, from the output's position to this input sample.
        const d = this.half - 1 - j + p / this.up;
        if (inputRate === outputRate) {
          row[j] = Math.abs(d) < 1e-9 ? 1 : 0;
          continue;
        }
        const x = 2 * fc * d;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const r = d / this.half;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        row[j] = 2 * fc * sinc * window;
        sum += row[j]!;
      }
      // Unity gain at DC for every phase (no ripple from phase to phase).
      for (let j = 0; j < width; j++) this.taps[p * width + j] = inputRate === outputRate ? row[j]! : row[j]! / sum;
    }
    this.pending = new Float32Array(this.half - 1);
    this.base = this.half - 1;
  }

  /** How many input samples the filter looks ahead: an output appears once that much later input has come. */
  get lookahead(): number {
    return this.half;
  }

  /** Feeds input; returns the output samples that are now complete (possibly none). */
  process(input: ArrayLike<number>): Float32Array {
    const pending = new Float32Array(this.pending.length + input.length);
    pending.set(this.pending);
    for (let i = 0; i < input.length; i++) pending[this.pending.length + i] = input[i]!;
    return this.run(pending);
  }

  /** Ends the stream: the input still held is filtered against zeros after it. The resampler starts afresh. */
  flush(): Float32Array {
    const totalIn = this.consumed + this.pending.length - (this.half - 1);
    const wanted = Math.ceil((totalIn * this.up) / this.down) - this.produced;
    const padded = new Float32Array(this.pending.length + this.half + 1);
    padded.set(this.pending);
    const out = this.run(padded).subarray(0, Math.max(0, wanted));
    this.reset();
    return out;
  }

  /** Forgets all state, as if new. */
  reset(): void {
    this.pending = new Float32Array(this.half - 1);
    this.base = this.half - 1;
    this.phase = 0;
    this.consumed = 0;
    this.produced = 0;
  }

  /** Input samples dropped from the front of `pending` so far, and outputs given. */
  private consumed = 0;
  private produced = 0;

  private run(pending: Float32Array): Float32Array {
    const width = 2 * this.half;
    const count = Math.max(0, Math.ceil(((pending.length - this.half - this.base) * this.up - this.phase) / this.down));
    const out = new Float32Array(count);
    let base = this.base;
    let phase = this.phase;
    const taps = this.taps;
    for (let n = 0; n < count; n++) {
      const start = base - this.half + 1;
      const row = phase * width;
      let acc = 0;
      for (let j = 0; j < width; j++) acc += pending[start + j]! * taps[row + j]!;
      out[n] = acc;
      phase += this.down;
      base += Math.floor(phase / this.up);
      phase %= this.up;
    }
    // Keep what the next output still needs: from its first tap on.
    const keepFrom = Math.min(pending.length, base - this.half + 1);
    this.pending = pending.slice(keepFrom);
    this.base = base - keepFrom;
    this.phase = phase;
    this.consumed += keepFrom;
    this.produced += count;
    return out;
  }
}

/** One call on a whole signal. */
export function resample(input: ArrayLike<number>, inputRate: number, outputRate = 16_000, options?: ResamplerOptions): Float32Array {
  const resampler = new Resampler(inputRate, outputRate, options);
  const head = resampler.process(input);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Float samples in [-1, 1] as 16-bit PCM (clipped). */
export function toInt16(samples: ArrayLike<number>): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = Math.round(s < 0 ? s * 0x8000 : s * 0x7fff);
  }
  return out;
}
