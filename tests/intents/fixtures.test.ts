// Runs every intents/tests/<lang>/*.yaml fixture: each sentence must parse to its intent and slots.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LANGS, SlotValue } from '../../common/contract.js';
import { loadKnowledge } from '../../main/core/compose.js';
import { intentsDir } from '../../main/core/paths.js';

const Fixture = z.strictObject({
  language: z.enum(LANGS),
  tests: z.array(z.strictObject({ sentences: z.array(z.string()).min(1), intent: z.string(), slots: z.record(z.string(), SlotValue).default({}) })),
});

const knowledge = loadKnowledge();

for (const lang of LANGS) {
  const dir = join(intentsDir(), 'tests', lang);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  describe(`intent fixtures (${lang})`, () => {
    it('has fixtures', () => expect(files.length).toBeGreaterThan(0));
    for (const file of files) {
      const fixture = Fixture.parse(parseYaml(readFileSync(join(dir, file), 'utf8')));
      it(`${file} declares its language`, () => expect(fixture.language).toBe(lang));
      for (const test of fixture.tests) {
        for (const sentence of test.sentences) {
          it(`"${sentence}" → ${test.intent}`, () => {
            const result = knowledge.nlu.understandSync(sentence, lang);
            const first = result.understandings[0];
            expect(first?.intent ?? 'out_of_scope').toBe(test.intent);
            if (test.intent !== 'out_of_scope') expect(first?.slots).toEqual(test.slots);
          });
        }
      }
    }
  });
}

describe('language detection without a lang', () => {
  it.each([
    ['turn on the headlights', 'en'],
    ['nyalakan lampu utama', 'id'],
    ['打开大灯', 'zh'],
  ] as const)('"%s" is %s', (text, lang) => {
    expect(knowledge.nlu.understandSync(text).lang).toBe(lang);
  });
});
