import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContactStore } from '../../main/storage/contacts.js';
import { openDatabase } from '../../main/storage/db.js';
import { importVcardFile, importVcards, parseVcards } from '../../main/storage/vcard.js';

const FIXTURE = new URL('../fixtures/contacts.vcf', import.meta.url).pathname;
const book = readFileSync(FIXTURE, 'utf8');
const fresh = (): ContactStore => new ContactStore(openDatabase(':memory:'));
const dir = mkdtempSync(join(tmpdir(), 'kemudi-vcard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vCard import', () => {
  it('imports the sample address book: 15 contacts, vCard 3.0 and 4.0', () => {
    const contacts = fresh();
    expect(importVcardFile(contacts, FIXTURE)).toEqual({ imported: 15, updated: 0, skipped: 0, errors: [] });
    expect(contacts.all()).toHaveLength(15);
  });

  it('maps FN, N, NICKNAME, TEL with labels, UID, LANG and X-PHONETIC-*', () => {
    const contacts = fresh();
    importVcards(contacts, book);
    const byName = (name: string) => contacts.all().find((c) => c.name === name);
    expect(byName('Budi Santoso')).toMatchObject({
      uid: 'urn:uuid:0b6c1f0e-1a01-4c3e-9d11-000000000003',
      lang: 'id',
      given: 'Budi',
      family: 'Santoso',
      nicknames: ['Pak Budi'],
      source: 'vcard',
      // a tel: URI with its extension parameter; a grouped TEL takes its X-ABLABEL
      numbers: [
        { number: '+6281110007803', label: 'cell' },
        { number: '+622155507803', label: 'Kantor' },
      ],
    });
    expect(byName('Siti Rahayu')?.nicknames).toEqual(['Ibu', 'Mama']);
    expect(byName('张强')).toMatchObject({ lang: 'zh', nicknames: ['张总'], pinyin: ['zhang qiang', 'zhang zong'] });
    expect(byName('王伟')?.lang).toBe('zh'); // LANG:zh-CN
    expect(byName('刘秀英')?.lang).toBe('zh'); // no LANG: Chinese characters say it
    expect(byName('Mom')?.lang).toBe('en');
    expect(byName('Kevin O\'Brien')?.lang).toBeNull(); // Latin script alone does not tell English from Indonesian
    expect(byName('Dr. Emily Chen')).toMatchObject({ given: 'Emily', family: 'Chen' });
    expect(byName('Sari Dewi')?.numbers.map((n) => n.label)).toEqual(['cell', 'work']);
    // A card without UID gets one from its name and numbers, so it too is recognized next time.
    expect(byName('Agus Salim')?.uid).toMatch(/^vcf:[0-9a-f]{24}$/);
  });

  it('is idempotent: a second import changes nothing, a changed card updates in place', () => {
    const contacts = fresh();
    importVcards(contacts, book);
    const before = contacts.all();
    expect(importVcards(contacts, book)).toEqual({ imported: 0, updated: 0, skipped: 15, errors: [] });
    expect(contacts.all()).toEqual(before);

    const edited = book.replace('NICKNAME:Pak Budi', 'NICKNAME:Pak Budi,Bos').replace('FN:Rina', 'FN:Rina Marlina');
    expect(importVcards(contacts, edited)).toEqual({ imported: 0, updated: 2, skipped: 13, errors: [] });
    const budi = contacts.all().find((c) => c.name === 'Budi Santoso');
    expect(budi?.id).toBe(before.find((c) => c.name === 'Budi Santoso')?.id);
    expect(budi?.nicknames).toEqual(['Pak Budi', 'Bos']);
    expect(contacts.all().map((c) => c.name)).toContain('Rina Marlina');
    expect(contacts.all()).toHaveLength(15);
  });

  it('skips bad cards with a typed error and imports the rest', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:3.0', 'UID:ok-1', 'FN:Good One', 'TEL:+62 812 0000 0001', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN Broken Line', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:2.1', 'FN:Old Phone', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'UID:no-name', 'TEL:+62 812 0000 0004', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:No Digits', 'TEL:unknown', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Cut Off',
    ].join('\r\n');
    const contacts = fresh();
    const result = importVcards(contacts, text);
    expect(result).toMatchObject({ imported: 2, updated: 0, skipped: 4 });
    expect(result.errors.map((e) => [e.card, e.line, e.code])).toEqual([
      [2, 7, 'parse_error'],
      [3, 11, 'unsupported_version'],
      [4, 15, 'missing_name'],
      [6, 25, 'parse_error'],
    ]);
    for (const error of result.errors) expect(error.message).not.toBe('');
    expect(contacts.all().map((c) => [c.name, c.numbers.length])).toEqual([
      ['Good One', 1],
      ['No Digits', 0],
    ]);
  });

  it('treats a blank FN as no name, and a UID repeated in one file as an update', () => {
    const text = ['BEGIN:VCARD', 'VERSION:4.0', 'UID:x', 'N:;;;;', 'FN:   ', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:4.0', 'FN:Fine', 'END:VCARD'].join('\n');
    const { cards, errors } = parseVcards(text);
    expect(errors.map((e) => e.code)).toEqual(['missing_name']);
    expect(cards.map((c) => c.contact.name)).toEqual(['Fine']);
    const twice = ['BEGIN:VCARD', 'VERSION:4.0', 'UID:same', 'FN:First', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:4.0', 'UID:same', 'FN:Second', 'END:VCARD'].join('\n');
    const contacts = fresh();
    expect(importVcards(contacts, twice)).toEqual({ imported: 1, updated: 1, skipped: 0, errors: [] });
    expect(contacts.all().map((c) => c.name)).toEqual(['Second']);
  });

  it('reports a card the database refuses as invalid_contact, rolls back only that card and goes on', () => {
    const db = openDatabase(':memory:');
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON contact_numbers WHEN NEW.number = '+620000' BEGIN SELECT RAISE(ABORT, 'number refused'); END");
    const contacts = new ContactStore(db);
    const card = (uid: string, name: string, tel: string): string => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${name}`, `TEL:${tel}`, 'END:VCARD'].join('\n');
    const result = importVcards(contacts, [card('a', 'Before', '+62 1111'), card('b', 'Refused', '+62 0000'), card('c', 'After', '+62 2222')].join('\n'));
    expect(result).toEqual({ imported: 2, updated: 0, skipped: 1, errors: [{ card: 2, line: 7, code: 'invalid_contact', message: 'Refused: number refused' }] });
    expect(contacts.all().map((c) => c.name)).toEqual(['After', 'Before']);
  });

  it('reads a UTF-16 file with a byte-order mark', () => {
    const file = join(dir, 'utf16.vcf');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:李娜\r\nEND:VCARD\r\n', 'utf16le')]));
    const contacts = fresh();
    expect(importVcardFile(contacts, file).imported).toBe(1);
    expect(contacts.all()[0]).toMatchObject({ name: '李娜', lang: 'zh', pinyin: ['li na'] });
  });
});
