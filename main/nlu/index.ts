// The NLU route: normalize → templates → (classifier and LLM arrive in their issues) → validated intent.
import type { Lang } from '../../common/contract.js';
import type { Nlu, NluResult } from '../core/ports.js';
import type { IntentCatalog } from './catalog.js';
import { guessLanguage } from './language.js';
import type { TemplateMatcher } from './sentences.js';

export class TemplateNlu implements Nlu {
  constructor(
    private readonly catalog: IntentCatalog,
    private readonly templates: TemplateMatcher,
  ) {}

  understand(text: string, lang?: Lang): Promise<NluResult> {
    return Promise.resolve(this.understandSync(text, lang));
  }

  understandSync(text: string, lang?: Lang): NluResult {
    const guessed = lang ?? guessLanguage(text);
    // With no language given, try the guess first, then the others: a hit is better evidence than a guess.
    const order: Lang[] = lang ? [lang] : [guessed, ...(['en', 'id', 'zh'] as const).filter((l) => l !== guessed)];
    for (const candidate of order) {
      const hit = this.templates.match(text, candidate);
      if (!hit) continue;
      const slots = this.catalog.validateSlots(hit.intent, hit.slots);
      // A template whose slots break the schema is a bug in the sentence files; the tests catch it.
      if (!slots.ok) continue;
      return { lang: candidate, understandings: [{ intent: hit.intent, slots: slots.value, source: 'template', confidence: 1 }] };
    }
    return { lang: guessed, understandings: [] };
  }
}
