// `npm run bench [-- suite …]`: runs every suite (or those named) and prints one JSON line per figure.
import { coreSuite } from './core.js';
import { dialogueSuite } from './dialogue.js';
import type { Suite } from './lib.js';
import { llmSuite } from './llm.js';
import { navSuite } from './nav.js';
import { nluSuite } from './nlu.js';
import { soakSuite } from './soak.js';
import { uiSuite } from './ui.js';
import { voiceSuite } from './voice.js';

const SUITES: Suite[] = [coreSuite, nluSuite, dialogueSuite, llmSuite, soakSuite, navSuite, voiceSuite, uiSuite];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(`bench: no suite named ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
for (const suite of SUITES) {
  if (wanted.length === 0 || wanted.includes(suite.name)) await suite.run();
}
