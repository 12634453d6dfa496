import { describe, expect, it } from 'vitest';
import { normalizeFor } from '../../main/nlu/normalize.js';
import { parseChineseInteger } from '../../main/nlu/numbers.js';

describe('numbers in words → digits', () => {
  it.each([
    ['set it to twenty two degrees', 'set it to 22 degrees'],
    ['twenty two point five', '22.5'],
    ['twenty one and a half degrees', '21.5 degrees'],
    ['one hundred and five', '105'],
    ['two thousand twenty six', '2026'],
    ['volume to fifty percent', 'volume to 50 percent'],
    ['call one two three four', 'call 1 2 3 4'],
    ['play a song', 'play a song'],
    ['the second one', 'the second 1'],
    ['Set it to 22°C!', 'set it to 22 °c'],
  ])('en: %s', (text, expected) => expect(normalizeFor(text, 'en')).toBe(expected));

  it.each([
    ['dua puluh dua derajat', '22 derajat'],
    ['dua puluh dua koma lima', '22.5'],
    ['seratus dua puluh', '120'],
    ['sebelas', '11'],
    ['dua belas', '12'],
    ['tiga ratus', '300'],
    ['dua puluh satu setengah', '21.5'],
    ['satu dua tiga', '1 2 3'],
    ['nyalakan lampu', 'nyalakan lampu'],
  ])('id: %s', (text, expected) => expect(normalizeFor(text, 'id')).toBe(expected));

  it.each([
    ['把温度调到二十二度', '把温度调到22度'],
    ['调到二十二点五度', '调到22.5度'],
    ['音量调到百分之五十', '音量调到50%'],
    ['风量调到三档', '风量调到3档'],
    ['温度调低两度', '温度调低2度'],
    ['调到十八', '调到18'],
    ['拨打一三八零零一三八零零零', '拨打13800138000'],
    ['打开一下大灯', '打开一下大灯'],
    ['一点点', '一点点'],
    ['放一首歌', '放一首歌'],
    ['十分热', '十分热'],
    ['十分钟', '10分钟'],
    ['把温度调到２２度', '把温度调到22度'],
  ])('zh: %s', (text, expected) => expect(normalizeFor(text, 'zh')).toBe(expected));

  it('parses Chinese integers and refuses what is not one', () => {
    expect(parseChineseInteger('二十二')).toBe(22);
    expect(parseChineseInteger('十八')).toBe(18);
    expect(parseChineseInteger('一百零五')).toBe(105);
    expect(parseChineseInteger('两千')).toBe(2000);
    expect(parseChineseInteger('三万五千')).toBe(35000);
    expect(parseChineseInteger('大')).toBeNull();
  });
});
