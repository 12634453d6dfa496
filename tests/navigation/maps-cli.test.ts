// `kemudi maps` through the real binary: JSON lines, the data-dir database, progress on stderr, exit 2 on
// usage mistakes and 1 on a file that is not a map. Runs on the generated sample town, and on Monaco when
// the shared extracts are there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_MAP_FILE, writeSampleMap } from '../../main/simulator/sample-map.js';
import { kemudi } from '../support/cli.js';
import { extract, titled } from './extracts.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-cli-maps-'));
const env = { KEMUDI_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const json = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('kemudi maps', () => {
  it('imports a file (progress on stderr, one JSON line), again in place, lists, searches and removes it', () => {
    const file = writeSampleMap(join(dataDir, 'osm'));
    const first = kemudi(['maps', 'import', file], { env });
    expect(first.code).toBe(0);
    expect(json(first.lines)).toEqual([
      { id: 1, name: SAMPLE_MAP_FILE, path: file, format: 'xml', replaced: false, vertices: 52, edges: 88, streets: 15, pois: 7, addresses: 0, restrictions: 1, ms: expect.any(Number) },
    ]);
    expect(first.stderr).toMatch(/reading ways/);
    expect(first.stderr).toMatch(/building roads/);
    const again = kemudi(['maps', 'import', file], { env });
    expect(json(again.lines)).toEqual([expect.objectContaining({ id: 1, replaced: true, edges: 88 })]);

    const list = kemudi(['maps', 'list'], { env });
    expect([list.code, list.stderr]).toEqual([0, '']);
    expect(json(list.lines)).toEqual([
      expect.objectContaining({ id: 1, name: SAMPLE_MAP_FILE, format: 'xml', edges: 88, sample: false, attribution: '© OpenStreetMap contributors', bbox: expect.any(Array) }),
    ]);

    const harbour = kemudi(['maps', 'search', 'jl pelabuhan', '--near', '43.7384,7.4246', '--lang', 'id'], { env });
    expect([harbour.code, harbour.stderr]).toEqual([0, '']);
    expect(json(harbour.lines)[0]).toMatchObject({ kind: 'street', name: 'Jalan Pelabuhan', distanceM: expect.any(Number), edge: expect.any(Number) });
    const fuel = kemudi(['maps', 'search', '加油站', '--near=43.7384,7.4246', '--lang', 'zh'], { env });
    expect(json(fuel.lines)).toEqual([expect.objectContaining({ kind: 'poi', name: '港口加油站', category: 'fuel' })]);
    const none = kemudi(['maps', 'search', 'NEAR("'], { env });
    expect([none.code, none.stdout, none.stderr]).toEqual([0, '', '']);

    expect(json(kemudi(['maps', 'remove', '1'], { env }).lines)).toEqual([{ id: 1, removed: true }]);
    expect(json(kemudi(['maps', 'remove', '1'], { env }).lines)).toEqual([{ id: 1, removed: false }]);
    expect(kemudi(['maps', 'list'], { env }).lines).toEqual([]);
  });

  const monaco = extract('monaco.osm.pbf');
  it.skipIf(monaco === null)(titled('imports Monaco and finds its casino', ['monaco.osm.pbf']), () => {
    const imported = kemudi(['maps', 'import', monaco as string], { env });
    expect(imported.code).toBe(0);
    const [line] = json(imported.lines);
    expect(line).toMatchObject({ name: 'monaco.osm.pbf', format: 'pbf', edges: expect.any(Number), restrictions: expect.any(Number) });
    console.log(`kemudi maps import monaco.osm.pbf: ${JSON.stringify(line)}`);
    const casino = kemudi(['maps', 'search', 'the casino', '--near', '43.7384,7.4246'], { env });
    expect(json(casino.lines)[0]).toMatchObject({ kind: 'poi', name: 'Casino de Monte Carlo' });
  });

  it('exits 2 on a usage mistake, and 1 with a JSON error on a file that is not a map', () => {
    for (const args of [
      ['maps'],
      ['maps', 'draw'],
      ['maps', 'import'],
      ['maps', 'import', 'a', 'b'],
      ['maps', 'list', 'x'],
      ['maps', 'list', '--near', '1,2'],
      ['maps', 'search'],
      ['maps', 'search', 'x', '--near', 'north'],
      ['maps', 'search', 'x', '--near', '91,0'],
      ['maps', 'search', 'x', '--lang', 'fr'],
      ['maps', 'remove', 'one'],
      ['maps', 'search', 'x', '--zoom', '3'],
    ]) {
      const run = kemudi(args, { env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^kemudi: /);
    }
    const missing = kemudi(['maps', 'import', join(dataDir, 'nope.osm')], { env });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read .*nope\.osm: no such file/)]);
    const text = join(dataDir, 'notes.txt');
    writeFileSync(text, 'not a map');
    const bad = kemudi(['maps', 'import', text], { env });
    expect(bad.code).toBe(1);
    expect(json(bad.lines)).toEqual([{ file: text, error: { code: 'invalid_message', message: expect.stringMatching(/neither/) } }]);
  });
});
