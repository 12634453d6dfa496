// Expands templates into sentences: a count of everything a template can say, and random samples of it
// (slots filled from example values) to train the classifier on.
import type { Slots } from '../../common/contract.js';
import { joinTokens, normalize, tokenize } from './normalize.js';
import type { Node, SlotList } from './template.js';

export type ListLookup = (name: string) => SlotList | undefined;

/** How many distinct token sequences `node` can produce; value lists count their variants, a range or a
 *  wildcard counts once (as a placeholder). Capped so a pathological template cannot overflow. */
export function countExpansions(node: Node, lists: ListLookup, cap = 1e9): number {
  const count = (n: Node): number => {
    switch (n.t) {
      case 'tok':
        return 1;
      case 'seq':
        return Math.min(cap, n.items.reduce((acc, item) => acc * count(item), 1));
      case 'alt':
        return Math.min(cap, n.options.reduce((acc, o) => acc + count(o), n.optional ? 1 : 0));
      case 'slot': {
        const list = lists(n.list);
        if (!list || list.kind !== 'values') return 1;
        return Math.min(cap, list.values.reduce((acc, v) => acc + count(v.node), 0));
      }
    }
  };
  return count(node);
}

/** A small deterministic PRNG (mulberry32): the same seed trains the same model. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sample {
  text: string;
  slots: Slots;
}

/** One random sentence from `node`, with the slot values it used. Wildcards draw from `fillers`. */
export function sampleSentence(node: Node, lists: ListLookup, fillers: (list: string) => readonly string[], random: () => number): Sample {
  const tokens: string[] = [];
  const slots: Slots = {};
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const walk = (n: Node): void => {
    switch (n.t) {
      case 'tok':
        tokens.push(n.value);
        return;
      case 'seq':
        n.items.forEach(walk);
        return;
      case 'alt':
        // An optional part is left out half the time, whatever the number of its options.
        if (n.optional && random() < 0.5) return;
        if (n.options.length > 0) walk(pick(n.options));
        return;
      case 'slot': {
        const list = lists(n.list);
        if (!list) return;
        if (list.kind === 'values') {
          const value = pick(list.values);
          walk(value.node);
          slots[n.name] = value.out;
        } else if (list.kind === 'range') {
          const steps = Math.floor((list.to - list.from) / list.step);
          const value = list.from + Math.floor(random() * (steps + 1)) * list.step;
          tokens.push(String(value));
          slots[n.name] = value;
        } else {
          const pool = fillers(n.list);
          const value = tokenize(normalize(pool.length > 0 ? pick(pool) : 'something'));
          tokens.push(...value);
          slots[n.name] = joinTokens(value);
        }
        return;
      }
    }
  };
  walk(node);
  return { text: joinTokens(tokens), slots };
}
