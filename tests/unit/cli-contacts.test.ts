// `kemudi contacts` through the real binary: JSON lines, the data-dir database, exit 2 on usage mistakes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kemudi, ROOT } from '../support/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-cli-contacts-'));
const env = { KEMUDI_DATA_DIR: dataDir };
const FIXTURE = join(ROOT, 'tests/fixtures/contacts.vcf');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('kemudi contacts', () => {
  it('imports a .vcf into the data dir, once, and lists it', () => {
    const first = kemudi(['contacts', 'import', FIXTURE], { env });
    expect(first.code).toBe(0);
    expect(first.lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ file: FIXTURE, imported: 15, updated: 0, skipped: 0, errors: [] }]);
    const again = kemudi(['contacts', 'import', FIXTURE], { env });
    expect(JSON.parse(again.lines[0] ?? '{}')).toMatchObject({ imported: 0, updated: 0, skipped: 15 });

    const list = kemudi(['contacts', 'list'], { env });
    expect(list.code).toBe(0);
    const contacts = list.lines.map((l) => JSON.parse(l) as { name: string; numbers: { number: string }[] });
    expect(contacts).toHaveLength(15);
    expect(contacts.find((c) => c.name === '王伟')?.numbers).toEqual([{ number: '+8613800138008', label: 'cell' }]);
  });

  it('reports bad cards in the summary line and keeps the good ones', () => {
    const file = join(dataDir, 'mixed.vcf');
    writeFileSync(file, 'BEGIN:VCARD\nVERSION:3.0\nFN:Nina\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN no colon\nEND:VCARD\n');
    const run = kemudi(['contacts', 'import', file], { env: { KEMUDI_DATA_DIR: join(dataDir, 'mixed') } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.lines[0] ?? '{}')).toMatchObject({ imported: 1, skipped: 1, errors: [{ card: 2, line: 5, code: 'parse_error' }] });
  });

  it('exits 2 on a usage mistake or a file that is no address book', () => {
    for (const args of [['contacts'], ['contacts', 'import'], ['contacts', 'import', 'a.vcf', 'b.vcf'], ['contacts', 'list', 'extra'], ['contacts', 'export'], ['contacts', 'list', '--all']]) {
      const run = kemudi(args, { env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^kemudi: /);
    }
    const missing = kemudi(['contacts', 'import', join(dataDir, 'nope.vcf')], { env });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read .*nope\.vcf/)]);
    const notVcf = kemudi(['contacts', 'import', join(ROOT, 'package.json')], { env });
    expect([notVcf.code, notVcf.stderr]).toEqual([2, expect.stringMatching(/holds no vCard/)]);
  });
});
