// vCard (.vcf) import into the address book. ical.js parses each card; this file maps its properties:
//   FN → name (else N's given + family)   N → given, family   NICKNAME → nicknames   TEL (+ its group's X-ABLABEL) → numbers
//   UID → uid   LANG, else Chinese characters in a name → lang   X-PHONETIC-FIRST/LAST-NAME → pinyin forms
// Cards are parsed one by one, so a bad card costs only itself. Import is idempotent by UID; a card without
// one gets a UID derived from its name and numbers, so re-importing the same file never duplicates.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import * as z from 'zod';
import { LANGS, type Lang } from '../../common/contract.js';
import { foldName, normalizeNumber, type ContactStore, type NewContact } from './contacts.js';

export type VcardErrorCode = 'parse_error' | 'unsupported_version' | 'missing_name' | 'invalid_contact';

export interface VcardError {
  /** The card's position in the file, from 1. */
  card: number;
  /** The line its BEGIN:VCARD is on, from 1. */
  line: number;
  code: VcardErrorCode;
  message: string;
}

export interface ParsedCard {
  card: number;
  line: number;
  contact: NewContact & { uid: string };
}

export interface ImportResult {
  /** New contacts. */
  imported: number;
  /** Contacts already there (same UID) whose card changed. */
  updated: number;
  /** Cards left as they were: unchanged since the last import, or bad (those are also in `errors`). */
  skipped: number;
  errors: VcardError[];
}

