// Trains the statistical side of the NLU from the sentence files: per language an intent classifier,
// one small classifier per enum slot (what "gerah" or "I'm freezing" says about direction), and a
// character n-gram model per Latin-script language for language detection. Deterministic: the same files
// give the same models. Run at build time (dist/nlu/models.json), or on first load when that is stale.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LANGS, type Lang } from '../../common/contract.js';
import type { IntentCatalog } from './catalog.js';
import { features, type LabeledExample, LogisticModel, type SerializedModel } from './classifier.js';
import { countExpansions, rng, sampleSentence, type Sample } from './expand.js';
import { CharNgramLanguageModel, type SerializedLanguageModel } from './language.js';
import { normalizeFor, tokenize } from './normalize.js';
import type { TemplateMatcher } from './sentences.js';

/** Bump when features or training change, so stale models are retrained. */
export const TRAINER_VERSION = 5;
const SAMPLES_PER_TEMPLATE = 24;
const MIN_PER_INTENT = 400;
const MAX_PER_INTENT = 2500;

export interface LanguageModels {
  intent: SerializedModel;
  /** "intent.slot" → classifier of that enum slot's value. */
  slots: Record<string, SerializedModel>;
  expandedSentences: number;
  trainingSamples: number;
}

export interface NluModels {
  version: number;
  hash: string;
  byLang: Record<Lang, LanguageModels>;
  /** Character n-gram models that tell English from Indonesian (Chinese is told by its script). */
  latin: Record<'en' | 'id', SerializedLanguageModel>;
}

const FillerFile = z.strictObject({ language: z.enum(LANGS), fillers: z.record(z.string(), z.array(z.string())) });
const TrainingSentence = z.union([z.string().min(1), z.strictObject({ text: z.string().min(1), slots: z.record(z.string(), z.string()).default({}) })]);
const TrainingFile = z.strictObject({ language: z.enum(LANGS), intents: z.record(z.string(), z.array(TrainingSentence)) });
/** Each hand-written sentence counts as this many template samples: there are far fewer of them, and
 *  they are what teaches the classifier how people talk beyond the templates. */
const NATURAL_WEIGHT = 6;

/** Hand-written natural sentences per intent (intents/training/<lang>.yaml), with enum slots where given. */
export function loadTrainingSentences(intentsDir: string, lang: Lang, catalog: IntentCatalog): (Sample & { intent: string })[] {
  const file = join(intentsDir, 'training', `${lang}.yaml`);
  if (!existsSync(file)) return [];
  const parsed = TrainingFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.language !== lang) throw new Error(`${file}: says language ${parsed.data.language}`);
  const out: (Sample & { intent: string })[] = [];
  for (const [intent, sentences] of Object.entries(parsed.data.intents)) {
    const spec = catalog.get(intent);
    if (!spec) throw new Error(`${file}: intent ${intent} is not declared in intents.yaml`);
    for (const sentence of sentences) {
      const { text, slots } = typeof sentence === 'string' ? { text: sentence, slots: {} } : sentence;
      for (const [slot, value] of Object.entries(slots)) {
        const enumValues = spec.slots[slot]?.type === 'string' ? spec.slots[slot].enum : undefined;
        if (!enumValues?.includes(value)) throw new Error(`${file}: "${text}": ${slot}=${value} is not an enum value of ${intent}`);
      }
      out.push({ text, slots, intent });
    }
  }
  return out;
}

export function loadFillers(intentsDir: string, lang: Lang): Record<string, string[]> {
  const file = join(intentsDir, 'fillers', `${lang}.yaml`);
  if (!existsSync(file)) return {};
  const parsed = FillerFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.fillers;
}

