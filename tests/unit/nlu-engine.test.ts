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
