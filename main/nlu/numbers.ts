// Numbers in words → digits, per language, on normalized text: "twenty two" → 22, "dua puluh dua koma
// lima" → 22.5, "二十二度" → 22度, "百分之五十" → 50%. Only cardinals: "a", "second", "一下" stay words,
// and runs of single digits stay separate ("one two three" → "1 2 3", as phone numbers are spoken).
import type { Lang } from '../../common/contract.js';

// ---- English and Indonesian: token based ----
interface WordNumbers {
  units: Record<string, number>; // 0..9
  teens: Record<string, number>; // 10..19 said as one word
  tens: Record<string, number>; // 20, 30, … said as one word
  /** "X puluh" (×10) and "X belas" (+10) in Indonesian. */
  tensSuffix?: string;
  teenSuffix?: string;
  hundred: string[];
  hundredPrefix?: Record<string, number>; // "seratus" = 100
  thousand: string[];
  thousandPrefix?: Record<string, number>; // "seribu" = 1000
  point: string[];
  half: Record<string, number>; // "and a half", "setengah"
  joiners: string[]; // "and" inside "one hundred and five"
}

const EN: WordNumbers = {
  units: { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 },
  teens: { ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19 },
  tens: { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 },
  hundred: ['hundred'],
  thousand: ['thousand'],
  point: ['point'],
  half: {},
  joiners: ['and'],
};

const ID: WordNumbers = {
  units: { nol: 0, kosong: 0, satu: 1, dua: 2, tiga: 3, empat: 4, lima: 5, enam: 6, tujuh: 7, delapan: 8, sembilan: 9 },
  teens: { sepuluh: 10, sebelas: 11 },
  tens: {},
  tensSuffix: 'puluh',
  teenSuffix: 'belas',
  hundred: ['ratus'],
  hundredPrefix: { seratus: 100 },
  thousand: ['ribu'],
  thousandPrefix: { seribu: 1000 },
  point: ['koma'],
  half: { setengah: 0.5 },
  joiners: [],
};

/** Parses the longest cardinal starting at tokens[i]; returns the value and the tokens used. */
function readCardinal(tokens: string[], i: number, w: WordNumbers): { value: number; used: number } | null {
  let total = 0;
  let current = 0;
  let used = 0;
  let last: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'thousand' = 'none';
  let j = i;
  for (; j < tokens.length; j++) {
    const t = tokens[j] as string;
    const next = tokens[j + 1];
    if (t in w.units && (w.tensSuffix && next === w.tensSuffix)) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += (w.units[t] as number) * 10;
      j++;
      last = 'tens';
    } else if (t in w.units && w.teenSuffix && next === w.teenSuffix) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += (w.units[t] as number) + 10;
      j++;
      last = 'teen';
    } else if (t in w.units && next !== undefined && w.hundred.includes(next)) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += (w.units[t] as number) * 100;
      j++;
      last = 'hundred';
    } else if (t in w.units) {
      // "one two" is two numbers (phone digits); "twenty two" and "hundred two" are one.
      if (last === 'unit' || last === 'teen') break;
      current += w.units[t] as number;
      last = 'unit';
    } else if (t in w.teens) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += w.teens[t] as number;
      last = 'teen';
    } else if (t in w.tens) {
      if (last === 'unit' || last === 'teen' || last === 'tens') break;
      current += w.tens[t] as number;
      last = 'tens';
    } else if (w.hundredPrefix && t in w.hundredPrefix) {
      if (last !== 'none' && last !== 'thousand') break;
      current += w.hundredPrefix[t] as number;
      last = 'hundred';
    } else if (w.hundred.includes(t) && (last === 'unit' || last === 'teen' || last === 'tens')) {
      current *= 100;
      last = 'hundred';
    } else if (w.thousandPrefix && t in w.thousandPrefix) {
      if (last !== 'none') break;
      total += w.thousandPrefix[t] as number;
      last = 'thousand';
    } else if (w.thousand.includes(t) && last !== 'none' && last !== 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
      last = 'thousand';
    } else if (w.joiners.includes(t) && (last === 'hundred' || last === 'thousand') && next !== undefined && (next in w.units || next in w.teens || next in w.tens)) {
      continue;
    } else break;
    used = j - i + 1;
  }
  if (used === 0) return null;
  return { value: total + current, used };
}

