// A multinomial logistic-regression text classifier over word and character n-grams, trained with SGD
// on sentences expanded from the templates. Small, deterministic, fast to load, and calibrated with
// temperature scaling on held-out samples so its confidence means what it says.
import type { Lang } from '../../common/contract.js';
import { rng } from './expand.js';

const NUMBER = /^-?\d+(\.\d+)?%?$/;

/** Features of a tokenized, normalized sentence: words and word pairs (numbers folded to <num>),
 *  and character n-grams inside words (en, id) or across characters (zh). */
export function features(tokens: readonly string[], lang: Lang): string[] {
  const words = tokens.map((t) => (NUMBER.test(t) ? '<num>' : t));
  const out: string[] = [];
  const padded = ['^', ...words, '$'];
  for (const w of words) out.push(`w:${w}`);
  for (let i = 0; i + 1 < padded.length; i++) out.push(`b:${padded[i]} ${padded[i + 1]}`);
  if (lang === 'zh') {
    for (let i = 0; i + 2 < padded.length; i++) out.push(`t:${padded[i]}${padded[i + 1]}${padded[i + 2]}`);
  } else {
    for (const w of words) {
      if (w === '<num>' || w.length < 3) continue;
      const s = `<${w}>`;
      for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= s.length; i++) out.push(`c:${s.slice(i, i + n)}`);
    }
  }
  return out;
}

export interface LabeledExample {
  features: string[];
  label: string;
}

export interface SerializedModel {
  labels: string[];
  vocab: string[];
  /** labels.length × vocab.length weights, row by row, as base64 Int8 quantized per row. */
  weights: string;
  /** Per label: the factor that turns its row's Int8 weights back into real ones. */
  scales: number[];
  biases: number[];
  temperature: number;
}

export class LogisticModel {
  private readonly index: Map<string, number>;

  constructor(
    readonly labels: string[],
    readonly vocab: string[],
    private readonly w: Float32Array,
    readonly temperature: number,
    index?: Map<string, number>,
  ) {
    this.index = index ?? new Map(vocab.map((f, i) => [f, i]));
  }

  /** The same weights read at another temperature (calibration tries many). */
  withTemperature(temperature: number): LogisticModel {
    return new LogisticModel(this.labels, this.vocab, this.w, temperature, this.index);
  }

