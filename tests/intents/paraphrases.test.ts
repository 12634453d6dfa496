// The held-out paraphrase sets: sentences written the way drivers talk, never trained on, mostly not
// produced by the templates. Reports intent accuracy per language and domain, slot accuracy on the
// slots given, and out_of_scope precision; fails below 90% intent accuracy in any language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LANGS, type Lang, SlotValue } from '../../common/contract.js';
import { loadKnowledge } from '../../main/core/compose.js';
import { projectRoot } from '../../main/core/paths.js';

const DOMAINS = ['navigation', 'messaging', 'vehicle', 'media', 'assistant'] as const;
const MIN_PER_DOMAIN = 40;
const TARGET = 0.9;

const Item = z.strictObject({ text: z.string(), intent: z.string(), slots: z.record(z.string(), SlotValue).default({}) });
const ParaphraseFile = z.strictObject({ language: z.enum(LANGS), domains: z.record(z.string(), z.array(Item)) });

const knowledge = loadKnowledge();
const report: string[] = [];
afterAll(() => {
  process.stdout.write(`\nParaphrase sets (never trained on; template-produced sentences excluded):\n${report.join('\n')}\n`);
});

function load(lang: Lang): z.infer<typeof ParaphraseFile> {
  return ParaphraseFile.parse(parseYaml(readFileSync(join(projectRoot(), 'tests', 'intents', 'paraphrases', `${lang}.yaml`), 'utf8')));
}

for (const lang of LANGS) {
  describe(`paraphrases (${lang})`, () => {
    const file = load(lang);

    it('names only intents and slots of the catalog', () => {
      for (const items of Object.values(file.domains)) {
        for (const item of items) {
          const spec = knowledge.catalog.get(item.intent);
          expect(spec, item.intent).toBeDefined();
          for (const slot of Object.keys(item.slots)) expect(Object.keys(spec?.slots ?? {}), `${item.text}: ${slot}`).toContain(slot);
        }
      }
    });

    it(`understands at least ${TARGET * 100}% of them, with at least ${MIN_PER_DOMAIN} per domain that the templates do not produce`, () => {
      let right = 0;
      let total = 0;
      let slotRight = 0;
      let slotTotal = 0;
      const misses: string[] = [];
      for (const domain of [...DOMAINS, 'out_of_scope']) {
        const items = file.domains[domain] ?? [];
        // Held out means the templates do not say it: exact template hits do not count here.
        const held = items.filter((item) => knowledge.templates.match(item.text, lang) === null);
        if (domain !== 'out_of_scope') expect(held.length, `${lang}/${domain} sentences not produced by the templates`).toBeGreaterThanOrEqual(MIN_PER_DOMAIN);
        let domainRight = 0;
        for (const item of held) {
          const first = knowledge.nlu.understandSync(item.text, lang).understandings[0];
          const intent = first?.intent ?? 'out_of_scope';
          if (intent === item.intent) {
            domainRight++;
            for (const [slot, value] of Object.entries(item.slots)) {
              // Free text is compared loosely (recognizer-style): same words, any case and spacing.
              const got = first?.slots[slot];
              const same = typeof value === 'string' && typeof got === 'string' ? got.replace(/\s+/g, '') === value.toLowerCase().replace(/\s+/g, '') : got === value;
              slotTotal++;
              if (same) slotRight++;
            }
          } else misses.push(`  ${lang} ${item.intent} ← "${item.text}" got ${intent}${first ? ` (${first.source} ${first.confidence.toFixed(2)})` : ''}`);
        }
        right += domainRight;
        total += held.length;
        report.push(`  ${lang} ${domain.padEnd(12)} ${domainRight}/${held.length} (${((100 * domainRight) / Math.max(1, held.length)).toFixed(1)}%) of ${items.length} written`);
      }
      const oos = (file.domains.out_of_scope ?? []).map((item) => knowledge.nlu.understandSync(item.text, lang).understandings);
      const acted = oos.filter((us) => us.some((u) => u.intent !== 'out_of_scope')).length;
      // Answering a question is not acting; changing the car, the route, the music or sending something is.
      const touched = oos.filter((us) => us.some((u) => u.intent !== 'out_of_scope' && !u.intent.startsWith('assistant.'))).length;
      report.push(
        `  ${lang} accuracy ${((100 * right) / total).toFixed(1)}% (${right}/${total}); slots ${slotRight}/${slotTotal}; ` +
          `out_of_scope precision ${(100 * (1 - acted / Math.max(1, oos.length))).toFixed(1)}% (${acted} of ${oos.length} not refused, ${touched} of them an action on the car, route, media or messages)`,
      );
      if (right / total < TARGET) report.push(misses.join('\n'));
      expect(right / total).toBeGreaterThanOrEqual(TARGET);
    });
  });
}
