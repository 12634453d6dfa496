// The address book, and name resolution: what the driver said (as the recognizer heard it) → ranked contacts.
//
// Resolution scores each contact by the best rule any form of the spoken name meets (0–100):
//   100  the full name ("Sari Wulandari"; titles and spaces aside: "sariwulandari" 97, words swapped 94)
//    92  the full name or a nickname in pinyin ("wang wei" for 王伟; "wangwei" 89, "wei wang" 88)
//    90  a nickname ("Pak Budi", "Mom", "妈妈", "张总"; spaces aside 87)
//    82  a first name and the family name's initial ("sari w", "s wulandari")
//    80  a first name alone ("sari", "bu sari": titles are dropped)
//    78  a title and the family name ("pak santoso", "dr chen", "王先生")
//    75  a Chinese homophone: other characters, same toneless pinyin ("王威" for 王伟)
//   <70  fuzzy, only when nothing above matched: Levenshtein similarity ≥ 0.75 on the spaceless forms
//        ("budy", "kevin o brian") × 70 (× 0.95 against a first name alone); one wrong character in a
//        Chinese name of three or more, 60
// Only the best tier is returned (≥ 85 exact, 71–84 partial, < 71 fuzzy), so a slip never competes with an
// exact hit. Several contacts on the top score mean "ask which one" ("sari" → both Saris). Ties go to the
// contact whose language is the one spoken, then by name.
import { distance } from 'fastest-levenshtein';
import { pinyin } from 'pinyin-pro';
import * as z from 'zod';
import { Lang } from '../../common/contract.js';
import type { Db } from './db.js';

export type NameKind = 'name' | 'nickname' | 'given' | 'family' | 'pinyin';

export interface ContactNumber {
  /** Digits only, with an optional leading +. */
  number: string;
  label: string | null;
}

export interface Contact {
  id: number;
  name: string;
  lang: Lang | null;
  source: string;
  uid: string | null;
  createdAt: number;
  given: string | null;
  family: string | null;
  nicknames: string[];
  /** Toneless pinyin of the Chinese name and nicknames ("wang wei"), generated at insert or imported. */
  pinyin: string[];
  numbers: ContactNumber[];
}

export type MatchRule = 'name' | 'pinyin' | 'nickname' | 'initial' | 'first-name' | 'family' | 'homophone' | 'fuzzy';

export interface ContactMatch {
  contact: Contact;
  score: number;
  /** The stored name form that matched ("Sari", "wang wei", "Pak Budi"). */
  matched: string;
  rule: MatchRule;
}

/** Digits only, keeping one leading +; undefined when there are no digits. `tel:` URIs and their parameters are accepted. */
export function normalizeNumber(raw: string): string | undefined {
  const value = raw.trim().replace(/^tel:/i, '').split(';')[0] ?? '';
  const digits = value.replace(/\D/g, '');
  if (digits === '') return undefined;
  return value.trimStart().startsWith('+') ? `+${digits}` : digits;
}

const NumberInput = z.union([z.string(), z.object({ number: z.string(), label: z.string().nullish() })]);
const Name = z.string().trim().min(1);

export const NewContact = z.object({
  name: Name,
  given: Name.nullish(),
  family: Name.nullish(),
  nicknames: z.array(Name).default([]),
  /** Phonetic forms beyond the ones generated from Chinese characters (a vCard's X-PHONETIC-*). */
  pinyin: z.array(Name).default([]),
  numbers: z
    .array(NumberInput)
    .default([])
    .refine((numbers) => numbers.every((n) => normalizeNumber(typeof n === 'string' ? n : n.number) !== undefined), 'a phone number needs digits'),
  lang: Lang.nullish(),
  uid: Name.nullish(),
  source: Name.default('manual'),
});
export type NewContact = z.input<typeof NewContact>;

export type UpsertChange = 'created' | 'updated' | 'unchanged';

// ---------------------------------------------------------------------------------------------------------
// Name forms

const HAN = /\p{Script=Han}/u;
const ALL_HAN = /^\p{Script=Han}+$/u;