class CardError extends Error {
  constructor(
    readonly code: VcardErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface CardText {
  card: number;
  line: number;
  text: string;
}

/** The BEGIN:VCARD … END:VCARD blocks of a file; an unterminated one is returned as it is, for the parser to refuse. */
function splitCards(text: string): CardText[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cards: CardText[] = [];
  let current: { line: number; lines: string[] } | undefined;
  const close = (): void => {
    if (current) cards.push({ card: cards.length + 1, line: current.line, text: current.lines.join('\r\n') });
    current = undefined;
  };
  lines.forEach((line, index) => {
    if (/^BEGIN:VCARD\s*$/i.test(line)) {
      close();
      current = { line: index + 1, lines: [] };
    }
    current?.lines.push(line);
    if (/^END:VCARD\s*$/i.test(line)) close();
  });
  close();
  return cards;
}

/** A property value as text: structured parts (N's "Budi,Bud") joined by a space. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join(' ');
  return '';
}

function parameterList(value: string | unknown[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((v) => v.trim().toLowerCase());
}

const HAN = /\p{Script=Han}/u;

function langOf(tag: string): Lang | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  // "in" is the withdrawn code for Indonesian that older exporters still write.
  const lang = primary === 'in' ? 'id' : primary;
  return (LANGS as readonly string[]).includes(lang ?? '') ? (lang as Lang) : undefined;
}

/** Apple writes its stock labels as _$!<Mobile>!$_. */
const cleanLabel = (label: string): string => label.replace(/^_\$!<(.*)>!\$_$/, '$1').trim();

function toContact(component: ICAL.Component, source: string): NewContact & { uid: string } {
  const version = textOf(component.getFirstPropertyValue('version'));
  if (version !== '3.0' && version !== '4.0') {
    throw new CardError('unsupported_version', version ? `vCard ${version} is not supported (3.0 and 4.0 are)` : 'the card has no VERSION');
  }
  const n = component.getFirstProperty('n')?.getFirstValue();
  const parts = Array.isArray(n) ? n : [];
  const family = textOf(parts[0]);
  const given = textOf(parts[1]);
  const fn = textOf(component.getFirstPropertyValue('fn'));
  const han = HAN.test(family + given);
  const name = fn || (han ? `${family}${given}` : [given, family].filter(Boolean).join(' '));
  if (!name) throw new CardError('missing_name', 'the card has neither FN nor N');

  const nicknames = component.getAllProperties('nickname').flatMap((p) => p.getValues().map(textOf)).filter(Boolean);
  const labels = new Map<string, string>();
  for (const p of component.getAllProperties('x-ablabel')) {
    const group = p.getParameter('group');
    if (typeof group === 'string') labels.set(group, cleanLabel(textOf(p.getFirstValue())));
  }
  const numbers: { number: string; label: string | null }[] = [];
  for (const p of component.getAllProperties('tel')) {
    const number = textOf(p.getFirstValue());
    if (normalizeNumber(number) === undefined) continue; // a TEL with no digits says nothing to call
    const group = p.getParameter('group');
    const types = parameterList(p.getParameter('type')).filter((t) => t !== 'voice' && t !== 'pref');
    numbers.push({ number, label: (typeof group === 'string' ? labels.get(group) : undefined) || types.join(',') || null });
  }

  const phonetic = [textOf(component.getFirstPropertyValue('x-phonetic-last-name')), textOf(component.getFirstPropertyValue('x-phonetic-first-name'))].filter(Boolean);
  // LANG may repeat with PREF=1..100; the lowest PREF is the preferred one.
  const langs = component
    .getAllProperties('lang')
    .map((p) => {
      const pref = p.getParameter('pref');
      return { lang: langOf(textOf(p.getFirstValue())), pref: typeof pref === 'string' ? Number(pref) : 100 };
    })
    .filter((l): l is { lang: Lang; pref: number } => l.lang !== undefined)
    .sort((a, b) => a.pref - b.pref);
  const lang = langs[0]?.lang ?? (HAN.test([name, ...nicknames].join('')) ? 'zh' : null);

  const uid =
    textOf(component.getFirstPropertyValue('uid')) ||
    `vcf:${createHash('sha256')
      .update([foldName(name), ...numbers.map((x) => normalizeNumber(x.number) ?? '').sort()].join('\n'))
      .digest('hex')
      .slice(0, 24)}`;

  return {
    name,
    ...(given ? { given } : {}),
    ...(family ? { family } : {}),
    nicknames,
    numbers,
    ...(phonetic.length > 0 ? { pinyin: [phonetic.join(' ')] } : {}),
    lang,
    uid,
    source,
  };
}

/** Every card of a .vcf text, mapped to contacts; bad cards come back as errors, never as exceptions. */
export function parseVcards(text: string, source = 'vcard'): { cards: ParsedCard[]; errors: VcardError[] } {
  const cards: ParsedCard[] = [];
  const errors: VcardError[] = [];
  for (const block of splitCards(text)) {
    try {
      const parsed: unknown = ICAL.parse(block.text);
      if (!Array.isArray(parsed) || parsed[0] !== 'vcard') throw new CardError('parse_error', 'not a single vCard');
      cards.push({ card: block.card, line: block.line, contact: toContact(new ICAL.Component(parsed), source) });
    } catch (error) {
      const code = error instanceof CardError ? error.code : 'parse_error';
      errors.push({ card: block.card, line: block.line, code, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { cards, errors };
}

/** Imports a .vcf text into the store in one transaction; each card is its own savepoint, so a bad one costs only itself. */
export function importVcards(store: ContactStore, text: string, options: { source?: string } = {}): ImportResult {
  const { cards, errors } = parseVcards(text, options.source);
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0, errors };
  store.transaction(() => {
    for (const card of cards) {
      try {
        const { change } = store.upsert(card.contact);
        if (change === 'created') result.imported++;
        else if (change === 'updated') result.updated++;
        else result.skipped++;
      } catch (error) {
        const message = error instanceof z.ZodError ? z.prettifyError(error).replaceAll('\n', ' ') : error instanceof Error ? error.message : String(error);
        errors.push({ card: card.card, line: card.line, code: 'invalid_contact', message: `${card.contact.name}: ${message}` });
      }
    }
  });
  errors.sort((a, b) => a.card - b.card);
  result.skipped += errors.length;
  return result;
}

/** Reads a .vcf file (UTF-8, or UTF-16 with a byte-order mark) and imports it. */
export function importVcardFile(store: ContactStore, file: string, options: { source?: string } = {}): ImportResult {
  const bytes = readFileSync(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.toString('utf16le') : bytes.toString('utf8');
  return importVcards(store, text, options);
}
