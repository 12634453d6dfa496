// Name resolution over the sample address book, as a recognizer hands names over in three languages.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../common/contract.js';
import { ContactStore } from '../../main/storage/contacts.js';
import { openDatabase } from '../../main/storage/db.js';
import { importVcards } from '../../main/storage/vcard.js';

let contacts: ContactStore;
beforeAll(() => {
  contacts = new ContactStore(openDatabase(':memory:'));
  importVcards(contacts, readFileSync(new URL('../fixtures/contacts.vcf', import.meta.url), 'utf8'));
});

const names = (spoken: string, lang?: Lang): string[] => contacts.resolve(spoken, lang).map((m) => m.contact.name);

describe('resolve: Indonesian', () => {
  it('"sari" gives both Saris on one score, so the dialogue asks which', () => {
    const matches = contacts.resolve('sari', 'id');
    expect(matches.map((m) => m.contact.name).sort()).toEqual(['Sari Dewi', 'Sari Wulandari']);
    expect(matches[0]?.score).toBe(matches[1]?.score);
    expect(matches.every((m) => m.rule === 'first-name' && m.matched === 'Sari')).toBe(true);
  });

  it.each([
    ['sari w', 'Sari Wulandari'],
    ['Sari W.', 'Sari Wulandari'],
    ['s wulandari', 'Sari Wulandari'],
    ['sari wulandari', 'Sari Wulandari'],
    ['SARI WULANDARI', 'Sari Wulandari'],
    ['sari wulan dari', 'Sari Wulandari'], // a word split in two
    ['sari dewi', 'Sari Dewi'],
    ['budi', 'Budi Santoso'],
    ['pak budi', 'Budi Santoso'],
    ['Pak Budi', 'Budi Santoso'],
    ['bapak budi', 'Budi Santoso'],
    ['budi santoso', 'Budi Santoso'],
    ['pak santoso', 'Budi Santoso'],
    ['budy', 'Budi Santoso'], // a one-letter slip
    ['budi santosa', 'Budi Santoso'],
    ['mas agus', 'Agus Salim'],
    ['kak rina', 'Rina'],
    ['Dewi Léstari', 'Dewi Lestari'], // diacritics
    ['ibu', 'Siti Rahayu'], // a relation saved as a nickname is a name, not a title
    ['ibu saya', 'Siti Rahayu'],
  ])('"%s" → %s alone', (spoken, expected) => {
    expect(names(spoken, 'id')).toEqual([expected]);
  });

  it('"bu sari" drops the title and still asks which Sari', () => {
    expect(names('bu sari', 'id')).toHaveLength(2);
  });

  it('"bu dewi" prefers the first name Dewi over the family name Dewi', () => {
    expect(names('bu dewi', 'id')).toEqual(['Dewi Lestari', 'Sari Dewi']);
  });
});

describe('resolve: Chinese', () => {
  it.each([
    ['王伟', 'name'],
    ['王 伟', 'name'],
    ['wang wei', 'pinyin'],
    ['Wang Wei', 'pinyin'],
    ['wangwei', 'pinyin'],
    ['wei wang', 'pinyin'],
    ['王威', 'homophone'], // a recognizer slip: same sound, other character
    ['汪伟', 'homophone'],
    ['王先生', 'family'],
    ['mr wang', 'family'],
    ['老王', 'family'],
  ])('"%s" → 王伟 (%s)', (spoken, rule) => {
    const matches = contacts.resolve(spoken, 'zh');
    expect(matches.map((m) => m.contact.name)).toEqual(['王伟']);
    expect(matches[0]?.rule).toBe(rule);
  });

  it.each([
    ['张总', '张强'],
    ['zhang zong', '张强'],
    ['张强', '张强'],
    ['张伟', '张伟'],
    ['zhang wei', '张伟'],
    ['李娜', '李娜'],
    ['li na', '李娜'],
    ['妈妈', '刘秀英'],
    ['我妈妈', '刘秀英'],
    ['liu xiuying', '刘秀英'],
  ])('"%s" → %s alone', (spoken, expected) => {
    expect(names(spoken, 'zh')).toEqual([expected]);
  });

  it('"张先生" has two Mr Zhangs to ask about', () => {
    expect(names('张先生', 'zh').sort()).toEqual(['张伟', '张强']);
  });

  it('a wrong character in a longer name: a homophone when it sounds the same, else fuzzy', () => {
    expect(contacts.resolve('刘秀瑛')).toMatchObject([{ contact: { name: '刘秀英' }, rule: 'homophone' }]);
    expect(contacts.resolve('刘秀美')).toMatchObject([{ contact: { name: '刘秀英' }, rule: 'fuzzy' }]);
  });
});

describe('resolve: English', () => {
  it.each([
    ['kevin', 'Kevin O\'Brien'],
    ['kevin obrien', 'Kevin O\'Brien'],
    ['Kevin O’Brien', 'Kevin O\'Brien'],
    ['kevin o brien', 'Kevin O\'Brien'],
    ['kevin o brian', 'Kevin O\'Brien'], // the recognizer's spelling
    ['kevin obrian', 'Kevin O\'Brien'],
    ['kevn', 'Kevin O\'Brien'],
    ['mr obrien', 'Kevin O\'Brien'],
    ['mom', 'Mom'],
    ['my mom', 'Mom'],
    ['Mom', 'Mom'],
    ['emily chen', 'Dr. Emily Chen'],
    ['dr emily chen', 'Dr. Emily Chen'],
    ['doctor chen', 'Dr. Emily Chen'],
    ['emily', 'Dr. Emily Chen'],
  ])('"%s" → %s alone', (spoken, expected) => {
    expect(names(spoken, 'en')).toEqual([expected]);
  });

  it('"mama" is Siti\'s nickname first, then 妈妈 read in pinyin', () => {
    expect(names('mama')).toEqual(['Siti Rahayu', '刘秀英']);
  });
});

describe('resolve: ordering and refusals', () => {
  it('ranks exact full name > exact nickname > first name > fuzzy', () => {
    const top = (spoken: string): number => contacts.resolve(spoken)[0]?.score ?? 0;
    const scores = [top('budi santoso'), top('pak budi'), top('budi'), top('budy')];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(4);
    expect(contacts.resolve('budy santoso')[0]?.score).toBeLessThan(top('budi'));
  });

  it('returns only the best tier: an exact hit hides fuzzy look-alikes', () => {
    // 张伟 ("zhang wei") is one letter from "wang wei", but 王伟 matched exactly.
    expect(names('wang wei')).toEqual(['王伟']);
    // 张伟 is a 张 too, but 张总 is 张强's own nickname.
    expect(names('张总')).toEqual(['张强']);
  });

  it('breaks a tie with the language spoken', () => {
    const local = new ContactStore(openDatabase(':memory:'));
    local.add({ name: 'Lina Wong', lang: 'en' });
    local.add({ name: 'Lina Kusuma', lang: 'id' });
    expect(local.resolve('lina', 'id').map((m) => m.contact.name)).toEqual(['Lina Kusuma', 'Lina Wong']);
    expect(local.resolve('lina', 'en').map((m) => m.contact.name)).toEqual(['Lina Wong', 'Lina Kusuma']);
  });

  it.each(['xyzzy', 'turn on the headlights', 'pizza', 'pak', 'bu', 'mr', '先生', '', '   ', '?!', 'tom', '伟', 'sam'])('"%s" → nobody', (spoken) => {
    expect(contacts.resolve(spoken)).toEqual([]);
  });
});
