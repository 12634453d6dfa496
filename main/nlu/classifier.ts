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
  /** labels.length × vocab.length weights, then labels.length biases, as base64 Float32. */
  weights: string;
  temperature: number;
}

export class LogisticModel {
  private readonly index: Map<string, number>;

  constructor(
    readonly labels: string[],
    readonly vocab: string[],
    private readonly w: Float32Array,
    readonly temperature: number,
  ) {
    this.index = new Map(vocab.map((f, i) => [f, i]));
  }

  static train(examples: readonly LabeledExample[], options: { epochs?: number; seed?: number; l2?: number; rate?: number; holdout?: number } = {}): LogisticModel {
    const { epochs = 8, seed = 7, l2 = 1e-6, rate = 0.5, holdout = 0.1 } = options;
    const random = rng(seed);
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const order = examples.map((_, i) => i);
    shuffle(order, random);
    const cut = labels.length > 1 ? Math.floor(order.length * holdout) : 0;
    const held = order.slice(0, cut);
    const train = order.slice(cut);

    const vocab: string[] = [];
    const index = new Map<string, number>();
    const encoded = examples.map((e) =>
      Int32Array.from(
        new Set(
          e.features.map((f) => {
            let i = index.get(f);
            if (i === undefined) {
              i = vocab.length;
              vocab.push(f);
              index.set(f, i);
            }
            return i;
          }),
        ),
      ),
    );
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
    const model = new LogisticModel(labels, vocab, w, 1);
    const temperature = held.length > 20 ? fitTemperature(model, held.map((n) => examples[n] as LabeledExample)) : 1;
    return new LogisticModel(labels, vocab, w, temperature);
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
    return { labels: this.labels, vocab: this.vocab, weights: Buffer.from(this.w.buffer, this.w.byteOffset, this.w.byteLength).toString('base64'), temperature: this.temperature };
  }

  static deserialize(data: SerializedModel): LogisticModel {
    const bytes = Buffer.from(data.weights, 'base64');
    const w = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    if (w.length !== data.labels.length * data.vocab.length + data.labels.length) throw new Error('classifier weights do not fit its vocabulary');
    return new LogisticModel(data.labels, data.vocab, new Float32Array(w), data.temperature);
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
    const scaled = new LogisticModel(model.labels, model.vocab, (model as unknown as { w: Float32Array }).w, t);
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
