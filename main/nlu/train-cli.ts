// Build step: trains dist/nlu/models.json from the sentence files when they changed since the last build.
import { performance } from 'node:perf_hooks';
import { intentsDir, nluModelsFile } from '../core/paths.js';
import { IntentCatalog } from './catalog.js';
import { TemplateMatcher } from './sentences.js';
import { readModels, trainAll, writeModels } from './train.js';

const dir = intentsDir();
const file = nluModelsFile();
if (readModels(file, dir) && !process.argv.includes('--force')) {
  process.stdout.write('kemudi: NLU models are up to date\n');
} else {
  const started = performance.now();
  const catalog = IntentCatalog.load(dir);
  const models = trainAll(dir, TemplateMatcher.load(dir, catalog).compileAll(), catalog);
  writeModels(file, models);
  const summary = Object.entries(models.byLang).map(([lang, m]) => `${lang}: ${m.trainingSamples} samples of ${m.expandedSentences} expanded sentences`);
  process.stdout.write(`kemudi: trained NLU models in ${((performance.now() - started) / 1000).toFixed(1)} s (${summary.join('; ')})\n`);
}
