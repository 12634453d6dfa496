// The geocoder: what follows "navigate to", as a list of places, best first. Streets ("Jalan Ir. H. Juanda",
// "jl juanda", "西土城路"), POIs by name ("Casino de Monte-Carlo", "the casino") or kind ("SPBU", "加油站"),
// addresses, and the driver's own words for saved places ("home", "rumah", "家") and recent destinations.
//
// Text is folded as the index is (storage/media.ts: foldForIndex): case, accents, width and punctuation
// dropped, each Chinese character a token, so a Chinese name is matched as a phrase. Latin words match as
// prefixes, each with its usual abbreviations and long forms ("jl" ↔ "jalan", "ir" ↔ "insinyur", "st" ↔
// "street", "1er" ↔ "premier"). A word that matches nothing is replaced by the index terms within one or
// two edits of it (Levenshtein, fastest-levenshtein); a name that still does not match with every word is
// looked for with any of them, then re-ranked by edit distance. User text never reaches MATCH raw: every
// term is quoted.
//
// Ranking: how well the text matches (the whole name, every word whole, every word as a prefix, corrected),
// then landmarks first, then distance from `near` (a street's distance is to its nearest point, which is
// also the point returned), then the FTS5 rank.
import { distance as levenshtein } from 'fastest-levenshtein';
import type { Lang } from '../../../common/contract.js';
import { haversineMeters } from '../../simulator/geo.js';
import { CATEGORY_WORDS, localName, savedLabel, type MapStore, type Place, type PlaceRow, type PoiCategory } from '../../storage/maps.js';
import { foldForIndex } from '../../storage/media.js';

export interface SearchPlacesOptions {
  near?: { lat: number; lon: number };
  /** Names are given in this language where the data has it (name:en, name:id, name:zh). */
  lang?: Lang;
  /** At most this many places (default 10). */
  limit?: number;
}

const MAX_QUERY_CHARS = 200;
const MAX_WORDS = 10;
const CANDIDATES = 300;
/** A place found by its kind alone ("SPBU", "casino") is only an answer this near. */
const KIND_RADIUS_M = 50_000;
/** Two results with the same name this close are one place (a dual carriageway, overlapping extracts). */
const SAME_PLACE_M = 300;

// Words around a destination, per language: dropped at the ends of what was said when something is left.
const LATIN_FILLERS = new Set([
  // en
  'navigate',
  'to',
  'go',
  'drive',
  'take',
  'me',
  'please',
  'the',
  'a',
  'an',
  'route',
  'directions',
  // id
  'ke',
  'tolong',
  'antar',
  'antarkan',
  'pergi',
  'navigasi',
  'arahkan',
  'menuju',
  'dong',
]);
const ZH_PREFIXES = ['导航到', '导航去', '带我去', '我要去', '我想去', '开车去', '开到', '前往', '导航', '去', '到', '请'];
const ZH_SUFFIXES = ['吧', '去'];

/** Words that mean the same in street and place names: abbreviations and long forms, both ways. */
const EQUIVALENTS: readonly (readonly string[])[] = [
  ['jalan', 'jl', 'jln'],
  ['gang', 'gg'],
  ['street', 'st', 'str'],
  ['saint', 'st', 'ste'],
  ['avenue', 'ave', 'av'],
  ['boulevard', 'blvd', 'bd', 'bvd', 'boul'],
  ['road', 'rd'],
  ['drive', 'dr'],
  ['dokter', 'dr'],
  ['doktor', 'dr'],
  ['insinyur', 'ir'],
  ['haji', 'h'],
  ['hajjah', 'hj'],
  ['profesor', 'prof'],
  ['jenderal', 'jend', 'jendral'],
  ['kolonel', 'kol'],
  ['raden', 'r'],
  ['komplek', 'kompleks', 'komp'],
  ['perumahan', 'perum'],
  ['premier', '1er', 'ier'],
  ['lane', 'ln'],
  ['place', 'pl'],
  ['square', 'sq'],
  ['highway', 'hwy'],
  ['mount', 'mt'],
];
const ALTERNATIVES = new Map<string, Set<string>>();
for (const group of EQUIVALENTS) {
  for (const word of group) {
    const set = ALTERNATIVES.get(word) ?? new Set([word]);
    for (const other of group) set.add(other);
    ALTERNATIVES.set(word, set);
  }
}
/** One spelling per set of equivalents, to compare names: "jl" and "jalan" are the same word. */
const CANONICAL = new Map<string, string>();
for (const group of EQUIVALENTS) for (const word of group) if (!CANONICAL.has(word)) CANONICAL.set(word, group[0] as string);

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** An FTS5 string: double quotes around, inner ones doubled. Everything inside is a token, never syntax. */
const quote = (text: string): string => `"${text.replaceAll('"', '""')}"`;

