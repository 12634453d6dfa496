// Loads intents/sentences/<lang>/*.yaml, compiles the templates, and matches text against them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LANGS, type Lang, SlotValue, type Slots } from '../../common/contract.js';
import type { IntentCatalog } from './catalog.js';
import { normalizeFor, tokenize } from './normalize.js';
import { matchAll, matchNode, type Node, parseTemplate, requiredTokens, type SlotList, TemplateSyntaxError } from './template.js';

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
  /** Literal tokens every match needs: sentences missing one are skipped without matching. */
  required: string[];
}

export interface TemplateHit {
  intent: string;
  slots: Slots;
  /** The template that matched, for the decision trace. */
  template: string;
}

export class LanguageTemplates {
  constructor(
    readonly lang: Lang,
    readonly sentences: CompiledSentence[],
    readonly lists: Map<string, SlotList>,
  ) {}

  match(text: string): TemplateHit | null {
    const tokens = tokenize(normalizeFor(text, this.lang));
    if (tokens.length === 0) return null;
    const present = new Set(tokens);
    let best: { hit: TemplateHit; wild: number } | null = null;
    const lookup = (name: string): SlotList | undefined => this.lists.get(name);
    for (const sentence of this.sentences) {
      if (!sentence.required.every((t) => present.has(t))) continue;
      const end = matchAll(sentence.node, tokens, lookup);
      if (!end || (best && end.wild >= best.wild)) continue;
      best = { hit: { intent: sentence.intent, slots: { ...end.slots, ...sentence.fixed }, template: sentence.source }, wild: end.wild };
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
    for (const sentence of this.sentences) {
      if (sentence.intent !== intent || !sentence.required.every((t) => present.has(t))) continue;
      for (let start = 0; start < tokens.length; start++) {
        let tries = 0;
        for (const end of matchNode(sentence.node, tokens, { pos: start, slots: {}, wild: 0 }, lookup)) {
          if (++tries > 200) break;
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
  private constructor(private readonly byLang: Map<Lang, LanguageTemplates>) {}

  /** Reads every sentence file of every language; throws with the file name on any error,
   *  so a broken sentence file fails the build and the tests, never a drive. */
  static load(intentsDir: string, catalog: IntentCatalog): TemplateMatcher {
    const byLang = new Map<Lang, LanguageTemplates>();
    for (const lang of LANGS) {
      const dir = join(intentsDir, 'sentences', lang);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => ({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
      byLang.set(lang, compileLanguage(lang, files, catalog));
    }
    return new TemplateMatcher(byLang);
  }

  match(text: string, lang: Lang): TemplateHit | null {
    return this.byLang.get(lang)?.match(text) ?? null;
  }

  language(lang: Lang): LanguageTemplates {
    const language = this.byLang.get(lang);
    if (!language) throw new Error(`no templates for ${lang}`);
    return language;
  }

  sentenceCount(lang: Lang): number {
    return this.byLang.get(lang)?.sentences.length ?? 0;
  }
}

export function compileLanguage(lang: Lang, files: { name: string; text: string }[], catalog: IntentCatalog): LanguageTemplates {
  const parsed = files.map((file) => {
    const result = SentenceFile.safeParse(parseYaml(file.text));
    if (!result.success) throw new Error(`${file.name}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (result.data.language !== lang) throw new Error(`${file.name}: says language ${result.data.language}, lives under ${lang}`);
    return { name: file.name, data: result.data };
  });

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
      const node = parseTemplate(source, ruleMap, lang);
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
          values: spec.values.map((v) => (typeof v === 'string' ? { node: parseTemplate(v, ruleMap, lang), out: v } : { node: parseTemplate(v.in, ruleMap, lang), out: v.out })),
        });
      } else if ('range' in spec) {
        lists.set(list, { kind: 'range', ...spec.range });
      } else lists.set(list, { kind: 'wildcard' });
    }
  }

  const sentences: CompiledSentence[] = [];
  for (const { name, data } of parsed) {
    for (const [intent, { data: groups }] of Object.entries(data.intents ?? {})) {
      if (!catalog.get(intent)) throw new Error(`${name}: intent ${intent} is not declared in intents.yaml`);
      for (const group of groups) {
        for (const source of group.sentences) {
          try {
            const node = parseTemplate(source, ruleMap, lang);
            sentences.push({ intent, source, node, fixed: group.slots ?? {}, required: [...requiredTokens(node)] });
          } catch (error) {
            throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
          }
        }
      }
    }
  }
  return new LanguageTemplates(lang, sentences, lists);
}
