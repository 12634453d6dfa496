// The NLU route end to end on the real catalog, sentence files and trained models: multi-intent,
// chatter around a request, language detection, and the classifier's slot extraction per language.
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../common/contract.js';
import { loadKnowledge } from '../../main/core/compose.js';

const { nlu, templates } = loadKnowledge();
const understand = (text: string, lang?: Lang) => nlu.understandSync(text, lang).understandings.map(({ intent, slots, source }) => ({ intent, slots, source }));

describe('multi-intent', () => {
  it.each([
    ['navigate home and call Sari', 'en', 'sari'],
    ['antar saya pulang lalu telepon Sari', 'id', 'sari'],
    ['导航回家然后给王伟打电话', 'zh', '王伟'],
  ] as const)('"%s" is two requests, in order', (text, lang, contact) => {
    expect(understand(text, lang)).toEqual([
      { intent: 'navigation.navigate', slots: { destination: 'home' }, source: 'template' },
      { intent: 'phone.call', slots: { contact }, source: 'template' },
    ]);
  });

  it('keeps a conjunction inside free text when the rest is no request of its own', () => {
    expect(understand("text sari i'll buy milk and eggs", 'en')).toEqual([{ intent: 'messaging.send', slots: { contact: 'sari', body: "i'll buy milk and eggs" }, source: 'template' }]);
    expect(understand('play rock and roll', 'en')).toEqual([{ intent: 'media.play', slots: { query: 'rock and roll' }, source: 'template' }]);
  });
});

describe('chatter around a request', () => {
  it.each([
    ["it's getting late, take me home", 'en', 'navigation.navigate'],
    ['sudah sore nih, antar aku pulang ya', 'id', 'navigation.navigate'],
    ['天快黑了 带我回家', 'zh', 'navigation.navigate'],
  ] as const)('"%s" is understood from its request clause', (text, lang, intent) => {
    expect(templates.match(text, lang)).toBeNull(); // the whole sentence is no template
    expect(understand(text, lang)[0]).toMatchObject({ intent, slots: { destination: 'home' }, source: 'template' });
  });
});

describe('language detection without a lang', () => {
  it.each([
    ['turn on the headlights', 'en'],
    ['tolong nyalakan lampu utama', 'id'],
    ['请打开大灯', 'zh'],
    ['putar musik jazz', 'id'],
    ['play some jazz', 'en'],
  ] as const)('"%s" → %s', (text, lang) => {
    expect(nlu.understandSync(text).lang).toBe(lang);
  });
});

describe('the longest input the contract allows', () => {
  // 2,000 characters of dictation full of "and then": before the bounds below this took minutes
  // (conjunction splits recursing over every "and", templates matched quadratically).
  const words = 'the quick brown fox jumps over lazy dog while we drive home after work and then maybe dinner at eight or nine tonight'.split(' ');
  const long = Array.from({ length: 400 }, (_, i) => words[(i * 7) % words.length]).join(' ').slice(0, 2000);

  it.each([
    [`text sari ${long}`, 'en'],
    [`text sari ${long}`, undefined],
    [`kirim pesan ke sari ${long}`, 'id'],
    [`给莎莉发消息说${'我们今天晚上八点在餐厅见面吧然后'.repeat(100)}`.slice(0, 2000), 'zh'],
  ] as const)('is understood with bounded work (%#)', (text, lang) => {
    const result = nlu.understandSync(text, lang);
    expect(result.understandings.length).toBeLessThanOrEqual(1);
    // Past a long dictation no template is tried: a message body is at most 500 characters anyway.
    expect(templates.match(text, result.lang)).toBeNull();
  });

  it('still splits a spoken-length sentence with several requests', () => {
    expect(nlu.understandSync('打开远光灯然后打开远光灯然后打开远光灯', 'zh').understandings.length).toBeGreaterThan(1);
  });
});
