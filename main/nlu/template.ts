// Sentence templates in the manner of hassil: (a|b) alternatives, [x] optional parts, {slot} lists,
// number ranges and wildcards, <rule> expansion rules. Templates compile once to a small tree that is
// matched token by token with backtracking; Chinese is matched per character (see normalize.tokenize).
import type { Lang } from '../../common/contract.js';
import { joinTokens, normalize, normalizeFor, tokenize } from './normalize.js';

export type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[]; optional: boolean }
  | { t: 'tok'; value: string }
  /** {list} fills the slot named like the list; {list:slot} fills another name from the same list. */
  | { t: 'slot'; list: string; name: string };

export type SlotList =
  | { kind: 'values'; values: { node: Node; out: string | number }[] }
  | { kind: 'range'; from: number; to: number; step: number }
  | { kind: 'wildcard' };

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

/** Parses a template; <rule> references are expanded through `rules` (already-parsed trees). Literal text
 *  is normalized like the driver's words, numbers included when `lang` is given. */
export function parseTemplate(source: string, rules: ReadonlyMap<string, Node> = new Map(), lang?: Lang): Node {
  let pos = 0;

  function fail(message: string): never {
    throw new TemplateSyntaxError(`${message} at ${pos} in "${source}"`);
  }

  function words(text: string): Node[] {
    return tokenize(lang ? normalizeFor(text, lang) : normalize(text)).map((value) => ({ t: 'tok', value }));
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
    return { t: 'alt', options, optional };
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

/** Yields every way `node` can consume tokens from `state.pos` on. */
export function* matchNode(node: Node, tokens: readonly string[], state: MatchState, lists: ListLookup): Generator<MatchState> {
  switch (node.t) {
    case 'tok':
      if (tokens[state.pos] === node.value) yield { ...state, pos: state.pos + 1 };
      return;
    case 'seq':
      yield* matchSeq(node.items, 0, tokens, state, lists);
      return;
    case 'alt':
      for (const option of node.options) yield* matchNode(option, tokens, state, lists);
      if (node.optional) yield state;
      return;
    case 'slot': {
      const list = lists(node.list);
      if (!list) throw new TemplateSyntaxError(`unknown list {${node.list}}`);
      yield* matchSlot(node.name, list, tokens, state, lists);
      return;
    }
  }
}

function* matchSeq(items: Node[], index: number, tokens: readonly string[], state: MatchState, lists: ListLookup): Generator<MatchState> {
  const item = items[index];
  if (!item) {
    yield state;
    return;
  }
  for (const next of matchNode(item, tokens, state, lists)) yield* matchSeq(items, index + 1, tokens, next, lists);
}

function* matchSlot(name: string, list: SlotList, tokens: readonly string[], state: MatchState, lists: ListLookup): Generator<MatchState> {
  switch (list.kind) {
    case 'values':
      for (const value of list.values) {
        for (const end of matchNode(value.node, tokens, { ...state, slots: {} }, lists)) {
          if (end.pos > state.pos) yield { ...state, pos: end.pos, wild: state.wild + end.wild, slots: { ...state.slots, [name]: value.out } };
        }
      }
      return;
    case 'range': {
      const token = tokens[state.pos];
      if (token === undefined || !NUMBER.test(token)) return;
      const value = Number(token);
      if (value >= list.from && value <= list.to && Number.isInteger((value - list.from) / list.step)) {
        yield { ...state, pos: state.pos + 1, slots: { ...state.slots, [name]: value } };
      }
      return;
    }
    case 'wildcard':
      // Shortest first, so literal words after the wildcard get their chance to match.
      for (let end = state.pos + 1; end <= tokens.length; end++) {
        const text = joinTokens(tokens.slice(state.pos, end));
        yield { pos: end, wild: state.wild + (end - state.pos), slots: { ...state.slots, [name]: text } };
      }
      return;
  }
}

/** The best full match of `tokens` against `node`: all tokens consumed, fewest taken by wildcards. */
export function matchAll(node: Node, tokens: readonly string[], lists: ListLookup): MatchState | null {
  let best: MatchState | null = null;
  for (const end of matchNode(node, tokens, { pos: 0, slots: {}, wild: 0 }, lists)) {
    if (end.pos !== tokens.length) continue;
    if (!best || end.wild < best.wild) best = end;
    if (best.wild === 0) break;
  }
  return best;
}

/** Tokens every match of `node` must contain: a cheap filter before trying the full match. */
export function requiredTokens(node: Node): Set<string> {
  switch (node.t) {
    case 'tok':
      return new Set([node.value]);
    case 'slot':
      return new Set();
    case 'seq': {
      const out = new Set<string>();
      for (const item of node.items) for (const t of requiredTokens(item)) out.add(t);
      return out;
    }
    case 'alt': {
      if (node.optional || node.options.length === 0) return new Set();
      const [first, ...rest] = node.options.map(requiredTokens);
      return new Set([...(first ?? [])].filter((t) => rest.every((r) => r.has(t))));
    }
  }
}
