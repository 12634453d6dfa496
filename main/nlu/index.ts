// The NLU route: normalize → templates (exact) → classifier (with slot extraction) → the LLM's tool
// call when a model is loaded (`useFallback`) → none. Multi-intent sentences are split at conjunctions when each part stands on its own.
import type { Lang, Slots } from '../../common/contract.js';
import type { IntentFallback, Nlu, NluResult, Understanding, UnderstandOptions } from '../core/ports.js';
import { cleanSlots, type IntentCatalog } from './catalog.js';
import { features, LogisticModel } from './classifier.js';
import { CharNgramLanguageModel, guessLanguage, type LatinModels } from './language.js';
import { normalizeFor, tokenize } from './normalize.js';
import type { TemplateMatcher } from './sentences.js';
import type { NluModels } from './train.js';

/** How long the driver waits on the LLM for a sentence nothing else understood. */
export const FALLBACK_TIMEOUT_MS = 8_000;
/** Below this calibrated probability the classifier's guess is not acted on. */
export const CLASSIFIER_THRESHOLD = 0.6;
/** Longest sentence split at conjunctions into several requests: longer is dictation, not requests. */
const MAX_SPLIT_TOKENS = 40;
/** Most clauses looked at for a request wrapped in chatter. */
const MAX_CLAUSES = 8;
/** A template hit whose wildcards take more than this share of the sentence defers to a sure classifier
 *  (half is a destination after "navigate to", which the template knows better). */
const LOOSE_TEMPLATE = 0.5;
/** A sentence mostly made of features the classifier never saw is not its to judge. */
const MIN_COVERAGE = 0.35;

/** Words that join two requests in one breath ("navigate home and call Sari"). */
const CONJUNCTIONS: Record<Lang, string[][]> = {
  en: [['and', 'then'], ['and', 'also'], ['and'], ['then'], ['also'], ['after', 'that'], ['plus']],
  id: [['dan', 'juga'], ['dan'], ['lalu'], ['terus'], ['trus'], ['habis', 'itu'], ['abis', 'itu'], ['kemudian'], ['sekalian'], ['sama']],
  zh: [['然', '后'], ['接', '着'], ['顺', '便'], ['同', '时'], ['并', '且'], ['还', '有'], ['再']],
};

interface LanguageRuntime {
  intent: LogisticModel;
  slots: Map<string, LogisticModel>;
}

export class NluEngine implements Nlu {
  private readonly runtimes = new Map<Lang, LanguageRuntime>();
  private readonly latin: LatinModels | undefined;
  private fallback: IntentFallback | null = null;

  constructor(
    private readonly catalog: IntentCatalog,
    private readonly templates: TemplateMatcher,
    models: NluModels | null,
  ) {
    if (models) {
      for (const [lang, m] of Object.entries(models.byLang) as [Lang, NluModels['byLang'][Lang]][]) {
        this.runtimes.set(lang, {
          intent: LogisticModel.deserialize(m.intent),
          slots: new Map(Object.entries(m.slots).map(([k, v]) => [k, LogisticModel.deserialize(v)])),
        });
      }
      this.latin = { en: new CharNgramLanguageModel(models.latin.en), id: new CharNgramLanguageModel(models.latin.id) };
    }
  }

  /** Compiles the templates of `lang` (of every language when absent) now rather than on first use,
   *  so the first sentence is not the one that pays for it. */
  prepare(lang?: Lang): void {
    if (lang) this.templates.language(lang);
    else this.templates.compileAll();
  }

  /** The last resort for sentences nothing else placed (the LLM's tool call); null removes it. */
  useFallback(fallback: IntentFallback | null): void {
    this.fallback = fallback;
  }

  hasFallback(): boolean {
    return this.fallback !== null;
  }

  /** This NLU with its own last resort, leaving this one's untouched (knowledge is shared). */
  withFallback(fallback: IntentFallback): Nlu {
    return { understand: (text, lang, options) => this.understandVia(fallback, text, lang, options) };
  }

  understand(text: string, lang?: Lang, options: UnderstandOptions = {}): Promise<NluResult> {
    return this.understandVia(this.fallback, text, lang, options);
  }

  private async understandVia(fallback: IntentFallback | null, text: string, lang: Lang | undefined, options: UnderstandOptions = {}): Promise<NluResult> {
    const result = this.understandSync(text, lang);
    // Only what templates and the classifier could not place goes to the model: a refusal the
    // classifier is sure of (out_of_scope) stays one, and the fast paths never wait on the slow one.
    if (result.understandings.length > 0 || !fallback || text.trim() === '') return result;
    const answer = await fallback.call(text, result.lang, { timeoutMs: FALLBACK_TIMEOUT_MS, priority: 'driver', ...(options.signal ? { signal: options.signal } : {}) });
    return answer.ok ? { lang: result.lang, understandings: [answer.value] } : result;
  }

