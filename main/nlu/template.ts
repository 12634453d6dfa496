// Sentence templates in the manner of hassil: (a|b) alternatives, [x] optional parts, {slot} lists,
// number ranges and wildcards, <rule> expansion rules. Templates compile once to a small tree that is
// matched token by token with backtracking; Chinese is matched per character (see normalize.tokenize).
import type { Lang } from '../../common/contract.js';
import { joinTokens, normalize, normalizeFor, tokenize } from './normalize.js';

export type Node =
  | { t: 'seq'; items: Node[] }
  /** `words` is set when every option is one word: matched by a Set lookup instead of a walk. */
  | { t: 'alt'; options: Node[]; optional: boolean; words?: ReadonlySet<string>; index?: FirstIndex<Node> }
  | { t: 'tok'; value: string }
  /** {list} fills the slot named like the list; {list:slot} fills another name from the same list. */
  | { t: 'slot'; list: string; name: string };

/** Options grouped by the token they can start with, built on first use: a choice among hundreds of
 *  phrasings tries only those that can start at the driver's word. `always` holds the options that can
 *  start anywhere (with a wildcard or a number) or match nothing. */
export interface FirstIndex<T> {
  byToken: Map<string, T[]>;
  always: T[];
}

export type SlotList =
  | { kind: 'values'; values: { node: Node; out: string | number }[]; index?: FirstIndex<{ node: Node; out: string | number }> }
  | { kind: 'range'; from: number; to: number; step: number }
  | { kind: 'wildcard' };

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

/** Parses a template; <rule> references are expanded through `rules` (already-parsed trees). Literal text
 *  is normalized like the driver's words, numbers included when `lang` is given. */