function wordsToDigits(text: string, w: WordNumbers): string {
  const tokens = text.split(' ');
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as string;
    if (token in w.half) {
      out.push(String(w.half[token]));
      i++;
      continue;
    }
    const cardinal = readCardinal(tokens, i, w);
    if (!cardinal) {
      out.push(token);
      i++;
      continue;
    }
    let value = String(cardinal.value);
    i += cardinal.used;
    // "twenty two point five", "dua puluh dua koma lima": digits after the point, one by one.
    if (w.point.includes(tokens[i] ?? '')) {
      let decimals = '';
      let k = i + 1;
      while (k < tokens.length && ((tokens[k] as string) in w.units || /^\d$/.test(tokens[k] as string))) {
        decimals += (tokens[k] as string) in w.units ? String(w.units[tokens[k] as string]) : tokens[k];
        k++;
      }
      if (decimals) {
        value += `.${decimals}`;
        i = k;
      }
    }
    // "twenty two and a half" / "dua puluh dua setengah"
    if (tokens[i] === 'and' && tokens[i + 1] === 'a' && tokens[i + 2] === 'half') {
      value = String(Number(value) + 0.5);
      i += 3;
    } else if (tokens[i] !== undefined && (tokens[i] as string) in w.half) {
      value = String(Number(value) + (w.half[tokens[i] as string] as number));
      i++;
    }
    out.push(value);
  }
  return out.join(' ');
}

// ---- Chinese: character based ----
const ZH_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };
const ZH_NUMERAL = '[零〇一二两三四五六七八九十百千万]';

/** 二十二 → 22, 十八 → 18, 一百零五 → 105, 两千 → 2000; null when it is not a well-formed number. */
export function parseChineseInteger(text: string): number | null {
  if (!text) return null;
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in ZH_DIGITS) {
      digit = ZH_DIGITS[ch] as number;
    } else if (ch in ZH_UNITS) {
      const unit = ZH_UNITS[ch] as number;
      if (unit === 10000) {
        total = (total + section + (digit ?? 0)) * 10000;
        section = 0;
      } else section += (digit ?? (unit === 10 ? 1 : 0)) * unit;
      digit = null;
    } else return null;
  }
  return total + section + (digit ?? 0);
}

/** A run of bare digits said one by one ("一二三") is a digit string, not a value. */
function chineseRun(run: string): string | null {
  if (!/[十百千万]/.test(run) && run.length > 1) return [...run].map((c) => String(ZH_DIGITS[c] ?? '')).join('');
  const value = parseChineseInteger(run);
  return value === null ? null : String(value);
}

function chineseToDigits(text: string): string {
  let out = text.replace(new RegExp(`百分之(${ZH_NUMERAL}+|\\d+)`, 'g'), (_, n: string) => `${/\d/.test(n) ? n : (chineseRun(n) ?? n)}%`);
  // Decimals first: 二十二点五 → 22.5 (点 between numerals only, so 一点 "a little" stays).
  out = out.replace(new RegExp(`(${ZH_NUMERAL}+)点(${ZH_NUMERAL}+)`, 'g'), (whole, a: string, b: string) => {
    const int = chineseRun(a);
    const frac = [...b].map((c) => ZH_DIGITS[c]).join('');
    return int !== null && !frac.includes('undefined') && /^\d+$/.test(frac) ? `${int}.${frac}` : whole;
  });
  return out.replace(new RegExp(`${ZH_NUMERAL}+`, 'g'), (run: string, offset: number, all: string) => {
    const before = all[offset - 1] ?? '';
    const after = all[offset + run.length] ?? '';
    // A lone numeral is usually a word (一下, 一点, 一首): convert it only next to a unit or a "to".
    if (run.length === 1 && !/[十百千]/.test(run) && !/^[度档级格%]/.test(after) && !/[到为成]/.test(before)) return run;
    // 一些, 一点儿 and friends never got here; 十分 ("very") is a word too.
    if (run === '十' && after === '分' && all[offset + 2] !== '钟') return run;
    return chineseRun(run) ?? run;
  });
}

/** Digits for number words in `lang`. Expects normalize()d text. */
export function numbersToDigits(text: string, lang: Lang): string {
  switch (lang) {
    case 'en':
      return wordsToDigits(text, EN);
    case 'id':
      return wordsToDigits(text, ID);
    case 'zh':
      return chineseToDigits(text);
  }
}
