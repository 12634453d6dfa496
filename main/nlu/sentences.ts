// Loads intents/sentences/<lang>/*.yaml, compiles the templates, and matches text against them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LANGS, type Lang, SlotValue, type Slots } from '../../common/contract.js';
import type { IntentCatalog } from './catalog.js';
import { normalizeFor, tokenize } from './normalize.js';
import { lengthBounds, newAnalysisMemo, matchAll, matchFrom, type Memo, type Node, parseTemplate, requiredAnyOf, type SlotList, TemplateSyntaxError } from './template.js';

const ListFile = z.union([
  z.strictObject({
    values: z.array(z.union([z.string(), z.strictObject({ in: z.string(), out: z.union([z.string(), z.number()]) })])),
  }),
  z.strictObject({
    range: z.strictObject({ from: z.number(), to: z.number(), step: z.number().positive().default(1) }),
  }),
  z.strictObject({ wildcard: z.literal(true) }),
]);

const SentenceFile = z.strictObject({
  language: z.enum(LANGS),
  intents: z
    .record(
      z.string(),
      z.strictObject({
        data: z.array(z.strictObject({ sentences: z.array(z.string()).min(1), slots: z.record(z.string(), SlotValue).optional() })),
      }),
    )
    .optional(),
  lists: z.record(z.string(), ListFile).optional(),
  expansion_rules: z.record(z.string(), z.string()).optional(),
});

interface CompiledSentence {
  intent: string;
  source: string;
  node: Node;
  fixed: Slots;
  /** Tokens every match needs, as any-of sets: sentences missing one are skipped without matching. */
  required: Set<string>[];
  /** Fewest and most tokens a full match can have. */
  minTokens: number;
  maxTokens: number;
}

export interface TemplateHit {
  intent: string;
  slots: Slots;
  /** The template that matched, for the decision trace. */
  template: string;
  /** Share of the sentence's tokens taken by wildcards: near 1, the template says little about intent. */
  wildShare: number;
}

/** Longest sentence (tokens) matched against the templates; a message body is at most 500 characters. */
export const MAX_MATCH_TOKENS = 150;

function hasAny(any: Set<string>, present: Set<string>): boolean {
  // Walk the smaller side: a sentence has a dozen tokens, a choice may have dozens of words.
  if (present.size < any.size) {
    for (const t of present) if (any.has(t)) return true;
    return false;
  }
  for (const t of any) if (present.has(t)) return true;
  return false;
}

export class LanguageTemplates {
  /** Sentences by a token they cannot match without (their rarest required choice), built on first use. */
  private index: { byToken: Map<string, number[]>; always: number[] } | null = null;

  constructor(
    readonly lang: Lang,
    readonly sentences: CompiledSentence[],
    readonly lists: Map<string, SlotList>,
  ) {}

  /** Indices of the sentences that could match text with these tokens, in file order (earlier wins ties). */
  private candidates(present: Set<string>, length: number): number[] {
    if (!this.index) {
      const byToken = new Map<string, number[]>();
      const always: number[] = [];
      this.sentences.forEach((sentence, i) => {
        const [rarest] = sentence.required;
        if (!rarest) always.push(i);
        else for (const t of rarest) byToken.set(t, [...(byToken.get(t) ?? []), i]);
      });
      this.index = { byToken, always };
    }
    const seen = new Set<number>(this.index.always);
    for (const t of present) for (const i of this.index.byToken.get(t) ?? []) seen.add(i);
    return [...seen]
      .filter((i) => {
        const sentence = this.sentences[i] as CompiledSentence;
        return length >= sentence.minTokens && length <= sentence.maxTokens && sentence.required.every((any) => hasAny(any, present));
      })
      .sort((a, b) => a - b);
  }

  match(text: string): TemplateHit | null {
    const tokens = tokenize(normalizeFor(text, this.lang));
    // Matching grows with the square of the length: past a long dictation, no template is tried.
    if (tokens.length === 0 || tokens.length > MAX_MATCH_TOKENS) return null;
    const present = new Set(tokens);
    let best: { hit: TemplateHit; wild: number } | null = null;
    const lookup = (name: string): SlotList | undefined => this.lists.get(name);
    // One chart for all sentences: shared rules (<lead>, lists) are matched once per position.
    const memo: Memo = new Map();
    for (const i of this.candidates(present, tokens.length)) {
      const sentence = this.sentences[i] as CompiledSentence;
      const end = matchAll(sentence.node, tokens, lookup, memo);
      if (!end || (best && end.wild >= best.wild)) continue;
      best = { hit: { intent: sentence.intent, slots: { ...end.slots, ...sentence.fixed }, template: sentence.source, wildShare: end.wild / tokens.length }, wild: end.wild };
      if (end.wild === 0) break;
    }
    return best?.hit ?? null;
  }

  /** The best partial match of one intent's templates inside `tokens`: for paraphrases that wrap a known
   *  phrasing in other words ("I'm late, can you get me to the airport"). Coverage is the share of the
   *  sentence's tokens the template explains with literal words and lists (not wildcards). */
  matchSpan(tokens: readonly string[], intent: string): { slots: Slots; coverage: number } | null {
    if (tokens.length === 0 || tokens.length > 40) return null;
    const present = new Set(tokens);
    const lookup = (name: string): SlotList | undefined => this.lists.get(name);
    let best: { slots: Slots; coverage: number; wild: number } | null = null;
    const memo: Memo = new Map();
    for (const sentence of this.sentences) {
      if (sentence.intent !== intent || sentence.minTokens > tokens.length || !sentence.required.every((any) => hasAny(any, present))) continue;
      for (let start = 0; start < tokens.length; start++) {
        for (const end of matchFrom(sentence.node, tokens, start, lookup, memo)) {
          const explained = end.pos - start - end.wild;
          if (explained <= 0) continue;
          // A wildcard that runs to the end of the sentence may swallow trailing chatter: only accept it there.
          if (end.wild > 0 && end.pos !== tokens.length && explained < 2) continue;
          const coverage = explained / tokens.length;
          if (!best || coverage > best.coverage || (coverage === best.coverage && end.wild < best.wild)) {
            best = { slots: { ...end.slots, ...sentence.fixed }, coverage, wild: end.wild };
          }
        }
      }
    }
    return best ? { slots: best.slots, coverage: best.coverage } : null;
  }
}

