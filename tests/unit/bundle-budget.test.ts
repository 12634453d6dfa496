// The renderer's size budget (scripts/bundle-budget.mjs), which every build checks: a file over its budget
// and a budget that no file matches (a renamed bundle slipping past) are both caught; the real build fits.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../main/core/paths.js';
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { BUDGETS, measure } from '../../scripts/bundle-budget.mjs';

interface Row {
  what: string;
  bytes: number;
  limit: number;
  ok: boolean;
}
const check = measure as (dir: string, budgets?: unknown) => { rows: Row[]; missing: string[] };

const dir = mkdtempSync(join(tmpdir(), 'kemudi-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the renderer size budget', () => {
  it('measures gzip sizes, flags a file over its budget and a budget with no file', () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'assets/index-abc.js'), 'const a = 1;\n'.repeat(10_000)); // compresses well
    writeFileSync(join(dir, 'assets/index-abc.css'), randomBytes(64 * 1024)); // does not
    const { rows, missing } = check(dir, [
      ['page JavaScript', /^assets\/index-[\w-]+\.js$/, 'gzip', 4 * 1024],
      ['page CSS', /^assets\/index-[\w-]+\.css$/, 'gzip', 24 * 1024],
      ['a worker', /^workers\/x-[\w-]+\.js$/, 'gzip', 1024],
    ]);
    expect(rows.find((r) => r.what === 'page JavaScript')).toMatchObject({ ok: true });
    expect(rows.find((r) => r.what === 'page JavaScript')!.bytes).toBeLessThan(4 * 1024);
    expect(rows.find((r) => r.what === 'page CSS')).toMatchObject({ ok: false });
    expect(missing).toEqual(['a worker']);
  });

  it.runIf(existsSync(join(rendererDir(), 'index.html')))('the real build fits every budget', () => {
    const { rows, missing } = check(rendererDir(), BUDGETS);
    expect(missing).toEqual([]);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });
});