export function parseTemplate(source: string, rules: ReadonlyMap<string, Node> = new Map(), lang?: Lang, wordCache?: Map<string, string[]>): Node {
  let pos = 0;

  function fail(message: string): never {
    throw new TemplateSyntaxError(`${message} at ${pos} in "${source}"`);
  }

  function words(text: string): Node[] {
    // The same literal text recurs across thousands of templates: normalize it once per compile.
    let tokens = wordCache?.get(text);
    if (!tokens) {
      tokens = tokenize(lang ? normalizeFor(text, lang) : normalize(text));
      wordCache?.set(text, tokens);
    }
    return tokens.map((value) => ({ t: 'tok', value }));
  }

  function readName(close: string): string {
    const end = source.indexOf(close, pos);
    if (end < 0) fail(`missing ${close}`);
    const name = source.slice(pos, end).trim();
    if (!/^[\p{L}\p{N}_.]+(:[\p{L}\p{N}_.]+)?$/u.test(name)) fail(`bad name "${name}"`);
    pos = end + 1;
    return name;
  }

  function seq(stops: string): Node {
    const items: Node[] = [];
    let text = '';
    const flush = (): void => {
      items.push(...words(text));
      text = '';
    };
    while (pos < source.length) {
      const ch = source[pos] as string;
      if (stops.includes(ch)) break;
      pos++;
      if (ch === '(' || ch === '[') {
        flush();
        items.push(alt(ch === '(' ? ')' : ']', ch === '['));
      } else if (ch === '{') {
        flush();
        const [list, slot] = readName('}').split(':') as [string, string | undefined];
        items.push({ t: 'slot', list, name: slot ?? list });
      } else if (ch === '<') {
        flush();
        const name = readName('>');
        const rule = rules.get(name);
        if (!rule) fail(`unknown rule <${name}>`);
        items.push(rule);
      } else if (ch === ')' || ch === ']' || ch === '|') {
        fail(`unexpected ${ch}`);
      } else text += ch;
    }
    flush();
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  function alt(close: string, optional: boolean): Node {
    const options: Node[] = [seq(`|${close}`)];
    while (source[pos] === '|') {
      pos++;
      options.push(seq(`|${close}`));
    }
    if (source[pos] !== close) fail(`missing ${close}`);
    pos++;
    const words = options.every((o) => o.t === 'tok') ? new Set(options.map((o) => (o as { value: string }).value)) : undefined;
    return words ? { t: 'alt', options, optional, words } : { t: 'alt', options, optional };
  }

  const node = seq('');
  if (pos !== source.length) fail('unbalanced brackets');
  return node;
}

export interface MatchState {
  pos: number;
  slots: Record<string, string | number>;
  /** Tokens consumed by wildcards: fewer means a more specific match. */
  wild: number;
}

export type ListLookup = (name: string) => SlotList | undefined;

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Results of one node from one position, memoized per match: a chart, so nested optional parts
 *  (fillers, politeness) cost polynomial rather than exponential time. */
export type Memo = Map<Node, (MatchState[] | undefined)[]>;

const NO_SLOTS: Record<string, string | number> = Object.freeze({}) as Record<string, string | number>;

function stateKey(s: MatchState): string | number {
  if (s.slots === NO_SLOTS) return s.pos * 4096 + s.wild;
  let key = `${s.pos}|${s.wild}`;
  for (const name in s.slots) key += `|${name}=${s.slots[name]}`;
  return key;
}

function dedupe(states: MatchState[]): MatchState[] {
  if (states.length < 2) return states;
  const seen = new Set<string | number>();
  return states.filter((s) => {
    const key = stateKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every way `node` can consume tokens from `start` on: end positions with the slots it filled. */
export function matchFrom(node: Node, tokens: readonly string[], start: number, lists: ListLookup, memo: Memo = new Map()): MatchState[] {
  // Single words and one-word choices are cheaper to test than to look up.
  if (node.t === 'tok') return tokens[start] === node.value ? [{ pos: start + 1, slots: NO_SLOTS, wild: 0 }] : [];
  if (node.t === 'alt' && node.words) {
    const hit = start < tokens.length && node.words.has(tokens[start] as string);
    if (hit) return node.optional ? [{ pos: start + 1, slots: NO_SLOTS, wild: 0 }, { pos: start, slots: NO_SLOTS, wild: 0 }] : [{ pos: start + 1, slots: NO_SLOTS, wild: 0 }];
    return node.optional ? [{ pos: start, slots: NO_SLOTS, wild: 0 }] : [];
  }
  let byPos = memo.get(node);
  if (!byPos) memo.set(node, (byPos = []));
  const cached = byPos[start];
  if (cached) return cached;
  let out: MatchState[];
  switch (node.t) {
    case 'seq': {
      let states: MatchState[] = [{ pos: start, slots: NO_SLOTS, wild: 0 }];
      for (const item of node.items) {
        const next: MatchState[] = [];
        for (const state of states) {
          for (const end of matchFrom(item, tokens, state.pos, lists, memo)) {
            next.push({ pos: end.pos, wild: state.wild + end.wild, slots: end.slots === NO_SLOTS ? state.slots : state.slots === NO_SLOTS ? end.slots : { ...state.slots, ...end.slots } });
          }
        }
        states = dedupe(next);
        if (states.length === 0) break;
      }
      out = states;
      break;
    }
    case 'alt': {
      const all: MatchState[] = [];
      for (const option of candidates(node, node.options, (o) => o, tokens[start], lists)) for (const end of matchFrom(option, tokens, start, lists, memo)) all.push(end);
      if (node.optional) all.push({ pos: start, slots: NO_SLOTS, wild: 0 });
      out = dedupe(all);
      break;
    }
    case 'slot': {
      const list = lists(node.list);
      if (!list) throw new TemplateSyntaxError(`unknown list {${node.list}}`);
      out = matchSlot(node.name, list, tokens, start, lists, memo);
      break;
    }
  }
  byPos[start] = out;
  return out;
}

function matchSlot(name: string, list: SlotList, tokens: readonly string[], start: number, lists: ListLookup, memo: Memo): MatchState[] {
  switch (list.kind) {
    case 'values': {
      const out: MatchState[] = [];
      for (const value of candidates(list, list.values, (v) => v.node, tokens[start], lists)) {
        for (const end of matchFrom(value.node, tokens, start, lists, memo)) {
          if (end.pos > start) out.push({ pos: end.pos, wild: end.wild, slots: { [name]: value.out } });
        }
      }
      return dedupe(out);
    }
    case 'range': {
      const token = tokens[start];
      if (token === undefined || !NUMBER.test(token)) return [];
      const value = Number(token);
      return value >= list.from && value <= list.to && Number.isInteger((value - list.from) / list.step) ? [{ pos: start + 1, wild: 0, slots: { [name]: value } }] : [];
    }
    case 'wildcard': {
      const out: MatchState[] = [];
      for (let end = start + 1; end <= tokens.length; end++) out.push({ pos: end, wild: end - start, slots: { [name]: span(tokens, start, end) } });
      return out;
    }
  }
}

/** Below this many options a plain walk is as fast as an index. */
const INDEX_FROM = 6;

function candidates<T>(owner: { index?: FirstIndex<T> }, options: readonly T[], nodeOf: (o: T) => Node, token: string | undefined, lists: ListLookup): readonly T[] {
  if (options.length < INDEX_FROM) return options;
  let index = owner.index;
  if (!index) {
    index = { byToken: new Map(), always: [] };
    for (const option of options) {
      const first = firstTokens(nodeOf(option), lists, new Set());
      if (first === ANY) index.always.push(option);
      else for (const t of first) index.byToken.set(t, [...(index.byToken.get(t) ?? []), option]);
    }
    // Keep the declared order within each group (earlier options win ties).
    for (const [t, group] of index.byToken) index.byToken.set(t, [...index.always, ...group].sort((a, b) => options.indexOf(a) - options.indexOf(b)));
    owner.index = index;
  }
  return token === undefined ? index.always : (index.byToken.get(token) ?? index.always);
}

const ANY = Symbol('any token');

/** The tokens a match of `node` can start with; ANY when it can start with anything or be empty. */
function firstTokens(node: Node, lists: ListLookup, visiting: Set<Node>): Set<string> | typeof ANY {
  if (visiting.has(node)) return ANY;
  switch (node.t) {
    case 'tok':
      return new Set([node.value]);
    case 'alt': {
      if (node.optional) return ANY;
      const out = new Set<string>();
      visiting.add(node);
      for (const option of node.options) {
        const first = firstTokens(option, lists, visiting);
        if (first === ANY) {
          visiting.delete(node);
          return ANY;
        }
        for (const t of first) out.add(t);
      }
      visiting.delete(node);
      return out;
    }
    case 'seq': {
      // Only the first item decides, unless it can be empty: then give up (ANY) rather than be wrong.
      const [head] = node.items;
      return head ? firstTokens(head, lists, visiting) : ANY;
    }
    case 'slot': {
      const list = lists(node.list);
      if (!list || list.kind !== 'values') return ANY;
      const out = new Set<string>();
      for (const value of list.values) {
        const first = firstTokens(value.node, lists, visiting);
        if (first === ANY) return ANY;
        for (const t of first) out.add(t);
      }
      return out;
    }
  }
}

const spans = new WeakMap<readonly string[], Map<number, string>>();

/** The text of tokens[start, end), joined once per sentence however many templates ask. */
function span(tokens: readonly string[], start: number, end: number): string {
  let cache = spans.get(tokens);
  if (!cache) spans.set(tokens, (cache = new Map()));
  const key = start * 4096 + end;
  let text = cache.get(key);
  if (text === undefined) cache.set(key, (text = joinTokens(tokens.slice(start, end))));
  return text;
}

/** The best full match of `tokens` against `node`: all tokens consumed, fewest taken by wildcards. */
export function matchAll(node: Node, tokens: readonly string[], lists: ListLookup, memo: Memo = new Map()): MatchState | null {
  let best: MatchState | null = null;
  for (const end of matchFrom(node, tokens, 0, lists, memo)) {
    if (end.pos !== tokens.length) continue;
    if (!best || end.wild < best.wild) best = end;
  }
  return best;
}

// Templates share rule and list trees by reference: the analyses below are memoized per tree in a Map
// the caller keeps for one compile (a plain Map: large WeakMaps make garbage collection slow).
export interface AnalysisMemo {
  bounds: Map<object, [number, number]>;
  required: Map<object, Set<string>[]>;
}

export const newAnalysisMemo = (): AnalysisMemo => ({ bounds: new Map(), required: new Map() });

/** The fewest and most tokens a match of `node` can take (Infinity with a wildcard): a cheap filter. */
export function lengthBounds(node: Node, lists: ListLookup, analysis: AnalysisMemo = newAnalysisMemo()): [number, number] {
  const memo = analysis.bounds;
  const known = memo.get(node);
  if (known) return known;
  let bounds: [number, number];
  switch (node.t) {
    case 'tok':
      bounds = [1, 1];
      break;
    case 'seq': {
      bounds = [0, 0];
      for (const item of node.items) {
        const [lo, hi] = lengthBounds(item, lists, analysis);
        bounds = [bounds[0] + lo, bounds[1] + hi];
      }
      break;
    }
    case 'alt': {
      let lo = Infinity;
      let hi = 0;
      for (const option of node.options) {
        const [l, h] = lengthBounds(option, lists, analysis);
        lo = Math.min(lo, l);
        hi = Math.max(hi, h);
      }
      bounds = [node.optional || node.options.length === 0 ? 0 : lo, hi];
      break;
    }
    case 'slot': {
      const list = lists(node.list);
      if (!list || list.kind === 'wildcard') bounds = [1, Infinity];
      else if (list.kind === 'range') bounds = [1, 1];
      else {
        const cached = memo.get(list);
        if (cached) bounds = cached;
        else {
          let lo = Infinity;
          let hi = 0;
          for (const value of list.values) {
            const [l, h] = lengthBounds(value.node, lists, analysis);
            lo = Math.min(lo, l);
            hi = Math.max(hi, h);
          }
          bounds = [list.values.length === 0 ? 0 : lo, hi];
          memo.set(list, bounds);
        }
      }
      break;
    }
  }
  memo.set(node, bounds);
  return bounds;
}

/** What every match of `node` needs, as "at least one of these tokens" sets: (turn|switch) {state} lights
 *  needs one of {turn, switch}, one of {on, off, out} and {lights}. A cheap filter before matching. */
export function requiredAnyOf(node: Node, lists?: ListLookup, analysis: AnalysisMemo = newAnalysisMemo()): Set<string>[] {
  const memo = analysis.required;
  const known = memo.get(node);
  if (known) return known;
  let required: Set<string>[];
  switch (node.t) {
    case 'tok':
      required = [new Set([node.value])];
      break;
    case 'seq':
      required = node.items.flatMap((item) => requiredAnyOf(item, lists, analysis));
      break;
    case 'alt':
      required = node.optional ? [] : anyOfOptions(node.options.map((o) => requiredAnyOf(o, lists, analysis)));
      break;
    case 'slot': {
      const list = lists?.(node.list);
      if (!list || list.kind !== 'values') required = [];
      else {
        const cached = memo.get(list);
        required = cached ?? anyOfOptions(list.values.map((v) => requiredAnyOf(v.node, lists, analysis)));
        memo.set(list, required);
      }
      break;
    }
  }
  memo.set(node, required);
  return required;
}

/** One constraint for a choice: each option must bring a token; the union of each one's smallest set. */
function anyOfOptions(options: Set<string>[][]): Set<string>[] {
  if (options.length === 0 || options.some((o) => o.length === 0)) return [];
  const union = new Set<string>();
  for (const option of options) {
    const smallest = option.reduce((a, b) => (b.size < a.size ? b : a));
    for (const t of smallest) union.add(t);
    // A choice among this many words filters almost nothing: not worth its memory.
    if (union.size > MAX_ANY_OF) return [];
  }
  return [union];
}

const MAX_ANY_OF = 48;
