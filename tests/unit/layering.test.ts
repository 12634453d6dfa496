// The layering of ARCHITECTURE.md is enforced by ESLint; this proves the rule bites where it should.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const eslint = new ESLint({ cwd: ROOT });

async function restricted(filePath: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layering rules', () => {
  it.each([
    ['common/x.ts', "import { a } from '../main/core/assistant.js'; export { a };"],
    ['common/x.ts', "import { readFileSync } from 'node:fs'; export { readFileSync };"],
    ['main/core/x.ts', "import { b } from '../../renderer/src/app.js'; export { b };"],
    ['main/core/x.ts', "import { app } from 'electron'; export { app };"],
    ['main/cli/x.ts', "import { app } from 'electron'; export { app };"],
    ['renderer/src/x.ts', "import { c } from '../../main/core/assistant.js'; export { c };"],
    ['renderer/src/x.ts', "import { app } from 'electron'; export { app };"],
    ['main/app/x.ts', "import { d } from '../../renderer/src/app.js'; export { d };"],
  ])('refuses %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(true);
  });

  it.each([
    ['main/app/x.ts', "import { app } from 'electron'; export { app };"],
    ['main/preload/x.ts', "import { contextBridge } from 'electron'; export { contextBridge };"],
    ['main/core/x.ts', "import { Command } from '../../common/contract.js'; export { Command };"],
    ['renderer/src/x.ts', "import { Command } from '../../common/contract.js'; export { Command };"],
    ['common/x.ts', "import { ok } from './result.js'; export { ok };"],
  ])('allows %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(false);
  });
});