  understandSync(text: string, lang?: Lang): NluResult {
    const chosen = lang ?? this.detect(text);
    const tokens = tokenize(normalizeFor(text, chosen));
    const whole = this.route(tokens, chosen, text, 0);
    if (whole[0]?.source === 'template') return { lang: chosen, understandings: whole };
    const clause = this.byClause(text, chosen);
    // The classifier read the whole sentence: when it is sure, it knows better than one clause which
    // request the sentence is about; a clause of the same intent still lends its exact slots.
    const sure = whole.length === 1 && whole[0] && whole[0].intent !== 'out_of_scope' ? whole[0] : null;
    if (sure && clause?.[0]?.intent !== sure.intent) return { lang: chosen, understandings: whole };
    return { lang: chosen, understandings: clause ?? whole };
  }

  /** Drivers wrap requests in chatter: "it's getting dark, take me to the mall". When the whole sentence
   *  is no template, each clause (split at punctuation, and at pauses in Chinese) that is a template's
   *  request is a candidate, and the classifier, reading the whole sentence, picks among them: context
   *  clauses ("it's getting dark" alone would be a lights request) lose to the request the whole is about.
   *  Null when no clause is a known request. */
  private byClause(text: string, lang: Lang): Understanding[] | null {
    const clauses = text
      .split(lang === 'zh' ? /[\s,.;!?，。；！？、…]+/u : /[,.;!?，。；！？、…]+/u)
      .map((c) => tokenize(normalizeFor(c, lang)))
      .filter((c) => c.length > 0);
    if (clauses.length < 2 || clauses.length > MAX_CLAUSES) return null;
    const candidates = clauses.flatMap((clause) => {
      const hit = this.exact(clause, lang, null)?.understanding;
      return hit && hit.intent !== 'out_of_scope' ? [hit] : [];
    });
    if (candidates.length === 0) return null;
    const runtime = this.runtimes.get(lang);
    if (!runtime || candidates.length === 1) return candidates.slice(0, 1);
    const p = new Map(runtime.intent.predict(features(tokenize(normalizeFor(text, lang)), lang)).map((r) => [r.label, r.p]));
    let best = candidates[candidates.length - 1] as Understanding;
    for (const candidate of candidates) if ((p.get(candidate.intent) ?? 0) > (p.get(best.intent) ?? 0)) best = candidate;
    return [best];
  }

  /** Language of text that came without one: script, then an exact template hit, then the n-gram models. */
  detect(text: string): Lang {
    const guess = guessLanguage(text, this.latin);
    if (guess === 'zh') return guess;
    const other: Lang = guess === 'en' ? 'id' : 'en';
    if (!this.templates.match(text, guess) && this.templates.match(text, other)) return other;
    return guess;
  }

  private route(tokens: string[], lang: Lang, raw: string | null, depth: number): Understanding[] {
    if (tokens.length === 0) return [];
    // Bounded work whatever arrives (the contract allows 2,000 characters): the templates read at most a
    // long dictation (MAX_MATCH_TOKENS), and only a spoken-length sentence is split into several requests.
    const exact = this.exact(tokens, lang, raw);
    const canSplit = depth < 3 && tokens.length <= MAX_SPLIT_TOKENS;
    if (exact) {
      // A free-text slot can swallow a second request ("navigate home and call sari" as one destination):
      // when both sides of a conjunction are templates' requests on their own, they are two requests.
      const split = canSplit ? this.split(tokens, lang, depth) : null;
      if (split?.every((u) => u.source === 'template')) return split;
      if (exact.wildShare > LOOSE_TEMPLATE) {
        // "what's {question}" or "text {contact} {body}" say little beyond their first words: when the
        // classifier, reading every word, is sure of another complete request, it wins (never to refuse).
        const other = this.classify(tokens, lang);
        if (other && other.intent !== exact.understanding.intent && other.intent !== 'out_of_scope' && !other.missing) return [other];
      }
      return [exact.understanding];
    }
    const whole = this.classify(tokens, lang);
    if (canSplit) {
      const split = this.split(tokens, lang, depth);
      if (split && (!whole || split.every((u) => u.confidence >= whole.confidence || u.source === 'template'))) return split;
    }
    return whole ? [whole] : [];
  }