interface Word {
  /** A Latin word, or a run of CJK characters (matched as a phrase). */
  text: string;
  cjk: boolean;
  /** What to match it with; replaced by index terms when it is corrected. */
  alternatives: string[];
  prefix: boolean;
}

/** The words of what was said: Latin words, and each run of CJK characters as one word. */
function words(query: string): Word[] {
  const tokens = foldForIndex(query.slice(0, MAX_QUERY_CHARS)).split(' ').filter(Boolean);
  const out: Word[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (CJK.test(token)) {
      if (last?.cjk) last.text += token;
      else out.push({ text: token, cjk: true, alternatives: [], prefix: false });
    } else {
      out.push({ text: token, cjk: false, alternatives: [], prefix: true });
    }
  }
  return out.slice(0, MAX_WORDS);
}

/** Drops filler words at both ends ("navigate to the …", "去…吧") while something is left. */
function stripFillers(list: Word[]): Word[] {
  let ws = list.slice();
  while (ws.length > 1 && !ws[0]?.cjk && LATIN_FILLERS.has(ws[0]?.text ?? '')) ws = ws.slice(1);
  while (ws.length > 1 && !ws[ws.length - 1]?.cjk && LATIN_FILLERS.has(ws[ws.length - 1]?.text ?? '')) ws = ws.slice(0, -1);
  return ws.map((w) => {
    if (!w.cjk) return w;
    let text = w.text;
    for (let changed = true; changed; ) {
      changed = false;
      for (const prefix of ZH_PREFIXES) {
        if (text.startsWith(prefix) && text.length - prefix.length >= 2) {
          text = text.slice(prefix.length);
          changed = true;
        }
      }
      for (const suffix of ZH_SUFFIXES) {
        if (text.endsWith(suffix) && text.length - suffix.length >= 2) {
          text = text.slice(0, -suffix.length);
          changed = true;
        }
      }
    }
    return { ...w, text };
  });
}

function withAlternatives(w: Word): Word {
  if (w.cjk) return { ...w, alternatives: [w.text] };
  return { ...w, alternatives: [...(ALTERNATIVES.get(w.text) ?? [w.text])] };
}

function group(w: Word): string {
  if (w.cjk) return quote(foldForIndex(w.text));
  // A prefix of one letter would match half the index: single letters match only themselves.
  const terms = w.alternatives.map((a) => (w.prefix && a.length >= 2 ? `${quote(a)}*` : quote(a)));
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
}

const canonical = (token: string): string => CANONICAL.get(token) ?? token;

/** A name as compared: folded, abbreviations to one spelling, CJK characters joined again. */
function comparable(text: string): string[] {
  const out: string[] = [];
  for (const token of foldForIndex(text).split(' ').filter(Boolean)) {
    if (CJK.test(token) && out.length > 0 && CJK.test(out[out.length - 1] as string)) out[out.length - 1] += token;
    else out.push(canonical(token));
  }
  return out;
}

interface Candidate {
  place: Place;
  /** 0: the whole name, or the kind of place ("SPBU", "casino"); 1: every word whole; 2: prefixes; 3: corrected. */
  tier: number;
  /** Edit distance of the best name to what was said, relative to its length (0 = the same). */
  edits: number;
  importance: number;
  rank: number;
  order: number;
}

