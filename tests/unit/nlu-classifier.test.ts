import { describe, expect, it } from 'vitest';
import { features, LogisticModel, type SerializedModel } from '../../main/nlu/classifier.js';
import { CharNgramLanguageModel, guessLanguage } from '../../main/nlu/language.js';
import { normalizeFor, tokenize } from '../../main/nlu/normalize.js';

const f = (text: string) => features(tokenize(normalizeFor(text, 'en')), 'en');

describe('logistic classifier', () => {
  const data = [
    ...['turn up the heat', 'make it warmer', 'more heat please', 'warm it up', 'heat up the car', 'i want it warmer'].map((t) => ({ features: f(t), label: 'warm' })),
    ...['cool it down', 'make it cooler', 'less heat', 'turn down the heat', 'i want it colder', 'cool the car'].map((t) => ({ features: f(t), label: 'cool' })),
    ...['play some music', 'put on a song', 'play jazz', 'music please', 'play the radio', 'some tunes'].map((t) => ({ features: f(t), label: 'music' })),
  ];
  const model = LogisticModel.train(data, { epochs: 30, holdout: 0 });

  it('learns the training sentences and generalizes to unseen wordings', () => {
    expect(model.predict(f('make it warmer'))[0]?.label).toBe('warm');
    expect(model.predict(f('could you warm up the car a bit'))[0]?.label).toBe('warm');
    expect(model.predict(f('cooler please'))[0]?.label).toBe('cool');
    expect(model.predict(f('play me a song'))[0]?.label).toBe('music');
  });

  it('gives probabilities that sum to one, best first', () => {
    const ranked = model.predict(f('warm it up'));
    expect(ranked.reduce((a, r) => a + r.p, 0)).toBeCloseTo(1, 5);
    expect(ranked.map((r) => r.p)).toEqual([...ranked.map((r) => r.p)].sort((a, b) => b - a));
  });

  it('knows when it has seen little of a sentence', () => {
    expect(model.coverage(f('make it warmer'))).toBe(1);
    expect(model.coverage(f('quantum chromodynamics lecture'))).toBeLessThan(0.2);
  });

  it('survives a serialization round trip (weights quantized to 8 bits) with the same answers', () => {
    const copy = LogisticModel.deserialize(JSON.parse(JSON.stringify(model.serialize())) as SerializedModel);
    for (const text of ['cool the car', 'warm it up', 'make it warmer please']) {
      const [a, b] = [copy.predict(f(text)), model.predict(f(text))];
      expect(a.map((r) => r.label)).toEqual(b.map((r) => r.label));
      for (const [i, r] of a.entries()) expect(r.p).toBeCloseTo(b[i]?.p ?? -1, 2);
    }
    // And a second round trip changes nothing at all.
    expect(LogisticModel.deserialize(copy.serialize()).serialize()).toEqual(copy.serialize());
  });

  it('trains deterministically', () => {
    const again = LogisticModel.train(data, { epochs: 30, holdout: 0 });
    expect(again.serialize().weights).toBe(model.serialize().weights);
  });

  it('refuses weights that do not fit the vocabulary', () => {
    const broken = { ...model.serialize(), vocab: ['x'] };
    expect(() => LogisticModel.deserialize(broken)).toThrow(/do not fit/);
  });
});

describe('language detection', () => {
  const en = CharNgramLanguageModel.train(['turn on the lights', 'navigate to the airport', 'play some music', 'what is the weather like', 'send a message to my wife', 'how long until we get there']);
  const id = CharNgramLanguageModel.train(['nyalakan lampu', 'arahkan ke bandara', 'putar musik', 'bagaimana cuacanya', 'kirim pesan ke istri saya', 'berapa lama lagi sampai']);
  it('tells Chinese by its script and English from Indonesian by n-grams', () => {
    expect(guessLanguage('把温度调到22度', { en, id })).toBe('zh');
    expect(guessLanguage('tolong putar lagu', { en, id })).toBe('id');
    expect(guessLanguage('please play a song', { en, id })).toBe('en');
  });
  it('falls back to common words before models exist', () => {
    expect(guessLanguage('tolong nyalakan lampu')).toBe('id');
    expect(guessLanguage('turn on the lights')).toBe('en');
  });
});
