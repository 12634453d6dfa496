// Spoken answers by key, per language, from intents/responses/<lang>.yaml.
// A parameter given as {ref: "some.key"} is itself rendered from the same language's responses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LANGS, type Lang } from '../../common/contract.js';
import type { Responses, Speech } from './ports.js';

const ResponseFile = z.strictObject({ language: z.enum(LANGS), responses: z.record(z.string(), z.string()) });

export class ResponseCatalog implements Responses {
  constructor(private readonly byLang: ReadonlyMap<Lang, ReadonlyMap<string, string>>) {}

  static load(intentsDir: string): ResponseCatalog {
    const byLang = new Map<Lang, Map<string, string>>();
    for (const lang of LANGS) {
      const file = join(intentsDir, 'responses', `${lang}.yaml`);
      const parsed = ResponseFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (parsed.data.language !== lang) throw new Error(`${file}: says language ${parsed.data.language}`);
      byLang.set(lang, new Map(Object.entries(parsed.data.responses)));
    }
    return new ResponseCatalog(byLang);
  }

  has(lang: Lang, key: string): boolean {
    return this.byLang.get(lang)?.has(key) ?? false;
  }

  keys(lang: Lang): string[] {
    return [...(this.byLang.get(lang)?.keys() ?? [])];
  }

  render(lang: Lang, speech: Speech): string {
    const template = this.byLang.get(lang)?.get(speech.key) ?? this.byLang.get('en')?.get(speech.key) ?? speech.key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = speech.params?.[name];
      if (value === undefined) return whole;
      // A nested response sees the same parameters ("{reason}" may itself say "{contact}").
      return typeof value === 'object' ? this.render(lang, { key: value.ref, ...(speech.params ? { params: speech.params } : {}) }) : String(value);
    });
  }
}
