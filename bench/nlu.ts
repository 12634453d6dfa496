// Understanding figures: load time, model size on disk, parse latency per path (template, classifier) and
// throughput, on the fixture sentences (template path) and the paraphrase sets (mostly the classifier).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { LANGS, type Lang } from '../common/contract.js';
import { loadKnowledge } from '../main/core/compose.js';
import { nluModelsFile, projectRoot } from '../main/core/paths.js';
import { compare, emit, percentile, type Suite } from './lib.js';

function sentences(): { text: string; lang: Lang }[] {
  const out: { text: string; lang: Lang }[] = [];
  for (const lang of LANGS) {
    const file = join(projectRoot(), 'tests', 'intents', 'paraphrases', `${lang}.yaml`);
    try {
      const data = parseYaml(readFileSync(file, 'utf8')) as { domains: Record<string, { text: string }[]> };
      for (const items of Object.values(data.domains)) for (const item of items) out.push({ text: item.text, lang });
    } catch {
      // no paraphrase set for this language: the template figures still come out
    }
  }
  return out;
}

/** Wall time of `kemudi parse "…" --lang en` as a fresh process: what a script pays per call. */
function cliStart(): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'kemudi.js'), 'parse', 'turn on the headlights', '--lang', 'en'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kemudi parse failed: ${run.stderr}`);
  return performance.now() - started;
}

export const nluSuite: Suite = {
  name: 'nlu',
  async run() {
    // Load: what a driver's start-up pays (one language), and all three (when detecting the language).
    let started = performance.now();
    const knowledge = loadKnowledge();
    knowledge.nlu.prepare('en');
    const load = performance.now() - started;
    emit({ name: 'nlu.load', value: load, unit: 'ms' });
    compare('nlu.load_vs_target', { name: 'nlu.load', value: load, unit: 'ms' }, { name: 'target', value: 1000, unit: 'ms' });
    started = performance.now();
    knowledge.nlu.prepare();
    emit({ name: 'nlu.load_other_languages', value: performance.now() - started, unit: 'ms' });
    const starts = [cliStart(), cliStart(), cliStart()];
    emit({ name: 'nlu.cli_start', value: percentile(starts, 50), unit: 'ms' });
    emit({ name: 'nlu.model_size', value: statSync(nluModelsFile()).size / 1024, unit: 'KiB' });
    for (const lang of LANGS) emit({ name: `nlu.expanded_sentences.${lang}`, value: knowledge.models.byLang[lang].expandedSentences, unit: 'sentences' });

    // Each sentence is timed over several rounds and counts with its median, so one garbage collection
    // does not decide a percentile; the first round warms up.
    const byPath = new Map<string, number[]>();
    const all: number[] = [];
    const inputs = sentences();
    const rounds = inputs.map(() => [] as number[]);
    const paths: string[] = [];
    for (let round = 0; round < 6; round++) {
      inputs.forEach(({ text, lang }, i) => {
        const t0 = performance.now();
        const result = knowledge.nlu.understandSync(text, lang);
        const ms = performance.now() - t0;
        paths[i] = result.understandings[0]?.source ?? 'none';
        if (round > 0) rounds[i]?.push(ms);
      });
    }
    rounds.forEach((samples, i) => {
      const median = percentile(samples, 50);
      const path = paths[i] ?? 'none';
      byPath.set(path, [...(byPath.get(path) ?? []), median]);
      all.push(median);
    });
    for (const [path, samples] of byPath) {
      emit({ name: `nlu.${path}.p50`, value: percentile(samples, 50), unit: 'ms' });
      const p95 = percentile(samples, 95);
      emit({ name: `nlu.${path}.p95`, value: p95, unit: 'ms' });
      compare(`nlu.${path}.p95_vs_target`, { name: `nlu.${path}.p95`, value: p95, unit: 'ms' }, { name: 'target', value: 1, unit: 'ms' });
    }
    if (all.length > 0) emit({ name: 'nlu.sentences_per_s', value: 1000 / (all.reduce((a, b) => a + b, 0) / all.length), unit: 'sentences/s' });
  },
};
