// The hand-written training sentences: validated against the catalog with the file named in every
// error, and part of what decides whether the models must be retrained.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentsDir } from '../../main/core/paths.js';
import { IntentCatalog } from '../../main/nlu/catalog.js';
import { inputsHash, loadTrainingSentences } from '../../main/nlu/train.js';

const catalog = IntentCatalog.load(intentsDir());

function dirWith(training: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kemudi-training-'));
  copyFileSync(join(intentsDir(), 'intents.yaml'), join(dir, 'intents.yaml'));
  mkdirSync(join(dir, 'training'));
  writeFileSync(join(dir, 'training', 'en.yaml'), training);
  return dir;
}

describe('training sentences', () => {
  it('reads plain sentences and sentences with enum slots', () => {
    const dir = dirWith(`language: en
intents:
  vehicle.climate_adjust:
    - "my feet are freezing"
    - { text: "it's an oven in here", slots: { direction: down } }
  out_of_scope: ["order me a pizza"]
`);
    expect(loadTrainingSentences(dir, 'en', catalog)).toEqual([
      { text: 'my feet are freezing', slots: {}, intent: 'vehicle.climate_adjust' },
      { text: "it's an oven in here", slots: { direction: 'down' }, intent: 'vehicle.climate_adjust' },
      { text: 'order me a pizza', slots: {}, intent: 'out_of_scope' },
    ]);
  });

  it('is empty for a language without a file', () => {
    expect(loadTrainingSentences(dirWith('language: en\nintents: {}\n'), 'zh', catalog)).toEqual([]);
  });

  it.each([
    ['an undeclared intent', 'language: en\nintents:\n  vehicle.teleport: ["beam me up"]\n', /en\.yaml: intent vehicle\.teleport is not declared/],
    ['a value outside the enum', 'language: en\nintents:\n  vehicle.climate_adjust:\n    - { text: "hotter", slots: { direction: sideways } }\n', /en\.yaml: "hotter": direction=sideways is not an enum value/],
    ['a free-text slot', 'language: en\nintents:\n  messaging.send:\n    - { text: "tell sari hi", slots: { contact: sari } }\n', /contact=sari is not an enum value/],
    ['the wrong language', 'language: id\nintents: {}\n', /en\.yaml: says language id/],
    ['a malformed file', 'language: en\nintents:\n  out_of_scope: [{ words: "x" }]\n', /en\.yaml: intents\.out_of_scope\.0/],
  ])('refuses %s, naming the file', (_what, text, error) => {
    expect(() => loadTrainingSentences(dirWith(text), 'en', catalog)).toThrow(error);
  });

  it('retrains when a training sentence changes', () => {
    const a = dirWith('language: en\nintents:\n  out_of_scope: ["order me a pizza"]\n');
    const b = dirWith('language: en\nintents:\n  out_of_scope: ["order me a burger"]\n');
    expect(inputsHash(a)).not.toBe(inputsHash(b));
  });
});
