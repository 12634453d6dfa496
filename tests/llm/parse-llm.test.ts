// `kemudi parse` with a model: sentences that templates and the classifier cannot place go through the
// LLM's tool call (source "llm"), and every line that comes out is a valid intent of the catalog.
// Without a model nothing changes and nothing is printed about it; a broken model says so once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../main/core/compose.js';
import { kemudi } from '../support/cli.js';
import { ensureTinyQwen2 } from '../support/tiny-gguf.js';

const { catalog } = loadKnowledge();
/** Words no template or classifier feature knows: only the LLM can place them. */
const UNPLACEABLE = ['blorp zibble wug', 'frobnicate quux vorp', '咕噜咕噜哇啦哇啦', 'xyzzy plugh qwfp'];
const PLACEABLE = 'navigate to the airport';

const input = [PLACEABLE, ...UNPLACEABLE].map((text, i) => JSON.stringify({ id: i + 1, text })).join('\n');
const noModelEnv = (): NodeJS.ProcessEnv => ({ KEMUDI_MODEL: '', KEMUDI_LLM_URL: '', KEMUDI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kemudi-parse-')) });

interface Line {
  id: number;
  intent: string;
  slots: Record<string, string | number | boolean>;
  source: string;
  ms: number;
}

describe('kemudi parse and the LLM path', () => {
  let model: string;
  beforeAll(async () => {
    model = await ensureTinyQwen2();
  });

  it('routes unmatched sentences through the model, each answer a valid intent', () => {
    // Without a model these are not placed at all (checked here so the test stays honest if the NLU grows).
    const plain = kemudi(['parse'], { input, env: noModelEnv() }).lines.map((l) => JSON.parse(l) as Line);
    expect(plain.slice(1).map((l) => l.source)).toEqual(['none', 'none', 'none', 'none']);
    const run = kemudi(['parse'], { input, env: { ...noModelEnv(), KEMUDI_MODEL: model } });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.lines.map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4, 5]);
    // The format is the interface: exactly these keys.
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(['id', 'intent', 'ms', 'slots', 'source']);
    expect(lines[0]).toMatchObject({ intent: 'navigation.navigate', source: 'template' });
    for (const line of lines.slice(1)) {
      expect(line.source).toBe('llm');
      expect(catalog.names()).toContain(line.intent);
      const spec = catalog.get(line.intent);
      for (const key of Object.keys(line.slots)) expect(Object.keys(spec?.slots ?? {})).toContain(key);
    }
  });

  it('without a model, the same sentences stay unplaced and stderr stays quiet', () => {
    const run = kemudi(['parse'], { input, env: noModelEnv() });
    expect(run.code).toBe(0);
    const lines = run.lines.map((l) => JSON.parse(l) as Line);
    expect(lines[0]).toMatchObject({ source: 'template' });
    expect(lines.slice(1).map((l) => l.source)).not.toContain('llm');
    expect(run.stderr).toBe('');
  });

  it('with a corrupt model, says once that the LLM is off and parses the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemudi-corrupt-'));
    const corrupt = join(dir, 'corrupt.gguf');
    writeFileSync(corrupt, Buffer.from('not a gguf file at all, just text'));
    const run = kemudi(['parse'], { input, env: { ...noModelEnv(), KEMUDI_MODEL: corrupt } });
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(5);
    expect(run.stderr.match(/the LLM is off/g)).toHaveLength(1);
    expect(run.stderr).toContain('not a GGUF model');
  });
});