/** The kind of place a row is, as said: its tag value ("casino", "fast food") and its category's words
 *  in every language ("fuel", "spbu", "加油站"), each in comparable form. */
function kindsOf(row: PlaceRow): Set<string> {
  const kinds = new Set<string>();
  if (row.type !== null) kinds.add(comparable((row.type.split('=')[1] ?? '').replaceAll('_', ' ')).join(' '));
  if (row.category !== null) for (const word of CATEGORY_WORDS[row.category]) kinds.add(comparable(word).join(' '));
  kinds.delete('');
  return kinds;
}

function textTier(query: Word[], row: PlaceRow): { tier: number; edits: number; kind: boolean } {
  const q = query.map((w) => (w.cjk ? w.text : canonical(w.text)));
  const qText = q.join(' ');
  const names = [row.name, row.name_en, row.name_id, row.name_zh, row.ref].filter((n): n is string => n !== null && n !== '');
  let tier = 2;
  let edits = 1;
  for (const name of names) {
    const tokens = comparable(name);
    const text = tokens.join(' ');
    edits = Math.min(edits, levenshtein(qText, text) / Math.max(qText.length, text.length, 1));
    if (text === qText) tier = 0;
    else if (q.every((t) => (CJK.test(t) ? tokens.some((n) => n.includes(t)) : tokens.includes(t)))) tier = Math.min(tier, 1);
  }
  // What was said is the kind of place ("the casino" for amenity=casino, "SPBU" for a fuel station): as good
  // as its name; landmarks first, then the nearest.
  const kind = kindsOf(row).has(qText);
  if (kind) tier = 0;
  return { tier, edits, kind };
}

export class Geocoder {
  constructor(private readonly store: MapStore) {}