export class TemplateMatcher {
  private readonly compiled = new Map<Lang, LanguageTemplates>();

  private constructor(
    private readonly files: ReadonlyMap<Lang, { name: string; text: string }[]>,
    private readonly catalog: IntentCatalog,
  ) {}

  /** Reads every sentence file of every language. A language compiles on first use (a third of the
   *  start-up work for a driver who speaks one language); `compileAll` checks them all at once, and
   *  throws with the file name on any error, so a broken sentence file fails the build, never a drive. */
  static load(intentsDir: string, catalog: IntentCatalog): TemplateMatcher {
    const files = new Map<Lang, { name: string; text: string }[]>();
    for (const lang of LANGS) {
      const dir = join(intentsDir, 'sentences', lang);
      files.set(
        lang,
        readdirSync(dir)
          .filter((f) => f.endsWith('.yaml'))
          .sort()
          .map((f) => ({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })),
      );
    }
    return new TemplateMatcher(files, catalog);
  }

  compileAll(): this {
    for (const lang of LANGS) this.language(lang);
    return this;
  }

  match(text: string, lang: Lang): TemplateHit | null {
    return this.language(lang).match(text);
  }

  language(lang: Lang): LanguageTemplates {
    let language = this.compiled.get(lang);
    if (!language) {
      language = compileLanguage(lang, this.files.get(lang) ?? [], this.catalog);
      this.compiled.set(lang, language);
    }
    return language;
  }

  sentenceCount(lang: Lang): number {
    return this.language(lang).sentences.length;
  }
}

export function compileLanguage(lang: Lang, files: { name: string; text: string }[], catalog: IntentCatalog): LanguageTemplates {
  const parsed = files.map((file) => {
    const result = SentenceFile.safeParse(parseYaml(file.text));
    if (!result.success) throw new Error(`${file.name}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (result.data.language !== lang) throw new Error(`${file.name}: says language ${result.data.language}, lives under ${lang}`);
    return { name: file.name, data: result.data };
  });

  const wordCache = new Map<string, string[]>();
  // Rules may refer to rules: parse on demand, refusing cycles.
  const ruleSources = new Map<string, string>();
  for (const { name, data } of parsed) {
    for (const [rule, source] of Object.entries(data.expansion_rules ?? {})) {
      if (ruleSources.has(rule)) throw new Error(`${name}: rule <${rule}> is defined twice in ${lang}`);
      ruleSources.set(rule, source);
    }
  }
  const rules = new Map<string, Node>();
  const inProgress = new Set<string>();
  const ruleMap: ReadonlyMap<string, Node> = {
    get(rule: string): Node | undefined {
      const done = rules.get(rule);
      if (done) return done;
      const source = ruleSources.get(rule);
      if (source === undefined) return undefined;
      if (inProgress.has(rule)) throw new TemplateSyntaxError(`rule <${rule}> refers to itself`);
      inProgress.add(rule);
      const node = parseTemplate(source, ruleMap, lang, wordCache);
      inProgress.delete(rule);
      rules.set(rule, node);
      return node;
    },
  } as ReadonlyMap<string, Node>;

  const lists = new Map<string, SlotList>();
  for (const { name, data } of parsed) {
    for (const [list, spec] of Object.entries(data.lists ?? {})) {
      if (lists.has(list)) throw new Error(`${name}: list {${list}} is defined twice in ${lang}`);
      if ('values' in spec) {
        lists.set(list, {
          kind: 'values',
          values: spec.values.map((v) => (typeof v === 'string' ? { node: parseTemplate(v, ruleMap, lang, wordCache), out: v } : { node: parseTemplate(v.in, ruleMap, lang, wordCache), out: v.out })),
        });
      } else if ('range' in spec) {
        lists.set(list, { kind: 'range', ...spec.range });
      } else lists.set(list, { kind: 'wildcard' });
    }
  }

  const lookup = (list: string): SlotList | undefined => lists.get(list);
  const analysis = newAnalysisMemo();
  const sentences: CompiledSentence[] = [];
  for (const { name, data } of parsed) {
    for (const [intent, { data: groups }] of Object.entries(data.intents ?? {})) {
      if (!catalog.get(intent)) throw new Error(`${name}: intent ${intent} is not declared in intents.yaml`);
      for (const group of groups) {
        for (const source of group.sentences) {
          try {
            const node = parseTemplate(source, ruleMap, lang, wordCache);
            const [minTokens, maxTokens] = lengthBounds(node, lookup, analysis);
            const required = [...requiredAnyOf(node, lookup, analysis)].sort((a, b) => a.size - b.size);
            sentences.push({ intent, source, node, fixed: group.slots ?? {}, required, minTokens, maxTokens });
          } catch (error) {
            throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
          }
        }
      }
    }
  }
  return new LanguageTemplates(lang, sentences, lists);
}
