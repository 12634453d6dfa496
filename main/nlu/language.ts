// Language detection for text that arrives without a language. The script decides Chinese; English and
// Indonesian are told apart by character n-gram models trained on our own expanded sentences (in-domain:
// "putar musik jazz", "navigate to jalan sudirman"), with a few very common Indonesian words as the
// fallback before the models are trained.
import type { Lang } from '../../common/contract.js';
import { hasHan, normalize } from './normalize.js';

export interface SerializedLanguageModel {
  counts: Record<string, number>;
  total: number;
  types: number;
}

const ORDERS = [1, 2, 3, 4];

function grams(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    if (!word) continue;
    const s = ` ${word} `;
    for (const n of ORDERS) for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
  }
  return out;
}

/** A smoothed character n-gram model: log P(text) as a sum over its n-grams. */
export class CharNgramLanguageModel {
  constructor(private readonly data: SerializedLanguageModel) {}

  static train(texts: readonly string[]): CharNgramLanguageModel {
    const counts: Record<string, number> = {};
    let total = 0;
    for (const text of texts) {
      for (const g of grams(text)) {
        counts[g] = (counts[g] ?? 0) + 1;
        total++;
      }
    }
    return new CharNgramLanguageModel({ counts, total, types: Object.keys(counts).length });
  }

  logProb(text: string): number {
    const { counts, total, types } = this.data;
    let sum = 0;
    for (const g of grams(text)) sum += Math.log(((counts[g] ?? 0) + 0.1) / (total + 0.1 * (types + 1)));
    return sum;
  }

  serialize(): SerializedLanguageModel {
    return this.data;
  }
}

const INDONESIAN = new Set([
  'yang', 'dan', 'di', 'ke', 'dari', 'saya', 'aku', 'kamu', 'tolong', 'nyalakan', 'matikan', 'lampu', 'tidak', 'nggak',
  'gak', 'ini', 'itu', 'ya', 'dong', 'deh', 'nih', 'mau', 'bisa', 'sudah', 'belum', 'ada', 'apa', 'berapa', 'putar',
  'kirim', 'pesan', 'telepon', 'buka', 'tutup', 'jalan', 'arahkan', 'cari', 'terdekat', 'suhu', 'dingin', 'panas',
]);

export interface LatinModels {
  en: CharNgramLanguageModel;
  id: CharNgramLanguageModel;
}

export function guessLanguage(text: string, latin?: LatinModels): Lang {
  if (hasHan(text)) return 'zh';
  const normalized = normalize(text);
  if (latin && normalized) return latin.id.logProb(normalized) > latin.en.logProb(normalized) ? 'id' : 'en';
  const words = normalized.split(' ');
  const hits = words.filter((w) => INDONESIAN.has(w)).length;
  return hits > 0 && hits * 4 >= words.length ? 'id' : 'en';
}
