// Text normalization shared by templates and the classifier: the same rules for what the driver said
// and for what the sentence files say, so both sides meet in the middle.
import type { Lang } from '../../common/contract.js';
import { numbersToDigits } from './numbers.js';

const HAN = /\p{Script=Han}/u;

/** Lowercase, full-width → ASCII (NFKC), curly quotes straightened, punctuation dropped, spaces collapsed.
 *  Keeps apostrophes inside words ("it's") and decimal points inside numbers ("22.5"; a private-use
 *  character holds the point while punctuation is dropped). */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/(\d)[.,](\d)/g, '$1\uE000$2')
    .replace(/[^\p{L}\p{N}\p{M}'\uE000%°]+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .replace(/\uE000/g, '.')
    // "50%", "22°c" and "22℃" (NFKC: °c) are a number and a unit, as the templates write them.
    .replace(/(\d)(?=[%°])/g, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** normalize(), then number words to digits in `lang`: what templates and classifier see. */
export function normalizeFor(text: string, lang: Lang): string {
  return numbersToDigits(normalize(text), lang);
}

/** Splits normalized text into tokens: each Han character is a token (Chinese has no spaces),
 *  other runs of non-space characters are words. Mixed text ("打开 ac") works too. */
export function tokenize(normalized: string): string[] {
  const tokens: string[] = [];
  for (const word of normalized.split(' ')) {
    if (!word) continue;
    if (!HAN.test(word)) {
      tokens.push(word);
      continue;
    }
    let run = '';
    for (const ch of word) {
      if (HAN.test(ch)) {
        if (run) tokens.push(run);
        run = '';
        tokens.push(ch);
      } else run += ch;
    }
    if (run) tokens.push(run);
  }
  return tokens;
}

/** Joins tokens back into text: a space between two words, none next to a Han character. */
export function joinTokens(tokens: readonly string[]): string {
  let out = '';
  for (const token of tokens) {
    const last = out.slice(-1);
    out += out && !HAN.test(last) && !HAN.test(token[0] ?? '') ? ` ${token}` : token;
  }
  return out;
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}