  /** Places for what follows "navigate to", best first; [] when nothing fits. */
  searchPlaces(query: string, options: SearchPlacesOptions = {}): Place[] {
    const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 10), 100));
    const near = options.near && Number.isFinite(options.near.lat) && Number.isFinite(options.near.lon) ? options.near : undefined;
    const all = words(query);
    if (all.length === 0) return [];
    const said = stripFillers(all);
    const results: Candidate[] = [];
    let order = 0;
    const add = (place: Place, tier: number, edits: number, importance: number, rank: number): void => {
      results.push({ place, tier, edits, importance, rank, order: order++ });
    };

    // A saved place by its label: "home", "rumah", "家", "take me home".
    for (const text of [all, said].map((ws) => ws.map((w) => w.text).join(' '))) {
      const saved = this.store.savedPlace(savedLabel(text));
      if (saved) {
        return [this.withDistance(saved, near)];
      }
    }

    // Recent destinations whose name has every word said.
    const q = said.map((w) => (w.cjk ? w.text : canonical(w.text)));
    for (const recent of this.store.recentDestinations(50)) {
      const tokens = comparable(recent.name);
      const text = tokens.join(' ');
      const hit = q.every((t) => (CJK.test(t) ? text.includes(t) : tokens.some((n) => n.startsWith(t))));
      if (!hit) continue;
      const whole = text === q.join(' ');
      add(this.withDistance(recent, near), whole ? 0 : 1, 0, 1, -Infinity);
    }

    // The map: every word, then corrected words, then any word.
    let ws = said.map(withAlternatives);
    let fuzzy = false;
    let rows = this.store.match(ws.map(group).join(' AND '), CANDIDATES);
    if (rows.length === 0) {
      const corrected = this.correct(ws);
      if (corrected.length > 0) {
        fuzzy = true;
        ws = corrected;
        rows = this.store.match(ws.map(group).join(' AND '), CANDIDATES);
        if (rows.length === 0 && ws.length > 1) rows = this.store.match(ws.map(group).join(' OR '), CANDIDATES);
      }
    }
    for (const row of rows) {
      const { tier, edits, kind } = textTier(said, row);
      if (fuzzy && edits > 0.5) continue;
      const place = this.toPlace(row, near, options.lang);
      // "SPBU" means one nearby, not the nearest in another country's map.
      if (kind && (place.distanceM ?? 0) > KIND_RADIUS_M) continue;
      add(place, fuzzy ? 3 : tier, edits, row.importance, row.rank);
    }

    results.sort(
      (a, b) =>
        a.tier - b.tier ||
        (a.tier >= 2 ? a.edits - b.edits : 0) ||
        b.importance - a.importance ||
        (a.place.distanceM ?? 0) - (b.place.distanceM ?? 0) ||
        a.rank - b.rank ||
        a.order - b.order,
    );
    // One result per place: the same name of the same kind within about 100 m (overlapping extracts, a recent
    // destination that is also on the map).
    const out: Place[] = [];
    for (const { place } of results) {
      const name = foldForIndex(place.name);
      const street = place.kind === 'street';
      const same = out.some(
        (p) => (p.kind === 'street') === street && foldForIndex(p.name) === name && haversineMeters([p.lat, p.lon], [place.lat, place.lon]) < SAME_PLACE_M,
      );
      if (same) continue;
      out.push(place);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The words with each one that matches nothing replaced by the index terms nearest it; [] when no word
   *  could be matched at all. Words that stay unmatched are dropped. */
  private correct(ws: Word[]): Word[] {
    const out: Word[] = [];
    for (const w of ws) {
      if (this.store.matches(group(w))) {
        out.push(w);
        continue;
      }
      if (w.cjk || w.text.length < 3) continue;
      const max = w.text.length <= 4 ? 1 : 2;
      const first = w.text[0] as string;
      const next = String.fromCodePoint((first.codePointAt(0) as number) + 1);
      let best: { term: string; d: number; doc: number }[] = [];
      for (const { term, doc } of this.store.terms(first, next, 200_000)) {
        if (Math.abs(term.length - w.text.length) > max) continue;
        const d = levenshtein(w.text, term);
        if (d <= max) best.push({ term, d, doc });
      }
      best = best.sort((a, b) => a.d - b.d || b.doc - a.doc).slice(0, 8);
      if (best.length > 0) out.push({ ...w, alternatives: best.map((b) => b.term), prefix: false });
    }
    return out;
  }

  private withDistance(place: Place, near: { lat: number; lon: number } | undefined): Place {
    return near ? { ...place, distanceM: Math.round(haversineMeters([near.lat, near.lon], [place.lat, place.lon])) } : place;
  }

  private toPlace(row: PlaceRow, near: { lat: number; lon: number } | undefined, lang: Lang | undefined): Place {
    let lat = row.lat;
    let lon = row.lon;
    let edge: number | undefined;
    if (row.kind === 'street') {
      // The point of the street nearest `near`, or its middle (stored at import).
      const target = near ?? { lat: row.lat, lon: row.lon };
      let best = Infinity;
      let bestEdge = -1;
      for (const e of this.store.streetEdges(row.id)) {
        for (let i = 0; i < e.lat.length; i++) {
          const d = haversineMeters([target.lat, target.lon], [e.lat[i] as number, e.lon[i] as number]);
          if (d < best) {
            best = d;
            lat = e.lat[i] as number;
            lon = e.lon[i] as number;
            bestEdge = e.id;
          }
        }
      }
      if (bestEdge >= 0) {
        const index = this.store.graphEdgeIndex(bestEdge);
        if (index >= 0) edge = index;
      }
    }
    const address = [row.street, row.housenumber].filter((x): x is string => x !== null).join(' ');
    return {
      kind: row.kind,
      name: localName(row, lang),
      lat,
      lon,
      ...(near ? { distanceM: Math.round(haversineMeters([near.lat, near.lon], [lat, lon])) } : {}),
      ...(row.category !== null ? { category: row.category as PoiCategory } : {}),
      ...(edge !== undefined ? { edge } : {}),
      id: row.id,
      ...(row.type !== null ? { type: row.type } : {}),
      ...(address !== '' && row.kind !== 'address' ? { address } : {}),
    };
  }
}

/** Places for what follows "navigate to" (see Geocoder). */
export function searchPlaces(store: MapStore, query: string, options: SearchPlacesOptions = {}): Place[] {
  return new Geocoder(store).searchPlaces(query, options);
}
