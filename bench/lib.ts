// The bench's output format, one JSON line per figure (people script against it; keep it stable):
//   {"name","value","unit"}                                   a measurement
//   {"name","value","unit":"ratio","left":{…},"right":{…}}    a comparison: value = left.value / right.value
import { performance } from 'node:perf_hooks';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export function emit(figure: Figure): void {
  process.stdout.write(`${JSON.stringify({ ...figure, value: round(figure.value) })}\n`);
}

export function compare(name: string, left: Figure, right: Figure): void {
  const l = { ...left, value: round(left.value) };
  const r = { ...right, value: round(right.value) };
  process.stdout.write(`${JSON.stringify({ name, value: round(left.value / right.value), unit: 'ratio', left: l, right: r })}\n`);
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Times `fn` `runs` times after `warmup` untimed runs; returns milliseconds per run. */
export async function sample(fn: () => unknown, runs: number, warmup = Math.min(50, runs)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

export interface Suite {
  name: string;
  run(): Promise<void>;
}