  static train(examples: readonly LabeledExample[], options: { epochs?: number; seed?: number; l2?: number; rate?: number; holdout?: number; minCount?: number } = {}): LogisticModel {
    const { epochs = 8, seed = 7, l2 = 1e-6, rate = 0.5, holdout = 0.1, minCount = 2 } = options;
    const random = rng(seed);
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const order = examples.map((_, i) => i);
    shuffle(order, random);
    const cut = labels.length > 1 ? Math.floor(order.length * holdout) : 0;
    const held = order.slice(0, cut);
    const train = order.slice(cut);

    // Features seen in fewer than minCount sentences are mostly filler noise: leaving them out keeps
    // the model small (and fast to load) and does not cost accuracy.
    const counts = new Map<string, number>();
    for (const e of examples) for (const f of new Set(e.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    const vocab = [...counts].filter(([, c]) => c >= minCount).map(([f]) => f);
    const index = new Map(vocab.map((f, i) => [f, i]));
    const encoded = examples.map((e) => Int32Array.from(new Set(e.features.map((f) => index.get(f)).filter((i): i is number => i !== undefined))));
    const K = labels.length;
    const V = vocab.length;
    const w = new Float32Array(K * V + K);
    const scores = new Float64Array(K);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(train, random);
      const lr = rate / (1 + epoch);
      for (const n of train) {
        const x = encoded[n] as Int32Array;
        const y = labelIndex.get((examples[n] as LabeledExample).label) as number;
        // Each feature counts 1/sqrt(|x|), so long sentences do not shout down short ones.
        const scale = 1 / Math.sqrt(x.length || 1);
        softmaxInto(w, x, scale, K, V, scores, 1);
        for (let k = 0; k < K; k++) {
          const g = (scores[k] as number) - (k === y ? 1 : 0);
          if (g === 0) continue;
          const row = k * V;
          for (const f of x) w[row + f] = (w[row + f] as number) * (1 - lr * l2) - lr * g * scale;
          w[K * V + k] = (w[K * V + k] as number) - lr * g * 0.1;
        }
      }
    }
    const model = new LogisticModel(labels, vocab, w, 1, index);
    const temperature = held.length > 20 ? fitTemperature(model, held.map((n) => examples[n] as LabeledExample)) : 1;
    return model.withTemperature(temperature);
  }

  /** Probabilities per label, best first. Features never seen in training are ignored. */
  predict(featureList: readonly string[]): { label: string; p: number }[] {
    const K = this.labels.length;
    const V = this.vocab.length;
    const x = Int32Array.from(new Set(featureList.map((f) => this.index.get(f)).filter((i): i is number => i !== undefined)));
    const scores = new Float64Array(K);
    softmaxInto(this.w, x, 1 / Math.sqrt(featureList.length ? new Set(featureList).size : 1), K, V, scores, this.temperature);
    return this.labels.map((label, k) => ({ label, p: scores[k] as number })).sort((a, b) => b.p - a.p);
  }

  /** Share of a sentence's features this model has seen: low for text unlike anything it learned. */
  coverage(featureList: readonly string[]): number {
    const unique = new Set(featureList);
    if (unique.size === 0) return 0;
    let known = 0;
    for (const f of unique) if (this.index.has(f)) known++;
    return known / unique.size;
  }

  serialize(): SerializedModel {
    const K = this.labels.length;
    const V = this.vocab.length;
    const q = new Int8Array(K * V);
    const scales: number[] = [];
    for (let k = 0; k < K; k++) {
      let max = 0;
      for (let f = 0; f < V; f++) max = Math.max(max, Math.abs(this.w[k * V + f] as number));
      const scale = max > 0 ? max / 127 : 1;
      scales.push(scale);
      for (let f = 0; f < V; f++) q[k * V + f] = Math.round((this.w[k * V + f] as number) / scale);
    }
    const biases = Array.from(this.w.subarray(K * V));
    return { labels: this.labels, vocab: this.vocab, weights: Buffer.from(q.buffer).toString('base64'), scales, biases, temperature: this.temperature };
  }

  static deserialize(data: SerializedModel): LogisticModel {
    const K = data.labels.length;
    const V = data.vocab.length;
    const bytes = Buffer.from(data.weights, 'base64');
    if (bytes.byteLength !== K * V || data.scales.length !== K || data.biases.length !== K) throw new Error('classifier weights do not fit its vocabulary');
    const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = new Float32Array(K * V + K);
    for (let k = 0; k < K; k++) {
      const scale = data.scales[k] as number;
      for (let f = 0; f < V; f++) w[k * V + f] = (q[k * V + f] as number) * scale;
      w[K * V + k] = data.biases[k] as number;
    }
    return new LogisticModel(data.labels, data.vocab, w, data.temperature);
  }
}

function softmaxInto(w: Float32Array, x: Int32Array, scale: number, K: number, V: number, out: Float64Array, temperature: number): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    let s = w[K * V + k] as number;
    const row = k * V;
    for (const f of x) s += (w[row + f] as number) * scale;
    s /= temperature;
    out[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((out[k] as number) - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) / sum;
}

/** Temperature scaling: the T that minimizes held-out negative log-likelihood (golden-section search). */
function fitTemperature(model: LogisticModel, held: readonly LabeledExample[]): number {
  const nll = (t: number): number => {
    const scaled = model.withTemperature(t);
    let total = 0;
    for (const e of held) {
      const p = scaled.predict(e.features).find((r) => r.label === e.label)?.p ?? 1e-9;
      total -= Math.log(Math.max(p, 1e-9));
    }
    return total;
  };
  let lo = 0.05;
  let hi = 5;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 30; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