/** Case, diacritics, punctuation and width folded away; apostrophes join ("O'Brien" → "obrien") as a recognizer writes it. */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`ʼ]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/(\p{Script=Han}) (?=\p{Script=Han})/gu, '$1')
    .trim();
}

/** Toneless pinyin, syllables spaced ("王伟" → "wang wei"); surnames read as surnames (曾 zeng, 单 shan). */
export function toPinyin(text: string): string {
  return foldName(pinyin(text, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' }).join(' '));
}

// Titles are how people are addressed, not part of who they are: "Pak Budi" is Budi. They are dropped only
// when a name follows, so a contact saved as "Ibu" still answers to "ibu".
const TITLES = new Set([
  ...['mr', 'mrs', 'ms', 'miss', 'mister', 'dr', 'doctor', 'prof', 'professor', 'sir', 'madam', 'mx'],
  ...['pak', 'bapak', 'bu', 'ibu', 'mas', 'mbak', 'kak', 'kakak', 'bang', 'abang', 'dik', 'adik', 'dek', 'om', 'tante'],
]);
const ZH_TITLE_SUFFIXES = ['先生', '女士', '小姐', '太太', '老师', '医生', '经理', '总'];
// 老王, 小李: the familiar prefix before a bare surname.
const ZH_TITLE_PREFIXES = ['老', '小'];

function stripTitles(folded: string): { text: string; titled: boolean } {
  if (ALL_HAN.test(folded)) {
    const suffix = ZH_TITLE_SUFFIXES.find((s) => folded.endsWith(s) && folded.length > s.length);
    if (suffix) return { text: folded.slice(0, -suffix.length), titled: true };
    if (folded.length === 2 && ZH_TITLE_PREFIXES.some((p) => folded.startsWith(p))) return { text: folded.slice(1), titled: true };
    return { text: folded, titled: false };
  }
  const words = folded.split(' ');
  let titled = false;
  while (words.length > 1 && TITLES.has(words[0] ?? '')) {
    words.shift();
    titled = true;
  }
  return { text: words.join(' '), titled };
}

/** "my mom", "ibu saya", "我妈妈": the possessive is not part of the name. */
function dropPossessive(folded: string): string {
  return folded.replace(/^my /, '').replace(/ (saya|aku)$/, '').replace(/^我的?(?=\p{Script=Han})/u, '');
}

const joined = (folded: string): string => folded.replaceAll(' ', '');
const sortedWords = (folded: string): string => folded.split(' ').sort().join(' ');

/** Given and family names when the source gave none: the first and last words, or 王|伟 for a Chinese name. */
function splitName(name: string): { given?: string; family?: string } {
  const trimmed = name.trim();
  if (ALL_HAN.test(trimmed)) return trimmed.length >= 2 && trimmed.length <= 4 ? { family: trimmed.slice(0, 1), given: trimmed.slice(1) } : {};
  const words = trimmed.split(/\s+/);
  while (words.length > 1 && TITLES.has(foldName(words[0] ?? ''))) words.shift();
  if (words.length < 2) return {};
  return { given: words[0] ?? '', family: words.at(-1) ?? '' };
}

// ---------------------------------------------------------------------------------------------------------
// Matching

interface Spoken {
  text: string;
  joined: string;
  words: string[];
  /** A title was dropped to get here ("pak santoso" → "santoso"), so a family name alone may match. */
  titled: boolean;
  han: boolean;
  /** For spoken Chinese: its toneless pinyin, spaceless. */
  pinyin?: string;
}

function spokenForms(spoken: string): Spoken[] {
  const out: Spoken[] = [];
  const add = (text: string, titled: boolean): void => {
    if (text === '' || out.some((s) => s.text === text)) return;
    const han = HAN.test(text);
    out.push({ text, joined: joined(text), words: text.split(' '), titled, han, ...(han ? { pinyin: joined(toPinyin(text)) } : {}) });
  };
  const folded = foldName(spoken);
  add(folded, false);
  const plain = dropPossessive(folded);
  add(plain, false);
  const untitled = stripTitles(plain);
  if (untitled.titled) add(untitled.text, true);
  return out;
}

interface NameRow {
  contact_id: number;
  name: string;
  kind: NameKind;
}

interface StoredForm {
  raw: string;
  kind: NameKind;
  folded: string;
  joined: string;
}

interface Candidate {
  score: number;
  matched: string;
  rule: MatchRule;
}

const FUZZY_MIN_SIMILARITY = 0.75;
const FUZZY_MIN_LENGTH = 4;
const TIER_EXACT = 85;
const TIER_PARTIAL = 71;
const MAX_MATCHES = 10;

const tierOf = (score: number): number => (score >= TIER_EXACT ? 0 : score >= TIER_PARTIAL ? 1 : 2);

function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : 1 - distance(a, b) / longest;
}

interface Part {
  raw: string;
  folded: string;
}

/** One contact's name forms, prepared once per resolve for every spoken variant. */
interface Profile {
  forms: StoredForm[];
  fullNames: (StoredForm & { untitled: string })[];
  /** First names: stored given names, else the first word of a Latin full name. */
  firsts: Part[];
  /** Family names, else the later words of a Latin full name. */
  lasts: Part[];
  /** Chinese family names, whose pinyin is worked out only when a title makes a family name alone count ("mr wang"). */
  hanFamilies: Part[];
}

function profileOf(forms: StoredForm[]): Profile {
  const fullNames = forms.filter((f) => f.kind === 'name').map((f) => ({ ...f, untitled: stripTitles(f.folded).text }));
  const latinWords = fullNames.filter((f) => !HAN.test(f.untitled) && f.untitled.includes(' ')).map((f) => ({ raw: f.raw, words: f.untitled.split(' ') }));
  // A one-character Chinese given name (伟) is never said alone to mean the person.
  const firsts = [
    ...forms.filter((f) => f.kind === 'given' && [...f.folded].length >= 2).map((f) => ({ raw: f.raw, folded: f.folded })),
    ...latinWords.map((f) => ({ raw: f.raw, folded: f.words[0] ?? '' })),
  ];
  const families = forms.filter((f) => f.kind === 'family').map((f) => ({ raw: f.raw, folded: f.folded }));
  const lasts = [...families, ...latinWords.flatMap((f) => f.words.slice(1).map((w) => ({ raw: f.raw, folded: w })))];
  return { forms, fullNames, firsts, lasts, hanFamilies: families.filter((f) => HAN.test(f.folded)) };
}

/** The best rule this spoken form meets against one contact's names, or undefined. */
function scoreContact(spoken: Spoken, { forms, fullNames, firsts, lasts, hanFamilies }: Profile): Candidate | undefined {
  let best: Candidate | undefined;
  const offer = (score: number, matched: string, rule: MatchRule): void => {
    if (!best || score > best.score) best = { score, matched, rule };
  };
  for (const f of fullNames) {
    if (spoken.text === f.folded || spoken.text === f.untitled) offer(100, f.raw, 'name');
    else if (spoken.joined === f.joined || spoken.joined === joined(f.untitled)) offer(97, f.raw, 'name');
    else if (spoken.words.length > 1 && sortedWords(spoken.text) === sortedWords(f.untitled)) offer(94, f.raw, 'name');
  }
  for (const f of forms) {
    if (f.kind === 'pinyin') {
      if (spoken.text === f.folded) offer(92, f.raw, 'pinyin');
      else if (spoken.joined === f.joined) offer(89, f.raw, 'pinyin');
      else if (spoken.words.length > 1 && sortedWords(spoken.text) === sortedWords(f.folded)) offer(88, f.raw, 'pinyin');
    } else if (f.kind === 'nickname') {
      if (spoken.text === f.folded) offer(90, f.raw, 'nickname');
      else if (spoken.joined === f.joined) offer(87, f.raw, 'nickname');
    }
  }
  const [w1, w2, ...more] = spoken.words;
  if (w1 !== undefined && w2 !== undefined && more.length === 0 && !spoken.han) {
    // "sari w" or "s wulandari": one part whole, the other by its initial.
    if (w2.length === 1 && firsts.some((f) => f.folded === w1) && lasts.some((l) => l.folded.startsWith(w2))) {
      offer(82, firsts.find((f) => f.folded === w1)?.raw ?? '', 'initial');
    }
    if (w1.length === 1 && lasts.some((l) => l.folded === w2) && firsts.some((f) => f.folded.startsWith(w1))) {
      offer(82, lasts.find((l) => l.folded === w2)?.raw ?? '', 'initial');
    }
  }
  const first = firsts.find((f) => f.folded === spoken.text);
  if (first) offer(80, first.raw, 'first-name');
  if (spoken.titled) {
    const last = lasts.find((l) => l.folded === spoken.text) ?? (spoken.han ? undefined : hanFamilies.find((f) => toPinyin(f.folded) === spoken.text));
    if (last) offer(78, last.raw, 'family');
  }
  if (spoken.pinyin !== undefined) {
    const homophone = forms.find((f) => f.kind !== 'given' && f.kind !== 'family' && f.joined === spoken.pinyin);
    if (homophone) offer(75, homophone.raw, 'homophone');
  }
  if (best) return best;

  // Nothing exact: the nearest stored form by edit distance, if near enough.
  for (const f of forms) {
    if (f.kind === 'family') continue;
    const fHan = HAN.test(f.joined);
    if (fHan !== spoken.han) continue;
    if (spoken.han) {
      // Characters carry more per edit: one wrong character in a name of three or more.
      if (f.joined.length >= 3 && spoken.joined.length >= 3 && distance(f.joined, spoken.joined) === 1) offer(60, f.raw, 'fuzzy');
      continue;
    }
    const targets = f.kind === 'name' ? [f.joined, joined(stripTitles(f.folded).text)] : [f.joined];
    for (const target of targets) {
      if (Math.max(target.length, spoken.joined.length) < FUZZY_MIN_LENGTH) continue;
      const sim = similarity(spoken.joined, target);
      // A first name alone says less than a whole name: it ranks a little lower at the same similarity.
      const weight = f.kind === 'given' ? 0.95 : 1;
      if (sim >= FUZZY_MIN_SIMILARITY && sim < 1) offer(Math.round(70 * sim * weight * 10) / 10, f.raw, 'fuzzy');
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// The store

interface ContactRow {
  id: number;
  name: string;
  lang: Lang | null;
  source: string;
  uid: string | null;
  created_at: number;
}

interface NumberRow {
  contact_id: number;
  number: string;
  label: string | null;
}

/** What a contact is stored as: its row and every name and number row, in insertion order. */
interface Planned {
  name: string;
  lang: Lang | null;
  source: string;
  uid: string | null;
  names: [string, NameKind][];
  numbers: [string, string | null][];
}

function plan(input: NewContact): Planned {
  const c = NewContact.parse(input);
  const split = splitName(c.name);
  const given = c.given ?? split.given;
  const family = c.family ?? split.family;
  const names: [string, NameKind][] = [];
  // The primary key is (contact, name): the first kind a string comes with wins, so order says precedence.
  const push = (name: string | undefined, kind: NameKind): void => {
    if (name !== undefined && name !== '' && !names.some(([n]) => n === name)) names.push([name, kind]);
  };
  push(c.name, 'name');
  for (const nickname of c.nicknames) push(nickname, 'nickname');
  push(given ?? undefined, 'given');
  push(family ?? undefined, 'family');
  for (const form of [c.name, ...c.nicknames]) if (HAN.test(form)) push(toPinyin(form), 'pinyin');
  for (const form of c.pinyin) push(foldName(form), 'pinyin');
  const numbers: [string, string | null][] = [];
  for (const n of c.numbers) {
    const number = normalizeNumber(typeof n === 'string' ? n : n.number);
    if (number !== undefined && !numbers.some(([m]) => m === number)) numbers.push([number, typeof n === 'string' ? null : (n.label ?? null)]);
  }
  return { name: c.name, lang: c.lang ?? null, source: c.source, uid: c.uid ?? null, names, numbers };
}

const canonical = (p: Planned): string =>
  JSON.stringify([p.name, p.lang, p.source, p.uid, p.names.map((n) => n.join('\u0000')).sort(), p.numbers.map((n) => `${n[0]}\u0000${n[1] ?? ''}`).sort()]);

export interface ContactStoreOptions {
  now?: () => number;
}

export class ContactStore {
  private readonly now: () => number;
  private readonly insertContact;
  private readonly updateContact;
  private readonly deleteContact;
  private readonly insertName;
  private readonly insertNumber;
  private readonly deleteNames;
  private readonly deleteNumbers;
  private readonly contactById;
  private readonly contactByUid;
  private readonly allContacts;
  private readonly namesOf;
  private readonly numbersOf;
  private readonly allNames;
  private readonly allNumbers;
  private readonly numberExact;
  private readonly numberSuffix;
  private readonly inTransaction;

  constructor(db: Db, options: ContactStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.insertContact = db.prepare<[string, Lang | null, string, string | null, number]>('INSERT INTO contacts (name, lang, source, uid, created_at) VALUES (?, ?, ?, ?, ?)');
    this.updateContact = db.prepare<[string, Lang | null, string, number]>('UPDATE contacts SET name = ?, lang = ?, source = ? WHERE id = ?');
    this.deleteContact = db.prepare<[number]>('DELETE FROM contacts WHERE id = ?');
    this.insertName = db.prepare<[number, string, NameKind]>('INSERT OR IGNORE INTO contact_names (contact_id, name, kind) VALUES (?, ?, ?)');
    this.insertNumber = db.prepare<[number, string, string | null]>('INSERT OR IGNORE INTO contact_numbers (contact_id, number, label) VALUES (?, ?, ?)');
    this.deleteNames = db.prepare<[number]>('DELETE FROM contact_names WHERE contact_id = ?');
    this.deleteNumbers = db.prepare<[number]>('DELETE FROM contact_numbers WHERE contact_id = ?');
    this.contactById = db.prepare<[number], ContactRow>('SELECT id, name, lang, source, uid, created_at FROM contacts WHERE id = ?');
    this.contactByUid = db.prepare<[string], ContactRow>('SELECT id, name, lang, source, uid, created_at FROM contacts WHERE uid = ?');
    this.allContacts = db.prepare<[], ContactRow>('SELECT id, name, lang, source, uid, created_at FROM contacts ORDER BY name COLLATE NOCASE, id');
    this.namesOf = db.prepare<[number], NameRow>('SELECT contact_id, name, kind FROM contact_names WHERE contact_id = ? ORDER BY rowid');
    this.numbersOf = db.prepare<[number], NumberRow>('SELECT contact_id, number, label FROM contact_numbers WHERE contact_id = ? ORDER BY rowid');
    this.allNames = db.prepare<[], NameRow>('SELECT contact_id, name, kind FROM contact_names ORDER BY contact_id, rowid');
    this.allNumbers = db.prepare<[], NumberRow>('SELECT contact_id, number, label FROM contact_numbers ORDER BY contact_id, rowid');
    this.numberExact = db.prepare<[string], { contact_id: number }>('SELECT contact_id FROM contact_numbers WHERE number = ? ORDER BY contact_id LIMIT 1');
    // "0812…" and "+62812…" are one number: match on the subscriber part when the exact form is not stored.
    this.numberSuffix = db.prepare<[string], { contact_id: number }>(
      "SELECT contact_id FROM contact_numbers WHERE length(ltrim(number, '+')) >= 9 AND substr(number, -9) = ? ORDER BY contact_id LIMIT 1",
    );
    this.inTransaction = <T>(fn: () => T): T => db.transaction(fn)();
  }

  /** Runs `fn` in one transaction (nested calls become savepoints): many writes, one commit. */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn);
  }

  /** Stores a new contact; throws a ZodError for invalid input and a SqliteError when its uid is taken. */
  add(input: NewContact): Contact {
    return this.inTransaction(() => {
      const planned = plan(input);
      const id = Number(this.insertContact.run(planned.name, planned.lang, planned.source, planned.uid, this.now()).lastInsertRowid);
      this.writeRows(id, planned);
      return this.mustGet(id);
    });
  }

  /** Replaces a contact's name, language, source, names and numbers (uid and created_at stay). */
  update(id: number, input: NewContact): Contact {
    return this.inTransaction(() => {
      const planned = plan(input);
      if (this.updateContact.run(planned.name, planned.lang, planned.source, id).changes === 0) throw new Error(`no contact ${id}`);
      this.deleteNames.run(id);
      this.deleteNumbers.run(id);
      this.writeRows(id, planned);
      return this.mustGet(id);
    });
  }

  /** Adds the contact, or updates the one with its uid when anything differs: an import run twice changes nothing. */
  upsert(input: NewContact & { uid: string }): { contact: Contact; change: UpsertChange } {
    return this.inTransaction(() => {
      const planned = plan(input);
      const existing = this.contactByUid.get(planned.uid ?? input.uid);
      if (!existing) return { contact: this.add(input), change: 'created' as const };
      const stored: Planned = {
        name: existing.name,
        lang: existing.lang,
        source: existing.source,
        uid: existing.uid,
        names: this.namesOf.all(existing.id).map((r) => [r.name, r.kind]),
        numbers: this.numbersOf.all(existing.id).map((r) => [r.number, r.label]),
      };
      if (canonical(stored) === canonical(planned)) return { contact: this.mustGet(existing.id), change: 'unchanged' as const };
      return { contact: this.update(existing.id, input), change: 'updated' as const };
    });
  }

  remove(id: number): boolean {
    return this.deleteContact.run(id).changes > 0;
  }

  get(id: number): Contact | undefined {
    const row = this.contactById.get(id);
    return row ? this.hydrate(row, this.namesOf.all(id), this.numbersOf.all(id)) : undefined;
  }

  byUid(uid: string): Contact | undefined {
    const row = this.contactByUid.get(uid);
    return row ? this.get(row.id) : undefined;
  }

  /** Every contact, by name. */
  all(): Contact[] {
    const names = groupBy(this.allNames.all());
    const numbers = groupBy(this.allNumbers.all());
    return this.allContacts.all().map((row) => this.hydrate(row, names.get(row.id) ?? [], numbers.get(row.id) ?? []));
  }

  /** The contact with this number, in any notation ("+62 812-3456-7890", "0812 3456 7890"). */
  byNumber(number: string): Contact | undefined {
    const normalized = normalizeNumber(number);
    if (normalized === undefined) return undefined;
    const digits = normalized.replace('+', '');
    const hit = this.numberExact.get(normalized) ?? (digits.length >= 9 ? this.numberSuffix.get(digits.slice(-9)) : undefined);
    return hit ? this.get(hit.contact_id) : undefined;
  }

  /** Ranked contacts the spoken name may mean; [] when none is plausible. See the scoring at the top of this file. */
  resolve(spoken: string, lang?: Lang): ContactMatch[] {
    const forms = spokenForms(spoken);
    if (forms.length === 0) return [];
    const byContact = new Map<number, StoredForm[]>();
    for (const row of this.allNames.all()) {
      const folded = foldName(row.name);
      const list = byContact.get(row.contact_id) ?? [];
      list.push({ raw: row.name, kind: row.kind, folded, joined: joined(folded) });
      byContact.set(row.contact_id, list);
    }
    const candidates: (Candidate & { id: number })[] = [];
    for (const [id, stored] of byContact) {
      const profile = profileOf(stored);
      let best: Candidate | undefined;
      for (const form of forms) {
        const candidate = scoreContact(form, profile);
        if (candidate && (!best || candidate.score > best.score)) best = candidate;
      }
      if (best) candidates.push({ ...best, id });
    }
    if (candidates.length === 0) return [];
    const topTier = Math.min(...candidates.map((c) => tierOf(c.score)));
    const matches = candidates
      .filter((c) => tierOf(c.score) === topTier)
      .map((c) => ({ contact: this.mustGet(c.id), score: c.score, matched: c.matched, rule: c.rule }));
    const langRank = (m: ContactMatch): number => (lang !== undefined && m.contact.lang === lang ? 0 : 1);
    matches.sort((a, b) => b.score - a.score || langRank(a) - langRank(b) || a.contact.name.localeCompare(b.contact.name) || a.contact.id - b.contact.id);
    return matches.slice(0, MAX_MATCHES);
  }

  private writeRows(id: number, planned: Planned): void {
    for (const [name, kind] of planned.names) this.insertName.run(id, name, kind);
    for (const [number, label] of planned.numbers) this.insertNumber.run(id, number, label);
  }

  private mustGet(id: number): Contact {
    const contact = this.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    return contact;
  }

  private hydrate(row: ContactRow, names: readonly NameRow[], numbers: readonly NumberRow[]): Contact {
    const of = (kind: NameKind): string[] => names.filter((n) => n.kind === kind).map((n) => n.name);
    return {
      id: row.id,
      name: row.name,
      lang: row.lang,
      source: row.source,
      uid: row.uid,
      createdAt: row.created_at,
      given: of('given')[0] ?? null,
      family: of('family')[0] ?? null,
      nicknames: of('nickname'),
      pinyin: of('pinyin'),
      numbers: numbers.map((n) => ({ number: n.number, label: n.label })),
    };
  }
}

function groupBy<T extends { contact_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const list = map.get(row.contact_id) ?? [];
    list.push(row);
    map.set(row.contact_id, list);
  }
  return map;
}
