// A first language guess for text that arrives without one. Script decides Chinese; a few very common
// Indonesian function words decide Indonesian; English otherwise.
import type { Lang } from '../../common/contract.js';
import { hasHan, normalize } from './normalize.js';

const INDONESIAN = new Set([
  'yang', 'dan', 'di', 'ke', 'dari', 'saya', 'aku', 'kamu', 'tolong', 'nyalakan', 'matikan', 'lampu', 'tidak', 'nggak',
  'gak', 'ini', 'itu', 'ya', 'dong', 'deh', 'nih', 'mau', 'bisa', 'sudah', 'belum', 'ada', 'apa', 'berapa', 'putar',
  'kirim', 'pesan', 'telepon', 'buka', 'tutup', 'jalan', 'arahkan', 'cari', 'terdekat', 'suhu', 'dingin', 'panas',
]);

export function guessLanguage(text: string): Lang {
  if (hasHan(text)) return 'zh';
  const words = normalize(text).split(' ');
  const hits = words.filter((w) => INDONESIAN.has(w)).length;
  return hits > 0 && hits * 4 >= words.length ? 'id' : 'en';
}
