import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ContactStore, normalizeNumber } from '../../main/storage/contacts.js';
import { openDatabase } from '../../main/storage/db.js';

function store(now = 1_000): ContactStore {
  return new ContactStore(openDatabase(':memory:'), { now: () => now });
}

describe('normalizeNumber', () => {
  it('keeps digits and one leading +', () => {
    expect(normalizeNumber('+62 812-3456-7801')).toBe('+6281234567801');
    expect(normalizeNumber('(0812) 3456 7801')).toBe('081234567801');
    expect(normalizeNumber('tel:+1-415-555-0113;ext=7')).toBe('+14155550113');
    expect(normalizeNumber('call me')).toBeUndefined();
  });
});

describe('ContactStore', () => {
  it('adds a contact and reads it back, numbers normalized, first and family names derived', () => {
    const contacts = store();
    const sari = contacts.add({ name: 'Sari Wulandari', nicknames: ['Sar'], numbers: ['+62 812-3456-7801', { number: '021 555 7801', label: 'work' }], lang: 'id', uid: 'u1' });
    expect(sari).toEqual({
      id: sari.id,
      name: 'Sari Wulandari',
      lang: 'id',
      source: 'manual',
      uid: 'u1',
      createdAt: 1_000,
      given: 'Sari',
      family: 'Wulandari',
      nicknames: ['Sar'],
      pinyin: [],
      numbers: [
        { number: '+6281234567801', label: null },
        { number: '0215557801', label: 'work' },
      ],
    });
    expect(contacts.get(sari.id)).toEqual(sari);
    expect(contacts.byUid('u1')).toEqual(sari);
    expect(contacts.get(sari.id + 1)).toBeUndefined();
  });

  it('stores the pinyin of Chinese names and nicknames at insert', () => {
    const zhang = store().add({ name: '张强', nicknames: ['张总'] });
    expect(zhang.pinyin).toEqual(['zhang qiang', 'zhang zong']);
    expect([zhang.family, zhang.given]).toEqual(['张', '强']);
    // Surnames read as surnames: 曾 is zeng, not ceng.
    expect(store().add({ name: '曾伟' }).pinyin).toEqual(['zeng wei']);
  });

  it('drops a title from the derived first name', () => {
    const emily = store().add({ name: 'Dr. Emily Chen' });
    expect([emily.given, emily.family]).toEqual(['Emily', 'Chen']);
  });

  it('refuses an empty name, a number without digits, an unknown language and a taken uid', () => {
    const contacts = store();
    expect(() => contacts.add({ name: '  ' })).toThrow(ZodError);
    expect(() => contacts.add({ name: 'Rina', numbers: ['n/a'] })).toThrow(/needs digits/);
    expect(() => contacts.add({ name: 'Rina', lang: 'fr' as 'en' })).toThrow(ZodError);
    contacts.add({ name: 'Rina', uid: 'r' });
    expect(() => contacts.add({ name: 'Rina Two', uid: 'r' })).toThrow(/UNIQUE/);
    expect(contacts.all().map((c) => c.name)).toEqual(['Rina']);
  });

  it('finds a contact by number in any notation, and only by enough digits', () => {
    const contacts = store();
    const sari = contacts.add({ name: 'Sari Wulandari', numbers: ['+62 812-3456-7801'] });
    contacts.add({ name: 'Kevin O’Brien', numbers: ['+1 415 555 0113'] });
    expect(contacts.byNumber('+6281234567801')?.id).toBe(sari.id);
    expect(contacts.byNumber('0812 3456 7801')?.id).toBe(sari.id);
    expect(contacts.byNumber('+1 (415) 555-0113')?.name).toBe('Kevin O’Brien');
    expect(contacts.byNumber('555-0113')).toBeUndefined();
    expect(contacts.byNumber('+6281234567899')).toBeUndefined();
    expect(contacts.byNumber('unknown')).toBeUndefined();
  });

  it('upserts by uid: created, then unchanged, then updated in place', () => {
    let now = 1;
    const contacts = new ContactStore(openDatabase(':memory:'), { now: () => now++ });
    const first = contacts.upsert({ name: 'Budi Santoso', nicknames: ['Pak Budi'], numbers: ['+62 811 1000 7803'], uid: 'b' });
    expect(first.change).toBe('created');
    expect(contacts.upsert({ name: 'Budi Santoso', nicknames: ['Pak Budi'], numbers: ['+62-811-1000-7803'], uid: 'b' }).change).toBe('unchanged');
    const changed = contacts.upsert({ name: 'Budi Santoso', nicknames: ['Bos'], numbers: ['+62 811 9999 7803'], uid: 'b' });
    expect(changed.change).toBe('updated');
    expect(changed.contact).toMatchObject({ id: first.contact.id, createdAt: first.contact.createdAt, nicknames: ['Bos'], numbers: [{ number: '+6281199997803', label: null }] });
    expect(contacts.all()).toHaveLength(1);
    expect(contacts.byNumber('+62 811 1000 7803')).toBeUndefined();
  });

  it('lists every contact by name and removes one with its names and numbers', () => {
    const contacts = store();
    const budi = contacts.add({ name: 'budi', numbers: ['1234567890'] });
    contacts.add({ name: 'Agus Salim' });
    contacts.add({ name: 'Citra' });
    expect(contacts.all().map((c) => c.name)).toEqual(['Agus Salim', 'budi', 'Citra']);
    expect(contacts.remove(budi.id)).toBe(true);
    expect(contacts.remove(budi.id)).toBe(false);
    expect(contacts.byNumber('1234567890')).toBeUndefined();
    expect(contacts.resolve('budi')).toEqual([]);
  });
});