  private exact(tokens: string[], lang: Lang, raw: string | null): { understanding: Understanding; wildShare: number } | null {
    const hit = this.templates.match(raw ?? tokens.join(' '), lang);
    if (!hit) return null;
    const slots = this.catalog.validateSlots(hit.intent, hit.slots);
    if (slots.ok) return { understanding: { intent: hit.intent, slots: slots.value, source: 'template', confidence: 1 }, wildShare: hit.wildShare };
    // "Text Sari" names the intent but not every required slot: the dialogue asks for the rest.
    const spec = this.catalog.get(hit.intent);
    const cleaned = spec ? cleanSlots(spec, hit.slots) : null;
    if (cleaned && cleaned.missing.length > 0 && Object.keys(hit.slots).every((k) => k in cleaned.slots)) {
      return { understanding: { intent: hit.intent, slots: cleaned.slots, source: 'template', confidence: 1, missing: cleaned.missing }, wildShare: hit.wildShare };
    }
    // A template whose slots break the schema is a bug in the sentence files; the fixture tests catch it.
    return null;
  }

  /** The classifier's best intent above the threshold, with slots extracted for it; null otherwise. */
  classify(tokens: string[], lang: Lang): Understanding | null {
    const runtime = this.runtimes.get(lang);
    if (!runtime) return null;
    const feats = features(tokens, lang);
    if (runtime.intent.coverage(feats) < MIN_COVERAGE) return null;
    const [best] = runtime.intent.predict(feats);
    if (!best || best.p < CLASSIFIER_THRESHOLD) return null;
    const spec = this.catalog.get(best.label);
    if (!spec) return null;
    if (best.label === 'out_of_scope') return { intent: best.label, slots: {}, source: 'classifier', confidence: best.p };
    const cleaned = cleanSlots(spec, this.extractSlots(best.label, tokens, lang, feats, runtime));
    return {
      intent: best.label,
      slots: cleaned.slots,
      source: 'classifier',
      confidence: best.p,
      ...(cleaned.missing.length ? { missing: cleaned.missing } : {}),
    };
  }

  /** Slots for a classified sentence: the intent's templates matched inside it, then the per-slot
   *  classifiers for required enum slots ("gerah" → down), then numbers in range. */
  private extractSlots(intent: string, tokens: string[], lang: Lang, feats: string[], runtime: LanguageRuntime): Slots {
    const spec = this.catalog.get(intent);
    if (!spec) return {};
    const slots: Slots = { ...(this.templates.language(lang).matchSpan(tokens, intent)?.slots ?? {}) };
    for (const [name, slot] of Object.entries(spec.slots)) {
      if (slots[name] !== undefined) continue;
      if (slot.type === 'string' && slot.enum && slot.required) {
        const [value] = runtime.slots.get(`${intent}.${name}`)?.predict(feats) ?? [];
        if (value && value.p >= 0.5) slots[name] = value.label;
      }
    }
    const numberSlots = Object.entries(spec.slots).filter(([, s]) => s.type === 'number');
    const fill = numberSlots.length === 1 ? numberSlots : numberSlots.filter(([, s]) => s.required);
    for (const [name, slot] of fill) {
      if (slots[name] !== undefined || slot.type !== 'number') continue;
      const value = tokens.map((t) => Number(t.replace(/%$/, ''))).find((n) => Number.isFinite(n) && (slot.minimum === undefined || n >= slot.minimum) && (slot.maximum === undefined || n <= slot.maximum));
      if (value !== undefined) slots[name] = value;
    }
    return slots;
  }

  /** Splits at a conjunction when both sides are understood on their own as actions. */
  private split(tokens: string[], lang: Lang, depth: number): Understanding[] | null {
    let best: { parts: Understanding[]; score: number } | null = null;
    for (const conjunction of CONJUNCTIONS[lang]) {
      for (let i = 1; i + conjunction.length < tokens.length; i++) {
        if (!conjunction.every((w, k) => tokens[i + k] === w)) continue;
        const left = this.route(tokens.slice(0, i), lang, null, depth + 1);
        if (left.length === 0 || left.some((u) => u.intent === 'out_of_scope')) continue;
        const right = this.route(tokens.slice(i + conjunction.length), lang, null, depth + 1);
        if (right.length === 0 || right.some((u) => u.intent === 'out_of_scope')) continue;
        const parts = [...left, ...right];
        const score = Math.min(...parts.map((u) => u.confidence));
        if (!best || score > best.score) best = { parts, score };
      }
    }
    return best?.parts ?? null;
  }
}