/** A hash of everything the models are trained from: a change anywhere retrains. */
export function inputsHash(intentsDir: string): string {
  const hash = createHash('sha256').update(`trainer:${TRAINER_VERSION}\n`);
  const files: string[] = [join(intentsDir, 'intents.yaml')];
  for (const sub of ['sentences', 'fillers', 'training']) {
    const dir = join(intentsDir, sub);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(join(entry.parentPath, entry.name));
    }
  }
  for (const file of files.sort()) hash.update(file.slice(intentsDir.length)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export function sampleLanguage(templates: TemplateMatcher, lang: Lang, fillers: Record<string, string[]>, seed = 11): { samples: (Sample & { intent: string })[]; expanded: number } {
  const language = templates.language(lang);
  const lookup = (name: string) => language.lists.get(name);
  const random = rng(seed);
  const byIntent = new Map<string, (Sample & { intent: string })[]>();
  let expanded = 0;
  const draw = (sentence: (typeof language.sentences)[number], n: number, seen: Set<string>, out: (Sample & { intent: string })[]): void => {
    for (let i = 0; i < n * 3 && n > 0; i++) {
      const sample = sampleSentence(sentence.node, lookup, (list) => fillers[list] ?? [], random);
      if (seen.has(sample.text)) continue;
      seen.add(sample.text);
      out.push({ ...sample, slots: { ...sample.slots, ...sentence.fixed }, intent: sentence.intent });
      n--;
    }
  };
  const seenByIntent = new Map<string, Set<string>>();
  for (const sentence of language.sentences) {
    const count = countExpansions(sentence.node, lookup);
    expanded += count;
    const list = byIntent.get(sentence.intent) ?? [];
    const seen = seenByIntent.get(sentence.intent) ?? new Set<string>();
    byIntent.set(sentence.intent, list);
    seenByIntent.set(sentence.intent, seen);
    draw(sentence, Math.min(count * 2, SAMPLES_PER_TEMPLATE), seen, list);
  }
  // Balance: top up intents with few templates, thin out the ones with very many.
  const samples: (Sample & { intent: string })[] = [];
  for (const [intent, list] of byIntent) {
    const mine = language.sentences.filter((s) => s.intent === intent);
    const seen = seenByIntent.get(intent) as Set<string>;
    for (let round = 0; list.length < MIN_PER_INTENT && round < 20; round++) {
      for (const sentence of mine) draw(sentence, 4, seen, list);
    }
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j] as Sample & { intent: string }, list[i] as Sample & { intent: string }];
    }
    samples.push(...list.slice(0, MAX_PER_INTENT));
  }
  return { samples, expanded };
}

export function trainLanguage(
  templates: TemplateMatcher,
  catalog: IntentCatalog,
  lang: Lang,
  fillers: Record<string, string[]>,
  natural: readonly (Sample & { intent: string })[] = [],
  naturalWeight = NATURAL_WEIGHT,
): { models: LanguageModels; texts: string[] } {
  const sampled = sampleLanguage(templates, lang, fillers);
  const expanded = sampled.expanded;
  const samples = [...sampled.samples, ...Array.from({ length: naturalWeight }, () => natural).flat()];
  const featured = samples.map((s) => ({ ...s, features: features(tokenize(normalizeFor(s.text, lang)), lang) }));
  const intent = LogisticModel.train(featured.map((s) => ({ features: s.features, label: s.intent })));
  const slots: Record<string, SerializedModel> = {};
  for (const name of catalog.names()) {
    const spec = catalog.get(name);
    if (!spec) continue;
    for (const [slot, slotSpec] of Object.entries(spec.slots)) {
      if (slotSpec.type !== 'string' || !slotSpec.enum) continue;
      const examples: LabeledExample[] = featured
        .filter((s) => s.intent === name && typeof s.slots[slot] === 'string')
        .map((s) => ({ features: s.features, label: s.slots[slot] as string }));
      if (examples.length < 20 || new Set(examples.map((e) => e.label)).size < 2) continue;
      slots[`${name}.${slot}`] = LogisticModel.train(examples, { epochs: 6, seed: 13 }).serialize();
    }
  }
  return { models: { intent: intent.serialize(), slots, expandedSentences: expanded, trainingSamples: samples.length }, texts: samples.map((s) => s.text) };
}

export function trainAll(intentsDir: string, templates: TemplateMatcher, catalog: IntentCatalog): NluModels {
  const byLang = {} as Record<Lang, LanguageModels>;
  const texts = {} as Record<Lang, string[]>;
  for (const lang of LANGS) {
    const fillers = loadFillers(intentsDir, lang);
    const trained = trainLanguage(templates, catalog, lang, fillers, loadTrainingSentences(intentsDir, lang, catalog));
    byLang[lang] = trained.models;
    texts[lang] = [...trained.texts, ...Object.values(fillers).flat()];
  }
  return {
    version: TRAINER_VERSION,
    hash: inputsHash(intentsDir),
    byLang,
    latin: {
      en: CharNgramLanguageModel.train(texts.en.map((t) => normalizeFor(t, 'en'))).serialize(),
      id: CharNgramLanguageModel.train(texts.id.map((t) => normalizeFor(t, 'id'))).serialize(),
    },
  };
}

export function writeModels(file: string, models: NluModels): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(models));
}

/** Reads trained models when they match the current sentence files; null when missing or stale. */
export function readModels(file: string, intentsDir: string): NluModels | null {
  if (!existsSync(file)) return null;
  try {
    const models = JSON.parse(readFileSync(file, 'utf8')) as NluModels;
    return models.version === TRAINER_VERSION && models.hash === inputsHash(intentsDir) ? models : null;
  } catch {
    return null;
  }
}
